import { rmSync, statSync } from 'node:fs';
import { atomicTempPath, commitAtomicFile, throwIfAborted } from '@hfq/core';
import { asyncBufferFromFile, type FileMetaData, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { barsError, checkOption } from '../errors.js';
import type { MinuteBars, TickSnapshots } from '../types.js';
import { FrameAssembler, type FrameReadOptions } from './assemble.js';
import { ChunkBuilder, type ColumnChunk, feedColumns, type WritableFrame } from './columnar.js';
import { type ColumnMapping, resolveMapping } from './mapping.js';
import { CANONICAL_MINUTE, canonicalTickMapping } from './mappings.js';

/** Options of the Parquet writers. */
export interface ParquetWriteOptions {
  /** Rows per row group (the unit a streaming reader holds in memory). Default 65,536. */
  rowGroupRows?: number;
  /** Compression: `'SNAPPY'` (default) or `'UNCOMPRESSED'`. */
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
}

/**
 * Writes frames to a Parquet file in the canonical long layout (`asset` UTF8, `date` INT32
 * yyyymmdd, `time` INT32 ms since midnight, the fields as DOUBLE with NaN for missing; ticks add
 * `bidPrice1..L` etc.), with hyparquet-writer. Streams: frames are copied into row groups of
 * `rowGroupRows` rows and each group is written as soon as it is full, so memory holds one group.
 * Written atomically (temporary file, then rename). Key-value metadata records `hfq.kind`,
 * `hfq.levels` and the time convention.
 */
export async function writeParquetFrames(
  path: string,
  kind: 'minute' | 'tick',
  frames: AsyncIterable<WritableFrame> | Iterable<WritableFrame>,
  options: ParquetWriteOptions & { levels?: number } = {},
): Promise<void> {
  const rows = options.rowGroupRows ?? 65_536;
  checkOption(Number.isInteger(rows) && rows > 0, 'rowGroupRows', 'must be a positive integer');
  const levels = options.levels ?? 10;
  const codec = options.codec ?? 'SNAPPY';
  checkOption(codec === 'SNAPPY' || codec === 'UNCOMPRESSED', 'codec', `must be 'SNAPPY' or 'UNCOMPRESSED'`);
  const builder = new ChunkBuilder(kind, levels, rows);
  const tmp = atomicTempPath(path);
  const writer = fileWriter(tmp);
  const schema = [
    { name: 'root', num_children: builder.names.length },
    { name: 'asset', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'date', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'time', type: 'INT32', repetition_type: 'REQUIRED' },
    ...builder.names.slice(3).map((name) => ({ name, type: 'DOUBLE', repetition_type: 'REQUIRED' })),
  ];
  const pq = new ParquetWriter({
    writer,
    schema: schema as never,
    codec,
    kvMetadata: [
      { key: 'hfq.kind', value: kind },
      { key: 'hfq.levels', value: String(kind === 'tick' ? levels : 0) },
      { key: 'hfq.time', value: 'ms since midnight, Beijing time; minute bars labelled by their end' },
    ],
  });
  const put = (c: ColumnChunk) => {
    pq.write({
      columnData: [
        { name: 'asset', data: c.asset },
        { name: 'date', data: c.date },
        { name: 'time', data: c.time },
        ...c.values.map((data, k) => ({ name: c.names[k + 3]!, data })),
      ],
      rowGroupSize: c.rows,
    });
  };
  try {
    for await (const f of frames) for (const c of builder.add(f)) put(c);
    const last = builder.flush();
    if (last) put(last);
    pq.finish();
    commitAtomicFile(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `writeParquetFrames` for minute bars. */
export function writeMinuteBarsParquet(
  path: string,
  frames: AsyncIterable<MinuteBars> | Iterable<MinuteBars>,
  options?: ParquetWriteOptions,
): Promise<void> {
  return writeParquetFrames(path, 'minute', frames, options);
}

/** `writeParquetFrames` for tick snapshots (`levels` per side, default 10). */
export function writeTickSnapshotsParquet(
  path: string,
  frames: AsyncIterable<TickSnapshots> | Iterable<TickSnapshots>,
  options: ParquetWriteOptions & { levels?: number } = {},
): Promise<void> {
  return writeParquetFrames(path, 'tick', frames, options);
}

async function openParquet(path: string) {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    statSync(path);
  } catch {
    throw barsError('BARS_FILE_NOT_FOUND', `no file at ${path}`, { source: path });
  }
  try {
    file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    return { file, metadata };
  } catch (e) {
    throw barsError(
      'BARS_FILE_FORMAT',
      `not a readable Parquet file: ${(e as Error).message}`,
      { source: path },
      e,
    );
  }
}

/** The `hfq.levels` key of a Parquet file written by hfq (undefined for other files). */
function levelsOf(md: FileMetaData): number | undefined {
  const kv = md.key_value_metadata?.find((k) => k.key === 'hfq.levels');
  const n = kv?.value === undefined ? NaN : Number(kv.value);
  return n > 0 ? n : undefined;
}

/**
 * Reads a Parquet file into one frame per stock-day, **one row group at a time** (hyparquet reads
 * only that group's byte range, decompressing with hyparquet-compressors: snappy, gzip, zstd,
 * brotli, lz4), so memory holds one row group plus one stock-day whatever the file size. Columns
 * are located by `mapping` (the canonical layout by default). Numeric columns may be INT32/INT64/
 * FLOAT/DOUBLE or numeric text; `time` INT32 ms since midnight (or text, or a TIMESTAMP, read in
 * Beijing time).
 *
 * @throws `BARS_FILE_NOT_FOUND`, `BARS_FILE_FORMAT` (not Parquet, truncated, or a corrupt page),
 * `BARS_MISSING_COLUMN`, `BARS_COLUMN_TYPE` / `BARS_PARSE_*` (row = data row in the file),
 * `BARS_NONCONTIGUOUS_GROUP`, and the validation codes.
 */
export async function* readParquetFrames(
  path: string,
  mapping: ColumnMapping,
  options: FrameReadOptions = {},
): AsyncGenerator<MinuteBars | TickSnapshots> {
  const { file, metadata } = await openParquet(path);
  const header = metadata.schema.slice(1).map((s) => s.name);
  const resolved = resolveMapping(mapping, header, path);
  const asm = new FrameAssembler(resolved, options, path);
  const wanted = new Set(
    [
      typeof mapping.asset === 'string' ? mapping.asset : undefined,
      mapping.exchange,
      typeof mapping.date === 'string' ? mapping.date : undefined,
      mapping.time,
      ...Object.values(mapping.fields),
    ].filter((x): x is string => x !== undefined),
  );
  for (const cols of resolved.levelColumns) for (const c of cols) if (c >= 0) wanted.add(header[c]!);
  const colIndex = new Map(header.map((h, i) => [h, i]));
  let start = 0;
  const counts = checkRowGroupCounts(metadata, [...wanted], path);
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const n = counts[g]!;
    const columns: (unknown[] | ArrayLike<unknown> | undefined)[] = new Array(header.length);
    try {
      await parquetRead({
        file,
        metadata,
        rowStart: start,
        rowEnd: start + n,
        columns: [...wanted],
        compressors,
        onChunk: (chunk) => {
          const i = colIndex.get(chunk.columnName)!;
          const data = chunk.columnData as ArrayLike<unknown>;
          if (chunk.rowStart === start && chunk.rowEnd === start + n) {
            columns[i] = data;
            return;
          }
          // a group delivered in several pages: place each page at its offset
          let dst = columns[i] as unknown[] | undefined;
          if (!Array.isArray(dst)) {
            dst = new Array(n);
            columns[i] = dst;
          }
          for (let r = 0; r < data.length; r++) dst[chunk.rowStart - start + r] = data[r];
        },
      });
    } catch (e) {
      throw barsError(
        'BARS_FILE_FORMAT',
        `cannot decode row group at row ${start}: ${(e as Error).message}`,
        {
          source: path,
          row: start,
        },
        e,
      );
    }
    for (const name of wanted) {
      const got = columns[colIndex.get(name)!]?.length ?? 0;
      if (got !== n) {
        throw barsError(
          'BARS_FILE_FORMAT',
          `row group ${g} claims ${n} rows but column ${JSON.stringify(name)} decoded ${got} values`,
          { source: path, row: start, field: name },
        );
      }
    }
    feedColumns(asm, columns, n, start, header, `row group ${g}`, path);
    start += n;
    throwIfAborted(options.signal, 'read parquet');
    for (const f of asm.take()) yield f;
  }
  asm.finish();
  for (const f of asm.take()) yield f;
}

/**
 * The row count of each row group, checked before anything is allocated: a count must be a safe
 * non-negative integer (a -1, or 2^53 + 1 that `Number` would round, is corrupt), every read
 * column chunk must store exactly that many values (a count below what is stored would drop
 * rows), and the counts must add up to the file's `num_rows`.
 */
export function checkRowGroupCounts(md: FileMetaData, wanted: string[], path: string): number[] {
  const bad = (message: string, row?: number) =>
    barsError('BARS_FILE_FORMAT', message, row === undefined ? { source: path } : { source: path, row });
  const count = (x: bigint | number, what: string): number => {
    const n = typeof x === 'bigint' ? (x >= 0n && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : -1) : x;
    if (!Number.isSafeInteger(n) || n < 0) throw bad(`${what} is ${String(x)}, not a row count`);
    return n;
  };
  const out: number[] = [];
  let total = 0;
  md.row_groups.forEach((group, g) => {
    const n = count(group.num_rows, `row group ${g}'s num_rows`);
    for (const c of group.columns) {
      const name = c.meta_data?.path_in_schema.join('.');
      if (name === undefined || !wanted.includes(name)) continue;
      const v = count(c.meta_data!.num_values, `row group ${g}, column ${JSON.stringify(name)}: num_values`);
      if (v !== n)
        throw bad(
          `row group ${g} claims ${n} rows but column ${JSON.stringify(name)} stores ${v} values`,
          total,
        );
    }
    out.push(n);
    total += n;
  });
  const fileRows = count(md.num_rows, "the file's num_rows");
  if (fileRows !== total) throw bad(`the file claims ${fileRows} rows, its row groups ${total}`);
  return out;
}

/** `readParquetFrames` for minute bars (default mapping: canonical). */
export function readMinuteBarsParquet(
  path: string,
  mapping: ColumnMapping = CANONICAL_MINUTE,
  options?: FrameReadOptions,
): AsyncGenerator<MinuteBars> {
  checkOption(mapping.kind === 'minute', 'kind', 'the mapping must be for minute bars');
  return readParquetFrames(path, mapping, options) as AsyncGenerator<MinuteBars>;
}

/**
 * `readParquetFrames` for tick snapshots. Default mapping: the canonical layout with the level
 * count recorded in the file (`hfq.levels`, else 10).
 */
export async function* readTickSnapshotsParquet(
  path: string,
  mapping?: ColumnMapping,
  options?: FrameReadOptions,
): AsyncGenerator<TickSnapshots> {
  let m = mapping;
  if (m === undefined) {
    const { metadata } = await openParquet(path);
    m = canonicalTickMapping(levelsOf(metadata) ?? 10);
  }
  checkOption(m.kind === 'tick', 'kind', 'the mapping must be for ticks');
  yield* readParquetFrames(path, m, options) as AsyncGenerator<TickSnapshots>;
}
