import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { readArrowFrames } from './arrow.js';
import { collectFrames, readMinuteBarsCsv, readTickSnapshotsCsv } from './csv.js';
import { canonicalTickMapping } from './mappings.js';
import { readMinuteBarsParquet } from './parquet.js';

// The corpus is built by __fixtures__/corrupt/make_corpus.ts: each file breaks one rule.
const dir = fileURLToPath(new URL('../__fixtures__/corrupt/', import.meta.url));
const csv = (f: string) => collectFrames(readMinuteBarsCsv(dir + f));
const ticks = (levels: number) => (f: string) =>
  collectFrames(readTickSnapshotsCsv(dir + f, canonicalTickMapping(levels)));
const parquet = (f: string) => collectFrames(readMinuteBarsParquet(dir + f));
const arrow = (f: string) => collectFrames(readArrowFrames(dir + f));

type Reader = (file: string) => Promise<unknown>;
const corpus: [file: string, code: string, context: Record<string, unknown>, read: Reader][] = [
  ['missing-column.csv', 'BARS_MISSING_COLUMN', { field: 'amount' }, csv],
  ['unsorted-time.csv', 'BARS_UNSORTED_TIME', { field: 'time', row: 2, fileRow: 2 }, csv],
  ['duplicate-time.csv', 'BARS_DUPLICATE_TIME', { field: 'time', row: 2 }, csv],
  [
    'high-below-low.csv',
    'BARS_HIGH_BELOW_LOW',
    { field: 'high', row: 1, asset: '600000.SH', date: 20250102 },
    csv,
  ],
  ['open-outside-range.csv', 'BARS_OPEN_OUTSIDE_RANGE', { field: 'open', row: 2 }, csv],
  ['close-outside-range.csv', 'BARS_CLOSE_OUTSIDE_RANGE', { field: 'close', row: 3 }, csv],
  ['negative-volume.csv', 'BARS_NEGATIVE_VOLUME', { field: 'volume', row: 1 }, csv],
  ['negative-amount.csv', 'BARS_NEGATIVE_AMOUNT', { field: 'amount', row: 1 }, csv],
  ['nan-price.csv', 'BARS_NONFINITE_PRICE', { field: 'close', row: 2 }, csv],
  ['infinite-price.csv', 'BARS_NONFINITE_PRICE', { field: 'high', row: 0 }, csv],
  ['off-tick-grid.csv', 'BARS_OFF_TICK_GRID', { field: 'close', row: 3 }, csv],
  ['volume-in-lots.csv', 'BARS_VWAP_OUTSIDE_RANGE', { field: 'amount', row: 0 }, csv],
  ['bad-number.csv', 'BARS_PARSE_NUMBER', { field: 'low', row: 1 }, csv],
  ['bad-time.csv', 'BARS_PARSE_TIME', { field: 'time', row: 2 }, csv],
  ['bad-date.csv', 'BARS_PARSE_DATE', { field: 'date', row: 0 }, csv],
  ['ragged-row.csv', 'BARS_CSV_FIELD_COUNT', { row: 1 }, csv],
  ['split-stock-day.csv', 'BARS_NONCONTIGUOUS_GROUP', { row: 2, asset: '600000.SH' }, csv],
  ['empty.csv', 'BARS_EMPTY_FILE', {}, csv],
  ['truncated.csv.gz', 'BARS_FILE_FORMAT', {}, csv],
  [
    'ticks-cumulative-decrease.csv',
    'BARS_CUMULATIVE_DECREASE',
    { field: 'volume', row: 3, asset: '600519.SH' },
    ticks(2),
  ],
  ['ticks-crossed-book.csv', 'BARS_CROSSED_BOOK', { field: 'bidPrice', row: 4, level: 1 }, ticks(2)],
  ['ticks-level-order.csv', 'BARS_LEVEL_ORDER', { field: 'askPrice', row: 5, level: 2 }, ticks(2)],
  ['ticks-two-levels.csv', 'BARS_LEVEL_COUNT', { field: 'bidPrice3', level: 3 }, ticks(3)],
  ['not-parquet.parquet', 'BARS_FILE_FORMAT', {}, parquet],
  ['truncated.parquet', 'BARS_FILE_FORMAT', {}, parquet],
  ['missing-column.parquet', 'BARS_MISSING_COLUMN', { field: 'volume' }, parquet],
  ['text-in-number-column.parquet', 'BARS_PARSE_NUMBER', { field: 'open', row: 1 }, parquet],
  ['boolean-column.parquet', 'BARS_COLUMN_TYPE', { field: 'volume', row: 0 }, parquet],
  ['high-below-low.parquet', 'BARS_HIGH_BELOW_LOW', { field: 'high', row: 1 }, parquet],
  ['truncated.arrow', 'BARS_FILE_FORMAT', {}, arrow],
  ['not-arrow.arrow', 'BARS_FILE_FORMAT', {}, arrow],
  ['unsorted-time.arrow', 'BARS_UNSORTED_TIME', { field: 'time', row: 3 }, arrow],
  ['nonfinite-volume.arrow', 'BARS_NONFINITE_VOLUME', { field: 'volume', row: 2 }, arrow],
  ['ticks-negative-depth.arrow', 'BARS_NEGATIVE_VOLUME', { field: 'askVolume', row: 3, level: 1 }, arrow],
];

describe('corrupted inputs: each file gets its own typed error', () => {
  it('covers every file of the corpus (at least 20, CSV, Parquet and Arrow)', () => {
    const files = readdirSync(dir).filter((f) => !f.endsWith('.ts'));
    expect(files.sort()).toEqual(corpus.map((c) => c[0]).sort());
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const ext of ['.csv', '.parquet', '.arrow']) expect(files.some((f) => f.endsWith(ext))).toBe(true);
  });

  it.each(corpus)('%s -> %s', async (file, code, context, read) => {
    try {
      await read(file);
      expect.unreachable(`${file} was read without an error`);
    } catch (e) {
      expect(HfqError.is(e), String(e)).toBe(true);
      expect((e as HfqError).code).toBe(code);
      expect((e as HfqError).context).toMatchObject(context);
      if (code.startsWith('BARS_FILE') || code === 'BARS_MISSING_COLUMN' || code === 'BARS_EMPTY_FILE') {
        expect((e as HfqError).context.source).toBe(dir + file);
      }
    }
  });
});
