/**
 * @packageDocumentation
 * `@hfq/core`: the primitives every hfq package shares. A trading `Calendar` of `yyyymmdd`
 * days, the dates x assets `Panel`, the splittable seeded `Rng`, the `HfqError` type and the
 * progress/abort interface.
 */
export {
  type AtomicWriteOptions,
  atomicTempPath,
  commitAtomicFile,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-write.js';
export { Calendar } from './calendar.js';
export type { PreprocessErrorCode } from './cross-section/errors.js';
export { FILL_METHODS, type FillMethod, type FillOptions, fillMissing } from './cross-section/fill.js';
export { industryCodes } from './cross-section/industry.js';
export {
  COLLINEAR_TOLERANCE,
  type NeutralizeOptions,
  type NeutralizeStats,
  neutralize,
  neutralizeWithStats,
} from './cross-section/neutralize.js';
export { normalQuantile } from './cross-section/normal-quantile.js';
export {
  type PreprocessExposures,
  type PreprocessOptions,
  type PreprocessStep,
  preprocessCube,
  preprocessPanel,
  type ZScoreStepOptions,
} from './cross-section/pipeline.js';
export { averageRank, RankWorkspace } from './cross-section/rank.js';
export { rankGauss } from './cross-section/rank-gauss.js';
export { MAD_NORMAL_SCALE, type WinsorizeOptions, winsorize } from './cross-section/winsorize.js';
export {
  type ZScoreMoments,
  type ZScoreOptions,
  zscore,
  zscoreInPlace,
  zscoreMoments,
} from './cross-section/zscore.js';
export {
  addCalendarDays,
  calendarDaysBetween,
  checkYmd,
  daysInMonth,
  epochDayToYmd,
  formatYmd,
  isYmd,
  parseYmd,
  weekdays,
  ymdMonth,
  ymdToEpochDay,
  ymdWeekday,
  ymdYear,
} from './dates.js';
export {
  type CoreErrorCode,
  checkFinite,
  checkInteger,
  ensure,
  HfqError,
  type HfqErrorContext,
} from './errors.js';
export { FactorCube, type FactorSource } from './factor-cube.js';
export { Panel, type PanelArray, type PanelDType } from './panel.js';
export {
  type ProgressCallback,
  type ProgressEvent,
  ProgressReporter,
  type TaskOptions,
  throwIfAborted,
} from './progress.js';
export { createProgressBar, formatDuration, formatProgressLine, type ProgressSink } from './progress-bar.js';
export {
  type ParsedRebalanceRule,
  parseRebalanceRule,
  type RebalanceRule,
  rebalanceDates,
  rebalanceIndices,
} from './rebalance.js';
export { Rng, type RngKey } from './rng.js';
export { lowerBound, sortedIndexOf } from './search.js';
export { STYLE_NAMES, type StyleName } from './styles.js';
export { formatTimeOfDay, parseTimeOfDay, timeOfDay } from './time.js';
export { spawnWorker } from './worker.js';
