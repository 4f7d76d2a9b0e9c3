/** Evaluation: frames, factor sets, markets, worker threads. */

export { type EvaluateOptions, evaluateFactors } from './evaluate.js';
export {
  compileFactorSet,
  DEFAULT_VOLUME_BAR_OPTIONS,
  type FactorDef,
  FactorSet,
  type FactorSetOptions,
  type StockDayFrames,
  type VolumeBarOptions,
} from './factor-set.js';
export {
  type Column,
  type Frame,
  type FrameBlock,
  frameColumns,
  MAX_FRAME_LEVELS,
  MAX_FRAME_ROWS,
  packFrames,
} from './frames.js';
export { DailyVolumes, type FactorMarket, marketFrames } from './market.js';
export { FactorWorkerPool, type PoolOptions } from './pool.js';
export type { MarketFactory } from './protocol.js';
