import { HfqError, type Panel } from '@hfq/core';
import { neutralFill, type PreparedBacktest } from '../backtest/prepare.js';
import type { RebalanceDecision, RebalanceSolver, TransactionCosts } from '../backtest/run-scenario.js';
import type { EnhancedIndexProblem } from '../enhanced-index/problem.js';
import { MAX_PLAN_STEPS, type MultiPeriodOptimizer } from './optimize.js';

/**
 * The predicted path of every rebalance, flat: R x H x n (rebalance j, step h, stock i at
 * `(j * h + s) * n + i`). Built by `preparePath` from the H path panels at each signal date T.
 * @internal
 */
export interface PreparedPath {
  h: number;
  values: Float64Array;
}

/**
 * Reads the H path panels (`path[s]`: dates x assets, the return predicted at the close of T for
 * step s + 1) at each rebalance's signal date T, and nothing else: no row after T is read. A NaN
 * (no prediction for a stock) becomes the mean of that step's finite predictions at T, the same
 * neutral fill the backtest gives a missing score (and such stocks are not bought: the backtest's
 * `signal` decides what is buyable).
 *
 * @throws HfqError `OPT_BAD_INPUT` when a panel's assets differ from the market's, a signal date is
 *   missing from a panel, or a step has no finite prediction at a signal date; `OPT_BAD_OPTION` when
 *   the number of steps is outside 1..`MAX_PLAN_STEPS`.
 * @internal
 */
export function preparePath(path: readonly Panel[], prep: PreparedBacktest, shared: boolean): PreparedPath {
  const h = path.length;
  if (h < 1 || h > MAX_PLAN_STEPS) {
    throw new HfqError('OPT_BAD_OPTION', `multiPeriod.path must hold 1..${MAX_PLAN_STEPS} panels, got ${h}`, {
      field: 'multiPeriod.path',
    });
  }
  const { n, r } = prep;
  const values = new Float64Array(
    shared ? new SharedArrayBuffer(r * h * n * 8) : new ArrayBuffer(r * h * n * 8),
  );
  path.forEach((p, s) => {
    if (p.nAssets !== n || p.assets.some((a, i) => a !== prep.assets[i])) {
      throw new HfqError(
        'OPT_BAD_INPUT',
        `multiPeriod.path[${s}] must use the market assets in the same order`,
        {
          field: `multiPeriod.path[${s}]`,
        },
      );
    }
  });
  for (let j = 0; j < r; j++) {
    const date = prep.days[prep.signalDay[j]!]!;
    for (let s = 0; s < h; s++) {
      const p = path[s]!;
      const t = p.dateIndex(date);
      if (t < 0) {
        throw new HfqError('OPT_BAD_INPUT', `multiPeriod.path[${s}] has no row for the signal date ${date}`, {
          field: `multiPeriod.path[${s}]`,
          date,
        });
      }
      const row = p.row(t);
      const mean = neutralFill(row, n);
      if (Number.isNaN(mean)) {
        throw new HfqError('OPT_BAD_INPUT', `multiPeriod.path[${s}] has no finite prediction on ${date}`, {
          field: `multiPeriod.path[${s}]`,
          date,
        });
      }
      const o = (j * h + s) * n;
      for (let i = 0; i < n; i++) {
        const v = row[i]!;
        values[o + i] = Number.isFinite(v) ? v : mean;
      }
    }
  }
  return { h, values };
}

/**
 * The backtest loop's solve step for multi-period plans: the rebalance's single-period problem
 * (w0, benchmark, exposures, tradability of T) with the prepared path of T in place of the
 * scores; executes the plan's first step.
 * @internal
 */
export function multiPeriodStep(
  optimizer: MultiPeriodOptimizer,
  path: PreparedPath,
  n: number,
  costs: TransactionCosts,
): RebalanceSolver {
  return {
    solve(problem: EnhancedIndexProblem, rebalance: number): RebalanceDecision {
      const rows: Float64Array[] = [];
      for (let s = 0; s < path.h; s++) {
        const o = (rebalance * path.h + s) * n;
        rows.push(path.values.subarray(o, o + n));
      }
      const { scores: _unused, ...rest } = problem;
      const res = optimizer.solve({ ...rest, path: rows, costs });
      return res;
    },
  };
}
