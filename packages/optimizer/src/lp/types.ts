/**
 * The one solver interface of `@hfq/optimizer`: a linear programme in sparse column form, and
 * an engine that solves it. Every engine (HiGHS, javascript-lp-solver) reads the same
 * `LinearProgram`, so the enhanced-index model is written once.
 */

/** Which engine solves the LPs. */
export type LpEngineName = 'highs' | 'jsLPSolver';

/**
 * `sense` c'x subject to `rowLower <= A x <= rowUpper`, `colLower <= x <= colUpper`.
 * `A` is compressed sparse column (CSC): column `j` holds rows `indices[starts[j]..starts[j+1])`
 * with coefficients `values[...]`. Infinite bounds are `Infinity` / `-Infinity`. Engines never
 * mutate it, so the builder may reuse its buffers between solves.
 */
export interface LinearProgram {
  sense: 'max' | 'min';
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** What an engine reports. `x` is meaningful only when `status === 'optimal'`. */
export interface LpSolution {
  status: 'optimal' | 'infeasible' | 'error';
  /** Primal values, one per column (a fresh array). */
  x: Float64Array;
  /** Objective value c'x as the engine reports it. */
  objective: number;
  /** Engine's own status text, for error messages. */
  detail: string;
}

/** A loaded engine: synchronous solves after the asynchronous load. */
export interface LpSolver {
  readonly name: LpEngineName;
  solve(lp: LinearProgram): LpSolution;
}
