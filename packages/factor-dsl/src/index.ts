/**
 * @packageDocumentation
 * `@hfq/factor-dsl`: the hfq factor language (parser, type checker, evaluator), the shipped factor
 * library, cross-sectional preprocessing and LLM factor generation.
 */
export * from './compile/index.js';
export { renderReference } from './docs/reference.js';
export * from './eval/index.js';
export * from './language/index.js';
export * from './library/index.js';
export * from './llm/index.js';
export * from './ops/index.js';
