import { HfqError } from '@hfq/core';
import { createHighsSolver, type HighsEngineOptions } from './highs.js';
import { createJsLpSolver, type JsLpSolverEngineOptions } from './js-lp-solver.js';
import type { LpEngineName, LpSolver } from './types.js';

/** Engine choice and its options. */
export interface LpEngineOptions {
  /** `'highs'` (default; any size) or `'jsLPSolver'` (pure JavaScript; small universes). */
  engine?: LpEngineName;
  /** HiGHS settings (tolerances). */
  highs?: HighsEngineOptions;
  /** javascript-lp-solver settings (precision). */
  jsLPSolver?: JsLpSolverEngineOptions;
}

/** Loads the named engine (HiGHS loads its WebAssembly once per thread). */
export async function createLpSolver(options: LpEngineOptions = {}): Promise<LpSolver> {
  const engine = options.engine ?? 'highs';
  if (engine === 'highs') return createHighsSolver(options.highs);
  if (engine === 'jsLPSolver') return createJsLpSolver(options.jsLPSolver);
  throw new HfqError('OPT_BAD_OPTION', `unknown LP engine '${String(engine)}' (highs | jsLPSolver)`, {
    field: 'engine',
  });
}
