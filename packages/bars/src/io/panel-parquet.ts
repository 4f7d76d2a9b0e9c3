import { rmSync, statSync } from 'node:fs';
import { atomicTempPath, commitAtomicFile, HfqError, Panel } from '@hfq/core';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { barsError } from '../errors.js';
import { checkRowGroupCounts } from './parquet.js';

/**
 * Writes dates x assets panels (scores, factors, weights) to one Parquet file in the long layout
 * researchers load into pandas/polars: one row per (date, asset), columns `date` INT32 yyyymmdd,
 * `asset` UTF8, then one DOUBLE column per panel (NaN = missing; rows where every panel is NaN are
 * kept, so the file round-trips exactly). All panels must share dates and assets. Written
 * atomically (temporary file, then rename), in row groups of `rowGroupRows` rows.
 *
 * @throws `SHAPE_MISMATCH` when panels disagree on dates or assets, `INVALID_ARGUMENT` for no panels
 * or a name clashing with `date`/`asset`.
 */
export function writePanelsParquet(
  path: string,
  panels: Readonly<Record<string, Panel>>,
  options: { rowGroupRows?: number; metadata?: Record<string, string> } = {},
): void {
  const names = Object.keys(panels);
  if (names.length === 0)
    throw new HfqError('INVALID_ARGUMENT', 'writePanelsParquet needs at least one panel');
  for (const n of names) {
    if (n === 'date' || n === 'asset') {
      throw new HfqError('INVALID_ARGUMENT', `a panel cannot be named ${n} (a key column)`, { field: n });
    }
  }
  const first = panels[names[0]!]!;
  for (const n of names) {
    const p = panels[n]!;
    const same =
      p.nDates === first.nDates &&
      p.nAssets === first.nAssets &&
      p.dates.every((d, i) => d === first.dates[i]) &&
      p.assets.every((a, i) => a === first.assets[i]);
    if (!same) {
      throw new HfqError('SHAPE_MISMATCH', `panel ${n} is not on the dates and assets of panel ${names[0]}`, {
        field: n,
      });
    }
  }
  const groupRows = options.rowGroupRows ?? 262_144;
  const nA = first.nAssets;
  const total = first.nDates * nA;
  const tmp = atomicTempPath(path);
  const pq = new ParquetWriter({
    writer: fileWriter(tmp),
    schema: [
      { name: 'root', num_children: 2 + names.length },
      { name: 'date', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'asset', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      ...names.map((name) => ({ name, type: 'DOUBLE', repetition_type: 'REQUIRED' })),
    ] as never,
    codec: 'SNAPPY',
    kvMetadata: [
      { key: 'hfq.layout', value: 'panel-long' },
      ...Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    ],
  });
  try {
    for (let r0 = 0; r0 < total; r0 += groupRows) {
      const n = Math.min(groupRows, total - r0);
      const date = new Int32Array(n);
      const asset = new Array<string>(n);
      for (let k = 0; k < n; k++) {
        const r = r0 + k;
        date[k] = first.dates[Math.floor(r / nA)]!;
        asset[k] = first.assets[r % nA]!;
      }
      pq.write({
        columnData: [
          { name: 'date', data: date },
          { name: 'asset', data: asset },
          ...names.map((name) => ({
            name,
            data: Float64Array.from(panels[name]!.values.subarray(r0, r0 + n)),
          })),
        ],
        rowGroupSize: n,
      });
    }
    pq.finish();
    commitAtomicFile(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Reads a long-layout Parquet file (`date`, `asset`, value columns; any row order, no duplicate
 * (date, asset)) into one float64 panel per value column, dates ascending and assets in order of
 * first appearance. Cells without a row are NaN.
 *
 * Row counts are checked against what every column stores before anything is allocated.
 *
 * @throws `BARS_FILE_NOT_FOUND`, `BARS_FILE_FORMAT` (not Parquet, or a claimed row count that the
 * columns do not hold), `BARS_MISSING_COLUMN` (no `date`/`asset`),
 * `DUPLICATE` for a repeated (date, asset).
 */
export async function readPanelsParquet(path: string): Promise<Record<string, Panel<Float64Array>>> {
  try {
    statSync(path);
  } catch {
    throw barsError('BARS_FILE_NOT_FOUND', `no file at ${path}`, { source: path });
  }
  let columns: Record<string, ArrayLike<unknown>>;
  try {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    const names = metadata.schema.slice(1).map((s) => s.name);
    // claimed row counts are checked before anything is allocated (a count below what is stored
    // dropped rows, -1 or 2^31 broke the allocation)
    const total = checkRowGroupCounts(metadata, names, path).reduce((a, b) => a + b, 0);
    const cols: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, new Array(total)]));
    const filled: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
    // hyparquet calls onChunk from its own promise chains: a throw there would surface as an
    // unhandled rejection after parquetRead settled, so an overflow is recorded, the rest of the
    // column is ignored, and the typed error is thrown once the read is done.
    let overflow: { column: string; rows: number } | undefined;
    await parquetRead({
      file,
      metadata,
      compressors,
      onChunk: (chunk) => {
        const dst = cols[chunk.columnName]!;
        const data = chunk.columnData as ArrayLike<unknown>;
        if (overflow !== undefined) return;
        if (chunk.rowStart + data.length > total) {
          overflow = { column: chunk.columnName, rows: chunk.rowStart + data.length };
          return;
        }
        for (let r = 0; r < data.length; r++) dst[chunk.rowStart + r] = data[r];
        filled[chunk.columnName]! += data.length;
      },
    });
    if (overflow !== undefined) {
      throw barsError(
        'BARS_FILE_FORMAT',
        `the file claims ${total} rows but column ${JSON.stringify(overflow.column)} holds at least ${overflow.rows}`,
        { source: path, field: overflow.column, claimed: total, stored: overflow.rows },
      );
    }
    for (const n of names) {
      if (filled[n] !== total) {
        throw barsError(
          'BARS_FILE_FORMAT',
          `the file claims ${total} rows but column ${JSON.stringify(n)} decoded ${filled[n]}`,
          {
            source: path,
            field: n,
            claimed: total,
            possible: filled[n],
          },
        );
      }
    }
    columns = cols;
  } catch (e) {
    if (HfqError.is(e)) throw e;
    throw barsError(
      'BARS_FILE_FORMAT',
      `not a readable Parquet file: ${(e as Error).message}`,
      { source: path },
      e,
    );
  }
  for (const key of ['date', 'asset']) {
    if (!(key in columns))
      throw barsError('BARS_MISSING_COLUMN', `no ${key} column`, { source: path, field: key });
  }
  const dateCol = columns.date!;
  const assetCol = columns.asset!;
  const n = dateCol.length;
  const dates = [...new Set(Array.from({ length: n }, (_, i) => Number(dateCol[i])))].sort((a, b) => a - b);
  const assets: string[] = [];
  const assetIdx = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const a = String(assetCol[i]);
    if (!assetIdx.has(a)) {
      assetIdx.set(a, assets.length);
      assets.push(a);
    }
  }
  const dateIdx = new Map(dates.map((d, i) => [d, i]));
  const out: Record<string, Panel<Float64Array>> = {};
  const seen = new Uint8Array(dates.length * assets.length);
  const valueNames = Object.keys(columns).filter((k) => k !== 'date' && k !== 'asset');
  for (const name of valueNames) out[name] = Panel.alloc(dates, assets, 'float64');
  for (let i = 0; i < n; i++) {
    const cell = dateIdx.get(Number(dateCol[i]))! * assets.length + assetIdx.get(String(assetCol[i]))!;
    if (seen[cell]) {
      throw new HfqError('DUPLICATE', `(date ${dateCol[i]}, asset ${assetCol[i]}) appears twice`, {
        source: path,
        row: i,
      });
    }
    seen[cell] = 1;
    for (const name of valueNames) {
      const v = columns[name]![i];
      out[name]!.values[cell] = v === null || v === undefined ? NaN : Number(v);
    }
  }
  return out;
}
