import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MinuteBars, writeMinuteBarsCsv } from '@hfq/bars';
import { createMarket } from '@hfq/sim';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportSources } from './import.js';
import { openOrImport, summarizeImport } from './open-or-import.js';

const root = mkdtempSync(join(tmpdir(), 'hfq-open-or-import-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openOrImport and summarizeImport', () => {
  it('imports once (through <dir>.partial), then opens; the summary counts rejections by rule', async () => {
    const market = createMarket({ nStocks: 3, nDays: 2, seed: 4 });
    const frames = market.assets.map((_, a) => market.minuteBars(a, 1)).filter((f) => f !== null);
    // one stock-day broken: a bar whose high is below its low
    const broken: MinuteBars = { ...frames[0]!, high: frames[0]!.high.slice() };
    broken.high[5] = frames[0]!.low[5]! - 1;
    const file = join(root, `${market.calendar.dates[1]}.csv`);
    await writeMinuteBarsCsv(file, [broken, ...frames.slice(1)]);
    const dir = join(root, 'cache', 'ds');
    // a partial import left by a killed run is replaced, not mistaken for a dataset
    mkdirSync(`${dir}.partial`, { recursive: true });
    writeFileSync(join(`${dir}.partial`, 'junk'), 'x');
    let calls = 0;
    const sources = (): ImportSources => {
      calls++;
      return { minute: { files: [file] } };
    };
    const first = await openOrImport(dir, sources, { mode: 'strict', maxReject: 1, open: { cacheDays: 1 } });
    expect(first.imported).toBe(true);
    expect(first.reader.cacheDays).toBe(1);
    expect(existsSync(`${dir}.partial`)).toBe(false);
    const second = await openOrImport(dir, sources, { mode: 'strict' });
    expect(second.imported).toBe(false);
    expect(calls).toBe(1);
    expect(second.report).toEqual(JSON.parse(JSON.stringify({ ...first.report, manifest: undefined })));
    expect(summarizeImport(second.report)).toEqual({
      lines: [
        `minute ${market.calendar.dates[1]}.csv: ${frames.length - 1} written, 1 rejected (1 BARS_HIGH_BELOW_LOW), 0 repaired`,
      ],
      rejected: { BARS_HIGH_BELOW_LOW: 1 },
      repaired: 0,
    });
  });
});
