import { availableParallelism } from 'node:os';
import {
  HfqError,
  type Panel,
  Panel as PanelClass,
  ProgressReporter,
  type TaskOptions,
  throwIfAborted,
} from '@hfq/core';
import { type PortfolioStats, portfolioStats } from '@hfq/metrics';
import type { EnhancedIndexOptions } from '../enhanced-index/optimize.js';
import { type EnhancedIndexLimits, validateLimits } from '../enhanced-index/problem.js';
import { preparePath } from '../multi-period/backtest-step.js';
import type { BacktestMarket } from './market.js';
import { type PreparedBacktest, prepareBacktest, type RebalanceSchedule } from './prepare.js';
import {
  REBALANCE_STATUS,
  type RebalanceRecords,
  runScenario,
  type ScenarioRaw,
  type TransactionCosts,
} from './run-scenario.js';
import { createScenarioSolver, type MultiPeriodJob } from './scenario-solver.js';
import { runScenarioInWorker } from './workers.js';

/** Stock-rebalances (N x R) from which scenarios go to worker threads by default. */
const PARALLEL_MIN_WORK = 500_000;

/** Limits shared by the study's two scenarios (paper-notes section 5), fractions. */
export const STUDY_BASE_LIMITS: Readonly<EnhancedIndexLimits> = Object.freeze({
  maxDeviation: 0.008,
  industryBand: 0.02,
  styleBand: 0.3,
  maxTurnover: 0.3,
});

/** The study's scenarios: an 80% constituent floor, and none. */
export const STUDY_SCENARIOS: Readonly<Record<string, Partial<EnhancedIndexLimits>>> = Object.freeze({
  floor80: { minConstituentWeight: 0.8 },
  noFloor: { minConstituentWeight: undefined },
});

/**
 * Multi-period rebalancing (`multiPeriodEnhancedIndex`): at each signal date T the backtest plans
 * the next H rebalance steps from the predicted return path of T and trades to the plan's first
 * step, under the scenario's limits at every step.
 */
export interface MultiPeriodBacktestOptions {
  /**
   * H panels (dates x the market's assets, in order), `path[s]` at date T = the return predicted at
   * the close of T for step s + 1 (the s-th rebalance interval after T), a fraction per step in the
   * units of `costs`. Only the rows of the signal dates are read. NaN = no prediction: filled with
   * the step's mean at T (neutral); the backtest's `signal` still decides the rebalance dates and
   * which stocks may be bought.
   */
  path: readonly Panel[];
  /** Costs the plans price, per side (default: the backtest's `costs`, which are charged at the fills). */
  costs?: TransactionCosts;
}

/** Input of `backtestEnhancedIndex`. */
export interface EnhancedIndexBacktestInput {
  /** Scores (dates x assets, the market's assets in order): known at the close of each date. NaN = no view. */
  signal: Panel;
  market: BacktestMarket;
  /** Signal dates to rebalance on; default `'weekly'` (each week's last trading day). */
  schedule?: RebalanceSchedule;
  /** Limits shared by all scenarios; default `STUDY_BASE_LIMITS` (0.8% per stock, 2% industry, 0.3 style, 30% turnover). */
  limits?: Partial<EnhancedIndexLimits>;
  /** Named scenarios, each merged over `limits`; default `STUDY_SCENARIOS` (floor80, noFloor). */
  scenarios?: Readonly<Record<string, Partial<EnhancedIndexLimits>>>;
  /** Costs per side, fractions of traded value; default 0.002 buy and 0.002 sell (the study's 0.4% two-sided). */
  costs?: TransactionCosts;
  /** First / last date of the backtest (`yyyymmdd`, inclusive). */
  start?: number;
  end?: number;
  /** Engine and optimiser options (default HiGHS, relaxation on). */
  optimizer?: EnhancedIndexOptions;
  /**
   * Run scenarios in worker threads (one per scenario, up to the CPU count). Default: true when
   * there is more than one scenario, more than one CPU and at least 500,000 stock-rebalances
   * (N x rebalances; starting a worker costs about a second, so small runs stay in this thread).
   * Results are identical either way.
   */
  parallel?: boolean;
  /**
   * Plan over a predicted return path instead of solving the single-period LP on `signal` (see
   * `MultiPeriodBacktestOptions`); absent = single-period. The logs' `objective` is then the plan's
   * objective (predicted excess return minus priced costs, summed over its steps).
   */
  multiPeriod?: MultiPeriodBacktestOptions;
}

/** The study's 11 portfolio columns (fractions; ratios unitless): ten of `portfolioStats`, and turnover. */
export interface StudyRow
  extends Pick<
    PortfolioStats,
    | 'annualReturn'
    | 'annualVolatility'
    | 'sharpe'
    | 'maxDrawdown'
    | 'excessAnnualReturn'
    | 'trackingError'
    | 'excessMaxDrawdown'
    | 'informationRatio'
    | 'calmar'
    | 'monthlyWinRate'
  > {
  /** Mean two-sided turnover per rebalance, (sold + bought) / value at the fill, first purchase excluded. */
  turnover: number;
}

/** Per-rebalance records of one scenario (arrays indexed like `rebalanceDates`). */
export interface RebalanceLog extends RebalanceRecords {
  status: ('optimal' | 'relaxed' | 'infeasible')[];
}

/** One scenario's backtest. */
export interface ScenarioResult {
  limits: EnhancedIndexLimits;
  /** Target weights chosen at each signal date (rows = `rebalanceDates`). NaN rows: infeasible. */
  weights: Panel<Float64Array>;
  /** Weights drifted to the signal date's close, before trading (w0). */
  previous: Panel<Float64Array>;
  /** Planned trades, weights - previous. */
  trades: Panel<Float64Array>;
  rebalances: RebalanceLog;
  /** Daily returns (day 0 NaN), NAV at each close (day 0 = 1), and NAV / benchmark NAV. */
  returns: Float64Array;
  nav: Float64Array;
  relativeNav: Float64Array;
  /** `portfolioStats` against the index (`@hfq/metrics`), calendar years included. */
  stats: PortfolioStats;
  /** The study's table row. */
  summary: StudyRow;
}

/** Output of `backtestEnhancedIndex`. */
export interface EnhancedIndexBacktest {
  /** NAV days: the first signal date, then every trading day to the end. */
  dates: Int32Array;
  /** Signal dates T and fill dates T+1. */
  rebalanceDates: Int32Array;
  tradeDates: Int32Array;
  styleNames: string[];
  /** Per rebalance: stocks with no signal (not bought), style cells filled with 0. */
  missingSignal: Int32Array;
  missingStyle: Int32Array;
  benchmark: { returns: Float64Array; nav: Float64Array; stats: PortfolioStats };
  scenarios: Record<string, ScenarioResult>;
  /** Wall time of the whole call, milliseconds. */
  wallMs: number;
}

/**
 * Backtests the enhanced-index strategy: at each signal date T (weekly by default) the LP of
 * `optimizeEnhancedIndex` picks target weights from the signal, the index weights and the style
 * exposures of T, with the current (drifted) weights as w0 and the tradability of T+1; orders fill
 * at T+1's VWAP (never the close) with costs per side; NAV is marked at every close with adjusted
 * prices; the benchmark is the index's daily return. Runs each scenario (default: 80% constituent
 * floor, and none) and reports `portfolioStats` plus mean turnover: the study's 11 columns and
 * calendar years.
 *
 * No look-ahead: the weights chosen at T depend on prices up to the close of T, and on T+1 only
 * through its tradability flags (suspended, limit-up/down), which model whether the order can fill.
 *
 * @throws HfqError `OPT_BAD_INPUT` (misaligned data), `OPT_BAD_OPTION`, `INVALID_ARGUMENT` / `NOT_SORTED` /
 * `NOT_FOUND` (a malformed `schedule`, see `@hfq/core` `rebalanceIndices`), `OPT_VERIFY_FAILED`,
 *   `OPT_SOLVER_FAILED`, `ABORTED`.
 */
export async function backtestEnhancedIndex(
  input: EnhancedIndexBacktestInput,
  task: TaskOptions = {},
): Promise<EnhancedIndexBacktest> {
  const t0 = performance.now();
  const scenarioDefs = input.scenarios ?? STUDY_SCENARIOS;
  const names = Object.keys(scenarioDefs);
  if (names.length === 0) throw new HfqError('OPT_BAD_OPTION', 'no scenario to run', { field: 'scenarios' });
  const limitsOf = new Map<string, EnhancedIndexLimits>();
  for (const name of names) {
    const l = { ...STUDY_BASE_LIMITS, ...input.limits, ...scenarioDefs[name] } as EnhancedIndexLimits;
    validateLimits(l);
    limitsOf.set(name, l);
  }
  const costs = input.costs ?? {};
  for (const side of ['buy', 'sell'] as const) {
    const c = costs[side];
    if (c !== undefined && !(c >= 0 && c < 1)) {
      throw new HfqError('OPT_BAD_OPTION', `costs.${side} must be a fraction in [0, 1), got ${c}`, {
        field: `costs.${side}`,
      });
    }
  }
  throwIfAborted(task.signal, 'backtest');
  // Shared memory costs nothing extra, so prepare for workers unless told otherwise.
  const prep = prepareBacktest(input.signal, input.market, {
    schedule: input.schedule,
    start: input.start,
    end: input.end,
    shared: input.parallel !== false,
  });
  const parallel =
    input.parallel ??
    (names.length > 1 && availableParallelism() > 1 && prep.n * prep.r >= PARALLEL_MIN_WORK);
  const progress = new ProgressReporter(task, 'backtest', prep.r * names.length, 'rebalances');
  const optimizerOptions: EnhancedIndexOptions = { ...input.optimizer, numIndustries: prep.k };
  const multiPeriod: MultiPeriodJob | undefined = input.multiPeriod && {
    path: preparePath(input.multiPeriod.path, prep, input.parallel !== false),
    costs: input.multiPeriod.costs ?? costs,
  };

  let raws: ScenarioRaw[];
  if (parallel) {
    const workerCount = Math.max(1, Math.min(names.length, availableParallelism()));
    raws = new Array(names.length);
    let nextJob = 0;
    const lane = async () => {
      while (nextJob < names.length) {
        const j = nextJob++;
        let seen = 0;
        raws[j] = await runScenarioInWorker(
          { prep, limits: limitsOf.get(names[j]!)!, costs, optimizer: optimizerOptions, multiPeriod },
          (done) => {
            progress.tick(done - seen, names[j]);
            seen = done;
          },
          task.signal,
        );
      }
    };
    await Promise.all(Array.from({ length: workerCount }, lane));
  } else {
    // One optimiser (engine state, warm-start basis) per scenario, exactly as in the workers.
    raws = [];
    for (const name of names) {
      const optimizer = await createScenarioSolver(prep.n, optimizerOptions, multiPeriod);
      raws.push(runScenario(prep, limitsOf.get(name)!, optimizer, costs, () => progress.tick(1, name)));
    }
  }

  const days = prep.days;
  const rebalanceDates = Int32Array.from(prep.signalDay, (d) => days[d]!);
  const tradeDates = Int32Array.from(prep.signalDay, (d) => days[d + 1]!);
  const benchReturns = prep.benchRet.slice();
  benchReturns[0] = Number.NaN;
  const benchNav = cumulativeNav(benchReturns);
  const statDates = days.subarray(1);
  const benchmark = {
    returns: benchReturns,
    nav: benchNav,
    stats: portfolioStats({ returns: benchReturns.subarray(1), dates: statDates }),
  };
  const scenarios: Record<string, ScenarioResult> = {};
  names.forEach((name, j) => {
    scenarios[name] = scenarioResult(prep, raws[j]!, limitsOf.get(name)!, rebalanceDates, benchNav);
  });
  return {
    dates: Int32Array.from(days),
    rebalanceDates,
    tradeDates,
    styleNames: prep.styleNames,
    missingSignal: Int32Array.from(prep.missingSignal),
    missingStyle: Int32Array.from(prep.missingStyle),
    benchmark,
    scenarios,
    wallMs: performance.now() - t0,
  };
}

function scenarioResult(
  prep: PreparedBacktest,
  raw: ScenarioRaw,
  limits: EnhancedIndexLimits,
  rebalanceDates: Int32Array,
  benchNav: Float64Array,
): ScenarioResult {
  const days = prep.days;
  const stats = portfolioStats({
    returns: raw.returns.subarray(1),
    dates: days.subarray(1),
    benchmark: prep.benchRet.subarray(1),
  });
  const relativeNav = new Float64Array(raw.nav.length);
  for (let d = 0; d < relativeNav.length; d++) relativeNav[d] = raw.nav[d]! / benchNav[d]!;
  let tSum = 0;
  let tCnt = 0;
  for (let j = 1; j < prep.r; j++) {
    tSum += raw.turnover[j]!;
    tCnt++;
  }
  const summary: StudyRow = {
    annualReturn: stats.annualReturn,
    annualVolatility: stats.annualVolatility,
    sharpe: stats.sharpe,
    maxDrawdown: stats.maxDrawdown,
    excessAnnualReturn: stats.excessAnnualReturn,
    trackingError: stats.trackingError,
    excessMaxDrawdown: stats.excessMaxDrawdown,
    informationRatio: stats.informationRatio,
    calmar: stats.calmar,
    monthlyWinRate: stats.monthlyWinRate,
    turnover: tCnt > 0 ? tSum / tCnt : Number.NaN,
  };
  const panel = (values: Float64Array) => new PanelClass(rebalanceDates, prep.assets, values);
  return {
    limits,
    weights: panel(raw.weights),
    previous: panel(raw.previous),
    trades: panel(raw.trades),
    rebalances: {
      status: Array.from(raw.status, (s) => REBALANCE_STATUS[s]!),
      relaxed: raw.relaxed,
      objective: raw.objective,
      plannedTurnover: raw.plannedTurnover,
      turnover: raw.turnover,
      cost: raw.cost,
      solveMs: raw.solveMs,
      solves: raw.solves,
      held: raw.held,
    },
    returns: raw.returns,
    nav: raw.nav,
    relativeNav,
    stats,
    summary,
  };
}

/** NAV from returns with day 0 = 1 (return of day 0 ignored). */
function cumulativeNav(returns: Float64Array): Float64Array {
  const nav = new Float64Array(returns.length);
  nav[0] = 1;
  for (let d = 1; d < nav.length; d++) nav[d] = nav[d - 1]! * (1 + returns[d]!);
  return nav;
}
