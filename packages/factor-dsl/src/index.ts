/**
 * @packageDocumentation
 * `@hfq/factor-dsl`: the hfq factor language (parser, type checker with safety limits, compiler,
 * evaluator) and the shipped factor library.
 *
 * Exports are listed by name: what examples, docs, scripts and other packages use. Internals
 * (frame packing, the expression graph, code generation, look-up helpers of the operator table)
 * stay private; the package's own benchmark imports them from `src/` directly.
 */

// Compilation of formulas into fused kernels.
export { type CompileOptions, compileFactors, type FactorProgram } from './compile/program.js';
// The daily level: formulas over dates x assets panels (across days, across stocks per date).
export { type CheckedDaily, checkDaily, type DailyCheckOptions } from './daily/check.js';
export { type DailyEvaluateOptions, type DailyFactorDef, evaluateDaily } from './daily/evaluate.js';
export { DAILY_LIBRARY, type DailyLibraryFactor } from './daily/library.js';
export {
  broadcastDaily,
  evaluateStyleFactors,
  STYLE_FACTORS,
  STYLE_INPUTS,
  STYLE_WINDOWS,
  type StyleEvaluateOptions,
  type StyleWindows,
  styleFactors,
} from './daily/styles.js';
// The Markdown language reference generated from the operator table.
export { renderReference } from './docs/reference.js';
// Evaluation over stock-days of a market.
export { type EvaluateOptions, evaluateFactors } from './eval/evaluate.js';
export {
  compileFactorSet,
  DEFAULT_VOLUME_BAR_OPTIONS,
  type FactorDef,
  type FactorSet,
  type FactorSetOptions,
  type StockDayFrames,
  type VolumeBarOptions,
} from './eval/factor-set.js';
export type { Column, Frame, FrameBlock } from './eval/frames.js';
export type { FactorMarket } from './eval/market.js';
export { FactorWorkerPool, type PoolOptions } from './eval/pool.js';
export type { MarketFactory } from './eval/protocol.js';
// The language front-end: parse, print, hash, type-check, limits.
export type { CallNode, FactorAst, FieldNode, NumNode } from './language/ast.js';
export { type CheckedFactor, type CheckOptions, checkFactor } from './language/check.js';
export type { DslErrorCode } from './language/errors.js';
export { canonicalize, hashFactor } from './language/hash.js';
export { DEFAULT_LIMITS, type FactorLimits, resolveLimits } from './language/limits.js';
export { type ParseOptions, parseFactor } from './language/parser.js';
export { printFactor } from './language/printer.js';
export { ALPHA158, ALPHA158_WINDOWS } from './library/alpha158.js';
// The shipped factor library.
export {
  BASELINE_FACTORS,
  BASELINE_MINUTE_FACTORS,
  BASELINE_ORDER_FLOW_FACTORS,
  BASELINE_TRADE_FLOW_FACTORS,
} from './library/baseline.js';
export type { LibraryFactor } from './library/define.js';
export { FACTOR_LIBRARY } from './library/index.js';
export { MINUTE_FACTORS } from './library/minute.js';
export { type FactorQuality, type FactorQualityOptions, factorQuality } from './library/quality.js';
export { TICK_FACTORS } from './library/tick.js';
export { VBAR_FACTORS } from './library/vbar.js';
// The operator table and the fields of each source.
export type { FieldSpec } from './ops/fields.js';
export { SOURCE_FIELDS } from './ops/fields.js';
export type {
  ArgSpec,
  DailyImpl,
  OpFamily,
  OpImpl,
  OpLevel,
  OpSpec,
  SourceKind,
  ValueType,
} from './ops/spec.js';
export { getOperator, OPERATORS, operatorsAt } from './ops/table.js';
