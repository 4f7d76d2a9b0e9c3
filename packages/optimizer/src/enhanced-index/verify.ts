import { HfqError } from '@hfq/core';
import type { EnhancedIndexProblem } from './problem.js';
import type { ActiveLimits, StockBox } from './trade-model.js';

/** Active exposures of a portfolio against its benchmark. Weights are fractions. */
export interface EnhancedIndexExposures {
  /** sum_{i in k} (w_i - b_i), one per industry 0..K-1. */
  industry: Float64Array;
  /** sum_i (w_i - b_i) x_is, one per style column, in style units. */
  style: Float64Array;
  /** sum of w over index constituents (fraction). */
  constituentWeight: number;
  /** max_i |w_i - b_i| (fraction). */
  maxAbsDeviation: number;
}

/** Measures a portfolio: exposures and two-sided turnover sum |w - w0|. O(N * styles). */
export function measurePortfolio(
  p: EnhancedIndexProblem,
  k: number,
  w: Float64Array,
): { exposures: EnhancedIndexExposures; turnover: number } {
  const n = w.length;
  const industry = new Float64Array(k);
  const style = new Float64Array(p.styles.length);
  let constituentWeight = 0;
  let maxAbsDeviation = 0;
  let turnover = 0;
  for (let i = 0; i < n; i++) {
    const a = w[i]! - p.benchmark[i]!;
    industry[p.industry[i]!]! += a;
    if (p.constituent[i] === 1) constituentWeight += w[i]!;
    if (Math.abs(a) > maxAbsDeviation) maxAbsDeviation = Math.abs(a);
    turnover += Math.abs(w[i]! - p.previous[i]!);
  }
  for (let s = 0; s < style.length; s++) {
    const x = p.styles[s]!;
    let acc = 0;
    for (let i = 0; i < n; i++) acc += (w[i]! - p.benchmark[i]!) * x[i]!;
    style[s] = acc;
  }
  return { exposures: { industry, style, constituentWeight, maxAbsDeviation }, turnover };
}

/**
 * Checks every constraint of the LP on the returned weights, with absolute tolerance `tol`
 * (default 1e-7, in the constraint's own units). Throws `OPT_VERIFY_FAILED` naming the first
 * broken constraint, the stock where there is one, the value and the limit: a solver that returns
 * a wrong portfolio must never pass silently.
 */
export function verifyPortfolio(
  p: EnhancedIndexProblem,
  k: number,
  w: Float64Array,
  limits: ActiveLimits,
  box: StockBox,
  tol = 1e-7,
): { exposures: EnhancedIndexExposures; turnover: number } {
  const n = w.length;
  const fail = (constraint: string, value: number, limit: number, asset?: number): never => {
    const ctx: Record<string, unknown> = { field: constraint, value, limit, tolerance: tol };
    if (asset !== undefined) ctx.asset = asset;
    throw new HfqError(
      'OPT_VERIFY_FAILED',
      `solver returned weights that break ${constraint}${asset !== undefined ? ` for stock ${asset}` : ''}: ${value} vs limit ${limit}`,
      ctx,
    );
  };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (!Number.isFinite(wi)) fail('finite weights', wi, 0, i);
    sum += wi;
    if (wi < -tol) fail('w >= 0', wi, 0, i);
    const w0 = p.previous[i]!;
    if (p.canBuy && p.canBuy[i] === 0 && wi > w0 + tol) fail('canBuy (w <= w0)', wi, w0, i);
    if (p.canSell && p.canSell[i] === 0 && wi < w0 - tol) fail('canSell (w >= w0)', wi, w0, i);
    if (box.held[i] === 1) {
      if (Math.abs(wi - w0) > tol) fail('held at w0 (untradable outside its band)', wi, w0, i);
    } else {
      const dev = Math.abs(wi - p.benchmark[i]!);
      if (dev > limits.maxDeviation + tol) fail('maxDeviation', dev, limits.maxDeviation, i);
    }
  }
  if (Math.abs(sum - 1) > tol) fail('sum w = 1', sum, 1);
  const m = measurePortfolio(p, k, w);
  m.exposures.industry.forEach((a, j) => {
    if (Math.abs(a) > limits.industryBand + tol) fail(`industryBand (industry ${j})`, a, limits.industryBand);
  });
  m.exposures.style.forEach((a, s) => {
    if (Math.abs(a) > limits.styleBand + tol) fail(`styleBand (style ${s})`, a, limits.styleBand);
  });
  if (
    limits.minConstituentWeight !== undefined &&
    m.exposures.constituentWeight < limits.minConstituentWeight - tol
  ) {
    fail('minConstituentWeight', m.exposures.constituentWeight, limits.minConstituentWeight);
  }
  if (limits.maxTurnover !== undefined && m.turnover > limits.maxTurnover + tol) {
    fail('maxTurnover', m.turnover, limits.maxTurnover);
  }
  return m;
}
