/** Cross-sectional preprocessing of factor values (winsorise, z-score, rank-gauss, fill, neutralise). */
export type { PreprocessErrorCode } from './errors.js';
export { FILL_METHODS, type FillMethod, type FillOptions, fillMissing } from './fill.js';
export { industryCodes } from './industry.js';
export {
  COLLINEAR_TOLERANCE,
  type NeutralizeOptions,
  type NeutralizeStats,
  neutralize,
  neutralizeWithStats,
} from './neutralize.js';
export { normalQuantile } from './normal-quantile.js';
export {
  type PreprocessExposures,
  type PreprocessOptions,
  type PreprocessStep,
  preprocessCube,
  preprocessPanel,
} from './pipeline.js';
export { rankGauss } from './rank-gauss.js';
export { MAD_NORMAL_SCALE, type WinsorizeOptions, winsorize } from './winsorize.js';
export { type ZScoreOptions, zscore } from './zscore.js';
