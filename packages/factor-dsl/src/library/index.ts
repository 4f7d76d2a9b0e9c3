/**
 * The shipped factor library: 27 baseline factors of the earlier study plus 100 minute-bar, 100
 * equal-volume-bar and 100 tick factors, grouped like the study's sets.
 */
import { BASELINE_FACTORS } from './baseline.js';
import type { LibraryFactor } from './define.js';
import { MINUTE_FACTORS } from './minute.js';
import { TICK_FACTORS } from './tick.js';
import { VBAR_FACTORS } from './vbar.js';

export {
  BASELINE_FACTORS,
  BASELINE_MINUTE_FACTORS,
  BASELINE_ORDER_FLOW_FACTORS,
  BASELINE_TRADE_FLOW_FACTORS,
} from './baseline.js';
export type { LibraryFactor } from './define.js';
export { MINUTE_FACTORS } from './minute.js';
export { type FactorQuality, type FactorQualityOptions, factorQuality } from './quality.js';
export { TICK_FACTORS } from './tick.js';
export { VBAR_FACTORS } from './vbar.js';

/** All 327 shipped factors: baseline, minute, equal-volume, tick (in that order). */
export const FACTOR_LIBRARY: readonly LibraryFactor[] = Object.freeze([
  ...BASELINE_FACTORS,
  ...MINUTE_FACTORS,
  ...VBAR_FACTORS,
  ...TICK_FACTORS,
]);
