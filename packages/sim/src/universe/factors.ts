import { Rng } from '@hfq/core';
import type { MarketConfig } from '../config.js';
import { unitStudentT } from '../random.js';

/** Days of history simulated before the first calendar day so that every state starts stationary. */
export const BURN_IN = 60;

/**
 * The common return factors, one value per simulated day `-BURN_IN .. nDays - 1` (stored at
 * `d + BURN_IN`): the market factor (log return, GARCH(1,1) variance, Student-t shocks) and one
 * industry factor per industry. Each comes from its own sequential stream, so the first days never
 * depend on `nDays`.
 */
export interface CommonFactors {
  /** Market log return per simulated day. */
  market: Float64Array;
  /** Industry log returns, row-major `(nDays + BURN_IN) x nIndustries`. */
  industry: Float64Array;
  /** Conditional market variance per simulated day (for the stocks' volatility). */
  marketVar: Float64Array;
}

export function simulateCommonFactors(cfg: Readonly<MarketConfig>): CommonFactors {
  const n = cfg.nDays + BURN_IN;
  const K = cfg.nIndustries;
  const market = new Float64Array(n);
  const marketVar = new Float64Array(n);
  const industry = new Float64Array(n * K);
  const rm = new Rng(cfg.seed, 'market');
  const lr = cfg.marketVol * cfg.marketVol;
  const a = 0.08;
  const b = 0.9;
  let h = lr;
  let e = 0;
  for (let d = 0; d < n; d++) {
    h = lr * (1 - a - b) + a * e * e + b * h;
    e = Math.sqrt(h) * unitStudentT(rm, cfg.tailDf + 1);
    market[d] = cfg.marketDrift + e;
    marketVar[d] = h;
  }
  for (let k = 0; k < K; k++) {
    const ri = new Rng(cfg.seed, 'industry', k);
    for (let d = 0; d < n; d++) industry[d * K + k] = cfg.industryVol * ri.normal();
  }
  return { market, industry, marketVar };
}
