import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePanelsParquet } from '@hfq/bars';
import { Panel } from '@hfq/core';
import { evaluateFactors, MINUTE_FACTORS } from '@hfq/factor-dsl';
import { createMarket } from '@hfq/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTOR_OUTPUT_MANIFEST, writeFactorShard } from './factor-output.js';
import { openFactorSource } from './factor-source.js';
import { openDataset } from './reader.js';
import { exportSimMarket } from './sim-export.js';

const market = createMarket({ nStocks: 6, nDays: 7, seed: 11 });
const FACTORS = MINUTE_FACTORS.slice(0, 5);
let root: string;
let ds: string;

async function factorRun(dir: string, out: string, format: 'parquet' | 'csv'): Promise<void> {
  const r = openDataset(dir, { loadOnDemand: true });
  await writeFactorShard(r, FACTORS, out, { format }).finally(() => r.close());
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-pipe-'));
  ds = join(root, 'ds');
  await exportSimMarket(ds, { market, ticks: false });
  await factorRun(ds, join(root, 'f-parquet'), 'parquet');
  await factorRun(ds, join(root, 'f-csv'), 'csv');
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sameOrBothNaN = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)))) expect(x, `value ${i}`).toBe(y);
  }
};

describe('openFactorSource (the models factor input, from an hfq factors output)', () => {
  it('day(t) equals the in-memory FactorCube of the same sim market, value for value, in both formats', async () => {
    const cube = await evaluateFactors(market, FACTORS);
    for (const format of ['parquet', 'csv']) {
      const src = openFactorSource(join(root, `f-${format}`));
      try {
        expect([...src.dates]).toEqual([...cube.dates]);
        expect(src.assets).toEqual(cube.assets);
        expect(src.factors).toEqual(cube.factors);
        let finite = 0;
        // backwards, then forwards: each read answers for its own date whatever was prefetched
        for (const t of [6, 5, 0, 1, 2, 3, 4, 5, 6]) {
          const got = src.day(t);
          sameOrBothNaN(got, cube.day(t));
          for (const v of got) if (Number.isFinite(v)) finite++;
        }
        expect(finite).toBeGreaterThan(0);
        expect(src.cachedDays().length).toBeLessThanOrEqual(src.cacheDays);
        expect(() => src.day(7)).toThrow(/outside/);
      } finally {
        await src.close();
      }
    }
  });

  it('names the missing date file', async () => {
    const out = join(root, 'f-parquet');
    const { renameSync } = await import('node:fs');
    const d = market.calendar.dates[3]!;
    renameSync(join(out, `date=${d}`), join(root, 'moved'));
    const src = openFactorSource(out);
    try {
      expect(() => src.day(3)).toThrow(new RegExp(`date ${d} has no file`));
      expect(src.day(2).length).toBe(6 * FACTORS.length);
    } finally {
      await src.close();
      renameSync(join(root, 'moved'), join(out, `date=${d}`));
    }
  });

  it('holds at most cacheDays matrices whatever the number of days (5 vs 30 days, child processes)', () => {
    const probe = fileURLToPath(new URL('./test-utils/factor-source-probe.ts', import.meta.url));
    const run = (out: string) => {
      const r = spawnSync(
        process.execPath,
        ['--expose-gc', '--conditions=source', '--import', 'tsx', probe, out, '2'],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as { days: number; alive: number; finite: boolean; maxRssKb: number };
    };
    const results = [];
    for (const days of [5, 30]) {
      // a synthetic factor output (the layout of writeFactorShard; values need no factor run)
      const out = join(root, `mem${days}-f`);
      const dates = Array.from({ length: days }, (_, t) => 20200101 + t);
      const assets = ['000001.SZ', '000002.SZ', '600000.SH'];
      const factors = ['a', 'b'];
      mkdirSync(out, { recursive: true });
      writeFileSync(
        join(out, FACTOR_OUTPUT_MANIFEST),
        `${JSON.stringify({ format: 'hfq-factors', version: 1, dates, assets, factors, fileFormat: 'parquet' })}\n`,
      );
      for (const d of dates) {
        mkdirSync(join(out, `date=${d}`));
        const panels: Record<string, Panel> = {};
        for (const [k, f] of factors.entries())
          panels[f] = new Panel(
            [d],
            assets,
            Float64Array.from(assets, (_, a) => d + a / 10 + k),
          );
        writePanelsParquet(join(out, `date=${d}`, 'part-0.parquet'), panels);
      }
      results.push(run(out));
    }
    const [small, large] = results;
    expect(small!.days).toBe(5);
    expect(large!.days).toBe(30);
    expect(large!.finite).toBe(true);
    // what the source retains after iterating: the LRU's days, not one matrix per day
    expect(small!.alive).toBeLessThanOrEqual(2);
    expect(large!.alive).toBeLessThanOrEqual(2);
    expect(large!.maxRssKb / small!.maxRssKb).toBeLessThan(1.25);
  }, 120_000);
});

describe('DatasetReader.backtestMarket (the optimizer input, from a dataset)', () => {
  it('equals the sim market daily panels, index and industries value for value', async () => {
    const r = openDataset(ds);
    const bm = await r.backtestMarket({ industryNames: market.industryNames });
    const daily = market.daily();
    for (const [k, p] of Object.entries(daily)) {
      const got = (bm.daily as unknown as Record<string, { values: Float64Array; dates: Int32Array }>)[k]!;
      sameOrBothNaN(got.values, p.values);
      expect([...got.dates]).toEqual([...p.dates]);
    }
    const idx = market.index();
    expect(bm.index.name).toBe(idx.name);
    sameOrBothNaN(bm.index.constituent.values, idx.constituent.values);
    sameOrBothNaN(bm.index.weight.values, idx.weight.values);
    sameOrBothNaN(bm.index.ret, idx.ret);
    sameOrBothNaN(bm.index.close, idx.close);
    expect([...bm.industry]).toEqual([...market.industry]);
    expect(bm.industryNames).toEqual(market.industryNames);
    expect(bm.styles).toBeUndefined();
    // default names: the distinct industries, sorted; the same grouping
    const byDefault = await r.backtestMarket({ styles: market.styles() });
    for (let a = 0; a < market.assets.length; a++)
      expect(byDefault.industryNames[byDefault.industry[a]!]).toBe(market.industryNames[market.industry[a]!]);
    expect(byDefault.styles).toBe(market.styles());
    await expect(r.backtestMarket({ industryNames: ['none'] })).rejects.toMatchObject({
      code: 'DATASET_CONTENT',
    });
  });
});
