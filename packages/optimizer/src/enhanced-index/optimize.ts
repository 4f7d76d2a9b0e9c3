import { HfqError } from '@hfq/core';
import { createLpSolver, type LpEngineOptions } from '../lp/engines.js';
import type { LpEngineName, LpSolver } from '../lp/types.js';
import {
  DEFAULT_RELAXATION_ORDER,
  type EnhancedIndexLimits,
  type EnhancedIndexProblem,
  type RelaxableLimit,
  validateProblem,
} from './problem.js';
import { activeLimits, collectHeld, resolveIndustryCount, TimedSolver } from './solve-support.js';
import {
  type ActiveLimits,
  type StockBox,
  stockBox,
  TradeModelBuilder,
  weightsFromTrades,
} from './trade-model.js';
import { type EnhancedIndexExposures, verifyPortfolio } from './verify.js';

/** Options of `optimizeEnhancedIndex`. */
export interface EnhancedIndexOptions extends LpEngineOptions {
  /** Widen limits when the LP is infeasible (default true). `false`: report `infeasible` instead. */
  relax?: boolean;
  /** Which limits may be widened, first to last (default `DEFAULT_RELAXATION_ORDER`). */
  relaxationOrder?: readonly RelaxableLimit[];
  /** Absolute tolerance of the post-solve check of every constraint (default 1e-7). */
  tolerance?: number;
  /** Number of industries K (default: max industry index + 1); an integer <= `MAX_INDUSTRIES`. */
  numIndustries?: number;
}

/** What one rebalance's optimisation returns. */
export interface EnhancedIndexResult {
  /**
   * `optimal`: all limits held. `relaxed`: some were widened (see `relaxed`, `limits`).
   * `infeasible`: no portfolio exists even after relaxation (or relaxation was off); weights NaN.
   */
  status: 'optimal' | 'relaxed' | 'infeasible';
  /** Target weights (fractions summing to 1), NaN when infeasible. */
  weights: Float64Array;
  /** scores . weights. */
  objective: number;
  /**
   * What was relaxed, in order: `untradableBand` (stocks that cannot trade toward their band are
   * held at w0; see `heldStocks`), then any of the `RelaxableLimit` names whose bound was widened
   * to the smallest value that makes the LP feasible (the new bound is in `limits`).
   */
  relaxed?: string[];
  /** Indices of the stocks held at w0 outside their band (untradable). Present when there are any. */
  heldStocks?: Int32Array;
  /** The limits the weights satisfy (the inputs, or the widened ones). `maxTurnover` is undefined when not applied. */
  limits: EnhancedIndexLimits;
  /** Active exposures of `weights`. */
  exposures: EnhancedIndexExposures;
  /** Two-sided turnover sum |w - w0| (fraction; 1 for a first purchase from cash). */
  turnover: number;
  /** Wall time spent inside the LP engine, milliseconds (all solves of this call). */
  solveMs: number;
  /** Number of LPs solved (1 unless relaxation ran). */
  solves: number;
  engine: LpEngineName;
}

/**
 * An enhanced-index optimiser bound to a loaded engine. Reuses its model buffers between calls, so a
 * backtest builds nothing per week but the numbers that changed. Not re-entrant; one per thread.
 */
export class EnhancedIndexOptimizer {
  private readonly builder = new TradeModelBuilder();
  private box: StockBox | undefined;

  constructor(
    readonly solver: LpSolver,
    private readonly options: EnhancedIndexOptions = {},
  ) {}

  /** Solves one rebalance. See `optimizeEnhancedIndex` for the model. */
  solve(problem: EnhancedIndexProblem): EnhancedIndexResult {
    const { k: kSeen } = validateProblem(problem);
    const k = resolveIndustryCount(this.options.numIndustries, kSeen);
    const tol = this.options.tolerance ?? 1e-7;
    const n = problem.scores.length;
    const limits = activeLimits(problem.limits, problem.previous);
    let scoreScale = 0;
    for (let i = 0; i < n; i++) scoreScale = Math.max(scoreScale, Math.abs(problem.scores[i]!));
    if (scoreScale === 0) scoreScale = 1;
    const timed = new TimedSolver(this.solver);
    const run = (lim: ActiveLimits, elastic: readonly RelaxableLimit[], minimise?: RelaxableLimit) => {
      const box = this.boxFor(problem, lim.maxDeviation);
      const { lp, layout } = this.builder.build(problem, k, box, {
        limits: lim,
        elastic,
        minimise,
        scoreScale,
      });
      return { sol: timed.solve(lp, 'the LP'), layout, box };
    };

    let first = run(limits, []);
    const relaxed: string[] = [];
    if (first.sol.status === 'infeasible' && this.options.relax !== false) {
      const widened = this.relax(limits, run);
      if (widened) {
        for (const g of widened.order) relaxed.push(g);
        Object.assign(limits, widened.limits);
        first = run(limits, []);
      }
    }
    const heldStocks = collectHeld(first.box.held);
    if (heldStocks) relaxed.unshift('untradableBand');
    const outLimits: EnhancedIndexLimits = {
      maxDeviation: limits.maxDeviation,
      industryBand: limits.industryBand,
      styleBand: limits.styleBand,
      minConstituentWeight: limits.minConstituentWeight,
      maxTurnover: limits.maxTurnover,
    };
    const engine = this.solver.name;
    if (first.sol.status !== 'optimal') {
      return {
        status: 'infeasible',
        weights: new Float64Array(n).fill(Number.NaN),
        objective: Number.NaN,
        ...(relaxed.length > 0 ? { relaxed } : {}),
        ...(heldStocks ? { heldStocks } : {}),
        limits: outLimits,
        exposures: {
          industry: new Float64Array(k).fill(Number.NaN),
          style: new Float64Array(problem.styles.length).fill(Number.NaN),
          constituentWeight: Number.NaN,
          maxAbsDeviation: Number.NaN,
        },
        turnover: Number.NaN,
        solveMs: timed.solveMs,
        solves: timed.solves,
        engine,
      };
    }
    const weights = weightsFromTrades(problem, first.sol.x, first.layout);
    const { exposures, turnover } = verifyPortfolio(problem, k, weights, limits, first.box, tol);
    let objective = 0;
    for (let i = 0; i < n; i++) objective += problem.scores[i]! * weights[i]!;
    return {
      status: relaxed.length > 0 ? 'relaxed' : 'optimal',
      weights,
      objective,
      ...(relaxed.length > 0 ? { relaxed } : {}),
      ...(heldStocks ? { heldStocks } : {}),
      limits: outLimits,
      exposures,
      turnover,
      solveMs: timed.solveMs,
      solves: timed.solves,
      engine,
    };
  }

  /**
   * Lexicographic minimal relaxation. Find the shortest prefix g_1..g_m of the relaxation order
   * whose elastic version is feasible; minimise g_m's widening, fix it, then g_{m-1}'s, ... g_1's.
   * Earlier limits absorb as much as needed so that later (more important) ones move as little as
   * possible. Returns the widened limits, or undefined when even the full order is infeasible.
   */
  private relax(
    base: ActiveLimits,
    run: (
      lim: ActiveLimits,
      elastic: readonly RelaxableLimit[],
      minimise?: RelaxableLimit,
    ) => {
      sol: { status: string; x: Float64Array };
      layout: { elasticColumn: Partial<Record<RelaxableLimit, number>> };
    },
  ): { limits: ActiveLimits; order: RelaxableLimit[] } | undefined {
    const order = (this.options.relaxationOrder ?? DEFAULT_RELAXATION_ORDER).filter((g) => applies(g, base));
    for (let m = 1; m <= order.length; m++) {
      const prefix = order.slice(0, m);
      const probe = run(base, prefix, prefix[m - 1]);
      if (probe.sol.status !== 'optimal') continue;
      const lim: ActiveLimits = { ...base };
      const widenedBy = new Map<RelaxableLimit, number>();
      let x = probe.sol.x;
      let layout = probe.layout;
      for (let j = m - 1; j >= 0; j--) {
        const g = prefix[j]!;
        if (j < m - 1) {
          const step = run(lim, prefix.slice(0, j + 1), g);
          if (step.sol.status !== 'optimal') {
            throw new HfqError('OPT_SOLVER_FAILED', `relaxation phase for ${g} lost feasibility`, {
              field: g,
            });
          }
          x = step.sol.x;
          layout = step.layout;
        }
        const e = Math.max(0, x[layout.elasticColumn[g]!]!);
        // A widening below 1e-9 is solver noise: keep the limit; otherwise add 1e-9 headroom so the
        // final solve is not infeasible by rounding.
        const widen = e > 1e-9 ? e + 1e-9 : 0;
        if (widen > 0) widenedBy.set(g, widen);
        applyWidening(lim, g, widen);
      }
      return { limits: lim, order: prefix.filter((g) => widenedBy.has(g)) };
    }
    return undefined;
  }

  private boxFor(p: EnhancedIndexProblem, d: number): StockBox {
    const n = p.scores.length;
    if (!this.box || this.box.lo.length !== n) {
      this.box = { lo: new Float64Array(n), hi: new Float64Array(n), held: new Uint8Array(n) };
    }
    return stockBox(p, d, this.box);
  }
}

function applies(g: RelaxableLimit, l: ActiveLimits): boolean {
  if (g === 'maxTurnover') return l.maxTurnover !== undefined;
  if (g === 'minConstituentWeight') return l.minConstituentWeight !== undefined;
  return true;
}

function applyWidening(l: ActiveLimits, g: RelaxableLimit, e: number): void {
  if (e === 0) return;
  if (g === 'maxTurnover') l.maxTurnover = l.maxTurnover! + e;
  else if (g === 'styleBand') l.styleBand += e;
  else if (g === 'industryBand') l.industryBand += e;
  else if (g === 'maxDeviation') l.maxDeviation += e;
  else l.minConstituentWeight = Math.max(0, l.minConstituentWeight! - e);
}

/** Loads the engine named in `options` and returns an optimiser for repeated solves. */
export async function createEnhancedIndexOptimizer(
  options: EnhancedIndexOptions = {},
): Promise<EnhancedIndexOptimizer> {
  return new EnhancedIndexOptimizer(await createLpSolver(options), options);
}

/**
 * Solves the enhanced-index LP of one rebalance:
 *
 *   maximise  scores . w
 *   s.t.      sum w = 1,  w >= 0,
 *             |w_i - b_i| <= maxDeviation                       (per stock)
 *             sum_{constituents} w >= minConstituentWeight       (when set)
 *             |sum_{i in k} (w_i - b_i)| <= industryBand        (per industry)
 *             |sum_i (w_i - b_i) x_is| <= styleBand             (per style)
 *             sum |w_i - w0_i| <= maxTurnover                    (when set and w0 != 0)
 *             w_i <= w0_i where canBuy_i = 0; w_i >= w0_i where canSell_i = 0
 *
 * solved in trade variables (w = w0 + buy - sell). Every constraint is checked on the returned
 * weights (tolerance 1e-7); a broken one throws `OPT_VERIFY_FAILED`. Infeasible problems are
 * relaxed in `DEFAULT_RELAXATION_ORDER` and the result says what was widened and to what.
 * Loads the engine on each call: for many solves use `createEnhancedIndexOptimizer`.
 *
 * @throws HfqError `OPT_BAD_INPUT` (NaN, wrong lengths, weights not summing to 1),
 *   `OPT_BAD_OPTION`, `OPT_VERIFY_FAILED`, `OPT_SOLVER_FAILED`.
 */
export async function optimizeEnhancedIndex(
  problem: EnhancedIndexProblem,
  options: EnhancedIndexOptions = {},
): Promise<EnhancedIndexResult> {
  return (await createEnhancedIndexOptimizer(options)).solve(problem);
}
