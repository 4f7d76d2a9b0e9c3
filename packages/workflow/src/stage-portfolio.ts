/**
 * Stage 5: the CSI-1000-like enhanced-index backtest of the study's signals, both scenarios
 * (constituents >= 80% of the weight; no constituent floor), weekly on the score dates, filled at
 * T+1 VWAP with costs per side.
 */
import type { DailyBars, IndexData } from '@hfq/bars';
import type { Panel, TaskOptions } from '@hfq/core';
import { backtestEnhancedIndex, type EnhancedIndexBacktest, STUDY_SCENARIOS } from '@hfq/optimizer';
import type { WorkflowConfig } from './config.js';

export function enhancedIndex(
  score: Panel,
  daily: DailyBars,
  index: IndexData,
  industry: Int32Array,
  cfg: WorkflowConfig['backtest'],
  options: TaskOptions,
): Promise<EnhancedIndexBacktest> {
  const dates = daily.close.dates;
  const signal = score.alignTo(dates, daily.close.assets);
  const first = dates.indexOf(score.dates[0]!);
  // Rebalance on the score dates: every 5th trading day from the first one.
  const step = score.nDates > 1 ? dates.indexOf(score.dates[1]!) - first : 5;
  return backtestEnhancedIndex(
    {
      signal,
      market: { daily, index, industry },
      schedule: { every: step, offset: first },
      start: score.dates[0]!,
      limits: {
        maxDeviation: cfg.maxDeviation,
        industryBand: cfg.industryBand,
        styleBand: cfg.styleBand,
        maxTurnover: cfg.maxTurnover,
      },
      scenarios: STUDY_SCENARIOS,
      costs: { buy: cfg.costPerSide, sell: cfg.costPerSide },
    },
    options,
  );
}
