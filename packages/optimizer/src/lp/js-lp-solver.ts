import { HfqError } from '@hfq/core';
import jsLPSolverModule from 'javascript-lp-solver';
import { interopDefault } from './interop.js';
import { type LinearProgram, type LpSolution, type LpSolver, solveEmptyLp } from './types.js';

/** Options of the javascript-lp-solver engine. */
export interface JsLpSolverEngineOptions {
  /**
   * The `precision` argument of `solver.Solve`: its pivot tolerance and the grid it rounds returned
   * values to. Default 1e-12. Its own default (1e-9 in the code, values rounded to 1e-8 in
   * practice) lets rounding errors build up week over week in a backtest.
   */
  precision?: number;
}

const jsLPSolver = interopDefault<{ Solve(model: JsModel, precision?: number): unknown }>(jsLPSolverModule);

type JsModel = {
  optimize: string;
  opType: 'max' | 'min';
  constraints: Record<string, { min?: number; max?: number; equal?: number }>;
  variables: Record<string, Record<string, number>>;
};

/**
 * The alternative engine: javascript-lp-solver, a pure-JavaScript dense simplex tableau. It has no
 * column bounds, so each finite upper bound becomes a tableau row; lower bounds are removed by
 * shifting (x = lower + y) and fixed columns are dropped. Exact on small universes (a few hundred
 * stocks); its cost grows with the square of the model size and it cannot be time-limited.
 */
export function createJsLpSolver(options: JsLpSolverEngineOptions = {}): LpSolver {
  const precision = options.precision ?? 1e-12;
  if (!(precision > 0 && precision < 1e-6)) {
    throw new HfqError('OPT_BAD_OPTION', `jsLPSolver precision must be in (0, 1e-6), got ${precision}`, {
      field: 'precision',
    });
  }
  return {
    name: 'jsLPSolver',
    solve(lp: LinearProgram): LpSolution {
      if (lp.numCols === 0) return solveEmptyLp(lp);
      const { model, shift, kept } = toJsModel(lp);
      let res: Record<string, unknown>;
      try {
        res = jsLPSolver.Solve(model, precision) as Record<string, unknown>;
      } catch (e) {
        throw new HfqError(
          'OPT_SOLVER_FAILED',
          `javascript-lp-solver failed: ${(e as Error).message}`,
          {},
          {
            cause: e,
          },
        );
      }
      const x = shift.slice();
      if (res.feasible !== true) {
        return { status: 'infeasible', x, objective: Number.NaN, detail: 'infeasible' };
      }
      if (res.bounded === false) {
        return { status: 'error', x, objective: Number.NaN, detail: 'unbounded' };
      }
      let objective = 0;
      for (let j = 0; j < lp.numCols; j++) {
        if (kept[j] === 1) {
          const v = res[`x${j}`];
          if (typeof v === 'number') x[j] = x[j]! + v;
        }
        objective += lp.colCost[j]! * x[j]!;
      }
      return { status: 'optimal', x, objective, detail: 'optimal' };
    },
  };
}

/** Rewrites the sparse LP as a javascript-lp-solver JSON model in shifted variables y = x - lower. */
function toJsModel(lp: LinearProgram): { model: JsModel; shift: Float64Array; kept: Uint8Array } {
  const shift = new Float64Array(lp.numCols);
  const kept = new Uint8Array(lp.numCols);
  const offset = new Float64Array(lp.numRows);
  const constraints: JsModel['constraints'] = {};
  const variables: JsModel['variables'] = {};
  for (let j = 0; j < lp.numCols; j++) {
    const lo = lp.colLower[j]!;
    const hi = lp.colUpper[j]!;
    if (!Number.isFinite(lo)) {
      throw new HfqError('OPT_UNSUPPORTED', `jsLPSolver engine needs finite lower bounds (column ${j})`, {
        column: j,
      });
    }
    shift[j] = lo;
    for (let k = lp.starts[j]!; k < lp.starts[j + 1]!; k++) offset[lp.indices[k]!]! += lp.values[k]! * lo;
    if (hi === lo) continue; // fixed: contributes only its offset
    kept[j] = 1;
    const coefs: Record<string, number> = { obj: lp.colCost[j]! };
    for (let k = lp.starts[j]!; k < lp.starts[j + 1]!; k++) {
      const v = lp.values[k]!;
      if (v !== 0) coefs[`r${lp.indices[k]!}`] = v;
    }
    if (Number.isFinite(hi)) {
      coefs[`u${j}`] = 1;
      constraints[`u${j}`] = { max: hi - lo };
    }
    variables[`x${j}`] = coefs;
  }
  for (let r = 0; r < lp.numRows; r++) {
    const lo = lp.rowLower[r]! - offset[r]!;
    const hi = lp.rowUpper[r]! - offset[r]!;
    if (lp.rowLower[r] === lp.rowUpper[r]) constraints[`r${r}`] = { equal: lo };
    else {
      const c: { min?: number; max?: number } = {};
      if (Number.isFinite(lo)) c.min = lo;
      if (Number.isFinite(hi)) c.max = hi;
      constraints[`r${r}`] = c;
    }
  }
  return { model: { optimize: 'obj', opType: lp.sense, constraints, variables }, shift, kept };
}
