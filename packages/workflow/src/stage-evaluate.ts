/**
 * Stage 4: single-factor tests of every score, as the study runs them: weekly RankIC against the
 * close T+1 -> close T+6 return over the tradable universe (no ST, not suspended or limit-up on
 * T+1), and the 10-group backtest; plus the oracle (the simulator's planted alpha) on the same
 * dates, and correlation tables between scores and with risk factors.
 */
import type { DailyBars, IndexData } from '@hfq/bars';
import type { Panel } from '@hfq/core';
import {
  type CorrelationTable,
  cumulativeIC,
  dailyReturns,
  factorCorrelation,
  forwardReturns,
  type GroupBacktestResult,
  groupBacktest,
  type IcSummary,
  icSummary,
  rankICSeries,
  riskFactorCorrelation,
  tradableMask,
} from '@hfq/metrics';
import { styleExposures } from '@hfq/optimizer';

/** A score's single-factor test: weekly RankIC, its summary, the 10-group backtest. */
export interface SignalTest {
  name: string;
  /** Weekly RankIC series (one per score date). */
  ic: Float64Array;
  cumulative: Float64Array;
  summary: IcSummary;
  groups: GroupBacktestResult;
}

export interface EvaluationContext {
  fwd: Panel<Float64Array>;
  returns: Panel<Float64Array>;
  tradable: Panel<Float64Array>;
}

export function evaluationContext(daily: DailyBars): EvaluationContext {
  return {
    fwd: forwardReturns(daily.close, 1, 6, { adjFactor: daily.adjFactor }),
    returns: dailyReturns(daily.close, { adjFactor: daily.adjFactor }),
    tradable: tradableMask({ st: daily.st, suspended: daily.suspended, limitUp: daily.isLimitUp }, 1),
  };
}

/** RankIC series, its summary and the 10-group backtest of one score panel. */
export function testSignal(name: string, score: Panel, ctx: EvaluationContext): SignalTest {
  const ic = rankICSeries(score, ctx.fwd, { universe: ctx.tradable, minAssets: 20 });
  return {
    name,
    ic,
    cumulative: cumulativeIC(ic),
    summary: icSummary(ic),
    groups: groupBacktest(score, ctx.returns, { groups: 10, rebalance: score.dates, tradable: ctx.tradable }),
  };
}

/**
 * Risk factors of the study's correlation table: momentum, size, amount, turnover, beta and
 * book-to-price, on the score dates. Momentum and beta use 6-month windows here (the synthetic
 * market is two years long; the Barra defaults need a year of history before the first value).
 */
export function riskFactors(daily: DailyBars, index: IndexData, dates: Int32Array): Record<string, Panel> {
  const styles = styleExposures(daily, index, {
    dates,
    styles: ['size', 'beta', 'momentum', 'value'],
    momentumWindow: 126,
    momentumMinObs: 63,
    betaWindow: 126,
    betaMinObs: 63,
  });
  const get = (n: string) => styles.panels[styles.names.indexOf(n as never)]!;
  const mean20 = (p: Panel) =>
    p.map((_, t, a) => {
      if (t < 19) return Number.NaN;
      let s = 0;
      for (let k = t - 19; k <= t; k++) s += p.get(k, a);
      return s / 20;
    });
  return {
    momentum: get('momentum'),
    size: get('size'),
    amount: mean20(daily.amount).map((v) => (v > 0 ? Math.log(v) : Number.NaN)),
    turnover: mean20(daily.turnover),
    beta: get('beta'),
    BP: get('value'),
  };
}

export function correlations(
  scores: Record<string, Panel>,
  risk: Record<string, Panel>,
): { factors: CorrelationTable; risk: CorrelationTable } {
  return {
    factors: factorCorrelation(scores, { method: 'spearman', minAssets: 20 }),
    risk: riskFactorCorrelation(scores, risk, { method: 'spearman', minAssets: 20 }),
  };
}
