/** Compilation of formulas into fused kernels. */
export { type CompileOptions, compileFactors, FactorProgram } from './program.js';
