/**
 * @packageDocumentation
 * `@hfq/factor-dsl`: The hfq factor language (parser, type checker, evaluator), the shipped factor library, cross-sectional preprocessing and LLM factor generation.
 */
export const PACKAGE_NAME = '@hfq/factor-dsl';
