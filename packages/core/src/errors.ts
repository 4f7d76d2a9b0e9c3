/**
 * The one error type of hfq. Every failure a caller can act on is an `HfqError` with a
 * machine-readable `code` (UPPER_SNAKE, stable across versions) and the context that locates the
 * problem: the field, the asset, the date, the row, the position in a formula.
 */

/** Where an error happened. All members optional; set what is known. */
export interface HfqErrorContext {
  /** Field or column name (`close`, `bid_price`, an option name). */
  field?: string;
  /** Asset (stock) identifier, e.g. `600519.SH`, or its index in a universe. */
  asset?: string | number;
  /** Trading date as a `yyyymmdd` integer. */
  date?: number;
  /** Row index inside a frame or file (0-based). */
  row?: number;
  /** Character offset inside a text being parsed (0-based). */
  position?: number;
  /** File path or URL. */
  source?: string;
  /** Anything else worth showing (expected vs actual sizes, limits...). */
  [key: string]: unknown;
}

/**
 * Codes shared by every package. Packages add their own codes (`BARS_UNSORTED_TIME`,
 * `DSL_PARSE`, ...) and document them beside the code that throws them.
 */
export type CoreErrorCode =
  | 'INVALID_ARGUMENT'
  | 'OUT_OF_RANGE'
  | 'NOT_FOUND'
  | 'SHAPE_MISMATCH'
  | 'NOT_SORTED'
  | 'DUPLICATE'
  | 'ABORTED'
  | 'IO'
  | 'UNSUPPORTED';

/** An error with a stable `code` and a context; `message` is for people, `code` is for programs. */
export class HfqError<C extends string = string> extends Error {
  override readonly name = 'HfqError';
  readonly code: C;
  readonly context: Readonly<HfqErrorContext>;

  constructor(code: C, message: string, context: HfqErrorContext = {}, options?: { cause?: unknown }) {
    super(formatMessage(code, message, context), options);
    this.code = code;
    this.context = Object.freeze({ ...context });
  }

  /** True when `e` is an `HfqError`, optionally with the given code. */
  static is<C extends string>(e: unknown, code?: C): e is HfqError<C> {
    return e instanceof HfqError && (code === undefined || e.code === code);
  }
}

function formatMessage(code: string, message: string, ctx: HfqErrorContext): string {
  const where: string[] = [];
  for (const key of ['field', 'asset', 'date', 'row', 'position', 'source'] as const) {
    if (ctx[key] !== undefined) where.push(`${key}=${String(ctx[key])}`);
  }
  return where.length > 0 ? `[${code}] ${message} (${where.join(', ')})` : `[${code}] ${message}`;
}

/** Throws `INVALID_ARGUMENT` unless `cond` holds. */
export function ensure(cond: unknown, message: string, context?: HfqErrorContext): asserts cond {
  if (!cond) throw new HfqError('INVALID_ARGUMENT', message, context);
}

/** Throws `INVALID_ARGUMENT` unless `n` is an integer in [min, max]. Returns `n`. */
export function checkInteger(
  n: number,
  field: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HfqError('INVALID_ARGUMENT', `${field} must be an integer in [${min}, ${max}], got ${n}`, {
      field,
    });
  }
  return n;
}

/** Throws `INVALID_ARGUMENT` unless `x` is a finite number (optionally within [min, max]). Returns `x`. */
export function checkFinite(x: number, field: string, min = -Infinity, max = Infinity): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) {
    throw new HfqError('INVALID_ARGUMENT', `${field} must be a finite number in [${min}, ${max}], got ${x}`, {
      field,
    });
  }
  return x;
}
