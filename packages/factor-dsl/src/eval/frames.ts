import type { MinuteBars, TickSnapshots, VolumeBars } from '@hfq/bars';
import { dslError } from '../language/errors.js';
import { FRAME_COLUMNS } from '../ops/fields.js';
import type { SourceKind } from '../ops/spec.js';

/** A frame of any source (one stock-day). */
export type Frame = MinuteBars | VolumeBars | TickSnapshots;

/** A numeric column: the typed arrays frames are made of. */
export type Column = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array;

/**
 * Many frames of one source in one set of columns (what workers and the benchmark evaluate):
 * frame `k` is rows `offsets[k] .. offsets[k+1]` of every column (level columns are row-major
 * `rows x levels`). A frame with no rows stands for a missing stock-day (suspended): all NaN.
 */
export interface FrameBlock {
  readonly source: SourceKind;
  /** `nFrames + 1` row offsets, non-decreasing, starting at 0. */
  readonly offsets: Int32Array;
  /** Order-book levels per row (tick source; 0 otherwise). */
  readonly levels: number;
  /** The columns of `FRAME_COLUMNS[source]`, by frame property name. */
  readonly columns: Readonly<Record<string, Column>>;
}

/** Largest number of rows one frame may have (a tick day at 1 s cadence is ~14 400). */
export const MAX_FRAME_ROWS = 1 << 20;
/** Most order-book levels a tick frame may have. */
export const MAX_FRAME_LEVELS = 64;

function isColumn(x: unknown): x is Column {
  return (
    x instanceof Float64Array ||
    x instanceof Float32Array ||
    x instanceof Int32Array ||
    x instanceof Uint32Array ||
    x instanceof Int16Array ||
    x instanceof Uint16Array
  );
}

/** Rows of a frame of `source`. */
export function frameRows(frame: Frame, source: SourceKind): number {
  const first = FRAME_COLUMNS[source][0]!.name;
  const col = (frame as unknown as Record<string, unknown>)[first];
  if (!isColumn(col)) {
    throw dslError('DSL_FRAME', `a ${source} frame needs a typed-array column '${first}'`, { field: first });
  }
  return col.length;
}

/**
 * The kernel columns of a frame, in `FRAME_COLUMNS[source]` order, checked: every column present,
 * a typed array, with `rows` (or `rows x levels`) values.
 * @throws HfqError `DSL_FRAME`
 */
export function frameColumns(
  frame: Frame,
  source: SourceKind,
): { columns: Column[]; rows: number; levels: number } {
  const rows = frameRows(frame, source);
  const f = frame as unknown as Record<string, unknown>;
  const levels = source === 'tick' ? (f.levels as number) : 0;
  const ctx = { asset: (frame as { asset?: string }).asset, date: (frame as { date?: number }).date };
  if (rows > MAX_FRAME_ROWS) {
    throw dslError('DSL_FRAME', `frame has ${rows} rows, more than ${MAX_FRAME_ROWS}`, ctx);
  }
  if (source === 'tick' && (!Number.isInteger(levels) || levels < 0 || levels > MAX_FRAME_LEVELS)) {
    throw dslError(
      'DSL_FRAME',
      `tick frame levels must be an integer in [0, ${MAX_FRAME_LEVELS}], got ${String(levels)}`,
      {
        ...ctx,
        field: 'levels',
      },
    );
  }
  const columns = FRAME_COLUMNS[source].map((spec) => {
    const col = f[spec.name];
    const want = spec.shape === 'levels' ? rows * levels : rows;
    if (!isColumn(col) || col.length !== want) {
      throw dslError(
        'DSL_FRAME',
        `${source} frame column '${spec.name}' must be a typed array of ${want} values, got ${isColumn(col) ? col.length : typeof col}`,
        { ...ctx, field: spec.name },
      );
    }
    return col;
  });
  return { columns, rows, levels };
}

/**
 * Packs frames (null = missing stock-day) into one block, copying their columns.
 * @param shared allocate the columns in `SharedArrayBuffer`s (to hand the block to worker threads without a copy)
 * @throws HfqError `DSL_FRAME` when a frame is malformed or tick frames disagree on the number of levels
 */
export function packFrames(
  source: SourceKind,
  frames: readonly (Frame | null)[],
  shared = false,
): FrameBlock {
  const parts = frames.map((fr) => (fr === null ? null : frameColumns(fr, source)));
  let levels = -1;
  for (const p of parts) {
    if (p === null || p.rows === 0) continue;
    if (levels >= 0 && p.levels !== levels) {
      throw dslError(
        'DSL_FRAME',
        `tick frames in one block must have the same levels, got ${levels} and ${p.levels}`,
      );
    }
    levels = p.levels;
  }
  if (levels < 0) levels = source === 'tick' ? 10 : 0;
  const offsets = new Int32Array(frames.length + 1);
  for (let k = 0; k < parts.length; k++) offsets[k + 1] = offsets[k]! + (parts[k]?.rows ?? 0);
  const total = offsets[frames.length]!;
  const columns: Record<string, Column> = {};
  FRAME_COLUMNS[source].forEach((spec, c) => {
    const len = spec.shape === 'levels' ? total * levels : total;
    const bytes = (spec.kind === 'int32' ? 4 : 8) * len;
    const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    const out = spec.kind === 'int32' ? new Int32Array(buf) : new Float64Array(buf);
    const width = spec.shape === 'levels' ? levels : 1;
    parts.forEach((p, k) => {
      if (p !== null && p.rows > 0) out.set(p.columns[c]!, offsets[k]! * width);
    });
    columns[spec.name] = out;
  });
  return { source, offsets, levels, columns };
}

/**
 * Checks a block (column lengths against the offsets) and returns its columns in kernel order.
 * @throws HfqError `DSL_FRAME`
 */
export function blockColumns(block: FrameBlock): Column[] {
  const { offsets, levels, source } = block;
  if (!(offsets instanceof Int32Array) || offsets.length < 1 || offsets[0] !== 0) {
    throw dslError('DSL_FRAME', 'block offsets must be an Int32Array starting at 0', { field: 'offsets' });
  }
  for (let k = 1; k < offsets.length; k++) {
    if (offsets[k]! < offsets[k - 1]! || offsets[k]! - offsets[k - 1]! > MAX_FRAME_ROWS) {
      throw dslError(
        'DSL_FRAME',
        'block offsets must be non-decreasing, frames at most MAX_FRAME_ROWS rows',
        {
          row: k,
          field: 'offsets',
        },
      );
    }
  }
  if (!Number.isInteger(levels) || levels < 0 || levels > MAX_FRAME_LEVELS) {
    throw dslError('DSL_FRAME', `block levels must be an integer in [0, ${MAX_FRAME_LEVELS}]`, {
      field: 'levels',
    });
  }
  const total = offsets[offsets.length - 1]!;
  return FRAME_COLUMNS[source].map((spec) => {
    const col = Object.hasOwn(block.columns, spec.name) ? block.columns[spec.name] : undefined;
    const want = spec.shape === 'levels' ? total * levels : total;
    if (!isColumn(col) || col.length < want) {
      throw dslError(
        'DSL_FRAME',
        `block column '${spec.name}' must be a typed array of at least ${want} values`,
        {
          field: spec.name,
        },
      );
    }
    return col;
  });
}
