export { compareMinuteBars, type FieldAgreement, type MinuteBarAgreement } from './compare.js';
export {
  type ResolvedValidationOptions,
  resolveValidationOptions,
  type ValidationIssue,
  type ValidationOptions,
} from './issues.js';
export { findMinuteBarIssues, validateMinuteBars } from './minute-bars.js';
export {
  type RepairChange,
  type RepairResult,
  repairMinuteBars,
  repairTickSnapshots,
  takeMinuteRows,
  takeTickRows,
} from './repair.js';
export { findTickIssues, isContinuousTrading, validateTickSnapshots } from './ticks.js';
export { findVolumeBarIssues, validateVolumeBars } from './volume-bars.js';
