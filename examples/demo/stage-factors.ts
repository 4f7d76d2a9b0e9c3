/** Stage 2: the 327 shipped factors over every stock-day, on worker threads that simulate their own stocks. */
import type { FactorCube, TaskOptions } from '@hfq/core';
import {
  BASELINE_FACTORS,
  evaluateFactors,
  FACTOR_LIBRARY,
  MINUTE_FACTORS,
  TICK_FACTORS,
  VBAR_FACTORS,
} from '@hfq/factor-dsl';
import type { Market, MarketConfig } from '@hfq/sim';

/** The study's feature sets, by factor id. */
export const FEATURE_SETS = {
  baseline: BASELINE_FACTORS.map((f) => f.id),
  minute: MINUTE_FACTORS.map((f) => f.id),
  vbar: VBAR_FACTORS.map((f) => f.id),
  tick: TICK_FACTORS.map((f) => f.id),
  all: [...MINUTE_FACTORS, ...VBAR_FACTORS, ...TICK_FACTORS].map((f) => f.id),
} as const;
export type FeatureSetName = keyof typeof FEATURE_SETS;

export async function computeFactors(
  market: Market,
  marketConfig: Partial<MarketConfig>,
  threads: number,
  options: TaskOptions,
): Promise<FactorCube> {
  return evaluateFactors(market, FACTOR_LIBRARY, {
    ...options,
    threads,
    dailyVolume: market.daily().volume,
    ...(threads > 1
      ? { factory: { module: '@hfq/sim', exportName: 'createMarket', args: [marketConfig] } }
      : {}),
  });
}
