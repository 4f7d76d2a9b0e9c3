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
  /**
   * Optional stable identity of each column across a sequence of related LPs (unique within one
   * LP). Lets an engine carry a warm-start basis over when columns come and go.
   */
  colKeys?: Int32Array;
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

/**
 * An LP without columns (every variable was fixed and folded out): feasible when 0 lies within
 * every row's bounds (tolerance `tol`), with objective 0. Engines answer it without solving.
 */
export function solveEmptyLp(lp: LinearProgram, tol = 1e-9): LpSolution {
  for (let r = 0; r < lp.numRows; r++) {
    if (lp.rowLower[r]! > tol || lp.rowUpper[r]! < -tol) {
      return {
        status: 'infeasible',
        x: new Float64Array(0),
        objective: Number.NaN,
        detail: `empty LP, row ${r} excludes 0`,
      };
    }
  }
  return { status: 'optimal', x: new Float64Array(0), objective: 0, detail: 'empty LP' };
}
