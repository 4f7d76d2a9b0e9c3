import { formatYmd, type Panel } from '@hfq/core';
import { metricsError } from '../errors.js';

/**
 * The one place where `@hfq/metrics` checks what a plain-JavaScript caller hands it (TypeScript
 * callers get the same checks for free): panels that are not panels, numbers that are strings,
 * nested or ragged arrays, panels that share no date or asset, prices where returns belong.
 * Every check throws a typed `HfqError` naming the argument and, where there is one, the row.
 */

/** How many example ids an alignment error quotes on each side. */
const EXAMPLES = 3;

/** What a value is, for messages: `string "1.5"`, `array`, `Float64Array`, `null`. */
function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (ArrayBuffer.isView(x)) return x.constructor.name;
  if (typeof x === 'string') return `string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}...` : x)}`;
  if (typeof x === 'number' || typeof x === 'boolean') return `${typeof x} ${x}`;
  if (typeof x === 'object') return `an object (${(x as object).constructor?.name ?? 'no prototype'})`;
  return typeof x;
}

/**
 * Throws `METRICS_BAD_INPUT` unless `x` is an array-like of numbers: a typed array (any numeric
 * kind, used as is) or a plain array whose every element is a `number` (NaN allowed: missing).
 * A string, a nested (2-D or ragged) array, or an element that is a string, `null` or
 * `undefined` is refused with its index rather than silently dropped as a NaN pair.
 * O(n) for plain arrays, O(1) for typed arrays; never copies.
 */
export function checkNumbers(x: unknown, field: string): asserts x is ArrayLike<number> {
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    if (typeof (x as unknown as BigInt64Array)[0] === 'bigint') {
      throw metricsError('METRICS_BAD_INPUT', `${field} is a ${describe(x)}: bigint arrays are not numbers`, {
        field,
      });
    }
    return;
  }
  if (!Array.isArray(x)) {
    throw metricsError(
      'METRICS_BAD_INPUT',
      `${field} must be a number[] or a typed array (e.g. Float64Array), got ${describe(x)}`,
      { field },
    );
  }
  for (let i = 0; i < x.length; i++) {
    const v: unknown = x[i];
    if (typeof v !== 'number') {
      const hint = Array.isArray(v) || ArrayBuffer.isView(v) ? ' (a nested row: pass one flat series)' : '';
      throw metricsError(
        'METRICS_BAD_INPUT',
        `${field}[${i}] is ${describe(v)}, not a number${hint}; use NaN for a missing value`,
        { field, row: i },
      );
    }
  }
}

/**
 * Throws `METRICS_BAD_INPUT` unless `p` behaves as a `Panel` from `@hfq/core`: `dates` an
 * `Int32Array`, `assets` an array of strings, `values` a `Float64Array`/`Float32Array` of
 * `dates x assets` entries, and the `dateIndex`/`assetIndex` lookups. Checked by shape, not
 * `instanceof`, so that a `Panel` from a second copy of `@hfq/core` still passes; an object
 * literal `{ dates, assets, values }` does not (build one with `new Panel(dates, assets, values)`,
 * which also checks order and duplicates). Asset ids must be strings: a numeric id `600000`
 * would never match `'600000'`. O(assets).
 */
export function checkPanel(p: unknown, field: string): asserts p is Panel {
  const hint = 'build one with new Panel(dates, assets, values) from @hfq/core';
  if (typeof p !== 'object' || p === null) {
    throw metricsError('METRICS_BAD_INPUT', `${field} must be a Panel, got ${describe(p)}; ${hint}`, {
      field,
    });
  }
  const q = p as Partial<Record<'dates' | 'assets' | 'values' | 'dateIndex' | 'assetIndex', unknown>>;
  const missing: string[] = [];
  if (!(q.dates instanceof Int32Array)) missing.push('dates (Int32Array)');
  if (!Array.isArray(q.assets)) missing.push('assets (string[])');
  if (!(q.values instanceof Float64Array || q.values instanceof Float32Array))
    missing.push('values (Float64Array or Float32Array)');
  if (typeof q.dateIndex !== 'function' || typeof q.assetIndex !== 'function')
    missing.push('dateIndex/assetIndex methods');
  if (missing.length > 0) {
    throw metricsError(
      'METRICS_BAD_INPUT',
      `${field} is not a Panel: it lacks ${missing.join(', ')}; ${hint}`,
      { field },
    );
  }
  const assets = q.assets as unknown[];
  for (let i = 0; i < assets.length; i++) {
    if (typeof assets[i] !== 'string') {
      throw metricsError(
        'METRICS_BAD_INPUT',
        `${field}.assets[${i}] is ${describe(assets[i])}, not a string: asset ids are strings ('600000.SH'), ` +
          'or no id would match another panel',
        { field, row: i },
      );
    }
  }
  const nD = (q.dates as Int32Array).length;
  const nA = (q.assets as unknown[]).length;
  const n = (q.values as Float64Array).length;
  if (n !== nD * nA) {
    throw metricsError(
      'METRICS_BAD_INPUT',
      `${field} has ${n} values for ${nD} dates x ${nA} assets = ${nD * nA} (ragged or truncated); ${hint}`,
      { field, expected: nD * nA, actual: n },
    );
  }
}

/** Counts of an alignment between two panels (see {@link checkAligned}). */
export interface AlignmentCounts {
  matchedDates: number;
  matchedAssets: number;
}

/**
 * Throws `METRICS_ALIGNMENT` when panels `a` and `b`, which the caller pairs by date value and
 * asset id, share no date or no asset: every result would be NaN (the classic `600000` vs
 * `600000.SH`). The message says how many dates and assets matched out of how many on each side
 * and quotes unmatched ids (or dates) from each side. Partial overlap passes: the unmatched rows
 * and columns are NaN in the result, as each function documents. Returns the counts.
 * O(dates + assets) lookups.
 */
export function checkAligned(a: Panel, b: Panel, fieldA: string, fieldB: string): AlignmentCounts {
  let matchedDates = 0;
  for (let t = 0; t < a.dates.length; t++) if (b.dateIndex(a.dates[t]!) >= 0) matchedDates++;
  let matchedAssets = 0;
  for (const id of a.assets) if (b.assetIndex(id) >= 0) matchedAssets++;
  if (matchedDates > 0 && matchedAssets > 0) return { matchedDates, matchedAssets };

  const unmatched = <T>(xs: ArrayLike<T>, other: (x: T) => number, fmt: (x: T) => string): string => {
    const out: string[] = [];
    for (let i = 0; i < xs.length && out.length < EXAMPLES; i++) if (other(xs[i]!) < 0) out.push(fmt(xs[i]!));
    return out.length > 0 ? out.join(', ') : 'none';
  };
  const what = matchedAssets === 0 ? 'asset ids' : 'dates';
  const [exA, exB] =
    matchedAssets === 0
      ? [
          unmatched(a.assets, (id) => b.assetIndex(id), String),
          unmatched(b.assets, (id) => a.assetIndex(id), String),
        ]
      : [
          unmatched(
            a.dates,
            (d) => b.dateIndex(d),
            (d) => formatYmd(d),
          ),
          unmatched(
            b.dates,
            (d) => a.dateIndex(d),
            (d) => formatYmd(d),
          ),
        ];
  throw metricsError(
    'METRICS_ALIGNMENT',
    `${fieldA} and ${fieldB} do not line up: ${matchedDates} of ${a.nDates} dates (${fieldB} has ${b.nDates}) and ` +
      `${matchedAssets} of ${a.nAssets} assets (${fieldB} has ${b.nAssets}) match; no ${what} in common ` +
      `(e.g. ${fieldA}: ${exA}; ${fieldB}: ${exB}). Check the id format (600000 vs 600000.SH) and the date range.`,
    { field: fieldB, matchedDates, dates: a.nDates, matchedAssets, assets: a.nAssets },
  );
}

/** |r| above which a "return" is taken for a price. */
const PRICE_LIKE = 10;

/**
 * Throws `METRICS_BAD_RETURN` when values passed as returns look like prices: more than half of
 * the finite ones have |r| > 10 (a 1000% move). Real daily or multi-day returns never do; a
 * close-price series almost always does. Pass `forwardReturns(close, ...)` or
 * `dailyReturns(close)` instead. NaN and +-Infinity are not counted. O(n).
 */
export function checkNotPrices(returns: Panel | ArrayLike<number>, field: string): void {
  const v =
    'values' in returns && ArrayBuffer.isView(returns.values)
      ? returns.values
      : (returns as ArrayLike<number>);
  let finite = 0;
  let big = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) continue;
    finite++;
    if (Math.abs(x) > PRICE_LIKE) big++;
  }
  if (finite > 0 && big * 2 > finite) {
    throw metricsError(
      'METRICS_BAD_RETURN',
      `${field} looks like prices, not returns: ${big} of ${finite} finite values have |r| > ${PRICE_LIKE} ` +
        '(a 1000% move); pass forwardReturns(close, ...) or dailyReturns(close)',
      { field, actual: big, expected: 0 },
    );
  }
}

/**
 * Throws `METRICS_BAD_INPUT` unless `input` is a non-null object (the options-style argument of
 * `portfolioStats`, `navSeries`, `tradableMask`), so that a missing argument is named instead of
 * crashing on destructuring.
 */
export function checkObject(input: unknown, field: string): asserts input is object {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw metricsError('METRICS_BAD_INPUT', `${field} must be an object, got ${describe(input)}`, { field });
  }
}
