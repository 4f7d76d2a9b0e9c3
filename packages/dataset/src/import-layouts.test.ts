import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CN_15MIN_BARS,
  type MinuteBars,
  readDailyBarsCsv,
  type TickSnapshots,
  writeMinuteBarsCsv,
  writeMinuteBarsParquet,
  writeTickSnapshotsCsv,
} from '@hfq/bars';
import { createMarket } from '@hfq/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_TICK_MAPPINGS, importFiles } from './import.js';
import { openDataset } from './reader.js';
import { captureCli } from './test-utils/capture-cli.js';

const market = createMarket({ nStocks: 4, nDays: 4, seed: 21 });
const dates = [...market.calendar.dates];
const assets = market.assets;
let root: string;

/** Every (asset index, day index) with minute bars, in asset order then day order. */
const stockDays: [number, number][] = [];
for (let a = 0; a < assets.length; a++)
  for (let t = 0; t < dates.length; t++) if (market.minuteBars(a, t) !== null) stockDays.push([a, t]);

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const;
function expectSameBars(got: MinuteBars | null, want: MinuteBars): void {
  expect(got).not.toBeNull();
  for (const f of FIELDS) expect([...got![f]], f).toEqual([...want[f]]);
}

/** The first `n` snapshots of a tick frame (a small fixture). */
function firstTicks(f: TickSnapshots, n: number): TickSnapshots {
  const L = f.levels;
  const out = { ...f };
  for (const k of ['time', 'last', 'volume', 'amount', 'trades'] as const)
    (out as Record<string, unknown>)[k] = f[k].slice(0, n);
  for (const k of ['bidPrice', 'bidVolume', 'bidOrders', 'askPrice', 'askVolume', 'askOrders'] as const)
    out[k] = f[k].slice(0, n * L);
  return out;
}

async function readBack(dir: string, a: number, t: number): Promise<MinuteBars | null> {
  const ds = openDataset(dir);
  const ti = ds.calendar.indexOf(dates[t]!);
  await ds.loadDay(ti);
  return ds.minuteBars(ds.assets.indexOf(assets[a]!), ti);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hfq-import-layouts-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('importFiles: one file per stock-day', () => {
  it('reads {asset}/{date}.csv in any order and writes what the files hold, value for value', async () => {
    const files: string[] = [];
    for (const [a, t] of stockDays) {
      mkdirSync(join(root, 'sd', assets[a]!), { recursive: true });
      const file = join(root, 'sd', assets[a]!, `${dates[t]}.csv`);
      await writeMinuteBarsCsv(file, [market.minuteBars(a, t)!]);
      files.push(file);
    }
    const dir = join(root, 'sd-ds');
    const report = await importFiles(dir, {
      minute: { files: [...files].reverse(), layout: 'stock-day', pattern: '{asset}/{date}.csv' },
    });
    expect(report.ok).toBe(true);
    expect(report.files).toHaveLength(stockDays.length);
    expect(report.files.every((f) => f.stockDays === 1 && f.error === null)).toBe(true);
    const ds = openDataset(dir);
    expect([...ds.calendar.dates]).toEqual(dates);
    expect(ds.assets).toEqual([...assets].sort());
    for (const [a, t] of stockDays) expectSameBars(await readBack(dir, a, t), market.minuteBars(a, t)!);
  });

  it('rejects a file whose name does not match the pattern or names another stock, and reports both', async () => {
    const [a, t] = stockDays[0]!;
    mkdirSync(join(root, 'sd2', assets[a]!), { recursive: true });
    mkdirSync(join(root, 'sd2', assets[(a + 1) % assets.length]!), { recursive: true });
    const good = join(root, 'sd2', assets[a]!, `${dates[t]}.csv`);
    const wrongStock = join(root, 'sd2', assets[(a + 1) % assets.length]!, `${dates[t]}.csv`);
    const noMatch = join(root, 'sd2', assets[a]!, 'notes.csv');
    for (const f of [good, wrongStock, noMatch]) await writeMinuteBarsCsv(f, [market.minuteBars(a, t)!]);
    const report = await importFiles(join(root, 'sd2-ds'), {
      minute: { files: [good, wrongStock, noMatch], layout: 'stock-day', pattern: '{asset}/{date}.csv' },
    });
    expect(report.ok).toBe(false);
    const byFile = new Map(report.files.map((f) => [f.file, f]));
    expect(byFile.get(good)!).toMatchObject({ error: null, stockDays: 1 });
    expect(byFile.get(wrongStock)!.error).toMatch(/holds .*, its name says/);
    expect(byFile.get(noMatch)!.error).toBe('the file name does not match the pattern');
    expect(JSON.parse(readFileSync(join(root, 'sd2-ds', 'import-report.json'), 'utf8')).files).toHaveLength(
      3,
    );
  });

  it('needs {date} in the pattern', async () => {
    await expect(
      importFiles(join(root, 'sd3-ds'), {
        minute: { files: [join(root, 'sd2', 'x.csv')], layout: 'stock-day' },
      }),
    ).rejects.toMatchObject({ code: 'DATASET_INPUT' });
  });
});

describe('importFiles: one file per stock', () => {
  it('merges {asset}.parquet files (all days each) day by day, value for value', async () => {
    const files: string[] = [];
    for (let a = 0; a < assets.length; a++) {
      const frames = stockDays.filter(([b]) => b === a).map(([, t]) => market.minuteBars(a, t)!);
      const file = join(root, 'st', `${assets[a]}.parquet`);
      mkdirSync(join(root, 'st'), { recursive: true });
      await writeMinuteBarsParquet(file, frames);
      files.push(file);
    }
    const dir = join(root, 'st-ds');
    const report = await importFiles(dir, { minute: { files, layout: 'stock', pattern: '{asset}.parquet' } });
    expect(report.ok).toBe(true);
    expect(report.files.map((f) => f.stockDays)).toEqual(
      assets.map((_, a) => stockDays.filter(([b]) => b === a).length),
    );
    for (const [a, t] of stockDays) expectSameBars(await readBack(dir, a, t), market.minuteBars(a, t)!);
  });

  it('takes the asset from the name when the file has no asset column', async () => {
    const a = 1;
    const frames = stockDays.filter(([b]) => b === a).map(([, t]) => market.minuteBars(a, t)!);
    const withAsset = join(root, 'st-noasset', 'tmp.csv');
    mkdirSync(join(root, 'st-noasset'), { recursive: true });
    await writeMinuteBarsCsv(withAsset, frames);
    const lines = readFileSync(withAsset, 'utf8').trimEnd().split('\n');
    expect(lines[0]!.startsWith('asset,')).toBe(true);
    const file = join(root, 'st-noasset', `SZ${assets[a]!.slice(0, 6)}.csv`);
    writeFileSync(file, `${lines.map((l) => l.slice(l.indexOf(',') + 1)).join('\n')}\n`);
    const dir = join(root, 'st-noasset-ds');
    const report = await importFiles(dir, {
      minute: { files: [file], layout: 'stock', pattern: '{asset}.csv' },
    });
    expect(report.ok).toBe(true);
    expect(openDataset(dir).assets).toEqual([assets[a]]);
    for (const [, t] of stockDays.filter(([b]) => b === a))
      expectSameBars(await readBack(dir, a, t), market.minuteBars(a, t)!);
  });

  it('reports a broken stock-day with its day, a stock-day given twice, and --max-reject decides ok', async () => {
    const a = 2;
    const days = stockDays.filter(([b]) => b === a).map(([, t]) => t);
    const frames = days.map((t) => market.minuteBars(a, t)!);
    const bad = days[1]!;
    const broken = { ...frames[1]!, high: frames[1]!.high.slice() };
    broken.high[3] = frames[1]!.low[3]! - 1;
    frames[1] = broken;
    mkdirSync(join(root, 'st-bad'), { recursive: true });
    const file = join(root, 'st-bad', `${assets[a]}.csv`);
    await writeMinuteBarsCsv(file, frames);
    // the same stock-day of another stock in two files
    const b = 3;
    const dupA = join(root, 'st-bad', `${assets[b]}.csv`);
    const dupB = join(root, 'st-bad', 'copy', `${assets[b]}.csv`);
    mkdirSync(join(root, 'st-bad', 'copy'), { recursive: true });
    await writeMinuteBarsCsv(dupA, [market.minuteBars(b, 3)!]);
    await writeMinuteBarsCsv(dupB, [market.minuteBars(b, 3)!]);
    const spec = { files: [file, dupA, dupB], layout: 'stock' as const, pattern: '{asset}.csv' };
    const strictShare = await importFiles(join(root, 'st-bad-ds0'), { minute: spec });
    const seen = days.length + 2;
    expect(strictShare.rejectedShare).toBeCloseTo(2 / seen, 12);
    expect(strictShare.ok).toBe(false);
    const f = strictShare.files[0]!;
    expect(f.stockDays).toBe(days.length - 1);
    expect(f.rejected).toEqual([
      expect.objectContaining({
        asset: assets[a],
        date: dates[bad],
        issues: expect.arrayContaining([expect.objectContaining({ code: 'BARS_HIGH_BELOW_LOW', row: 3 })]),
      }),
    ]);
    expect(strictShare.files[2]!.rejected[0]!.issues[0]!.code).toBe('DATASET_DUPLICATE');
    const lenient = await importFiles(join(root, 'st-bad-ds1'), { minute: spec }, { maxReject: 0.5 });
    expect(lenient.ok).toBe(true);
    expect(await readBack(join(root, 'st-bad-ds1'), a, bad)).toBeNull();
  });

  it('stops a file at a day out of order and says how far it was read', async () => {
    const a = 1;
    mkdirSync(join(root, 'st-order'), { recursive: true });
    const file = join(root, 'st-order', `${assets[a]}.csv`);
    await writeMinuteBarsCsv(file, [
      market.minuteBars(a, 0)!,
      market.minuteBars(a, 2)!,
      market.minuteBars(a, 1)!,
    ]);
    const report = await importFiles(join(root, 'st-order-ds'), {
      minute: { files: [file], layout: 'stock', pattern: '{asset}.csv' },
    });
    expect(report.ok).toBe(false);
    expect(report.files[0]).toMatchObject({ stockDays: 2, readThrough: dates[2] });
    expect(report.files[0]!.error).toMatch(/date order/);
  });
});

describe("importFiles: one file holding every stock and day ('all')", () => {
  // The layout of the real 15-minute sample: `datetime,symbol,...`, sorted by stock, then time; 16
  // bars a day (end times 09:45 .. 15:00); a suspended day printed as 16 zero-price, zero-volume rows.
  const ENDS = ['09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '11:15', '11:30'];
  const PM = ['13:15', '13:30', '13:45', '14:00', '14:15', '14:30', '14:45', '15:00'];
  const TIMES = [...ENDS, ...PM];
  const price = (s: number, d: number, i: number) => Math.round((10 + s + d / 10 + i / 100) * 100) / 100;
  function fifteenMinuteCsv(suspended: [string, string] | null): string {
    const lines = ['datetime,symbol,open,high,low,close,volume,amount'];
    for (const [s, sym] of ['SH600000', 'SH600004'].entries())
      for (const [d, day] of ['2025-01-02', '2025-01-03'].entries())
        TIMES.forEach((hm, i) => {
          if (suspended !== null && suspended[0] === sym && suspended[1] === day)
            lines.push(`${day} ${hm},${sym},0,0,0,0,0,0`);
          else {
            const p = price(s, d, i);
            lines.push(`${day} ${hm},${sym},${p},${p},${p},${p},${100 * (i + 1)},${p * 100 * (i + 1)}`);
          }
        });
    return `${lines.join('\n')}\n`;
  }

  it('imports a stock-major file with 16-bar days day by day, value for value', async () => {
    const file = join(root, 'all-15m.csv');
    writeFileSync(file, fifteenMinuteCsv(null));
    const dir = join(root, 'all-ds');
    const report = await importFiles(dir, {
      minute: { files: [file], layout: 'all', mapping: CN_15MIN_BARS },
    });
    expect(report.ok).toBe(true);
    expect(report.files[0]).toMatchObject({ stockDays: 4, rows: 64, error: null, date: null });
    const ds = openDataset(dir);
    expect([...ds.calendar.dates]).toEqual([20250102, 20250103]);
    expect(ds.assets).toEqual(['600000.SH', '600004.SH']);
    await ds.loadDay(1);
    const f = ds.minuteBars(1, 1)!;
    expect(f.time.length).toBe(16);
    expect(f.time[0]).toBe((9 * 60 + 45) * 60_000);
    expect(f.time[15]).toBe(15 * 3_600_000);
    expect([...f.close]).toEqual(TIMES.map((_, i) => price(1, 1, i)));
    expect([...f.volume]).toEqual(TIMES.map((_, i) => 100 * (i + 1)));
  });

  it("is what one file per stock cannot read: the 'stock' layout stops at the second stock", async () => {
    const file = join(root, 'all-15m-b.csv');
    writeFileSync(file, fifteenMinuteCsv(null));
    const report = await importFiles(join(root, 'all-ds-b'), {
      minute: { files: [file], layout: 'stock', mapping: CN_15MIN_BARS },
    });
    expect(report.ok).toBe(false);
    expect(report.files[0]!.error).toMatch(/date order/);
  });

  it('rejects a suspended day printed with zero prices and reports it, writing the rest', async () => {
    const file = join(root, 'all-15m-c.csv');
    writeFileSync(file, fifteenMinuteCsv(['SH600004', '2025-01-02']));
    const report = await importFiles(
      join(root, 'all-ds-c'),
      { minute: { files: [file], layout: 'all', mapping: CN_15MIN_BARS } },
      { maxReject: 0.25 },
    );
    expect(report.ok).toBe(true);
    expect(report.rejectedShare).toBe(0.25);
    expect(report.files[0]!.stockDays).toBe(3);
    expect(report.files[0]!.rejected).toHaveLength(1);
    expect(report.files[0]!.rejected[0]).toMatchObject({ asset: '600004.SH', date: 20250102 });
    expect(report.files[0]!.rejected[0]!.issues[0]!.code).toBe('BARS_NONPOSITIVE_PRICE');
  });
});

describe('importFiles: ticks, daily bars, index and industries', () => {
  it('imports tick snapshots per day next to minute bars', async () => {
    const files: string[] = [];
    mkdirSync(join(root, 'ticks'), { recursive: true });
    for (const t of [2, 3]) {
      const frames = assets
        .map((_, a) => market.ticks(a, t))
        .filter((f): f is TickSnapshots => f !== null)
        .map((f) => firstTicks(f, 200));
      const file = join(root, 'ticks', `${dates[t]}.csv`);
      await writeTickSnapshotsCsv(file, frames);
      files.push(file);
    }
    const dir = join(root, 'ticks-ds');
    const report = await importFiles(dir, { ticks: { files, pattern: '{date}.csv' } });
    expect(report.ok).toBe(true);
    const ds = openDataset(dir);
    await ds.loadDay(1, { minute: false, ticks: true });
    const want = firstTicks(market.ticks(3, 3)!, 200);
    const got = ds.ticks(ds.assets.indexOf(assets[3]!), 1)!;
    for (const f of ['time', 'last', 'volume', 'bidPrice', 'askVolume'] as const)
      expect([...got[f]], f).toEqual([...want[f]]);
  });

  it('imports a real SZSE Level-2 sample (trimmed, Apache-2.0, see bars/src/__fixtures__/l2/NOTICE.md)', async () => {
    const file = join(
      import.meta.dirname,
      '../../bars/src/__fixtures__/l2/sz300122_20220601_snapshot_trim.csv.gz',
    );
    const dir = join(root, 'l2-ds');
    const report = await importFiles(dir, {
      ticks: {
        files: [file],
        layout: 'stock-day',
        pattern: 'sz{asset}_{date}_snapshot_trim.csv.gz',
        mapping: IMPORT_TICK_MAPPINGS['szse-l2']!,
      },
    });
    const f = report.files[0]!;
    expect(f.error).toBeNull();
    expect(f.date).toBe(20220601);
    // all 130 snapshots of the sample pass validation and are written
    expect(f).toMatchObject({ stockDays: 1, rows: 130, rejected: [], repaired: [] });
    const ds = openDataset(dir);
    expect(ds.assets).toEqual(['300122.SZ']);
    await ds.loadDay(0, { minute: false, ticks: true });
    const got = ds.ticks(0, 0)!;
    expect(got.time.length).toBe(130);
    expect(got.bidPrice[0]).toBe(87.3); // BuyPrice1 of the first row, 87.299999999999982 rounded to 0.01
  });

  it('imports files of several column mappings together, and a stock-day in two of them once', async () => {
    const l2 = join(
      import.meta.dirname,
      '../../bars/src/__fixtures__/l2/sz300122_20220601_snapshot_trim.csv.gz',
    );
    const ours = join(root, 'ticks-ours');
    mkdirSync(ours, { recursive: true });
    const file = join(ours, `${dates[2]}.csv`);
    const a0 = assets.findIndex((_, a) => market.ticks(a, 2) !== null);
    await writeTickSnapshotsCsv(file, [firstTicks(market.ticks(a0, 2)!, 50)]);
    const szse = {
      files: [l2],
      layout: 'stock-day' as const,
      pattern: 'sz{asset}_{date}_snapshot_trim.csv.gz',
      mapping: IMPORT_TICK_MAPPINGS['szse-l2']!,
    };
    const dir = join(root, 'two-mappings');
    const report = await importFiles(dir, { ticks: [{ files: [file], pattern: '{date}.csv' }, szse] });
    expect(report.ok).toBe(true);
    expect(report.files.map((f) => [f.file, f.stockDays, f.rows])).toEqual([
      [file, 1, 50],
      [l2, 1, 130],
    ]);
    const ds = openDataset(dir);
    expect([...ds.calendar.dates]).toEqual([dates[2], 20220601]);
    expect(ds.assets).toEqual(['300122.SZ', assets[a0]!].sort());
    await ds.loadDay(0, { minute: false, ticks: true });
    await ds.loadDay(1, { minute: false, ticks: true });
    expect(ds.ticks(ds.assets.indexOf('300122.SZ'), 1)!.time.length).toBe(130);
    expect([...ds.ticks(ds.assets.indexOf(assets[a0]!), 0)!.last]).toEqual([
      ...market.ticks(a0, 2)!.last.slice(0, 50),
    ]);
    // the same file under two mappings: its stock-day is written once, the second time rejected
    const twice = await importFiles(join(root, 'two-mappings-b'), {
      ticks: [
        { files: [file], pattern: '{date}.csv' },
        { files: [file], layout: 'stock-day', pattern: '{date}.csv' },
      ],
    });
    expect(twice.ok).toBe(false);
    expect(twice.files[1]!.rejected).toEqual([
      {
        asset: assets[a0],
        date: dates[2],
        issues: [
          { code: 'DATASET_DUPLICATE', message: `${assets[a0]} ${dates[2]} is already in another file` },
        ],
      },
    ]);
    // one dataset, one number of book levels
    await expect(
      importFiles(join(root, 'two-mappings-c'), {
        ticks: [
          szse,
          { ...szse, mapping: { ...szse.mapping, levels: { ...szse.mapping.levels!, count: 5 } } },
        ],
      }),
    ).rejects.toMatchObject({ code: 'DATASET_INPUT', context: { field: 'ticks[1].mapping' } });
  });

  it('takes the calendar and assets from daily bars, rejects stock-days outside them, writes index and industries', async () => {
    const d = join(root, 'daily');
    mkdirSync(d, { recursive: true });
    const dailyAssets = ['000002.SZ', '300001.SZ'];
    const q = (a: string) => (a.endsWith('.SZ') ? `SZ${a.slice(0, 6)}` : `SH${a.slice(0, 6)}`);
    const rows = ['date,symbol,open,high,low,close,volume,factor'];
    for (const [i, dt] of dates.slice(0, 3).entries())
      for (const [k, a] of dailyAssets.entries())
        rows.push([dt, q(a), 10 + i, 11 + i, 9 + i, 10.5 + i + k, 1000 * (i + 1), 1].join(','));
    writeFileSync(join(d, 'daily.csv'), `${rows.join('\n')}\n`);
    writeFileSync(
      join(d, 'members.csv'),
      `symbol,start_date,end_date\n${q(dailyAssets[0]!)},${dates[0]},${dates[1]}\nSHT00018,${dates[0]},${dates[2]}\n`,
    );
    writeFileSync(
      join(d, 'industry.csv'),
      `symbol,industry_tdx\n${q(dailyAssets[0]!)},Banks\n${q(dailyAssets[1]!)},Software\nSH600000,Banks\n`,
    );
    const minuteFiles: string[] = [];
    for (const t of [0, 3]) {
      const file = join(d, `${dates[t]}.csv`);
      await writeMinuteBarsCsv(
        file,
        assets.map((_, a) => market.minuteBars(a, t)).filter((f): f is MinuteBars => f !== null),
      );
      minuteFiles.push(file);
    }
    const dir = join(root, 'daily-ds');
    const report = await importFiles(
      dir,
      {
        minute: { files: minuteFiles },
        daily: { file: join(d, 'daily.csv') },
        index: { name: 'TEST', membership: join(d, 'members.csv'), weights: 'equal' },
        industries: { file: join(d, 'industry.csv'), industryColumn: 'industry_tdx' },
      },
      { maxReject: 1 },
    );
    const byKind = (k: string) => report.files.filter((f) => f.kind === k);
    // day 0: the stocks outside the daily assets are rejected; day 3 is not a day of the daily bars
    const m0 = byKind('minute')[0]!;
    expect(m0.stockDays).toBe(2);
    expect(m0.rejected.map((r) => [r.asset, r.issues[0]!.code])).toEqual([
      ['000003.SZ', 'DATASET_UNKNOWN_ASSET'],
    ]);
    const m3 = byKind('minute')[1]!;
    expect(m3.stockDays).toBe(0);
    expect(new Set(m3.rejected.map((r) => r.issues[0]!.code))).toEqual(new Set(['DATASET_OUTSIDE_CALENDAR']));
    expect(byKind('index')[0]!.rejected[0]).toMatchObject({ asset: 'SHT00018' });
    expect(byKind('industries')[0]!.rejected[0]).toMatchObject({
      asset: '600000.SH',
      issues: [expect.objectContaining({ code: 'DATASET_UNKNOWN_ASSET', row: 2 })],
    });
    const ds = openDataset(dir);
    expect([...ds.calendar.dates]).toEqual(dates.slice(0, 3));
    expect(ds.assets).toEqual(dailyAssets);
    const daily = await ds.daily();
    const want = await readDailyBarsCsv(join(d, 'daily.csv'));
    for (const f of ['close', 'volume', 'preClose', 'adjFactor'] as const)
      expect([...daily[f].values], f).toEqual([...want[f].values]);
    const idx = await ds.index();
    expect([...idx.constituent.values]).toEqual([1, 0, 1, 0, 0, 0]);
    expect([...idx.weight.values]).toEqual([1, 0, 1, 0, 0, 0]);
    expect(ds.meta().map((m) => [m.asset, m.industry, m.board])).toEqual([
      ['000002.SZ', 'Banks', 'main'],
      ['300001.SZ', 'Software', 'chinext'],
    ]);
    expectSameBars(await readBack(dir, 1, 0), market.minuteBars(1, 0)!);
  });
});

describe('hfq data import', () => {
  it('documents each layout in --help', async () => {
    const r = await captureCli(['data', 'import', '--help']);
    expect(r.code).toBe(0);
    for (const s of [
      'day ',
      'stock-day',
      'stock ',
      '{asset}/{date}.csv',
      '--max-reject',
      '--ticks',
      '--daily',
    ])
      expect(r.out).toContain(s);
  });

  it('imports one file per stock, prints a summary, writes the report, exits by --max-reject', async () => {
    const files = assets.map((a) => join(root, 'st', `${a}.parquet`));
    const report = join(root, 'cli-report.json');
    const ok = await captureCli([
      'data',
      'import',
      join(root, 'cli-st'),
      ...files,
      '--layout',
      'stock',
      '--pattern',
      '{asset}.parquet',
      '--report',
      report,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(new RegExp(`${stockDays.length} written, 0 repairs, 0 rejected`));
    expect(JSON.parse(readFileSync(report, 'utf8')).files).toHaveLength(assets.length);
    const bad = [join(root, 'st-bad', `${assets[2]}.csv`)];
    const args = ['data', 'import', '--layout', 'stock', '--pattern', '{asset}.csv', ...bad];
    expect((await captureCli([...args.slice(0, 2), join(root, 'cli-bad0'), ...args.slice(2)])).code).toBe(1);
    const lenient = await captureCli([
      ...args.slice(0, 2),
      join(root, 'cli-bad1'),
      ...args.slice(2),
      '--max-reject',
      '0.5',
    ]);
    expect(lenient.code).toBe(0);
    expect(lenient.out).toMatch(/rejected .* BARS_HIGH_BELOW_LOW row 3 field high/);
    expect(
      (await captureCli(['data', 'import', join(root, 'cli-x'), ...bad, '--max-reject', '2'])).code,
    ).toBe(2);
  });
});
