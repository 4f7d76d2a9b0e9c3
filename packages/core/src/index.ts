/**
 * @packageDocumentation
 * `@hfq/core`: the primitives every hfq package shares. A trading `Calendar` of `yyyymmdd`
 * days, the dates x assets `Panel`, the splittable seeded `Rng`, the `HfqError` type and the
 * progress/abort interface.
 */
export { Calendar } from './calendar.js';
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
export { Rng, type RngKey } from './rng.js';
export { formatTimeOfDay, parseTimeOfDay, timeOfDay } from './time.js';
export { spawnWorker } from './worker.js';
