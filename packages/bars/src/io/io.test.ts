import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { HfqError, timeOfDay } from '@hfq/core';
import { afterAll, describe, expect, it } from 'vitest';
import { diffFrames, makeMinuteDay, makeTickDay } from '../test-utils/frames.js';
import type { MinuteBars, TickSnapshots } from '../types.js';
import type { RepairChange } from '../validate/repair.js';
import { readArrowFrames, writeMinuteBarsArrow, writeTickSnapshotsArrow } from './arrow.js';
import { normalizeSymbol, parseDateCell, parseNumberCell, parseTimeCell } from './cells.js';
import {
  collectFrames,
  readCsvFrames,
  readMinuteBarsCsv,
  readTickSnapshotsCsv,
  writeMinuteBarsCsv,
  writeTickSnapshotsCsv,
} from './csv.js';
import { canonicalTickMapping } from './mappings.js';
import {
  readMinuteBarsParquet,
  readTickSnapshotsParquet,
  writeMinuteBarsParquet,
  writeTickSnapshotsParquet,
} from './parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'hfq-bars-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minuteFrames = (): MinuteBars[] => [
  makeMinuteDay('600000.SH', 20250102),
  makeMinuteDay('600000.SH', 20250103),
  makeMinuteDay('000001.SZ', 20250102, 2, 100),
];
const tickFrames = (): TickSnapshots[] => [
  makeTickDay('600519.SH', 20230201),
  makeTickDay('300122.SZ', 20230201, 37),
];

function expectSame(a: (MinuteBars | TickSnapshots)[], b: (MinuteBars | TickSnapshots)[]) {
  expect(b.length).toBe(a.length);
  a.forEach((f, i) => {
    expect(diffFrames(f, b[i]!)).toBe('');
  });
}

describe('round trips are exact (NaN included) in every format', () => {
  it('CSV, plain and gzip', async () => {
    for (const name of ['m.csv', 'm.csv.gz']) {
      const p = join(dir, name);
      await writeMinuteBarsCsv(p, minuteFrames());
      expectSame(minuteFrames(), await collectFrames(readMinuteBarsCsv(p)));
    }
    const p = join(dir, 't.csv.gz');
    await writeTickSnapshotsCsv(p, tickFrames(), 5);
    expectSame(tickFrames(), await collectFrames(readTickSnapshotsCsv(p, canonicalTickMapping(5))));
    // no temporary files left behind
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('Parquet, with stock-days split across row groups', async () => {
    const p = join(dir, 'm.parquet');
    await writeMinuteBarsParquet(p, minuteFrames(), { rowGroupRows: 97 });
    expectSame(minuteFrames(), await collectFrames(readMinuteBarsParquet(p)));
    const q = join(dir, 't.parquet');
    await writeTickSnapshotsParquet(q, tickFrames(), { levels: 5, rowGroupRows: 13, codec: 'UNCOMPRESSED' });
    expectSame(tickFrames(), await collectFrames(readTickSnapshotsParquet(q)));
  });

  it('Arrow IPC, file and stream formats', async () => {
    for (const format of ['file', 'stream'] as const) {
      const p = join(dir, `m.${format}.arrow`);
      await writeMinuteBarsArrow(p, minuteFrames(), { batchRows: 101, format });
      expectSame(minuteFrames(), await collectFrames(readArrowFrames(p)));
      const q = join(dir, `t.${format}.arrow`);
      await writeTickSnapshotsArrow(q, tickFrames(), { levels: 5, batchRows: 7, format });
      expectSame(tickFrames(), await collectFrames(readArrowFrames(q)));
    }
  });

  it('writes from an async iterable (a stream of frames), not just arrays', async () => {
    async function* gen() {
      for (const f of minuteFrames()) yield f;
    }
    const p = join(dir, 'async.parquet');
    await writeMinuteBarsParquet(p, gen());
    expectSame(minuteFrames(), await collectFrames(readMinuteBarsParquet(p)));
  });
});

describe('column mappings and reader options', () => {
  const csv = [
    'code,day,start,o,h,l,c,v,amt,n,extra',
    'SH600000,2025-01-02,09:25,10.00,10.00,10.00,10.00,1000,10000,3,x',
    'SH600000,2025-01-02,09:30,10.00,10.05,9.98,10.02,2000,20040,9,x',
    'SH600000,2025-01-02,09:31,10.02,10.03,10.01,10.03,500,5010,2,x',
    'SH600000,2025-01-02,15:00,10.10,10.10,10.10,10.10,800,8080,4,x',
    'SZ000001,2025-01-02,09:30,11.00,11.00,11.00,11.00,100,1100,1,x',
  ].join('\n');
  const mapping = {
    kind: 'minute' as const,
    asset: 'code',
    date: 'day',
    time: 'start',
    timeLabel: 'start' as const,
    fields: { open: 'o', high: 'h', low: 'l', close: 'c', volume: 'v', amount: 'amt', trades: 'n' },
  };

  it('maps columns, normalises symbols and merges start-labelled auction rows into the vendor bars', async () => {
    const frames = await collectFrames(readMinuteBarsCsv(Readable.from([csv]), mapping));
    expect(frames.map((f) => f.asset)).toEqual(['600000.SH', '000001.SZ']);
    const f = frames[0]!;
    // 09:25 (auction) and 09:30 both belong to the 09:31 bar; 09:31 -> 09:32; 15:00 -> 15:00
    expect(Array.from(f.time)).toEqual([timeOfDay(9, 31), timeOfDay(9, 32), timeOfDay(15, 0)]);
    expect([f.open[0], f.high[0], f.low[0], f.close[0], f.volume[0], f.amount[0], f.trades[0]]).toEqual([
      10, 10.05, 9.98, 10.02, 3000, 30040, 12,
    ]);
  });

  it('filters assets and dates, and gzip streams are detected by their magic bytes', async () => {
    const p = join(dir, 'no-extension');
    writeFileSync(p, gzipSync(csv));
    const frames = await collectFrames(readMinuteBarsCsv(p, mapping, { assets: ['000001.SZ'] }));
    expect(frames.map((f) => f.asset)).toEqual(['000001.SZ']);
    expect(await collectFrames(readMinuteBarsCsv(p, mapping, { dates: { from: 20250103 } }))).toEqual([]);
  });

  it("validate: 'repair' reports every change through onRepair; 'off' passes frames through", async () => {
    const f = makeMinuteDay('600000.SH', 20250102, 3, 30);
    const exact = f.close[4]!;
    f.close[4] = exact + 4 * Number.EPSILON * exact; // a binary artefact, like 82.65999999999998
    f.high[4] = Math.max(f.high[4]!, f.close[4]!);
    const p = join(dir, 'repair.csv');
    await writeMinuteBarsCsv(p, [f]);
    const changes: RepairChange[] = [];
    const [g] = await collectFrames(
      readMinuteBarsCsv(p, undefined, { validate: 'repair', onRepair: (c) => changes.push(...c) }),
    );
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.action === 'snap-to-grid' && c.asset === '600000.SH')).toBe(true);
    expect(changes.find((c) => c.field === 'close')).toMatchObject({
      row: 4,
      before: f.close[4],
      after: exact,
    });
    expect(g!.close[4]).toBe(exact);
    await expect(collectFrames(readMinuteBarsCsv(p, undefined, { validate: 'repair' }))).rejects.toThrow(
      /onRepair/,
    );
    // 'off': a broken rule goes through untouched
    const h = makeMinuteDay('600000.SH', 20250102, 3, 30);
    h.high[2] = h.low[2]! - 1;
    const q = join(dir, 'off.csv');
    await writeMinuteBarsCsv(q, [h]);
    await expect(collectFrames(readMinuteBarsCsv(q))).rejects.toThrow(/BARS_HIGH_BELOW_LOW/);
    const [k] = await collectFrames(readMinuteBarsCsv(q, undefined, { validate: 'off' }));
    expect(k!.high[2]).toBe(h.high[2]);
  });

  it('locates a bad cell by data row and column, and a broken rule by file row', async () => {
    const bad = csv.replace('10.05,9.98', '10.05,abc');
    await expect(collectFrames(readMinuteBarsCsv(Readable.from([bad]), mapping))).rejects.toMatchObject({
      code: 'BARS_PARSE_NUMBER',
      context: { row: 1, field: 'low' },
    });
    const unsorted = [
      'asset,date,time,open,high,low,close,volume,amount,trades',
      '600000.SH,20250102,09:31:00,10,10,10,10,100,1000,1',
      '600000.SH,20250102,09:33:00,10,10,10,10,100,1000,1',
      '600000.SH,20250102,09:32:00,10,10,10,10,100,1000,1',
    ].join('\n');
    try {
      await collectFrames(readMinuteBarsCsv(Readable.from([unsorted])));
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'BARS_UNSORTED_TIME')).toBe(true);
      expect((e as HfqError).context).toMatchObject({
        row: 2,
        fileRow: 2,
        asset: '600000.SH',
        date: 20250102,
      });
    }
  });

  it('refuses a stock-day whose rows are split across the file', async () => {
    const split = [
      'asset,date,time,open,high,low,close,volume,amount,trades',
      'A,20250102,09:31:00,10,10,10,10,100,1000,1',
      'B,20250102,09:31:00,10,10,10,10,100,1000,1',
      'A,20250102,09:32:00,10,10,10,10,100,1000,1',
    ].join('\n');
    await expect(
      collectFrames(readCsvFrames(Readable.from([split]), { ...mappingCanonical() })),
    ).rejects.toMatchObject({
      code: 'BARS_NONCONTIGUOUS_GROUP',
      context: { row: 2, asset: 'A', date: 20250102 },
    });
  });
});

function mappingCanonical() {
  return {
    kind: 'minute' as const,
    asset: 'asset',
    date: 'date',
    time: 'time',
    fields: {
      open: 'open',
      high: 'high',
      low: 'low',
      close: 'close',
      volume: 'volume',
      amount: 'amount',
      trades: 'trades',
    },
  };
}

describe('cells', () => {
  it('reads numbers strictly (blank = NaN, garbage = error)', () => {
    expect(parseNumberCell('', {})).toBeNaN();
    expect(parseNumberCell('1e3', {})).toBe(1000);
    expect(parseNumberCell(' -2.5 ', {})).toBe(-2.5);
    expect(parseNumberCell('6.159972661970001E9', {})).toBe(6159972661.970001);
    for (const bad of ['abc', '0x10', '1,000', '12abc'])
      expect(() => parseNumberCell(bad, { row: 3 })).toThrowError(/BARS_PARSE_NUMBER/);
  });
  it('reads the date and time forms of the vendor files', () => {
    for (const d of [
      '2021.12.01',
      '2021-12-01',
      '2021/12/01',
      '20211201',
      '2021.12.01T09:15:02.000',
      '2021-12-01 09:45',
    ]) {
      expect(parseDateCell(d, {})).toBe(20211201);
    }
    expect(() => parseDateCell('2021-13-01', {})).toThrowError(/BARS_PARSE_DATE/);
    expect(parseTimeCell('2021.12.01T09:15:02.000', {})).toBe(timeOfDay(9, 15, 2));
    expect(parseTimeCell('93100000', {})).toBe(timeOfDay(9, 31));
    expect(parseTimeCell('150000000', {})).toBe(timeOfDay(15, 0));
    expect(parseTimeCell('9:30', {})).toBe(timeOfDay(9, 30));
    expect(parseTimeCell('09:30:00.5', {})).toBe(timeOfDay(9, 30, 0, 500));
    expect(() => parseTimeCell('25:00', {})).toThrowError(/BARS_PARSE_TIME/);
  });
  it('normalises A-share symbols to 600000.SH', () => {
    expect(normalizeSymbol('SH600000')).toBe('600000.SH');
    expect(normalizeSymbol('sz000001')).toBe('000001.SZ');
    expect(normalizeSymbol('600519')).toBe('600519.SH');
    expect(normalizeSymbol('300918.SZ')).toBe('300918.SZ');
    expect(normalizeSymbol('000001', 'SZSE')).toBe('000001.SZ');
    expect(normalizeSymbol('830799')).toBe('830799.BJ');
    expect(normalizeSymbol('AAPL')).toBe('AAPL');
  });
});
