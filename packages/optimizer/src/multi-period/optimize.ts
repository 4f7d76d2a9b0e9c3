import { HfqError } from '@hfq/core';
import type { TransactionCosts } from '../backtest/run-scenario.js';
import { EnhancedIndexOptimizer, type EnhancedIndexOptions } from '../enhanced-index/optimize.js';
import {
  type EnhancedIndexLimits,
  type EnhancedIndexProblem,
  validateProblem,
} from '../enhanced-index/problem.js';
import {
  activeLimits,
  collectHeld,
  resolveIndustryCount,
  TimedSolver,
} from '../enhanced-index/solve-support.js';
import { type ActiveLimits, type StockBox, stockBox } from '../enhanced-index/trade-model.js';
import { type EnhancedIndexExposures, verifyPortfolio } from '../enhanced-index/verify.js';
import { createLpSolver } from '../lp/engines.js';
import type { LpEngineName, LpSolver } from '../lp/types.js';
import { buildMultiPeriodLp } from './model.js';

/** Longest plan accepted (steps). A plan is a forecast horizon, not a backtest. */
export const MAX_PLAN_STEPS = 64;

/**
 * One multi-period plan's input: the single-period problem of `optimizeEnhancedIndex` with the
 * score replaced by a predicted return **path**. Everything but the path is what is known at the
 * decision time T and is used for every step of the plan (the benchmark, constituents, industries
 * and style exposures of T; the tradability of the first fill).
 */
export interface MultiPeriodProblem extends Omit<EnhancedIndexProblem, 'scores'> {
  /**
   * H rows (steps h = 1..H, one row per rebalance step) of N predicted returns: `path[h-1][i]`
   * is the return of stock i expected over step h, a fraction per step (0.01 = 1%), in the same
   * units as `costs`. Finite; 1 <= H <= `MAX_PLAN_STEPS`.
   */
  path: readonly Float64Array[];
  /**
   * Costs priced in the objective, per side, fractions of traded value (default 0.002 buy and
   * 0.002 sell: what `backtestEnhancedIndex` charges by default). `{ buy: 0, sell: 0 }` makes H = 1
   * the single-period problem on `path[0]`.
   */
  costs?: TransactionCosts | undefined;
}

/** Options of `multiPeriodEnhancedIndex`: those of the single-period optimiser. */
export type MultiPeriodOptions = EnhancedIndexOptions;

/** One multi-period plan. Weights are fractions summing to 1. */
export interface MultiPeriodResult {
  /**
   * `optimal`: all limits held at every step. `relaxed`: step 1 was infeasible and its limits were
   * widened by the single-period optimiser's relaxation; the widened limits (`limits`) hold at every
   * step. `infeasible`: nothing holds even after relaxation; all weights NaN.
   */
  status: 'optimal' | 'relaxed' | 'infeasible';
  /** The weights to trade to now: the plan's first step (`plan[0]`). */
  weights: Float64Array;
  /** The planned weights w_1..w_H (H rows of N). Only the first is meant to be executed. */
  plan: Float64Array[];
  /**
   * The plan's objective: sum over steps of the predicted excess return `path_h . (w_h - b)` minus
   * the priced costs of each step's trades (fractions, summed over the H steps). NaN when infeasible.
   */
  objective: number;
  /** Per step: predicted excess return `path_h . (w_h - b)` (fraction per step). */
  predictedExcess: Float64Array;
  /** Per step: costs priced for the trades w_h - w_{h-1} (fraction of value). */
  plannedCost: Float64Array;
  /** Per step: two-sided turnover sum |w_h - w_{h-1}| (fraction; 1 for a first purchase from cash). */
  turnover: Float64Array;
  /** Per step: active exposures of w_h. */
  exposures: EnhancedIndexExposures[];
  /** As in `EnhancedIndexResult`: `untradableBand` and the names of widened limits. */
  relaxed?: string[];
  /** Stocks that cannot trade toward their band at the first fill: held at w0 through the whole plan. */
  heldStocks?: Int32Array;
  /** The limits every step satisfies (the inputs, or the widened ones). */
  limits: EnhancedIndexLimits;
  /** Wall time inside the LP engine, milliseconds (all solves of this call). */
  solveMs: number;
  /** LPs solved (1, or more when step 1 needed relaxation). */
  solves: number;
  engine: LpEngineName;
}

/**
 * A multi-period enhanced-index optimiser bound to a loaded engine (one per thread; not
 * re-entrant). See `multiPeriodEnhancedIndex` for the model.
 */
export class MultiPeriodOptimizer {
  private readonly single: EnhancedIndexOptimizer;

  constructor(
    readonly solver: LpSolver,
    private readonly options: MultiPeriodOptions = {},
  ) {
    this.single = new EnhancedIndexOptimizer(solver, options);
  }

  /** Plans H steps and returns the first. See `multiPeriodEnhancedIndex`. */
  solve(problem: MultiPeriodProblem): MultiPeriodResult {
    const { path } = problem;
    if (!Array.isArray(path) || path.length < 1 || path.length > MAX_PLAN_STEPS) {
      throw new HfqError(
        'OPT_BAD_INPUT',
        `path must hold 1..${MAX_PLAN_STEPS} steps (rows of predicted returns), got ${Array.isArray(path) ? path.length : typeof path}`,
        { field: 'path' },
      );
    }
    const first: EnhancedIndexProblem = { ...problem, scores: path[0]! };
    const { n, k: kSeen } = validateProblem(first);
    for (let h = 1; h < path.length; h++) {
      const row = path[h]!;
      if (row.length !== n) {
        throw new HfqError('OPT_BAD_INPUT', `path[${h}] has length ${row.length}, expected ${n}`, {
          field: `path[${h}]`,
        });
      }
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(row[i]!)) {
          throw new HfqError('OPT_BAD_INPUT', `predicted return ${row[i]} is not finite`, {
            field: `path[${h}]`,
            asset: i,
          });
        }
      }
    }
    const costBuy = checkCost(problem.costs?.buy, 'buy');
    const costSell = checkCost(problem.costs?.sell, 'sell');
    const k = resolveIndustryCount(this.options.numIndustries, kSeen);
    const tol = this.options.tolerance ?? 1e-7;
    const h = path.length;
    let scale = Math.max(costBuy, costSell);
    for (const row of path) for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(row[i]!));
    if (scale === 0) scale = 1;

    const timed = new TimedSolver(this.solver);
    const attempt = (l: EnhancedIndexLimits) => {
      const { limits, boxes } = this.stepModel(problem, first, l, h);
      const lp = buildMultiPeriodLp({
        n,
        k,
        path,
        benchmark: problem.benchmark,
        previous: problem.previous,
        constituent: problem.constituent,
        industry: problem.industry,
        styles: problem.styles,
        boxes,
        limits,
        costBuy,
        costSell,
        scale,
      });
      return { sol: timed.solve(lp, "the plan's LP"), limits, boxes };
    };

    let run = attempt(problem.limits);
    let outLimits: EnhancedIndexLimits = { ...problem.limits };
    const relaxed: string[] = [];
    if (run.sol.status === 'infeasible' && this.options.relax !== false) {
      // Every step is feasible when step 1 is (hold w_1), so relax step 1 as the single-period
      // optimiser does (one home for relaxation) and apply its widened limits at every step.
      const one = this.single.solve(first);
      timed.solveMs += one.solveMs;
      timed.solves += one.solves;
      if (one.status !== 'infeasible') {
        outLimits = { ...one.limits };
        if (outLimits.maxTurnover === undefined) outLimits.maxTurnover = problem.limits.maxTurnover;
        for (const g of one.relaxed ?? []) if (g !== 'untradableBand') relaxed.push(g);
        run = attempt(outLimits);
      }
    }
    const heldStocks = collectHeld(run.boxes[0]!.held);
    if (heldStocks) relaxed.unshift('untradableBand');
    // What both outcomes report after their own fields (the order of EnhancedIndexResult's).
    const tail = {
      ...(relaxed.length > 0 ? { relaxed } : {}),
      ...(heldStocks ? { heldStocks } : {}),
      limits: outLimits,
      solveMs: timed.solveMs,
      solves: timed.solves,
      engine: this.solver.name,
    };
    if (run.sol.status !== 'optimal') {
      const nan = () => new Float64Array(n).fill(Number.NaN);
      return {
        status: 'infeasible',
        weights: nan(),
        plan: Array.from({ length: h }, nan),
        objective: Number.NaN,
        predictedExcess: new Float64Array(h).fill(Number.NaN),
        plannedCost: new Float64Array(h).fill(Number.NaN),
        turnover: new Float64Array(h).fill(Number.NaN),
        exposures: [],
        ...tail,
      };
    }

    const x = run.sol.x;
    const plan: Float64Array[] = [];
    const predictedExcess = new Float64Array(h);
    const plannedCost = new Float64Array(h);
    const turnover = new Float64Array(h);
    const exposures: EnhancedIndexExposures[] = [];
    let prev = problem.previous;
    let objective = 0;
    for (let s = 0; s < h; s++) {
      const w = x.slice(3 * n * s, 3 * n * s + n);
      // Check every limit of the step on the weights themselves (as the single-period optimiser does).
      const stepProblem: EnhancedIndexProblem =
        s === 0
          ? first
          : { ...problem, scores: path[s]!, previous: prev, canBuy: undefined, canSell: undefined };
      const m = verifyPortfolio(stepProblem, k, w, run.limits[s]!, run.boxes[s]!, tol);
      let ex = 0;
      let cost = 0;
      const r = path[s]!;
      for (let i = 0; i < n; i++) {
        ex += r[i]! * (w[i]! - problem.benchmark[i]!);
        const d = w[i]! - prev[i]!;
        cost += d > 0 ? costBuy * d : -costSell * d;
      }
      plan.push(w);
      predictedExcess[s] = ex;
      plannedCost[s] = cost;
      turnover[s] = m.turnover;
      exposures.push(m.exposures);
      objective += ex - cost;
      prev = w;
    }
    return {
      status: relaxed.length > 0 ? 'relaxed' : 'optimal',
      weights: plan[0]!,
      plan,
      objective,
      predictedExcess,
      plannedCost,
      turnover,
      exposures,
      ...tail,
    };
  }

  /**
   * Limits and weight boxes of each step. Step 1: the single-period box (band cut by the first
   * fill's tradability; stocks that cannot reach their band held at w0) and no turnover row from
   * cash. Later steps: the band alone (every stock assumed tradable), the turnover limit always,
   * and the stocks held at step 1 still held at w0.
   */
  private stepModel(
    problem: MultiPeriodProblem,
    first: EnhancedIndexProblem,
    l: EnhancedIndexLimits,
    h: number,
  ): { limits: ActiveLimits[]; boxes: StockBox[] } {
    const n = first.scores.length;
    const step1 = activeLimits(l, problem.previous);
    const base: ActiveLimits = { ...step1, maxTurnover: l.maxTurnover };
    const box1 = stockBox(first, l.maxDeviation);
    const limits: ActiveLimits[] = [step1];
    const boxes: StockBox[] = [box1];
    if (h > 1) {
      const later: StockBox = { lo: new Float64Array(n), hi: new Float64Array(n), held: box1.held };
      for (let i = 0; i < n; i++) {
        if (box1.held[i] === 1) {
          later.lo[i] = problem.previous[i]!;
          later.hi[i] = problem.previous[i]!;
        } else {
          later.lo[i] = Math.max(0, problem.benchmark[i]! - l.maxDeviation);
          later.hi[i] = problem.benchmark[i]! + l.maxDeviation;
        }
      }
      for (let s = 1; s < h; s++) {
        limits.push(base);
        boxes.push(later);
      }
    }
    return { limits, boxes };
  }
}

function checkCost(c: number | undefined, side: 'buy' | 'sell'): number {
  if (c === undefined) return 0.002;
  if (!(c >= 0 && c < 1)) {
    throw new HfqError('OPT_BAD_OPTION', `costs.${side} must be a fraction in [0, 1), got ${c}`, {
      field: `costs.${side}`,
    });
  }
  return c;
}

/** Loads the engine named in `options` and returns a multi-period optimiser for repeated plans. */
export async function createMultiPeriodOptimizer(
  options: MultiPeriodOptions = {},
): Promise<MultiPeriodOptimizer> {
  return new MultiPeriodOptimizer(await createLpSolver(options), options);
}

/**
 * Multi-period enhanced-index optimisation (the design of cvxportfolio's multi-period policy):
 * plans the weights w_1..w_H of the next H rebalance steps as one LP from a predicted return path,
 * and returns the first step to execute (re-plan at the next rebalance):
 *
 *   maximise  sum_h [ path_h . (w_h - b) - costBuy sum_i (w_h,i - w_{h-1},i)^+ - costSell sum_i (w_{h-1},i - w_h,i)^+ ]
 *   s.t.      at every step h, the limits of `optimizeEnhancedIndex` with w_{h-1} as the previous
 *             weights (w_0 = `previous`): sum w_h = 1, w_h >= 0, |w_h,i - b_i| <= maxDeviation,
 *             industry and style bands, constituent floor, sum |w_h - w_{h-1}| <= maxTurnover
 *
 * Returns are fractions per step, costs fractions of traded value: the objective is in return
 * units. Only information of T is used: the benchmark, constituents, industries and exposures of
 * T hold at every step; the first step's trades obey the first fill's tradability (`canBuy`,
 * `canSell`), later steps assume every stock tradable, and stocks held at w0 outside their band
 * (untradable) stay held. With H = 1 and zero `costs` this is exactly the single-period LP on
 * `path[0]` (same weights). Every step's limits are checked on the returned plan (tolerance 1e-7);
 * when step 1 is infeasible its limits are widened as the single-period optimiser does and the
 * widened limits hold at every step.
 *
 * @throws HfqError `OPT_BAD_INPUT` (path not 1..64 rows of N finite returns, and the single-period
 *   input checks), `OPT_BAD_OPTION` (costs outside [0, 1), limits), `OPT_VERIFY_FAILED`,
 *   `OPT_SOLVER_FAILED`.
 */
export async function multiPeriodEnhancedIndex(
  problem: MultiPeriodProblem,
  options: MultiPeriodOptions = {},
): Promise<MultiPeriodResult> {
  return (await createMultiPeriodOptimizer(options)).solve(problem);
}
