import { type Panel, ProgressReporter, type TaskOptions } from '@hfq/core';
import { icSummary, rankICSeries } from '@hfq/metrics';
import { llmError } from './errors.js';
import type { FactorScreenStats } from './library-file.js';

/** Screening thresholds. All fractions, not percent. */
export interface ScreeningThresholds {
  /** Least share of sampled stock-days with a finite value. Default 0.95 (the shipped library's bar). */
  minCoverage: number;
  /** Least |mean daily RankIC| against the forward returns. Default 0.02. */
  minAbsRankIC: number;
  /**
   * Largest |mean daily rank correlation| with any factor accepted before (or given as
   * reference). Default 0.7.
   */
  maxCorrelation: number;
  /** Fewest stocks with both values finite for a day's rank correlation to count. Default 10. */
  minAssets: number;
}

export const DEFAULT_SCREENING: Readonly<ScreeningThresholds> = Object.freeze({
  minCoverage: 0.95,
  minAbsRankIC: 0.02,
  maxCorrelation: 0.7,
  minAssets: 10,
});

/** Why the screen turned a factor down. */
export type ScreenReason = 'coverage' | 'constant' | 'weak' | 'correlated' | 'surplus';

/** A factor's values on the evaluation sample (dates x assets, NaN = missing). */
export interface ScreenInput {
  key: string;
  values: Panel;
}

/** The screen's verdict on one factor. */
export interface ScreenVerdict {
  key: string;
  accepted: boolean;
  reason?: ScreenReason;
  stats: FactorScreenStats;
}

/** Options of {@link screenFactors}. */
export interface ScreenOptions extends TaskOptions {
  thresholds?: Partial<ScreeningThresholds>;
  /** Factors already in the set (earlier rounds, a shipped library): candidates must not correlate with them. */
  reference?: readonly ScreenInput[];
  /** Accept at most this many; the rest that pass are `surplus`. Default: no limit. */
  limit?: number;
  /**
   * Stock-days that exist (finite, non-zero = the stock had a frame that day), the coverage
   * denominator. Default: every cell of the sample.
   */
  present?: Panel;
}

export function resolveThresholds(t: Partial<ScreeningThresholds> = {}): ScreeningThresholds {
  const r = { ...DEFAULT_SCREENING, ...t };
  const frac = (x: number, f: string) => {
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) {
      throw llmError('DSL_LLM_CONFIG', `${f} must be a fraction in [0, 1], got ${String(x)}`, { field: f });
    }
  };
  frac(r.minCoverage, 'minCoverage');
  frac(r.minAbsRankIC, 'minAbsRankIC');
  frac(r.maxCorrelation, 'maxCorrelation');
  if (!Number.isInteger(r.minAssets) || r.minAssets < 2) {
    throw llmError('DSL_LLM_CONFIG', `minAssets must be an integer >= 2, got ${String(r.minAssets)}`, {
      field: 'minAssets',
    });
  }
  return r;
}

/**
 * Screens evaluated factors: coverage, then predictive power, then redundancy.
 *
 * 1. `coverage` = finite values / present stock-days; below `minCoverage` -> `coverage`.
 * 2. Daily RankIC against `forward` (`icSeries`, Spearman, days with at least `minAssets`
 *    pairs); no day with a RankIC (e.g. a constant factor) -> `constant`; `|mean| < minAbsRankIC`
 *    -> `weak`.
 * 3. The rest, strongest `|RankIC|` first (ties by key), are accepted one by one unless their
 *    mean daily rank correlation with a reference or already accepted factor exceeds
 *    `maxCorrelation` in absolute value (-> `correlated`), up to `limit` (-> `surplus`).
 *
 * The RankIC sign is kept in the stats: a strongly negative factor is as useful as a positive one.
 * Returns verdicts in the input order.
 */
export function screenFactors(
  candidates: readonly ScreenInput[],
  forward: Panel,
  options: ScreenOptions = {},
): ScreenVerdict[] {
  const th = resolveThresholds(options.thresholds);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const progress = new ProgressReporter(options, 'screen', candidates.length, 'factors');
  const verdicts: ScreenVerdict[] = candidates.map((c) => {
    const coverage = coverageOf(c.values, options.present);
    const ic = icSummary(rankICSeries(c.values, forward, { minAssets: th.minAssets }));
    const stats: FactorScreenStats = {
      coverage,
      rankIC: ic.mean,
      rankICIR: ic.ir,
      days: ic.count,
      maxCorrelation: 0,
    };
    progress.tick();
    if (!(coverage >= th.minCoverage)) return { key: c.key, accepted: false, reason: 'coverage', stats };
    if (ic.count === 0) return { key: c.key, accepted: false, reason: 'constant', stats };
    if (!(Math.abs(ic.mean) >= th.minAbsRankIC))
      return { key: c.key, accepted: false, reason: 'weak', stats };
    return { key: c.key, accepted: false, stats };
  });
  const order = verdicts
    .map((_v, i) => i)
    .filter((i) => verdicts[i]!.reason === undefined)
    .sort((a, b) => {
      const d = Math.abs(verdicts[b]!.stats.rankIC) - Math.abs(verdicts[a]!.stats.rankIC);
      return d !== 0 ? d : verdicts[a]!.key < verdicts[b]!.key ? -1 : 1;
    });
  const kept: ScreenInput[] = [...(options.reference ?? [])];
  let accepted = 0;
  for (const i of order) {
    const v = verdicts[i]!;
    const c = candidates[i]!;
    let worst = 0;
    let worstKey: string | undefined;
    for (const k of kept) {
      const r = Math.abs(icSummary(rankICSeries(c.values, k.values, { minAssets: th.minAssets })).mean);
      if (r > worst) {
        worst = r;
        worstKey = k.key;
      }
      if (r > th.maxCorrelation) break;
    }
    v.stats.maxCorrelation = worst;
    if (worstKey !== undefined) v.stats.mostCorrelatedWith = worstKey;
    if (worst > th.maxCorrelation) {
      v.reason = 'correlated';
      continue;
    }
    if (accepted >= limit) {
      v.reason = 'surplus';
      continue;
    }
    v.accepted = true;
    accepted++;
    kept.push(c);
  }
  return verdicts;
}

function coverageOf(values: Panel, present: Panel | undefined): number {
  const v = values.values;
  if (present === undefined) {
    let finite = 0;
    for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) finite++;
    return v.length === 0 ? 0 : finite / v.length;
  }
  const aligned = present.alignTo(values.dates, values.assets).values;
  let denom = 0;
  let finite = 0;
  for (let i = 0; i < v.length; i++) {
    const p = aligned[i]!;
    if (!Number.isFinite(p) || p === 0) continue;
    denom++;
    if (Number.isFinite(v[i]!)) finite++;
  }
  return denom === 0 ? 0 : finite / denom;
}
