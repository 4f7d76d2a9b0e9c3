import { HfqError } from '@hfq/core';
import highsModule, { type Basis, type Highs, type InitOptions, type Model } from 'highs';
import { interopDefault } from './interop.js';
import { type LinearProgram, type LpSolution, type LpSolver, solveEmptyLp } from './types.js';

/** HiGHS options that change the answer; see `createHighsSolver`. */
export interface HighsEngineOptions {
  /**
   * HiGHS `primal_feasibility_tolerance` (absolute, in weight units here). Default 1e-9: at
   * HiGHS's own default (1e-7) the turnover row was seen broken by up to 4e-7, above the 1e-7
   * the optimiser verifies.
   */
  primalFeasibilityTolerance?: number;
  /** HiGHS `dual_feasibility_tolerance`. Default 1e-9. */
  dualFeasibilityTolerance?: number;
  /**
   * HiGHS `presolve` (default `'off'`). This LP has few rows (K + S + 3) and thousands of bounded
   * columns, which presolve cannot shrink: measured here it tripled the solve time.
   */
  presolve?: 'off' | 'on' | 'choose';
  /**
   * HiGHS matrix scaling (`simplex_scale_strategy`; default false = off). The enhanced-index LP is
   * well scaled by construction (coefficients +-1 and standardised exposures, scores divided by
   * their largest magnitude, bounds in weight units); scaling it anyway cost 40% of the simplex
   * time here. Turn it on for LPs of your own with badly scaled data.
   */
  scale?: boolean;
  /**
   * Start each solve from the previous optimal basis when the new LP has the same shape (default
   * true). Week-to-week rebalancing LPs differ only in numbers, and the old basis cut the simplex
   * time by about a third here. Results stay deterministic for a given sequence of solves.
   */
  warmStart?: boolean;
  /** Extra raw HiGHS options (snake_case names), applied last. */
  raw?: Record<string, string | number | boolean>;
}

const loadHighs = interopDefault<(options?: InitOptions) => Promise<Highs>>(highsModule);

let runtime: Promise<Highs> | undefined;

/** The HiGHS WebAssembly runtime, loaded once per thread. */
export function loadHighsRuntime(): Promise<Highs> {
  if (!runtime) runtime = loadHighs();
  return runtime;
}

/**
 * The default engine: HiGHS (WebAssembly) through its sparse persistent-model API, with native
 * column bounds. One model per solve, always disposed (the Wasm heap is not garbage collected).
 * Keeps the last optimal basis for the next solve of the same shape (`warmStart`), so one solver
 * serves one sequence of related LPs. Single-threaded; run independent sequences in worker threads.
 */
export async function createHighsSolver(options: HighsEngineOptions = {}): Promise<LpSolver> {
  const highs = await loadHighsRuntime();
  const settings: Record<string, string | number | boolean> = {
    output_flag: false,
    presolve: options.presolve ?? 'off',
    ...(options.scale ? {} : { simplex_scale_strategy: 0 }),
    primal_feasibility_tolerance: options.primalFeasibilityTolerance ?? 1e-9,
    dual_feasibility_tolerance: options.dualFeasibilityTolerance ?? 1e-9,
    ...options.raw,
  };
  const inf = highs.infinity;
  const { optimal, infeasible, unboundedOrInfeasible } = highs.constants.modelStatus;
  const sense = highs.constants.objectiveSense;
  const warmStart = options.warmStart ?? true;
  let last: { basis: Basis; keys: Int32Array | undefined } | undefined;
  return {
    name: 'highs',
    solve(lp: LinearProgram): LpSolution {
      if (lp.numCols === 0) return solveEmptyLp(lp);
      let model: Model | undefined;
      try {
        model = highs.createModel({
          numCols: lp.numCols,
          numRows: lp.numRows,
          sense: lp.sense === 'max' ? sense.maximize : sense.minimize,
          colCost: lp.colCost,
          colLower: clampInfinite(lp.colLower, inf),
          colUpper: clampInfinite(lp.colUpper, inf),
          rowLower: clampInfinite(lp.rowLower, inf),
          rowUpper: clampInfinite(lp.rowUpper, inf),
          matrix: {
            format: 'csc',
            numRows: lp.numRows,
            numCols: lp.numCols,
            starts: lp.starts,
            indices: lp.indices,
            values: lp.values,
          },
        });
        model.options.set(settings);
        if (warmStart && last) {
          const start = carryBasis(last.basis, last.keys, lp);
          if (start) model.setBasis(start);
        }
        model.run();
        const status = model.getModelStatus();
        if (status === optimal) {
          if (warmStart) last = { basis: model.getBasis(), keys: lp.colKeys?.slice() };
          return {
            status: 'optimal',
            x: model.getSolution().colValue,
            objective: model.getObjectiveValue(),
            detail: 'Optimal',
          };
        }
        const detail = describeHighsStatus(status, highs.constants.modelStatus);
        // Every LP built here has finite column bounds, so "infeasible or unbounded" is infeasible.
        const kind = status === infeasible || status === unboundedOrInfeasible ? 'infeasible' : 'error';
        return { status: kind, x: new Float64Array(lp.numCols), objective: Number.NaN, detail };
      } catch (e) {
        throw new HfqError('OPT_SOLVER_FAILED', `HiGHS failed: ${(e as Error).message}`, {}, { cause: e });
      } finally {
        model?.dispose();
      }
    },
  };
}

/** What to check for each HiGHS model status that is not `optimal`. */
const HIGHS_STATUS_ADVICE: Readonly<Record<string, string>> = {
  notSet: 'the solver did not run; a HiGHS option in `raw` may be invalid',
  loadError: 'the model could not be loaded: check the LP arrays (lengths, NaN bounds or costs)',
  modelError: 'the model is malformed: check for NaN or inconsistent bounds (lower > upper)',
  presolveError: 'presolve failed: retry with `presolve: "off"`',
  solveError: 'the simplex failed: check the scale of the inputs (scores, exposures) or enable `scale`',
  postsolveError: 'postsolve failed: retry with `presolve: "off"`',
  empty: 'the model has no columns',
  infeasible: 'the limits cannot all hold: loosen them (maxDeviation, industryBand, styleBand, maxTurnover)',
  unboundedOrInfeasible: 'the limits cannot all hold, or a column lacks a finite bound',
  unbounded: 'a column lacks a finite bound',
  objectiveBound: 'an objective bound in `raw` stopped the solve',
  objectiveTarget: 'an objective target in `raw` stopped the solve',
  timeLimit: 'the time limit in `raw` was reached: raise it',
  iterationLimit: 'the iteration limit in `raw` was reached: raise it',
  unknown: 'HiGHS could not classify the result: check the scale of the inputs, or try `scale: true`',
  solutionLimit: 'a solution limit in `raw` stopped the solve',
  interrupted: 'the solve was interrupted',
};

/**
 * A HiGHS model status as `"<name> (<code>): <what to check>"`, e.g. `"infeasible (8): the
 * limits cannot all hold: ..."`, from the runtime's own status table; a code missing from it is
 * reported as `unknown status <code>`.
 * @internal
 */
export function describeHighsStatus(status: number, table: Readonly<Record<string, number>>): string {
  const name = Object.keys(table).find((k) => table[k] === status);
  if (name === undefined)
    return `HiGHS returned an unknown status ${status}: update the highs package or report it`;
  const advice = HIGHS_STATUS_ADVICE[name];
  return `HiGHS model status ${name} (${status})${advice ? `: ${advice}` : ''}`;
}

const BASIC = 1;
const AT_LOWER = 0;
const AT_UPPER = 2;

/**
 * The previous optimal basis carried onto `lp`: by column key when both LPs have keys (columns
 * that are new start at their lower bound), by position when the shapes are equal, not at all
 * when the rows differ. Keeps exactly numRows basic entries (HiGHS's consistency rule): missing
 * ones become basic row slacks, extra ones leave the basis at their lower bound.
 */
function carryBasis(prev: Basis, prevKeys: Int32Array | undefined, lp: LinearProgram): Basis | undefined {
  if (prev.rowStatus.length !== lp.numRows) return undefined;
  let colStatus: Int32Array;
  if (prevKeys && lp.colKeys) {
    let maxKey = 0;
    for (let c = 0; c < prevKeys.length; c++) maxKey = Math.max(maxKey, prevKeys[c]!);
    const byKey = new Int8Array(maxKey + 1).fill(-1);
    for (let c = 0; c < prevKeys.length; c++) byKey[prevKeys[c]!] = prev.colStatus[c]!;
    colStatus = new Int32Array(lp.numCols);
    for (let c = 0; c < lp.numCols; c++) {
      const key = lp.colKeys[c]!;
      const st = key <= maxKey ? byKey[key]! : -1;
      colStatus[c] = st < 0 ? AT_LOWER : st;
    }
  } else if (prev.colStatus.length === lp.numCols) {
    colStatus = prev.colStatus.slice();
  } else {
    return undefined;
  }
  const rowStatus = prev.rowStatus.slice();
  let basic = 0;
  for (let c = 0; c < colStatus.length; c++) {
    if (colStatus[c] === AT_UPPER && !Number.isFinite(lp.colUpper[c]!)) colStatus[c] = AT_LOWER;
    if (colStatus[c] === BASIC) basic++;
  }
  for (let r = 0; r < rowStatus.length; r++) if (rowStatus[r] === BASIC) basic++;
  for (let r = 0; r < rowStatus.length && basic < lp.numRows; r++) {
    if (rowStatus[r] !== BASIC) {
      rowStatus[r] = BASIC;
      basic++;
    }
  }
  for (let c = 0; c < colStatus.length && basic > lp.numRows; c++) {
    if (colStatus[c] === BASIC) {
      colStatus[c] = AT_LOWER;
      basic--;
    }
  }
  return { colStatus, rowStatus };
}

/** HiGHS wants its own infinity value for missing bounds; finite entries pass through. */
function clampInfinite(a: Float64Array, inf: number): Float64Array {
  let any = false;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) {
      any = true;
      break;
    }
  }
  if (!any) return a;
  const out = a.slice();
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (v === Number.POSITIVE_INFINITY) out[i] = inf;
    else if (v === Number.NEGATIVE_INFINITY) out[i] = -inf;
  }
  return out;
}
