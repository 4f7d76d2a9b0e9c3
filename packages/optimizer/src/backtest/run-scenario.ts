import { HfqError } from '@hfq/core';
import type { EnhancedIndexResult } from '../enhanced-index/optimize.js';
import type { EnhancedIndexLimits, EnhancedIndexProblem } from '../enhanced-index/problem.js';
import type { PreparedBacktest } from './prepare.js';

/** Transaction costs, fractions of traded value per side. */
export interface TransactionCosts {
  /** Cost of buying, per unit of value bought (default 0.002 = 0.2%). */
  buy?: number;
  /** Cost of selling, per unit of value sold (default 0.002 = 0.2%). The study: 0.4% two-sided. */
  sell?: number;
}

/** What the backtest loop reads from one rebalance's optimisation. */
export type RebalanceDecision = Pick<
  EnhancedIndexResult,
  'status' | 'weights' | 'objective' | 'relaxed' | 'heldStocks' | 'solveMs' | 'solves'
>;

/**
 * The pluggable step of the backtest loop: picks the target weights of rebalance `rebalance`
 * (0-based) from that rebalance's single-period problem (scores, benchmark, w0, exposures of the
 * signal date T and the tradability of T+1). `EnhancedIndexOptimizer` is one; the multi-period
 * backtest wraps `MultiPeriodOptimizer` to read the predicted path of T instead of the scores.
 */
export interface RebalanceSolver {
  solve(problem: EnhancedIndexProblem, rebalance: number): RebalanceDecision;
}

/** Rebalance status codes in `ScenarioRaw.status`. */
export const REBALANCE_STATUS = ['optimal', 'relaxed', 'infeasible'] as const;

/**
 * Per-rebalance records (R entries each) shared by `ScenarioRaw` and the public `RebalanceLog`,
 * which differ only in how they write the status.
 */
export interface RebalanceRecords {
  relaxed: string[][];
  /** scores . target weights. */
  objective: Float64Array;
  /** sum |target - previous| per rebalance (two-sided, fraction). */
  plannedTurnover: Float64Array;
  /** (value sold + value bought) / portfolio value at the fill, per rebalance. */
  turnover: Float64Array;
  /** Costs paid at the fill, as a fraction of the portfolio value there. */
  cost: Float64Array;
  solveMs: Float64Array;
  solves: Int32Array;
  /** Stocks held at w0 outside their band (untradable), per rebalance. */
  held: Int32Array;
}

/** One scenario's output as flat arrays (R rebalances, D days, n stocks). */
export interface ScenarioRaw extends RebalanceRecords {
  /** R x n target weights chosen at each signal date (NaN row when infeasible). */
  weights: Float64Array;
  /** R x n weights at the signal date's close before trading (w0). */
  previous: Float64Array;
  /** R x n planned trades, target - previous (fractions of NAV at the signal close). */
  trades: Float64Array;
  /** Index into REBALANCE_STATUS per rebalance. */
  status: Uint8Array;
  /** D NAV marks at each day's close (day 0 = 1). */
  nav: Float64Array;
  /** D daily returns (day 0 NaN). */
  returns: Float64Array;
}

/**
 * Runs one scenario through time. At each signal date T: weights drifted to the close of T are
 * w0; the LP picks targets w; orders are trades w - w0 in fractions of NAV. At T+1's VWAP:
 * each sale sells the fraction (w0 - w) / w0 of the held shares; the proceeds net of the sell cost
 * (plus any cash) buy the planned buys in proportion to their size, each paying the buy cost on
 * top. Untradable stocks are not traded. Between fills, positions are share counts, so weights
 * drift with adjusted prices; NAV is marked at every close (a stock without a close keeps its last
 * price).
 */
export function runScenario(
  prep: PreparedBacktest,
  limits: EnhancedIndexLimits,
  optimizer: RebalanceSolver,
  costs: TransactionCosts = {},
  onRebalance?: (done: number, total: number) => void,
): ScenarioRaw {
  const { n, r, days, px, nStyles } = prep;
  const nDays = days.length;
  const cb = costs.buy ?? 0.002;
  const cs = costs.sell ?? 0.002;
  const out: ScenarioRaw = {
    weights: new Float64Array(r * n),
    previous: new Float64Array(r * n),
    trades: new Float64Array(r * n),
    status: new Uint8Array(r),
    relaxed: [],
    objective: new Float64Array(r),
    plannedTurnover: new Float64Array(r),
    turnover: new Float64Array(r),
    cost: new Float64Array(r),
    solveMs: new Float64Array(r),
    solves: new Int32Array(r),
    held: new Int32Array(r),
    nav: new Float64Array(nDays),
    returns: new Float64Array(nDays),
  };
  const shares = new Float64Array(n);
  const mark = new Float64Array(n).fill(Number.NaN);
  const w0 = new Float64Array(n);
  let cash = 1;
  let pending = -1; // rebalance whose orders fill today
  let next = 0; // next rebalance to decide
  const styleViews: Float64Array[] = new Array(nStyles);

  for (let d = 0; d < nDays; d++) {
    // 1. Fill yesterday's orders at today's VWAP.
    if (pending >= 0) {
      cash = fill(pending, cash);
      pending = -1;
    }
    // 2. Mark to today's close.
    const pbase = d * n;
    let value = cash;
    for (let i = 0; i < n; i++) {
      const p = px[pbase + i]!;
      if (Number.isFinite(p)) mark[i] = p;
      const s = shares[i]!;
      if (s !== 0) value += s * mark[i]!;
    }
    if (!Number.isFinite(value)) {
      throw new HfqError(
        'OPT_BAD_INPUT',
        `portfolio value is not finite on ${days[d]} (a held stock has no price)`,
        {
          date: days[d]!,
        },
      );
    }
    out.nav[d] = value;
    out.returns[d] = d === 0 ? Number.NaN : value / out.nav[d - 1]! - 1;
    // 3. Decide at the close of a signal date.
    if (next < r && prep.signalDay[next] === d) {
      decide(next, value, cash);
      pending = next;
      next++;
      onRebalance?.(next, r);
    }
  }
  return out;

  function decide(j: number, value: number, cashNow: number): void {
    const o = j * n;
    const invested = value - cashNow;
    if (invested > 0 && cashNow > 1e-9 * value) {
      throw new HfqError('OPT_INTERNAL', `portfolio holds cash ${cashNow} beside stocks at rebalance ${j}`, {
        date: days[prep.signalDay[j]!]!,
      });
    }
    for (let i = 0; i < n; i++)
      w0[i] = invested > 0 && shares[i] !== 0 ? (shares[i]! * mark[i]!) / invested : 0;
    for (let s = 0; s < nStyles; s++)
      styleViews[s] = prep.styles.subarray((j * nStyles + s) * n, (j * nStyles + s + 1) * n);
    const problem: EnhancedIndexProblem = {
      scores: prep.scores.subarray(o, o + n),
      benchmark: prep.benchmark.subarray(o, o + n),
      previous: w0,
      constituent: prep.constituent.subarray(o, o + n),
      industry: prep.industry.subarray(o, o + n),
      styles: styleViews,
      canBuy: prep.canBuy.subarray(o, o + n),
      canSell: prep.canSell.subarray(o, o + n),
      limits,
    };
    let res: RebalanceDecision;
    try {
      res = optimizer.solve(problem, j);
    } catch (e) {
      if (e instanceof HfqError) {
        throw new HfqError(e.code, `${e.message} (rebalance on ${days[prep.signalDay[j]!]})`, {
          ...e.context,
          date: days[prep.signalDay[j]!]!,
        });
      }
      throw e;
    }
    out.previous.set(w0, o);
    out.status[j] = REBALANCE_STATUS.indexOf(res.status);
    out.relaxed[j] = res.relaxed ?? [];
    out.objective[j] = res.objective;
    out.solveMs[j] = res.solveMs;
    out.solves[j] = res.solves;
    out.held[j] = res.heldStocks?.length ?? 0;
    if (res.status === 'infeasible') {
      // Nothing to trade toward: keep the portfolio (recorded as infeasible, weights NaN).
      out.weights.fill(Number.NaN, o, o + n);
      out.plannedTurnover[j] = 0;
      return;
    }
    out.weights.set(res.weights, o);
    let planned = 0;
    for (let i = 0; i < n; i++) {
      const t = res.weights[i]! - w0[i]!;
      out.trades[o + i] = t;
      planned += Math.abs(t);
    }
    out.plannedTurnover[j] = planned;
  }

  function fill(j: number, cashNow: number): number {
    if (out.status[j] === 2) return cashNow;
    const o = j * n;
    let before = cashNow;
    for (let i = 0; i < n; i++) {
      const q = prep.fillPx[o + i]!;
      if (Number.isFinite(q)) mark[i] = q;
      if (shares[i] !== 0) before += shares[i]! * mark[i]!;
    }
    let proceeds = 0;
    let sold = 0;
    let buyTotal = 0;
    for (let i = 0; i < n; i++) {
      const t = out.trades[o + i]!;
      if (t < 0 && prep.canSell[o + i] === 1 && shares[i]! > 0) {
        const w = out.previous[o + i]!;
        const f = w > 0 ? Math.min(1, -t / w) : 1;
        const gross = f * shares[i]! * prep.fillPx[o + i]!;
        shares[i] = f === 1 ? 0 : shares[i]! * (1 - f);
        sold += gross;
        proceeds += gross * (1 - cs);
      } else if (t > 0 && prep.canBuy[o + i] === 1) {
        buyTotal += t;
      }
    }
    let budget = cashNow + proceeds;
    let bought = 0;
    if (buyTotal > 0) {
      for (let i = 0; i < n; i++) {
        const t = out.trades[o + i]!;
        if (t > 0 && prep.canBuy[o + i] === 1) {
          const x = (budget * (t / buyTotal)) / (1 + cb);
          shares[i] = shares[i]! + x / prep.fillPx[o + i]!;
          bought += x;
        }
      }
      budget = 0;
    }
    out.turnover[j] = before > 0 ? (sold + bought) / before : 0;
    out.cost[j] = before > 0 ? (sold * cs + bought * cb) / before : 0;
    return budget;
  }
}
