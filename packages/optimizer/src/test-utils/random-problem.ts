import { Rng } from '@hfq/core';
import type { EnhancedIndexLimits, EnhancedIndexProblem } from '../enhanced-index/problem.js';

/** Shape of a random enhanced-index problem (tests and benchmarks only). */
export interface RandomProblemSpec {
  n: number;
  /** Index constituents among the N stocks (default min(n, 1000)). */
  constituents?: number;
  industries?: number;
  styles?: number;
  /** 'benchmark': w0 = drifted benchmark plus a few off-index holdings; 'cash': all zero. */
  previous?: 'benchmark' | 'cash';
  /** Share of stocks that cannot be bought / sold (default 0). */
  untradable?: number;
  limits?: Partial<EnhancedIndexLimits>;
  seed?: number;
}

/** A random but realistic problem: lognormal benchmark weights, normal scores and styles. */
export function randomProblem(spec: RandomProblemSpec): EnhancedIndexProblem {
  const { n } = spec;
  const rng = new Rng(spec.seed ?? 1, 'optimizer-random-problem', n);
  const nc = spec.constituents ?? Math.min(n, 1000);
  const k = spec.industries ?? 30;
  const nStyles = spec.styles ?? 10;
  const scores = new Float64Array(n);
  const benchmark = new Float64Array(n);
  const constituent = new Uint8Array(n);
  const industry = new Int32Array(n);
  const previous = new Float64Array(n);
  let bSum = 0;
  for (let i = 0; i < n; i++) {
    scores[i] = rng.normal();
    industry[i] = rng.int(k);
    if (i < nc) {
      constituent[i] = 1;
      benchmark[i] = Math.exp(0.6 * rng.normal());
      bSum += benchmark[i]!;
    }
  }
  for (let i = 0; i < nc; i++) benchmark[i] = benchmark[i]! / bSum;
  const styles: Float64Array[] = [];
  for (let s = 0; s < nStyles; s++) {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = rng.normal();
    styles.push(x);
  }
  if ((spec.previous ?? 'benchmark') === 'benchmark') {
    // About 90% on constituents near their benchmark weights, 10% spread over ~150 others.
    const offIndex = Math.min(150, n - nc);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const off = i >= nc && rng.uniform() < offIndex / Math.max(1, n - nc) ? 0.1 / offIndex : 0;
      const base = (offIndex > 0 ? 0.9 : 1) * benchmark[i]! + off;
      previous[i] = base * Math.exp(0.08 * rng.normal());
      sum += previous[i]!;
    }
    for (let i = 0; i < n; i++) previous[i] = previous[i]! / sum;
  }
  const canBuy = new Uint8Array(n).fill(1);
  const canSell = new Uint8Array(n).fill(1);
  const u = spec.untradable ?? 0;
  for (let i = 0; i < n; i++) {
    if (rng.uniform() < u) canBuy[i] = 0;
    if (rng.uniform() < u) canSell[i] = 0;
  }
  return {
    scores,
    benchmark,
    previous,
    constituent,
    industry,
    styles,
    canBuy,
    canSell,
    limits: {
      minConstituentWeight: 0.8,
      maxDeviation: 0.008,
      industryBand: 0.02,
      styleBand: 0.3,
      maxTurnover: 0.3,
      ...spec.limits,
    },
  };
}
