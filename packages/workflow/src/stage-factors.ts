/** The study's feature sets (stage 2, the factors, is `StudyMarket.computeFactors`). */
import { BASELINE_FACTORS, MINUTE_FACTORS, TICK_FACTORS, VBAR_FACTORS } from '@hfq/factor-dsl';

/** The study's feature sets, by factor id. */
export const FEATURE_SETS = {
  baseline: BASELINE_FACTORS.map((f) => f.id),
  minute: MINUTE_FACTORS.map((f) => f.id),
  vbar: VBAR_FACTORS.map((f) => f.id),
  tick: TICK_FACTORS.map((f) => f.id),
  all: [...MINUTE_FACTORS, ...VBAR_FACTORS, ...TICK_FACTORS].map((f) => f.id),
} as const;
/** A feature set's name. */
export type FeatureSetName = keyof typeof FEATURE_SETS;
