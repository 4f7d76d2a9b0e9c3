/** The language front-end: parse, print, hash, type-check, limits. */
export { astDepth, astSize, type CallNode, type FactorAst, type FieldNode, type NumNode } from './ast.js';
export { type CheckedFactor, type CheckOptions, checkFactor } from './check.js';
export type { DslErrorCode } from './errors.js';
export { canonicalize, hashFactor } from './hash.js';
export { DEFAULT_LIMITS, type FactorLimits, resolveLimits } from './limits.js';
export { type ParseOptions, parseFactor } from './parser.js';
export { formatNumber, printFactor } from './printer.js';
