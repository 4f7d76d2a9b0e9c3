import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MinuteBars, writeMinuteBarsCsv } from '@hfq/bars';
import { createMarket } from '@hfq/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli/main.js';
import { IMPORT_MAPPINGS, importDailyFiles } from './import.js';
import { openDataset } from './reader.js';

const market = createMarket({ nStocks: 3, nDays: 3, seed: 21 });
const dates = market.calendar.dates;
let root: string;
const files: string[] = [];
let rejectedAsset = '';
let repairedAsset = '';
let day0 = 0;
let day1 = 0;

function dayFrames(t: number): MinuteBars[] {
  return [0, 1, 2].map((a) => market.minuteBars(a, t)).filter((f): f is MinuteBars => f !== null);
}

/** A copy of `f` with row `r` repeated right after itself (an exact duplicate row). */
function withDuplicateRow(f: MinuteBars, r: number): MinuteBars {
  const dup = <A extends Float64Array | Int32Array>(x: A): A => {
    const out = new (x.constructor as new (n: number) => A)(x.length + 1);
    out.set(x.subarray(0, r + 1));
    out.set(x.subarray(r), r + 1);
    return out;
  };
  return {
    ...f,
    time: dup(f.time),
    open: dup(f.open),
    high: dup(f.high),
    low: dup(f.low),
    close: dup(f.close),
    volume: dup(f.volume),
    amount: dup(f.amount),
    trades: dup(f.trades),
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-import-'));
  // day 0: clean
  files.push(join(root, `${dates[0]}.csv`));
  day0 = dayFrames(0).length;
  await writeMinuteBarsCsv(files[0]!, dayFrames(0));
  // day 1: stock 0 has high < low on row 5 (rejected), stock 1 an exact duplicate of row 7 (repaired)
  const d1 = dayFrames(1);
  day1 = d1.length;
  rejectedAsset = d1[0]!.asset!;
  repairedAsset = d1[1]!.asset!;
  const broken = { ...d1[0]!, high: d1[0]!.high.slice() };
  broken.high[5] = d1[0]!.low[5]! - 0.5;
  files.push(join(root, `${dates[1]}.csv`));
  await writeMinuteBarsCsv(files[1]!, [broken, withDuplicateRow(d1[1]!, 7), ...d1.slice(2)]);
  // day 2: a close cell that is not a number: the whole file is rejected
  files.push(join(root, `${dates[2]}.csv`));
  await writeMinuteBarsCsv(files[2]!, dayFrames(2));
  const lines = readFileSync(files[2]!, 'utf8').split('\n');
  const closeCol = lines[0]!.split(',').indexOf('close');
  const cells = lines[3]!.split(',');
  cells[closeCol] = 'n/a';
  lines[3] = cells.join(',');
  writeFileSync(files[2]!, lines.join('\n'));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('importDailyFiles', () => {
  it('reports every repaired row and rejected stock-day per file, writes the rest', async () => {
    const dir = join(root, 'ds');
    const report = await importDailyFiles(dir, [...files].reverse());
    expect(report.ok).toBe(false);
    const [f0, f1, f2] = report.files;
    expect(f0).toMatchObject({
      file: files[0],
      date: dates[0],
      stockDays: day0,
      rejected: [],
      repaired: [],
      error: null,
    });
    expect(f1!.date).toBe(dates[1]);
    expect(day1).toBeGreaterThanOrEqual(2);
    expect(f1!.stockDays).toBe(day1 - 1);
    expect(f1!.rejected).toHaveLength(1);
    expect(f1!.rejected[0]).toMatchObject({ asset: rejectedAsset, date: dates[1] });
    expect(f1!.rejected[0]!.issues[0]).toMatchObject({ code: 'BARS_HIGH_BELOW_LOW', row: 5 });
    expect(f1!.repaired).toEqual([
      expect.objectContaining({ action: 'drop-duplicate', row: 8, asset: repairedAsset, date: dates[1] }),
    ]);
    expect(f2!.error).toMatch(/BARS_PARSE_NUMBER.*field=close/);
    expect(f2!.stockDays).toBe(0);
    // what was written reads back equal to the source
    const ds = openDataset(dir);
    expect([...ds.calendar.dates]).toEqual([dates[0], dates[1]]);
    await ds.loadDay(1);
    expect(ds.minuteBars(ds.assets.indexOf(rejectedAsset), 1)).toBeNull();
    const repaired = ds.minuteBars(ds.assets.indexOf(repairedAsset), 1)!;
    expect([...repaired.close]).toEqual([...market.minuteBars(market.assetIndex(repairedAsset), 1)!.close]);
    const saved = JSON.parse(readFileSync(join(dir, 'import-report.json'), 'utf8'));
    expect(saved.files[1].rejected[0].issues[0].row).toBe(5);
  });

  it('reads vendor column names through the bars mapping (symbol + exchange, hhmmssmmm times, turnover)', async () => {
    const frames = dayFrames(0).filter((f) => f.asset!.endsWith('.SZ'));
    expect(frames.length).toBeGreaterThan(0);
    const lines = ['symbol,exchange,tradingDay,time,open,high,low,close,volume,turnover'];
    for (const f of frames) {
      for (let r = 0; r < f.time.length; r++) {
        const min = f.time[r]! / 60_000;
        const hhmm = Math.floor(min / 60) * 100 + (min % 60);
        lines.push(
          [
            f.asset!.slice(0, 6),
            'SZSE',
            f.date,
            hhmm * 100_000,
            f.open[r],
            f.high[r],
            f.low[r],
            f.close[r],
            f.volume[r],
            f.amount[r],
          ].join(','),
        );
      }
    }
    const file = join(root, 'vendor', `${dates[0]}.csv`);
    mkdirSync(join(root, 'vendor'), { recursive: true });
    writeFileSync(file, `${lines.join('\n')}\n`);
    const report = await importDailyFiles(join(root, 'vendor-ds'), [file], {
      mapping: IMPORT_MAPPINGS.vendor!,
    });
    expect(report.ok).toBe(true);
    expect(report.files[0]!.stockDays).toBe(frames.length);
    const ds = openDataset(join(root, 'vendor-ds'));
    await ds.loadDay(0);
    for (const f of frames) {
      const got = ds.minuteBars(ds.assets.indexOf(f.asset!), 0)!;
      expect([...got.time]).toEqual([...f.time]);
      expect([...got.close]).toEqual([...f.close]);
      expect([...got.amount]).toEqual([...f.amount]);
    }
  });

  it('hfq data import prints each rejection and exits 1; --strict rejects what repair would fix', async () => {
    let out = '';
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } };
    expect(await runCli(['data', 'import', join(root, 'cli'), files[0]!, files[1]!], io)).toBe(1);
    expect(out).toMatch(
      new RegExp(
        `rejected ${rejectedAsset.replace('.', '\\.')} ${dates[1]}: BARS_HIGH_BELOW_LOW row 5 field high`,
      ),
    );
    expect(out).toMatch(/repaired .* drop-duplicate/);
    out = '';
    expect(await runCli(['data', 'import', join(root, 'strict'), files[1]!, '--strict'], io)).toBe(1);
    expect(out).toMatch(/0 repairs, 2 stock-days rejected/);
    expect(await runCli(['data', 'import', join(root, 'ok'), files[0]!], io)).toBe(0);
    expect(await runCli(['data', 'import', join(root, 'm'), files[0]!, '--mapping', 'nope'], io)).toBe(2);
  });
});
