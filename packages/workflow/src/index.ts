/**
 * @packageDocumentation
 * `@hfq/workflow`: the whole hfq study from one config file (JSON or YAML; `hfq run`): the
 * market (built-in simulator or a dataset directory), the 327 factors, walk-forward deep models,
 * single-factor tests against two yardsticks (the planted alpha, the best achievable score), the enhanced-index optimizer and the report. Each stage's
 * outputs are cached on disk under a hash of its inputs; every training (model x seed x fold) is
 * cached on its own, so runs resume and array tasks can share the trainings. Docs:
 * `docs/workflow.md`.
 */
export { StageCache, stageHash } from './cache.js';
export { type CalibratedPath, type CalibrationOptions, calibratePath } from './calibrate-path.js';
export {
  DEFAULT_WORKFLOW_CONFIG,
  KNOBS,
  knobValue,
  loadWorkflowConfig,
  MODEL_NAMES,
  type ModelKnobOverrides,
  type ModelName,
  mergeWorkflowConfig,
  PER_MODEL_KNOBS,
  type SimDataConfig,
  type WorkflowConfig,
  type WorkflowData,
  workflowHelpText,
} from './config.js';
export { loadMarket, SIM_MARKET_FILE, SIM_TRUTH_FILE, type StudyMarket } from './market.js';
export { LABELS, PORTFOLIO_SIGNALS, shareOfBest, type WorkflowOutcome, YARDSTICK_LABELS } from './report.js';
export {
  type RunWorkflowOptions,
  runWorkflow,
  WORKFLOW_STAGES,
  WORKFLOW_VERSION,
  type WorkflowCheck,
  type WorkflowRunResult,
  type WorkflowStage,
  type WorkflowSummary,
  workflowChecks,
} from './run.js';
export type { SequencePath } from './sequence-path.js';
export type { SignalTest } from './stage-evaluate.js';
export { FEATURE_SETS, type FeatureSetName } from './stage-factors.js';
export { MODEL_JOB_STAGE, type ModelResult, type ModelStage } from './stage-models.js';
export {
  MULTI_PERIOD_STAGE,
  type MultiPeriodComparison,
  type MultiPeriodRow,
} from './stage-multi-period.js';
