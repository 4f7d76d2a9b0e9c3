import { barsError } from '../errors.js';
import {
  MINUTE_BAR_FIELDS,
  type MinuteBars,
  TICK_LEVEL_FIELDS,
  TICK_SCALAR_FIELDS,
  type TickSnapshots,
} from '../types.js';
import type { FrameAssembler } from './assemble.js';
import { CANONICAL_MINUTE_COLUMNS, canonicalTickColumns } from './mappings.js';

/**
 * The canonical long layout as typed column chunks, shared by the Parquet and Arrow writers:
 * frames are copied row-wise into fixed-size chunks (a stock-day may span two chunks), so
 * writing never holds more than one chunk plus one frame.
 */
export interface ColumnChunk {
  rows: number;
  asset: string[];
  date: Int32Array;
  time: Int32Array;
  /** Float64 columns in `names` order after asset, date, time. */
  values: Float64Array[];
  /** All column names, in file order. */
  names: readonly string[];
}

export type WritableFrame = MinuteBars | TickSnapshots;

/** Copies frames into chunks of `chunkRows` rows in the canonical layout of `kind`. */
export class ChunkBuilder {
  readonly names: readonly string[];
  private chunk: ColumnChunk;
  private readonly nValues: number;

  constructor(
    readonly kind: 'minute' | 'tick',
    readonly levels: number,
    readonly chunkRows: number,
  ) {
    this.names = kind === 'minute' ? CANONICAL_MINUTE_COLUMNS : canonicalTickColumns(levels);
    this.nValues = this.names.length - 3;
    this.chunk = this.fresh();
  }

  private fresh(): ColumnChunk {
    return {
      rows: 0,
      asset: [],
      date: new Int32Array(this.chunkRows),
      time: new Int32Array(this.chunkRows),
      values: Array.from({ length: this.nValues }, () => new Float64Array(this.chunkRows)),
      names: this.names,
    };
  }

  /** Adds a frame; returns the chunks it completed (possibly none). */
  add(f: WritableFrame): ColumnChunk[] {
    if (f.asset === undefined || f.date === undefined) {
      throw barsError('BARS_MISSING_COLUMN', 'frames written to a file need asset and date', {
        field: f.asset === undefined ? 'asset' : 'date',
      });
    }
    const isTick = 'levels' in f;
    if (isTick !== (this.kind === 'tick')) {
      throw barsError(
        'BARS_INVALID_OPTION',
        `a ${isTick ? 'tick' : 'minute'} frame given to a ${this.kind} writer`,
        {
          field: 'kind',
          asset: f.asset,
          date: f.date,
        },
      );
    }
    if (isTick && (f as TickSnapshots).levels !== this.levels) {
      throw barsError(
        'BARS_LEVEL_COUNT',
        `frame has ${(f as TickSnapshots).levels} levels, the file ${this.levels}`,
        {
          field: 'levels',
          asset: f.asset,
          date: f.date,
        },
      );
    }
    const done: ColumnChunk[] = [];
    const n = f.time.length;
    const L = this.levels;
    for (let i = 0; i < n; i++) {
      const c = this.chunk;
      const r = c.rows++;
      c.asset.push(f.asset);
      c.date[r] = f.date;
      c.time[r] = f.time[i]!;
      let v = 0;
      if (isTick) {
        const t = f as TickSnapshots;
        for (const k of TICK_SCALAR_FIELDS) c.values[v++]![r] = t[k][i]!;
        for (const k of TICK_LEVEL_FIELDS) for (let l = 0; l < L; l++) c.values[v++]![r] = t[k][i * L + l]!;
      } else {
        const m = f as MinuteBars;
        for (const k of MINUTE_BAR_FIELDS) c.values[v++]![r] = m[k][i]!;
      }
      if (c.rows === this.chunkRows) {
        done.push(c);
        this.chunk = this.fresh();
      }
    }
    return done;
  }

  /** The last, partial chunk (or none). */
  flush(): ColumnChunk | undefined {
    const c = this.chunk;
    if (c.rows === 0) return undefined;
    this.chunk = this.fresh();
    return {
      ...c,
      date: c.date.subarray(0, c.rows),
      time: c.time.subarray(0, c.rows),
      values: c.values.map((a) => a.subarray(0, c.rows)),
    };
  }
}

/** Most rows one decoded batch / row group may hold (JS arrays and typed arrays index with int32). */
export const MAX_CHUNK_ROWS = 2 ** 31 - 1;

/**
 * Feeds `length` rows of typed columns (one array per file column, `header` order) to an
 * assembler. `firstRow` is the data row of the first one in the file. The claimed `length` is
 * checked first: it must be an integer in [0, 2^31 - 1] and every decoded column must hold
 * exactly that many values (a short column would otherwise read as empty cells, a long one would
 * lose rows).
 *
 * @throws `BARS_FILE_FORMAT` naming `what` (e.g. `row group 3`), the column, the claimed count
 * and what the column holds (context `claimed`, `possible`).
 */
export function feedColumns(
  asm: FrameAssembler,
  columns: (ArrayLike<unknown> | undefined)[],
  length: number,
  firstRow: number,
  header: readonly string[],
  what: string,
  source?: string,
): void {
  const where = (field?: string) => ({
    row: firstRow,
    ...(source === undefined ? {} : { source }),
    ...(field === undefined ? {} : { field }),
  });
  if (!(Number.isInteger(length) && length >= 0 && length <= MAX_CHUNK_ROWS)) {
    throw barsError(
      'BARS_FILE_FORMAT',
      `${what} claims ${length} rows; a count is an integer from 0 to ${MAX_CHUNK_ROWS}`,
      { ...where(), claimed: length, possible: MAX_CHUNK_ROWS },
    );
  }
  columns.forEach((c, i) => {
    if (c !== undefined && c.length !== length) {
      throw barsError(
        'BARS_FILE_FORMAT',
        `${what} claims ${length} rows but column ${JSON.stringify(header[i])} holds ${c.length} values`,
        { ...where(header[i]), claimed: length, possible: c.length },
      );
    }
  });
  let r = 0;
  const get = (c: number): unknown => columns[c]?.[r];
  for (; r < length; r++) asm.add(get, firstRow + r);
}
