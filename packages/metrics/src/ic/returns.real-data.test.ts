/**
 * Real daily A-share bars (../shared/data/real/cn-daily-universe): adjusted returns must remove
 * the ex-dividend drops that raw prices show. Reads only the first two stocks of the file.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Panel, parseYmd } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../../test-support/shared-data.js';
import { dailyReturns, forwardReturns } from './returns.js';

const { path, available } = sharedData(
  'metrics real-data return tests',
  'data',
  'real',
  'cn-daily-universe',
  'daily_core_20200102-20260508.csv.gz',
);

/** close and factor panels of the first `nStocks` symbols in the file (sorted by symbol, then date). */
async function firstStocks(
  nStocks: number,
): Promise<{ close: Panel<Float64Array>; adj: Panel<Float64Array> }> {
  const rl = createInterface({ input: createReadStream(path).pipe(createGunzip()) });
  const bySymbol = new Map<string, Map<number, [number, number]>>();
  let header = true;
  for await (const line of rl) {
    if (header) {
      header = false;
      continue;
    }
    const [date, symbol, , , , close, , factor] = line.split(',');
    if (!bySymbol.has(symbol!)) {
      if (bySymbol.size === nStocks) break;
      bySymbol.set(symbol!, new Map());
    }
    bySymbol.get(symbol!)!.set(parseYmd(date!), [Number(close), Number(factor)]);
  }
  rl.close();
  const assets = [...bySymbol.keys()];
  const dates = [...new Set([...bySymbol.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const close = Panel.alloc(dates, assets);
  const adj = Panel.alloc(dates, assets);
  assets.forEach((s, a) => {
    dates.forEach((d, t) => {
      const v = bySymbol.get(s)!.get(d);
      if (v) {
        close.set(t, a, v[0]);
        adj.set(t, a, v[1]);
      }
    });
  });
  return { close, adj };
}

describe.runIf(available)('returns on real daily bars (cn-daily-universe)', () => {
  it('adjusted returns differ from raw only on ex-dividend days, and remove the drop', async () => {
    const { close, adj } = await firstStocks(2);
    const raw = dailyReturns(close);
    const adjusted = dailyReturns(close, { adjFactor: adj });
    let exDays = 0;
    for (let a = 0; a < close.nAssets; a++) {
      for (let t = 1; t < close.nDates; t++) {
        const changed = adj.get(t, a) !== adj.get(t - 1, a);
        const r = raw.get(t, a);
        const q = adjusted.get(t, a);
        if (!changed) {
          expect(Math.abs(q - r)).toBeLessThan(1e-12);
          continue;
        }
        exDays++;
        // The raw return carries the dividend drop; the adjusted one adds it back.
        expect(q).toBeGreaterThan(r);
        expect(q).toBeCloseTo(
          (close.get(t, a) * adj.get(t, a)) / (close.get(t - 1, a) * adj.get(t - 1, a)) - 1,
          12,
        );
      }
    }
    expect(exDays).toBeGreaterThanOrEqual(6); // SH600000 pays every July
    // The weekly label from adjusted prices equals the compounded adjusted daily returns.
    const fwd = forwardReturns(close, 1, 6, { adjFactor: adj });
    let g = 1;
    for (let k = 2; k <= 6; k++) g *= 1 + adjusted.get(100 + k, 0);
    expect(fwd.get(100, 0)).toBeCloseTo(g - 1, 12);
  }, 30_000);
});
