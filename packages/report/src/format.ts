/** What a missing or undefined number (NaN, +-Infinity) prints as in tables. */
export const MISSING = '–';

/**
 * A fraction as a percent string: `formatPercent(0.0864) === '8.64%'`. NaN and infinities print
 * as {@link MISSING}. `digits` decimals (default 2), rounded half away from zero by `toFixed`.
 */
export function formatPercent(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : MISSING;
}

/** A plain number with `digits` decimals (default 2); NaN -> {@link MISSING}. */
export function formatNumber(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : MISSING;
}

/** An integer count with thousands separators (`12,345`); NaN -> {@link MISSING}. */
export function formatCount(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : MISSING;
}
