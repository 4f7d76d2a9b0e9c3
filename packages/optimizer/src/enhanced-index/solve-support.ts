import { HfqError } from '@hfq/core';
import type { LinearProgram, LpSolution, LpSolver } from '../lp/types.js';
import { checkIndustryCount, type EnhancedIndexLimits } from './problem.js';
import type { ActiveLimits } from './trade-model.js';

// The pieces the single-period and the multi-period optimisers share around their LPs: the
// industry count, the limits applied to a step, the timed solve and the held-stock list. One home,
// so both read the options and report solves the same way.

/**
 * The number of industries K: the `numIndustries` option, or `kSeen` (max industry index + 1).
 * @throws HfqError `OPT_BAD_OPTION` when the option is not a valid count or below `kSeen`.
 * @internal
 */
export function resolveIndustryCount(numIndustries: number | undefined, kSeen: number): number {
  const k = numIndustries ?? kSeen;
  checkIndustryCount(k, 'numIndustries');
  if (k < kSeen) {
    throw new HfqError('OPT_BAD_OPTION', `numIndustries ${k} but industry index ${kSeen - 1} appears`, {
      field: 'numIndustries',
    });
  }
  return k;
}

/**
 * The limits of one LP from the problem's limits. `maxTurnover` is dropped when the previous
 * weights sum to 0 (a first purchase from cash: turnover is 1 whatever the limit).
 * @internal
 */
export function activeLimits(l: EnhancedIndexLimits, previous: ArrayLike<number>): ActiveLimits {
  let w0Sum = 0;
  for (let i = 0; i < previous.length; i++) w0Sum += previous[i]!;
  return {
    maxDeviation: l.maxDeviation,
    industryBand: l.industryBand,
    styleBand: l.styleBand,
    minConstituentWeight: l.minConstituentWeight,
    maxTurnover: w0Sum > 0 ? l.maxTurnover : undefined,
  };
}

/**
 * An engine that counts its solves and the wall time spent in them (milliseconds), and turns an
 * engine error into a typed one.
 * @internal
 */
export class TimedSolver {
  solveMs = 0;
  solves = 0;

  constructor(readonly solver: LpSolver) {}

  /**
   * Solves `lp`; `what` names it in the error message ("the LP", "the plan's LP").
   * @throws HfqError `OPT_SOLVER_FAILED` when the engine reports an error.
   */
  solve(lp: LinearProgram, what: string): LpSolution {
    const t0 = performance.now();
    const sol = this.solver.solve(lp);
    this.solveMs += performance.now() - t0;
    this.solves++;
    if (sol.status === 'error') {
      throw new HfqError(
        'OPT_SOLVER_FAILED',
        `${this.solver.name} could not solve ${what}: ${sol.detail}`,
        {},
      );
    }
    return sol;
  }
}

/**
 * Indices of the stocks held at w0 outside their band (`held[i] === 1`), ascending; undefined
 * when there are none.
 * @internal
 */
export function collectHeld(held: Uint8Array): Int32Array | undefined {
  let c = 0;
  for (let i = 0; i < held.length; i++) c += held[i]!;
  if (c === 0) return undefined;
  const out = new Int32Array(c);
  let j = 0;
  for (let i = 0; i < held.length; i++) if (held[i] === 1) out[j++] = i;
  return out;
}
