export { compareMinuteBars, type FieldAgreement, type MinuteBarAgreement } from './compare.js';
export type { ValidationIssue, ValidationOptions } from './issues.js';
export { findMinuteBarIssues, validateMinuteBars } from './minute-bars.js';
export {
  type RepairChange,
  type RepairResult,
  repairMinuteBars,
  repairTickSnapshots,
} from './repair.js';
export { findTickIssues, isContinuousTrading, validateTickSnapshots } from './ticks.js';
export { findVolumeBarIssues, validateVolumeBars } from './volume-bars.js';
