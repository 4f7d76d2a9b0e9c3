import type { Readable } from 'node:stream';
import { formatTimeOfDay, throwIfAborted } from '@hfq/core';
import { barsError } from '../errors.js';
import {
  MINUTE_BAR_FIELDS,
  type MinuteBars,
  TICK_LEVEL_FIELDS,
  TICK_SCALAR_FIELDS,
  type TickSnapshots,
} from '../types.js';
import { FrameAssembler, type FrameReadOptions } from './assemble.js';
import { type ColumnMapping, resolveMapping } from './mapping.js';
import {
  CANONICAL_MINUTE,
  CANONICAL_MINUTE_COLUMNS,
  CANONICAL_TICK,
  canonicalTickColumns,
} from './mappings.js';
import { splitCsvLine, textLineBatches, writeTextAtomic } from './text.js';

/**
 * Reads a CSV file (plain or gzip) or stream into one frame per stock-day, streaming: memory holds
 * one stock-day, whatever the file size. Columns are located by `mapping` (see `ColumnMapping`
 * and the built-in vendor mappings). Each frame is validated as `options.validate` says.
 *
 * @throws `BARS_EMPTY_FILE` (no header), `BARS_MISSING_COLUMN` (a mapped column is absent),
 * `BARS_CSV_FIELD_COUNT` (a row with a different number of fields than the header),
 * `BARS_PARSE_NUMBER` / `BARS_PARSE_DATE` / `BARS_PARSE_TIME` (a cell, with its data row and
 * column), `BARS_NONCONTIGUOUS_GROUP`, `BARS_FILE_FORMAT` (a corrupt gzip stream), and any
 * validation code (with `fileRow`).
 */
export async function* readCsvFrames(
  source: string | Readable,
  mapping: ColumnMapping,
  options: FrameReadOptions = {},
): AsyncGenerator<MinuteBars | TickSnapshots> {
  const name = typeof source === 'string' ? source : undefined;
  const srcCtx = name === undefined ? {} : { source: name };
  let header: string[] | undefined;
  let asm: FrameAssembler | undefined;
  let fields: string[] = [];
  let row = 0;
  const get = (c: number): string => fields[c]!;
  for await (const batch of textLineBatches(source, options.maxLineLength)) {
    for (const raw of batch) {
      if (header === undefined) {
        const line = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
        if (line.trim().length === 0) continue;
        header = splitCsvLine(line, []).map((h) => h.trim());
        asm = new FrameAssembler(resolveMapping(mapping, header, name), options, name);
        continue;
      }
      if (raw.length === 0) continue;
      fields = splitCsvLine(raw, fields);
      if (fields.length !== header.length) {
        throw barsError(
          'BARS_CSV_FIELD_COUNT',
          `row has ${fields.length} fields, the header has ${header.length}`,
          {
            row,
            ...srcCtx,
          },
        );
      }
      asm!.add(get, row);
      row++;
    }
    throwIfAborted(options.signal, 'read csv');
    if (asm) for (const f of asm.take()) yield f;
  }
  if (header === undefined) throw barsError('BARS_EMPTY_FILE', 'the file has no header line', srcCtx);
  asm!.finish();
  for (const f of asm!.take()) yield f;
}

/** `readCsvFrames` for minute bars (default mapping: the canonical layout). */
export function readMinuteBarsCsv(
  source: string | Readable,
  mapping: ColumnMapping = CANONICAL_MINUTE,
  options?: FrameReadOptions,
): AsyncGenerator<MinuteBars> {
  if (mapping.kind !== 'minute')
    throw barsError('BARS_INVALID_OPTION', 'mapping.kind must be minute', { field: 'kind' });
  return readCsvFrames(source, mapping, options) as AsyncGenerator<MinuteBars>;
}

/** `readCsvFrames` for tick snapshots (default mapping: the canonical 10-level layout). */
export function readTickSnapshotsCsv(
  source: string | Readable,
  mapping: ColumnMapping = CANONICAL_TICK,
  options?: FrameReadOptions,
): AsyncGenerator<TickSnapshots> {
  if (mapping.kind !== 'tick')
    throw barsError('BARS_INVALID_OPTION', 'mapping.kind must be tick', { field: 'kind' });
  return readCsvFrames(source, mapping, options) as AsyncGenerator<TickSnapshots>;
}

/** Collects an async iterable of frames (for small files and tests; large files should stream). */
export async function collectFrames<F>(frames: AsyncIterable<F>): Promise<F[]> {
  const out: F[] = [];
  for await (const f of frames) out.push(f);
  return out;
}

function num(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

function checkKey(f: { asset?: string; date?: number }): void {
  if (f.asset === undefined || f.date === undefined) {
    throw barsError('BARS_MISSING_COLUMN', 'frames written to a file need asset and date', {
      field: f.asset === undefined ? 'asset' : 'date',
    });
  }
}

async function* minuteCsvChunks(
  frames: AsyncIterable<MinuteBars> | Iterable<MinuteBars>,
): AsyncGenerator<string> {
  yield `${CANONICAL_MINUTE_COLUMNS.join(',')}\n`;
  for await (const f of frames) {
    checkKey(f);
    const lines: string[] = [];
    const prefix = `${csvCell(f.asset!)},${f.date}`;
    for (let i = 0; i < f.time.length; i++) {
      let line = `${prefix},${formatTimeOfDay(f.time[i]!)}`;
      for (const k of MINUTE_BAR_FIELDS) line += `,${num(f[k][i]!)}`;
      lines.push(line);
    }
    yield `${lines.join('\n')}\n`;
  }
}

async function* tickCsvChunks(
  frames: AsyncIterable<TickSnapshots> | Iterable<TickSnapshots>,
  levels: number,
): AsyncGenerator<string> {
  yield `${canonicalTickColumns(levels).join(',')}\n`;
  for await (const f of frames) {
    checkKey(f);
    if (f.levels !== levels) {
      throw barsError('BARS_LEVEL_COUNT', `frame has ${f.levels} levels, the file ${levels}`, {
        field: 'levels',
        asset: f.asset,
        date: f.date,
      });
    }
    const lines: string[] = [];
    const prefix = `${csvCell(f.asset!)},${f.date}`;
    for (let i = 0; i < f.time.length; i++) {
      let line = `${prefix},${formatTimeOfDay(f.time[i]!)}`;
      for (const k of TICK_SCALAR_FIELDS) line += `,${num(f[k][i]!)}`;
      for (const k of TICK_LEVEL_FIELDS)
        for (let l = 0; l < levels; l++) line += `,${num(f[k][i * levels + l]!)}`;
      lines.push(line);
    }
    yield `${lines.join('\n')}\n`;
  }
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Writes minute-bar frames to a CSV file in the canonical layout (`CANONICAL_MINUTE`; time as
 * `HH:MM:SS`, NaN as an empty cell, numbers in shortest round-trip form so reading back is
 * exact). gzip when `path` ends in `.gz`. Streams (one frame in memory) and writes atomically.
 */
export function writeMinuteBarsCsv(
  path: string,
  frames: AsyncIterable<MinuteBars> | Iterable<MinuteBars>,
): Promise<void> {
  return writeTextAtomic(path, minuteCsvChunks(frames));
}

/** Writes tick frames to a CSV file in the canonical layout (`canonicalTickMapping(levels)`). */
export function writeTickSnapshotsCsv(
  path: string,
  frames: AsyncIterable<TickSnapshots> | Iterable<TickSnapshots>,
  levels = 10,
): Promise<void> {
  return writeTextAtomic(path, tickCsvChunks(frames, levels));
}
