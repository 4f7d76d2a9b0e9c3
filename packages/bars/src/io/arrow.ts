import { createWriteStream, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { atomicTempPath, commitAtomicFile, throwIfAborted } from '@hfq/core';
import {
  makeVector,
  Precision,
  RecordBatchFileWriter,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Table,
  Type,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { barsError, checkOption } from '../errors.js';
import type { MinuteBars, TickSnapshots } from '../types.js';
import { checkArrowIpc } from './arrow-check.js';
import { FrameAssembler, type FrameReadOptions } from './assemble.js';
import { ChunkBuilder, type ColumnChunk, feedColumns, type WritableFrame } from './columnar.js';
import { type ColumnMapping, resolveMapping } from './mapping.js';
import { CANONICAL_MINUTE, canonicalTickMapping } from './mappings.js';

/** Options of the Arrow writers. */
export interface ArrowWriteOptions {
  /** Rows per record batch (the unit a streaming reader holds in memory). Default 65,536. */
  batchRows?: number;
  /** `'file'` (default; `.arrow` / Feather v2, random access) or `'stream'` (IPC stream format). */
  format?: 'file' | 'stream';
}

/**
 * Writes frames to an Arrow IPC file in the canonical long layout (`asset` Utf8, `date` Int32
 * yyyymmdd, `time` Int32 ms since midnight, fields Float64 with NaN for missing), one record batch
 * per `batchRows` rows, streaming through a Node write stream; written atomically. Schema metadata
 * records `hfq.kind` and `hfq.levels`.
 */
export async function writeArrowFrames(
  path: string,
  kind: 'minute' | 'tick',
  frames: AsyncIterable<WritableFrame> | Iterable<WritableFrame>,
  options: ArrowWriteOptions & { levels?: number } = {},
): Promise<void> {
  const rows = options.batchRows ?? 65_536;
  checkOption(Number.isInteger(rows) && rows > 0, 'batchRows', 'must be a positive integer');
  const format = options.format ?? 'file';
  checkOption(format === 'file' || format === 'stream', 'format', `must be 'file' or 'stream'`);
  const levels = options.levels ?? 10;
  const builder = new ChunkBuilder(kind, levels, rows);
  const tmp = atomicTempPath(path);
  const writer = format === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
  const out = createWriteStream(tmp);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  writer.toNodeStream().pipe(out);
  const metadata = new Map([
    ['hfq.kind', kind],
    ['hfq.levels', String(kind === 'tick' ? levels : 0)],
  ]);
  const put = (c: ColumnChunk) => {
    const cols: Record<string, Vector> = {
      asset: vectorFromArray(c.asset, new Utf8()),
      date: makeVector(c.date),
      time: makeVector(c.time),
    };
    c.values.forEach((v, k) => {
      cols[c.names[k + 3]!] = makeVector(v);
    });
    const t = new Table(cols);
    for (const [k, v] of metadata) t.schema.metadata.set(k, v);
    for (const b of t.batches) writer.write(b);
  };
  try {
    for await (const f of frames) for (const c of builder.add(f)) put(c);
    const last = builder.flush();
    if (last) put(last);
    writer.finish();
    await done;
    commitAtomicFile(tmp, path);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `writeArrowFrames` for minute bars. */
export function writeMinuteBarsArrow(
  path: string,
  frames: AsyncIterable<MinuteBars> | Iterable<MinuteBars>,
  options?: ArrowWriteOptions,
): Promise<void> {
  return writeArrowFrames(path, 'minute', frames, options);
}

/** `writeArrowFrames` for tick snapshots (`levels` per side, default 10). */
export function writeTickSnapshotsArrow(
  path: string,
  frames: AsyncIterable<TickSnapshots> | Iterable<TickSnapshots>,
  options: ArrowWriteOptions & { levels?: number } = {},
): Promise<void> {
  return writeArrowFrames(path, 'tick', frames, options);
}

/** ms per unit of an Arrow `TimeUnit` (SECOND, MILLISECOND, MICROSECOND, NANOSECOND). */
const TIME_UNIT_MS = [1000, 1, 1e-3, 1e-6];

/**
 * Column values of an Arrow vector: typed arrays for plain numbers, else per-value `get`.
 * Float16 is decoded (its `toArray` holds raw bits); `Time` columns are converted to ms since
 * midnight by the unit their type declares (Time32[second] -> x 1000).
 */
function columnValues(v: Vector, typeId: Type): ArrayLike<unknown> {
  if (typeId === Type.Time) {
    const scale = TIME_UNIT_MS[(v.type as { unit: number }).unit] ?? 1;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v.get(i);
      out[i] = x === null ? null : Math.round(Number(x) * scale);
    }
    return out;
  }
  const half = typeId === Type.Float && (v.type as { precision: number }).precision === Precision.HALF;
  if (v.nullCount === 0 && !half && (typeId === Type.Float || typeId === Type.Int)) {
    const a = v.toArray() as ArrayLike<unknown>;
    if (a.length === v.length) return a;
  }
  const out = new Array<unknown>(v.length);
  const isDate = typeId === Type.Timestamp || typeId === Type.Date;
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i);
    out[i] = isDate && x !== null ? new Date(Number(x)) : x;
  }
  return out;
}

/**
 * Reads an Arrow IPC file (file or stream format) into one frame per stock-day, **one record
 * batch at a time** (random-access reads through a file handle), so memory holds one batch plus
 * one stock-day. Columns are located by `mapping` (canonical by default).
 *
 * Before apache-arrow reads anything, every message header is checked against the bytes present
 * (`checkArrowIpc`): a record batch claiming a negative, huge (> 2^31 - 1) or wrong row count, or
 * a buffer too short or longer than the rows it claims, is rejected instead of dropping rows,
 * reading as empty or exhausting memory.
 *
 * @throws `BARS_FILE_NOT_FOUND`, `BARS_FILE_FORMAT` (not Arrow IPC, truncated, or a claimed length
 * the bytes do not hold; context `batch`, `field`, `claimed`, `possible`/`stored`),
 * `BARS_MISSING_COLUMN`, `BARS_COLUMN_TYPE` / `BARS_PARSE_*`, `BARS_NONCONTIGUOUS_GROUP`, and the
 * validation codes.
 */
export async function* readArrowFrames(
  path: string,
  mapping?: ColumnMapping,
  options: FrameReadOptions = {},
): AsyncGenerator<MinuteBars | TickSnapshots> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw barsError('BARS_FILE_NOT_FOUND', `no file at ${path}`, { source: path });
  }
  const fh = await open(path);
  try {
    // claimed lengths are checked against the bytes before apache-arrow allocates anything
    await checkArrowIpc(fh, size, path);
    let reader: Awaited<ReturnType<typeof RecordBatchReader.from>>;
    try {
      reader = await RecordBatchReader.from(fh);
      await reader.open();
    } catch (e) {
      throw barsError(
        'BARS_FILE_FORMAT',
        `not a readable Arrow IPC file: ${(e as Error).message}`,
        { source: path },
        e,
      );
    }
    const schema = reader.schema;
    if (!schema) throw barsError('BARS_FILE_FORMAT', 'the Arrow file has no schema', { source: path });
    const header = schema.fields.map((f) => f.name);
    let m = mapping;
    if (m === undefined) {
      const kind = schema.metadata.get('hfq.kind');
      const levels = Number(schema.metadata.get('hfq.levels') ?? 10);
      m = kind === 'tick' ? canonicalTickMapping(levels > 0 ? levels : 10) : CANONICAL_MINUTE;
    }
    const asm = new FrameAssembler(resolveMapping(m, header, path), options, path);
    let start = 0;
    let index = 0;
    const it = reader[Symbol.asyncIterator]();
    while (true) {
      let step: IteratorResult<Awaited<ReturnType<typeof it.next>>['value']>;
      try {
        step = await it.next();
      } catch (e) {
        throw barsError(
          'BARS_FILE_FORMAT',
          `cannot read the record batch at row ${start}: ${(e as Error).message}`,
          {
            source: path,
            row: start,
          },
          e,
        );
      }
      if (step.done) break;
      const batch = step.value;
      const columns = schema.fields.map((f, i) => columnValues(batch.getChildAt(i)!, f.typeId));
      feedColumns(asm, columns, batch.numRows, start, header, `record batch ${index++}`, path);
      start += batch.numRows;
      throwIfAborted(options.signal, 'read arrow');
      for (const f of asm.take()) yield f;
    }
    asm.finish();
    for (const f of asm.take()) yield f;
  } finally {
    await fh.close();
  }
}

/** `readArrowFrames` for minute bars. */
export function readMinuteBarsArrow(
  path: string,
  mapping: ColumnMapping = CANONICAL_MINUTE,
  options?: FrameReadOptions,
): AsyncGenerator<MinuteBars> {
  checkOption(mapping.kind === 'minute', 'kind', 'the mapping must be for minute bars');
  return readArrowFrames(path, mapping, options) as AsyncGenerator<MinuteBars>;
}

/** `readArrowFrames` for tick snapshots (default: canonical, levels from the file's metadata). */
export function readTickSnapshotsArrow(
  path: string,
  mapping?: ColumnMapping,
  options?: FrameReadOptions,
): AsyncGenerator<TickSnapshots> {
  if (mapping) checkOption(mapping.kind === 'tick', 'kind', 'the mapping must be for ticks');
  return readArrowFrames(path, mapping, options) as AsyncGenerator<TickSnapshots>;
}
