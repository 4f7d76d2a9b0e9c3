import { HfqError } from '@hfq/core';

/**
 * The limits of the enhanced-index LP. All weights are fractions of the portfolio (0.008 = 0.8%),
 * never percent. Style exposures are in the units of the style columns (standardised: 1 = one
 * cross-sectional standard deviation).
 */
export interface EnhancedIndexLimits {
  /** Sum of the weights on index constituents must be at least this (study scenario 1: 0.8). Unset = no floor. */
  minConstituentWeight?: number | undefined;
  /** Per-stock bound |w_i - b_i| <= maxDeviation (study: 0.008). */
  maxDeviation: number;
  /** Per-industry bound |sum_{i in k} (w_i - b_i)| <= industryBand (study: 0.02). */
  industryBand: number;
  /** Per-style bound |sum_i (w_i - b_i) x_is| <= styleBand (study: 0.3). */
  styleBand: number;
  /**
   * Two-sided turnover bound sum_i |w_i - w0_i| <= maxTurnover (study: 0.3 per week). Unset = no
   * bound. Not applied when `previous` is all zero (the first purchase from cash).
   */
  maxTurnover?: number | undefined;
}

/** The study's limits (paper-notes section 5), scenario 1 (80% constituent floor). */
export const STUDY_LIMITS: Readonly<EnhancedIndexLimits> = Object.freeze({
  minConstituentWeight: 0.8,
  maxDeviation: 0.008,
  industryBand: 0.02,
  styleBand: 0.3,
  maxTurnover: 0.3,
});

/**
 * One rebalance's LP input. Arrays are per stock, all of the same length N (the universe).
 * Nothing here may be NaN: fill or exclude missing values before calling (the backtest does).
 */
export interface EnhancedIndexProblem {
  /** Expected-return proxy per stock; the LP maximises `scores . w`. Any scale. */
  scores: Float64Array;
  /** Benchmark weights b (fractions summing to 1; 0 for non-constituents). */
  benchmark: Float64Array;
  /** Current weights w0 (fractions summing to 1), or all 0 for the first rebalance from cash. */
  previous: Float64Array;
  /** 1 = index constituent. */
  constituent: Uint8Array;
  /** Industry index per stock, 0..K-1. */
  industry: Int32Array;
  /** One exposure column (length N) per style factor. */
  styles: readonly Float64Array[];
  /** 0 = cannot be bought (suspended, limit-up): w_i <= w0_i. Default all 1. */
  canBuy?: Uint8Array | undefined;
  /** 0 = cannot be sold (suspended, limit-down): w_i >= w0_i. Default all 1. */
  canSell?: Uint8Array | undefined;
  limits: EnhancedIndexLimits;
}

/** The limits that may be widened when the LP is infeasible, in the default order of relaxation. */
export type RelaxableLimit =
  | 'maxTurnover'
  | 'styleBand'
  | 'industryBand'
  | 'minConstituentWeight'
  | 'maxDeviation';

/**
 * Default relaxation order: turnover first (a slower rebalance costs least), then style, then
 * industry exposure, then the constituent floor, and the per-stock band last. Tradability, w >= 0
 * and sum w = 1 are never relaxed.
 */
export const DEFAULT_RELAXATION_ORDER: readonly RelaxableLimit[] = Object.freeze([
  'maxTurnover',
  'styleBand',
  'industryBand',
  'minConstituentWeight',
  'maxDeviation',
]);

/** Tolerance for "sums to 1" checks on inputs (benchmark, previous). */
const SUM_TOLERANCE = 1e-6;

/**
 * Largest number of industries K (industry indices 0..K-1) the optimiser accepts. Industry
 * indices size the LP's rows and the exposure vectors, so an unchecked index (2e9 from a code
 * mistaken for an index) would allocate without bound. Real classifications have at most a few
 * hundred industries; map labels or codes to dense indices first (`industryCodes` in `@hfq/core`).
 */
export const MAX_INDUSTRIES = 1024;

/**
 * Throws `OPT_BAD_INPUT` (context `field`, `asset`, and `date` when given) unless `ind` is an
 * industry index: an integer in `[0, MAX_INDUSTRIES)`.
 * @internal
 */
export function checkIndustryIndex(ind: number, field: string, asset: string | number, date?: number): void {
  if (!Number.isInteger(ind) || ind < 0 || ind >= MAX_INDUSTRIES) {
    throw new HfqError(
      'OPT_BAD_INPUT',
      `industry ${ind} is not an industry index in [0, ${MAX_INDUSTRIES}): map industry codes to dense indices 0..K-1 first (industryCodes in @hfq/core)`,
      { field, asset, ...(date !== undefined && { date }) },
    );
  }
}

/**
 * Throws `OPT_BAD_OPTION` unless `k` is a number of industries: an integer in `[min,
 * MAX_INDUSTRIES]`.
 * @internal
 */
export function checkIndustryCount(k: number, field: string, min = 0): number {
  if (!Number.isInteger(k) || k < min || k > MAX_INDUSTRIES) {
    throw new HfqError(
      'OPT_BAD_OPTION',
      `${field} must be an integer in [${min}, ${MAX_INDUSTRIES}], got ${k}`,
      {
        field,
      },
    );
  }
  return k;
}

/** Throws `OPT_BAD_INPUT` / `OPT_BAD_OPTION` for malformed problems; returns N and K. */
export function validateProblem(p: EnhancedIndexProblem): { n: number; k: number } {
  const n = p.scores.length;
  if (n < 1) throw new HfqError('OPT_BAD_INPUT', 'empty universe (scores has length 0)', { field: 'scores' });
  const sameLength = (a: ArrayLike<number> | undefined, field: string) => {
    if (a !== undefined && a.length !== n) {
      throw new HfqError('OPT_BAD_INPUT', `${field} has length ${a.length}, expected ${n}`, { field });
    }
  };
  for (const f of ['benchmark', 'previous', 'constituent', 'industry', 'canBuy', 'canSell'] as const) {
    sameLength(p[f], f);
  }
  for (let j = 0; j < p.styles.length; j++) sameLength(p.styles[j], `styles[${j}]`);

  let bSum = 0;
  let w0Sum = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = p.scores[i]!;
    const b = p.benchmark[i]!;
    const w0 = p.previous[i]!;
    const ind = p.industry[i]!;
    if (!Number.isFinite(s)) bad('scores', i, `score ${s} is not finite`);
    if (!(b >= 0) || !Number.isFinite(b))
      bad('benchmark', i, `benchmark weight ${b} is not a finite number >= 0`);
    if (!(w0 >= 0) || !Number.isFinite(w0))
      bad('previous', i, `previous weight ${w0} is not a finite number >= 0`);
    if (p.constituent[i] !== 0 && p.constituent[i] !== 1)
      bad('constituent', i, 'constituent flag must be 0 or 1');
    if (b > 0 && p.constituent[i] === 0) bad('benchmark', i, `benchmark weight ${b} on a non-constituent`);
    checkIndustryIndex(ind, 'industry', i);
    if (p.canBuy && p.canBuy[i] !== 0 && p.canBuy[i] !== 1) bad('canBuy', i, 'flag must be 0 or 1');
    if (p.canSell && p.canSell[i] !== 0 && p.canSell[i] !== 1) bad('canSell', i, 'flag must be 0 or 1');
    for (let j = 0; j < p.styles.length; j++) {
      const x = p.styles[j]![i]!;
      if (!Number.isFinite(x)) bad(`styles[${j}]`, i, `style exposure ${x} is not finite`);
    }
    bSum += b;
    w0Sum += w0;
    if (ind + 1 > k) k = ind + 1;
  }
  if (Math.abs(bSum - 1) > SUM_TOLERANCE) {
    throw new HfqError('OPT_BAD_INPUT', `benchmark weights sum to ${bSum}, expected 1`, {
      field: 'benchmark',
    });
  }
  if (w0Sum !== 0 && Math.abs(w0Sum - 1) > SUM_TOLERANCE) {
    throw new HfqError(
      'OPT_BAD_INPUT',
      `previous weights sum to ${w0Sum}, expected 1 (or all 0 for a start from cash)`,
      {
        field: 'previous',
      },
    );
  }
  validateLimits(p.limits);
  return { n, k };
}

/** Throws `OPT_BAD_OPTION` for a limit outside its domain. */
export function validateLimits(l: EnhancedIndexLimits): void {
  const check = (v: number | undefined, field: string, lo: number, hi: number, optional: boolean) => {
    if (v === undefined && optional) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
      throw new HfqError('OPT_BAD_OPTION', `limits.${field} must be a number in [${lo}, ${hi}], got ${v}`, {
        field: `limits.${field}`,
      });
    }
  };
  check(l.maxDeviation, 'maxDeviation', 0, 1, false);
  check(l.industryBand, 'industryBand', 0, 2, false);
  check(l.styleBand, 'styleBand', 0, Number.MAX_VALUE, false);
  check(l.maxTurnover, 'maxTurnover', 0, 2, true);
  check(l.minConstituentWeight, 'minConstituentWeight', 0, 1, true);
}

function bad(field: string, asset: number, message: string): never {
  throw new HfqError('OPT_BAD_INPUT', message, { field, asset });
}
