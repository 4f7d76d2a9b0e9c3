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
export function describeValue(x: unknown): string {
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
      throw metricsError(
        'METRICS_BAD_INPUT',
        `${field} is a ${describeValue(x)}: bigint arrays are not numbers`,
        {
          field,
        },
      );
    }
    return;
  }
  if (!Array.isArray(x)) {
    throw metricsError(
      'METRICS_BAD_INPUT',
      `${field} must be a number[] or a typed array (e.g. Float64Array), got ${describeValue(x)}`,
      { field },
    );
  }
  for (let i = 0; i < x.length; i++) {
    const v: unknown = x[i];
    if (typeof v !== 'number') {
      const hint = Array.isArray(v) || ArrayBuffer.isView(v) ? ' (a nested row: pass one flat series)' : '';
      throw metricsError(
        'METRICS_BAD_INPUT',
        `${field}[${i}] is ${describeValue(v)}, not a number${hint}; use NaN for a missing value`,
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
    throw metricsError('METRICS_BAD_INPUT', `${field} must be a Panel, got ${describeValue(p)}; ${hint}`, {
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
        `${field}.assets[${i}] is ${describeValue(assets[i])}, not a string: asset ids are strings ('600000.SH'), ` +
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
 * `detail` (e.g. `0 of 120 factor rows have a price`) is put first in the message.
 * O(dates + assets) lookups.
 */
export function checkAligned(
  a: Panel,
  b: Panel,
  fieldA: string,
  fieldB: string,
  detail?: string,
): AlignmentCounts {
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
    `${fieldA} and ${fieldB} do not line up: ${detail ? `${detail}; ` : ''}${matchedDates} of ${a.nDates} dates (${fieldB} has ${b.nDates}) and ` +
      `${matchedAssets} of ${a.nAssets} assets (${fieldB} has ${b.nAssets}) match; no ${what} in common ` +
      `(e.g. ${fieldA}: ${exA}; ${fieldB}: ${exB}). Check the id format (600000 vs 600000.SH) and the date range.`,
    { field: fieldB, matchedDates, dates: a.nDates, matchedAssets, assets: a.nAssets },
  );
}

/**
 * The finite values of `v` (NaN and +-Infinity not counted), those with |x| > `limit`, and the
 * first of largest magnitude among them (0 when none): the one scan behind the return checks.
 */
function countBeyond(v: ArrayLike<number>, limit: number): { finite: number; big: number; worst: number } {
  let finite = 0;
  let big = 0;
  let worst = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) continue;
    finite++;
    if (Math.abs(x) > limit) {
      big++;
      if (Math.abs(x) > Math.abs(worst)) worst = x;
    }
  }
  return { finite, big, worst };
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
  const { finite, big } = countBeyond(v, PRICE_LIKE);
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
    throw metricsError('METRICS_BAD_INPUT', `${field} must be an object, got ${describeValue(input)}`, {
      field,
    });
  }
}

/** |r| above which a single return is called absurd (a 100% move) in {@link returnWarnings}. */
const ABSURD_RETURN = 1;

/**
 * Warnings (never thrown, never printed) for returns that pass {@link checkNotPrices} but hold
 * absurd magnitudes: some finite |r| > 1 (a 100% move over the horizon), typical of returns in
 * percent (2.5 for 2.5%) or of a few prices mixed in. Empty when nothing looks wrong. O(n).
 */
export function returnWarnings(returns: Panel, field: string): string[] {
  const { finite, big, worst } = countBeyond(returns.values, ABSURD_RETURN);
  if (big === 0) return [];
  return [
    `${field}: ${big} of ${finite} finite values have |r| > ${ABSURD_RETURN} (a 100% move; largest ${worst}): ` +
      'returns must be fractions (0.025 for 2.5%), not percent or prices',
  ];
}

/**
 * Throws `METRICS_BAD_INPUT` unless `x` has the shape of an `AlignedFactor` (from `alignFactor`):
 * typed-array columns of one length per row, `dateStart` of dates + 1 entries, one forward column
 * per period. A plain object with `number[]` columns is refused (build it with `alignFactor`).
 * O(periods).
 */
export function checkAlignedFactor(x: unknown, field = 'aligned'): void {
  const hint = 'build it with alignFactor(factor, prices, options)';
  if (typeof x !== 'object' || x === null) {
    throw metricsError(
      'METRICS_BAD_INPUT',
      `${field} must be an AlignedFactor, got ${describeValue(x)}; ${hint}`,
      {
        field,
      },
    );
  }
  const q = x as Record<string, unknown>;
  const missing: string[] = [];
  if (!(q.dates instanceof Int32Array)) missing.push('dates (Int32Array)');
  if (!(q.dateStart instanceof Int32Array)) missing.push('dateStart (Int32Array)');
  if (!(q.factor instanceof Float64Array)) missing.push('factor (Float64Array)');
  if (!(q.quantile instanceof Int32Array)) missing.push('quantile (Int32Array)');
  if (!(q.asset instanceof Int32Array)) missing.push('asset (Int32Array)');
  if (!Array.isArray(q.periods) || !Array.isArray(q.forward)) missing.push('periods and forward (arrays)');
  if (missing.length === 0) {
    const n = (q.factor as Float64Array).length;
    const fw = q.forward as unknown[];
    const ds = q.dateStart as Int32Array;
    const ok =
      fw.length === (q.periods as unknown[]).length &&
      fw.every((f) => f instanceof Float64Array && f.length === n) &&
      (q.quantile as Int32Array).length === n &&
      (q.asset as Int32Array).length === n &&
      ds.length === (q.dates as Int32Array).length + 1 &&
      ds[ds.length - 1] === n;
    if (!ok) missing.push('columns of one length (ragged)');
  }
  if (missing.length > 0) {
    throw metricsError(
      'METRICS_BAD_INPUT',
      `${field} is not an AlignedFactor: ${missing.join(', ')}; ${hint}`,
      {
        field,
      },
    );
  }
}
