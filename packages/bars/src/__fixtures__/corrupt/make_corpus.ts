/**
 * Builds the corpus of corrupted input files used by `src/io/corrupt-corpus.test.ts`: each file
 * breaks one rule and must get its own typed error. Deterministic; rerun to regenerate:
 *
 *   node --conditions=source --import tsx packages/bars/src/__fixtures__/corrupt/make_corpus.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeMinuteBarsArrow, writeTickSnapshotsArrow } from '../../io/arrow.js';
import { writeMinuteBarsParquet } from '../../io/parquet.js';
import { MINUTE_BAR_END_TIMES } from '../../market/session.js';
import { makeTickDay } from '../../test-utils/frames.js';
import { allocMinuteBars, type MinuteBars } from '../../types.js';

const here = (name: string) => new URL(`./${name}`, import.meta.url).pathname;

const HEADER = 'asset,date,time,open,high,low,close,volume,amount,trades';
const ROWS = [
  '600000.SH,20250102,09:31:00,10.00,10.05,9.98,10.02,2000,20040,9',
  '600000.SH,20250102,09:32:00,10.02,10.03,10.01,10.03,500,5010,2',
  '600000.SH,20250102,09:33:00,10.03,10.06,10.02,10.05,800,8030,4',
  '600000.SH,20250102,09:34:00,10.05,10.05,10.00,10.01,1200,12040,6',
];
/** The valid base file with row `i` replaced (or the header, i = -1). */
function csv(edit: (rows: string[], header: string) => { rows: string[]; header?: string }): string {
  const r = edit([...ROWS], HEADER);
  return `${[r.header ?? HEADER, ...r.rows].join('\n')}\n`;
}
const set = (i: number, col: number, value: string) => (rows: string[]) => {
  const f = rows[i]!.split(',');
  f[col] = value;
  rows[i] = f.join(',');
  return { rows };
};

const files: Record<string, string | Uint8Array> = {
  'missing-column.csv': csv((rows, header) => ({
    header: header.replace(',amount', ''),
    rows: rows.map((r) =>
      r
        .split(',')
        .filter((_, i) => i !== 8)
        .join(','),
    ),
  })),
  'unsorted-time.csv': csv((rows) => ({ rows: [rows[0]!, rows[2]!, rows[1]!, rows[3]!] })),
  'duplicate-time.csv': csv(set(2, 2, '09:32:00')),
  'high-below-low.csv': csv(set(1, 4, '10.00')),
  'open-outside-range.csv': csv(set(2, 3, '10.10')),
  'close-outside-range.csv': csv(set(3, 6, '9.90')),
  'negative-volume.csv': csv(set(1, 7, '-500')),
  'negative-amount.csv': csv(set(1, 8, '-5010')),
  'nan-price.csv': csv(set(2, 6, '')),
  'infinite-price.csv': csv(set(0, 4, 'Infinity')),
  'off-tick-grid.csv': csv(set(3, 6, '10.015')),
  'volume-in-lots.csv': csv(set(0, 7, '20')),
  'bad-number.csv': csv(set(1, 5, '1O.01')),
  'bad-time.csv': csv(set(2, 2, '25:61:00')),
  'bad-date.csv': csv(set(0, 1, '20250230')),
  'ragged-row.csv': csv((rows) => ({ rows: [rows[0]!, `${rows[1]!},extra`, rows[2]!] })),
  'split-stock-day.csv': csv((rows) => ({
    rows: [rows[0]!, rows[1]!.replace('600000.SH', '600004.SH'), rows[2]!],
  })),
  'empty.csv': '',
  'truncated.csv.gz': gzipSync(
    Buffer.from(csv((rows) => ({ rows: [...rows, ...rows.map((r) => r.replace('20250102', '20250103'))] }))),
  ).subarray(0, 120),
  'ticks-cumulative-decrease.csv': ticksCsv((t) => {
    t.volume[3] = t.volume[2]! - 100;
  }),
  'ticks-crossed-book.csv': ticksCsv((t) => {
    t.bidPrice[4 * 2] = t.askPrice[4 * 2]! + 0.01;
  }),
  'ticks-level-order.csv': ticksCsv((t) => {
    t.askPrice[5 * 2 + 1] = t.askPrice[5 * 2]!;
  }),
  'ticks-two-levels.csv': ticksCsv(() => {}),
  'not-parquet.parquet': csv((rows) => ({ rows })),
};

/** A small valid tick day (2 levels) in the canonical CSV layout, after `edit`. */
function ticksCsv(edit: (t: ReturnType<typeof makeTickDay>) => void): string {
  const t = makeTickDay('600519.SH', 20230201, 8, 2, 4);
  edit(t);
  const L = 2;
  const cols = ['asset', 'date', 'time', 'last', 'volume', 'amount', 'trades'];
  const lf = ['bidPrice', 'bidVolume', 'bidOrders', 'askPrice', 'askVolume', 'askOrders'] as const;
  for (const f of lf) for (let k = 1; k <= L; k++) cols.push(`${f}${k}`);
  const lines = [cols.join(',')];
  const s = (x: number) => (Number.isNaN(x) ? '' : String(x));
  for (let i = 0; i < t.time.length; i++) {
    const hh = String(Math.floor(t.time[i]! / 3_600_000)).padStart(2, '0');
    const mm = String(Math.floor(t.time[i]! / 60_000) % 60).padStart(2, '0');
    const ss = String(Math.floor(t.time[i]! / 1000) % 60).padStart(2, '0');
    const row = [
      t.asset,
      t.date,
      `${hh}:${mm}:${ss}`,
      s(t.last[i]!),
      s(t.volume[i]!),
      s(t.amount[i]!),
      s(t.trades[i]!),
    ];
    for (const f of lf) for (let k = 0; k < L; k++) row.push(s(t[f][i * L + k]!));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function minuteFrame(edit: (f: MinuteBars) => void = () => {}): MinuteBars {
  const f = allocMinuteBars(4, { asset: '600000.SH', date: 20250102 });
  ROWS.forEach((r, i) => {
    const x = r.split(',');
    f.time[i] = MINUTE_BAR_END_TIMES[i]!;
    (['open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const).forEach((k, j) => {
      f[k][i] = Number(x[3 + j]);
    });
  });
  edit(f);
  return f;
}

for (const [name, body] of Object.entries(files)) writeFileSync(here(name), body);

await writeMinuteBarsParquet(here('truncated.parquet'), [minuteFrame()]);
writeFileSync(here('truncated.parquet'), readFileSync(here('truncated.parquet')).subarray(0, 300));
await writeMinuteBarsParquet(here('high-below-low.parquet'), [
  minuteFrame((f) => {
    f.high[1] = 9.5;
  }),
]);
const base = minuteFrame();
const col = (name: string, data: unknown, type?: string) => ({ name, data, ...(type ? { type } : {}) });
writeFileSync(
  here('missing-column.parquet'),
  new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        col('asset', ['600000.SH', '600000.SH', '600000.SH', '600000.SH'], 'STRING'),
        col('date', Int32Array.from([20250102, 20250102, 20250102, 20250102]), 'INT32'),
        col('time', base.time, 'INT32'),
        col('open', base.open, 'DOUBLE'),
        col('high', base.high, 'DOUBLE'),
        col('low', base.low, 'DOUBLE'),
        col('close', base.close, 'DOUBLE'),
        col('amount', base.amount, 'DOUBLE'),
      ] as never,
    }),
  ),
);
const fullColumns = (overrides: Record<string, ReturnType<typeof col>>) =>
  [
    col('asset', ['600000.SH', '600000.SH', '600000.SH', '600000.SH'], 'STRING'),
    col('date', Int32Array.from([20250102, 20250102, 20250102, 20250102]), 'INT32'),
    col('time', base.time, 'INT32'),
    ...(['open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const).map(
      (k) => overrides[k] ?? col(k, base[k], 'DOUBLE'),
    ),
  ] as never;
writeFileSync(
  here('text-in-number-column.parquet'),
  new Uint8Array(
    parquetWriteBuffer({
      columnData: fullColumns({ open: col('open', ['10.00', 'n/a', '10.03', '10.05'], 'STRING') }),
    }),
  ),
);
writeFileSync(
  here('boolean-column.parquet'),
  new Uint8Array(
    parquetWriteBuffer({
      columnData: fullColumns({ volume: col('volume', [true, false, true, true], 'BOOLEAN') }),
    }),
  ),
);

await writeMinuteBarsArrow(here('truncated.arrow'), [minuteFrame()]);
writeFileSync(here('truncated.arrow'), readFileSync(here('truncated.arrow')).subarray(0, 500));
writeFileSync(here('not-arrow.arrow'), Buffer.from('ARROW1 but not really an Arrow file\n'));
await writeMinuteBarsArrow(here('unsorted-time.arrow'), [
  minuteFrame((f) => {
    f.time[3] = f.time[0]!;
  }),
]);
await writeMinuteBarsArrow(here('nonfinite-volume.arrow'), [
  minuteFrame((f) => {
    f.volume[2] = NaN;
  }),
]);
await writeTickSnapshotsArrow(
  here('ticks-negative-depth.arrow'),
  [
    (() => {
      const t = makeTickDay('600519.SH', 20230201, 8, 2, 4);
      t.askVolume[3 * 2] = -100;
      return t;
    })(),
  ],
  { levels: 2 },
);
console.log(`wrote ${Object.keys(files).length + 10} files`);
