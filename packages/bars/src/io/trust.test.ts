import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Float16, RecordBatchFileWriter, Table, vectorFromArray } from 'apache-arrow';
import type { FileMetaData } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { makeMinuteDay, makeTickDay } from '../test-utils/frames.js';
import { findMinuteBarIssues } from '../validate/minute-bars.js';
import { repairTickSnapshots } from '../validate/repair.js';
import { findTickIssues } from '../validate/ticks.js';
import { readMinuteBarsArrow } from './arrow.js';
import { collectFrames, readMinuteBarsCsv } from './csv.js';
import { readDailyBarsCsv, readIndexData } from './daily.js';
import { DERIVED_1MIN_BARS } from './mappings.js';
import { checkRowGroupCounts } from './parquet.js';

/** Readers never silently change data: each case failed (was accepted or crashed) before. */

const HEAD = 'asset,date,time,open,high,low,close,volume,amount,trades';
const row = (t: string, asset = '600000.SH') => `${asset},20240102,${t},10,10.1,9.9,10,1000,10000,5`;
const csv = (lines: string[]) => Readable.from([`${[HEAD, ...lines].join('\n')}\n`]);
const read = (s: Readable, opts = {}) => collectFrames(readMinuteBarsCsv(s, undefined, opts));

describe('minute-bar times are checked against the session', () => {
  it('rejects a lunch-break bar', async () => {
    await expect(read(csv([row('11:30:00'), row('12:00:00'), row('13:01:00')]))).rejects.toMatchObject({
      code: 'BARS_OUTSIDE_SESSION',
    });
  });
  it('names the unit of a time column read as ms but holding seconds or HHMMSS', () => {
    const f = makeMinuteDay('600000.SH', 20240102, 1, 3);
    f.time.set([34_260, 34_320, 34_380]); // seconds since midnight (09:31..09:33)
    const [a] = findMinuteBarIssues(f);
    expect(a).toMatchObject({ code: 'BARS_OUTSIDE_SESSION' });
    expect(a!.message).toContain("timeNumbers: 'seconds'");
    f.time.set([93_100, 93_200, 93_300]); // HHMMSS
    expect(findMinuteBarIssues(f)[0]!.message).toContain("timeNumbers: 'hhmmss'");
    f.time.set([0, 0, 0]);
    expect(findMinuteBarIssues(f)[0]!.message).toContain('dates');
    expect(findMinuteBarIssues(f, { session: null }).some((i) => i.code === 'BARS_OUTSIDE_SESSION')).toBe(
      false,
    );
  });
  it('reads an Arrow Time32[second] column by its declared unit and decodes Float16', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hfq-trust-'));
    const { TimeSecond, Utf8 } = await import('apache-arrow');
    // Float16 prices (10.5 is exact in half precision), times as Time32[second]
    const half = vectorFromArray([10.5, 10.5], new Float16());
    const cols = {
      asset: vectorFromArray(['600000.SH', '600000.SH'], new Utf8()),
      date: vectorFromArray(Int32Array.from([20240102, 20240102])),
      time: vectorFromArray([34_260, 34_320], new TimeSecond()),
      open: half,
      high: half,
      low: half,
      close: half,
      volume: vectorFromArray(Float64Array.from([100, 100])),
      amount: vectorFromArray(Float64Array.from([1050, 1050])),
      trades: vectorFromArray(Float64Array.from([1, 1])),
    };
    const table = new Table(cols as never);
    const path = join(dir, 'half.arrow');
    writeFileSync(path, RecordBatchFileWriter.writeAll(table).toUint8Array(true));
    const [bars] = await collectFrames(readMinuteBarsArrow(path));
    expect(Array.from(bars!.time)).toEqual([34_260_000, 34_320_000]);
    expect(Array.from(bars!.close)).toEqual([10.5, 10.5]);
  });
});

describe('start-labelled bars are merged only where the auction rules say', () => {
  const H = 'symbol,date,minute,open,high,low,close,volume,amount,trade_count';
  const r = (t: string, hi = '10.1', lo = '9.9') => `600000.SH,20240102,${t},10,${hi},${lo},10,1000,10000,5`;
  const go = (lines: string[]) =>
    collectFrames(readMinuteBarsCsv(Readable.from([`${[H, ...lines].join('\n')}\n`]), DERIVED_1MIN_BARS));
  it('still merges the 09:25 auction row into the 09:31 bar', async () => {
    const [f] = await go([r('09:25:00'), r('09:30:00'), r('09:31:00')]);
    expect(f!.time.length).toBe(2);
    expect(f!.volume[0]).toBe(2000);
  });
  it('rejects duplicate rows instead of summing them', async () => {
    await expect(go([r('09:30:00'), r('09:31:00'), r('09:31:00')])).rejects.toMatchObject({
      code: 'BARS_DUPLICATE_TIME',
      context: { row: 2 },
    });
  });
  it('rejects lunch rows instead of folding them into 11:30', async () => {
    await expect(go([r('11:29:00'), r('11:45:00'), r('13:00:00')])).rejects.toMatchObject({
      code: 'BARS_OUTSIDE_SESSION',
      context: { row: 1 },
    });
  });
  it('does not hide a high < low row inside a merge', async () => {
    await expect(go([r('09:25:00', '9.8', '10.2'), r('09:30:00')])).rejects.toMatchObject({
      code: 'BARS_HIGH_BELOW_LOW',
      context: { row: 0 },
    });
  });
});

describe('encodings and sizes', () => {
  it('rejects bytes that are not UTF-8 instead of turning them into U+FFFD', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${HEAD}\n`),
      Buffer.from([0xc6, 0xd6]),
      Buffer.from(`${row('09:31:00').slice(9)}\n`),
    ]);
    await expect(read(Readable.from([bytes]))).rejects.toMatchObject({ code: 'BARS_ENCODING' });
  });
  it('rejects NUL, U+FFFD and a byte-order mark in asset ids', async () => {
    await expect(read(csv([row('09:31:00', '600000\u0000.SH')]))).rejects.toMatchObject({
      code: 'BARS_ENCODING',
    });
    await expect(read(csv([row('09:31:00', '60\ufffd.SH')]))).rejects.toMatchObject({
      code: 'BARS_ENCODING',
    });
    // a byte-order mark left inside the data (files concatenated) would make an invisible id
    await expect(read(csv([row('09:31:00', '\ufeff600000.SH')]))).rejects.toMatchObject({
      code: 'BARS_ENCODING',
    });
  });
  it('bounds the line length and reads a huge line in linear time', async () => {
    const big = 'x'.repeat(4 << 20);
    const chunks = [`${HEAD}\n`, ...Array.from({ length: 16 }, () => big.slice(0, 1 << 18))];
    await expect(read(Readable.from(chunks))).rejects.toMatchObject({ code: 'BARS_LINE_TOO_LONG' });
    await expect(read(Readable.from(chunks), { maxLineLength: 100 })).rejects.toMatchObject({
      code: 'BARS_LINE_TOO_LONG',
    });
  });
  it('truncates a huge bad cell in the error message', async () => {
    const bad = `600000.SH,20240102,09:31:00,${'9'.repeat(1 << 20)}z,10.1,9.9,10,1000,10000,5`;
    const err = await read(csv([bad]), { maxLineLength: 4 << 20 }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'BARS_PARSE_NUMBER' });
    expect((err as Error).message.length).toBeLessThan(400);
  });
});

describe('Parquet row counts are checked before anything is allocated', () => {
  const md = (groupRows: bigint, values: bigint, total: bigint) =>
    ({
      num_rows: total,
      row_groups: [
        { num_rows: groupRows, columns: [{ meta_data: { path_in_schema: ['time'], num_values: values } }] },
      ],
    }) as unknown as FileMetaData;
  it('accepts consistent counts', () => {
    expect(checkRowGroupCounts(md(5n, 5n, 5n), ['time'], 'f')).toEqual([5]);
  });
  it.each([
    ['a count below what is stored', md(3n, 5n, 3n)],
    ['-1', md(-1n, -1n, -1n)],
    ['2^53 + 1', md(2n ** 53n + 1n, 2n ** 53n + 1n, 2n ** 53n + 1n)],
    ['a file total that disagrees', md(5n, 5n, 6n)],
  ])('rejects %s', (_, m) => {
    expect(() => checkRowGroupCounts(m, ['time'], 'f')).toThrow(
      expect.objectContaining({ code: 'BARS_FILE_FORMAT' }),
    );
  });
});

describe('tick snapshots: a missing last price and mixed-up units are not accepted', () => {
  const day = () => makeTickDay('600519.SH', 20230201, 30, 2, 4);
  it('the synthetic day is valid', () => {
    expect(findTickIssues(day())).toEqual([]);
  });
  it('rejects last = NaN once something has traded', () => {
    const t = day();
    t.last[12] = NaN;
    const [a] = findTickIssues(t);
    expect(a).toMatchObject({ code: 'BARS_NONFINITE_PRICE', field: 'last', row: 12 });
    expect(a!.message).toContain('last is NaN after');
    // repair cannot invent a price: it still throws
    expect(() => repairTickSnapshots(t)).toThrow(expect.objectContaining({ code: 'BARS_NONFINITE_PRICE' }));
  });
  it.each([
    ['amount in thousands of yuan', 1e-3, 'thousands of yuan'],
    ['amount in ten-thousands of yuan', 1e-4, 'ten-thousands of yuan'],
  ])('names %s', (_, scale, text) => {
    const t = day();
    for (let i = 0; i < t.amount.length; i++) t.amount[i]! *= scale;
    const [a] = findTickIssues(t);
    expect(a).toMatchObject({ code: 'BARS_VWAP_OUTSIDE_RANGE', field: 'amount' });
    expect(a!.message).toContain(text);
    expect(() => repairTickSnapshots(t)).toThrow(
      expect.objectContaining({ code: 'BARS_VWAP_OUTSIDE_RANGE' }),
    );
  });
  it('names volume in lots of 100 shares', () => {
    const t = day();
    for (let i = 0; i < t.volume.length; i++) t.volume[i]! /= 100;
    const [a] = findTickIssues(t);
    expect(a).toMatchObject({ code: 'BARS_VWAP_OUTSIDE_RANGE', field: 'amount' });
    expect(a!.message).toContain('lots of 100 shares');
  });
});

describe("daily and index files: a typo'd id is reported, not skipped", () => {
  const dir = mkdtempSync(join(tmpdir(), 'hfq-trust-daily-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const membership = (ids: string[]) =>
    file('m.csv', `symbol,start_date,end_date\n${ids.map((i) => `${i},2024-01-01,2024-12-31`).join('\n')}\n`);
  const base = { name: 'X', dates: [20240102], assets: ['600000.SH', '000001.SZ'] };

  it('reads well-formed ids and skips those outside the assets', async () => {
    const ix = await readIndexData({ ...base, membership: membership(['SH600000', 'SZ000002']) });
    expect(Array.from(ix.constituent.values)).toEqual([1, 0]);
  });
  it('rejects a membership id that is not a symbol, naming the row', async () => {
    await expect(
      readIndexData({ ...base, membership: membership(['SH600000', 'SH60000']) }),
    ).rejects.toMatchObject({
      code: 'BARS_PARSE_SYMBOL',
      context: { row: 1, field: 'symbol' },
    });
    const seen: string[] = [];
    const ix = await readIndexData({
      ...base,
      membership: membership(['SHT00018', 'SH600000']),
      onUnknownSymbol: (id, row) => seen.push(`${id}@${row}`),
    });
    expect(seen).toEqual(['SHT00018@0']);
    expect(Array.from(ix.constituent.values)).toEqual([1, 0]);
  });
  it('rejects assets that are not in the 600000.SH form (they matched nothing)', async () => {
    await expect(
      readIndexData({ ...base, assets: ['SH600000'], membership: membership(['SH600000']) }),
    ).rejects.toMatchObject({ code: 'BARS_INVALID_OPTION', context: { asset: 'SH600000' } });
  });
  it('rejects an index symbol with no row instead of returning NaN closes', async () => {
    const daily = file('i.csv', 'date,symbol,open,high,low,close,volume\n2024-01-02,SH000300,1,1,1,3400,1\n');
    const ok = await readIndexData({
      ...base,
      membership: membership([]),
      indexDaily: daily,
      indexSymbol: 'SH000300',
    });
    expect(ok.close[0]).toBe(3400);
    await expect(
      readIndexData({ ...base, membership: membership([]), indexDaily: daily, indexSymbol: 'SH000301' }),
    ).rejects.toMatchObject({ code: 'BARS_INVALID_OPTION', context: { field: 'indexSymbol' } });
  });
  it('rejects a daily row whose symbol is not a symbol, and non-canonical assets', async () => {
    const daily = file(
      'd.csv',
      'date,symbol,open,high,low,close,volume,factor\n2024-01-02,SH600000,10,10,10,10,100,1\n2024-01-02,SH6000O1,10,10,10,10,100,1\n',
    );
    await expect(readDailyBarsCsv(daily)).rejects.toMatchObject({
      code: 'BARS_PARSE_SYMBOL',
      context: { row: 1 },
    });
    await expect(readDailyBarsCsv(daily, { assets: ['600000.SH'] })).rejects.toMatchObject({
      code: 'BARS_PARSE_SYMBOL',
    });
    await expect(readDailyBarsCsv(daily, { assets: ['sh600000'] })).rejects.toMatchObject({
      code: 'BARS_INVALID_OPTION',
    });
  });
});
