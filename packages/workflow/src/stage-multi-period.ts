/**
 * Stage 5b: what the predicted return path is worth in the portfolio. The sequence models'
 * out-of-sample paths, calibrated to expected returns without look-ahead (`calibrate-path.ts`)
 * and averaged over the sequence models, drive three runs of the same enhanced-index backtest
 * (scenario 1: the 80% constituent floor, the study's limits and costs, weekly on the score dates,
 * all from the same first date):
 *
 * - `summed`: the single-period LP on the summed calibrated path (the study's use of the path);
 * - `multiPeriod`: `multiPeriodEnhancedIndex` on the path cut into rebalance steps (`stepDays`),
 *   costs priced, the limits at every step, the first step traded;
 * - `reference`: the single-period LP on the composite score (the portfolio stage's lead signal).
 *
 * Cached on its own (`<cache>/multi-period/<hash>/`): its hash covers the models stage, the
 * backtest knobs and the `multiPeriod` knobs.
 */
import type { DailyBars, IndexData } from '@hfq/bars';
import { HfqError, type Panel, type ProgressCallback } from '@hfq/core';
import { backtestEnhancedIndex, type EnhancedIndexBacktest, STUDY_SCENARIOS } from '@hfq/optimizer';
import { type StageCache, stageHash } from './cache.js';
import { calibratePath, meanPanels, stepDays, sumDays } from './calibrate-path.js';
import type { WorkflowConfig } from './config.js';
import { writeSequencePaths } from './sequence-path.js';
import type { ModelStage } from './stage-models.js';

/** Cache stage name of the comparison. */
export const MULTI_PERIOD_STAGE = 'multi-period';

/** The score panels tried, in order, as the single-period reference run. */
const REFERENCE_SIGNALS = ['composite', 'all-transformer', 'composite-prediction', 'baseline-gru'];

/** One row of the comparison table (scenario floor80; fractions, ratios unitless). */
export interface MultiPeriodRow {
  /** `summed`, `multiPeriod` or `reference`. */
  run: 'summed' | 'multiPeriod' | 'reference';
  /** What the run is, for the table. */
  label: string;
  annualReturn: number;
  /** Annualised excess return over the benchmark (fraction). */
  excessAnnualReturn: number;
  /** Annualised tracking error (fraction). */
  trackingError: number;
  informationRatio: number;
  /** Mean two-sided turnover per rebalance (fraction), first purchase excluded. */
  turnover: number;
  /** Costs paid at the fills, summed and annualised (fraction of NAV per year, 252 days). */
  annualCost: number;
  /** Backtest wall time over the rebalances (seconds per rebalance, all its LPs included). */
  secondsPerRebalance: number;
}

/** The comparison's outcome (`summary.json`'s `multiPeriod`). */
export interface MultiPeriodComparison {
  /** Whether the three runs ran; when not, `reason` says why. */
  ran: boolean;
  reason?: string;
  /** The sequence models whose paths were averaged. */
  models: string[];
  /** The reference run's score panel (`REFERENCE_SIGNALS`' first trained one), or none. */
  reference?: string;
  /** Trading days between rebalances (the score dates' spacing). */
  every: number;
  /** Steps planned (`multiPeriod.steps`, capped by the path's length). */
  steps: number;
  /** Per model: the 1-based days of its path summed into each step. */
  stepDays: Record<string, number[][]>;
  /** Per model: each day's calibration slope at the last score date (return per unit of score). */
  lastSlopes: Record<string, number[]>;
  /** Past score dates a day's slope needs before it is used. */
  minCalibrationDates: number;
  /** First signal date of the three runs (yyyymmdd; 0 when they did not run). */
  start: number;
  /** Rebalances of each run. */
  rebalances: number;
  rows: MultiPeriodRow[];
}

/** Inputs of `compareMultiPeriod`. */
export interface MultiPeriodInput {
  paths: ModelStage['paths'];
  scores: ModelStage['scores'];
  daily: DailyBars;
  index: IndexData;
  industry: Int32Array;
  backtest: WorkflowConfig['backtest'];
  multiPeriod: WorkflowConfig['multiPeriod'];
}

const SCENARIO = { floor80: STUDY_SCENARIOS.floor80! };

function row(run: MultiPeriodRow['run'], label: string, bt: EnhancedIndexBacktest): MultiPeriodRow {
  const s = bt.scenarios.floor80!;
  const cost = s.rebalances.cost.reduce((a, b) => a + b, 0);
  const days = bt.dates.length - 1;
  return {
    run,
    label,
    annualReturn: s.summary.annualReturn,
    excessAnnualReturn: s.summary.excessAnnualReturn,
    trackingError: s.summary.trackingError,
    informationRatio: s.summary.informationRatio,
    turnover: s.summary.turnover,
    annualCost: days > 0 ? (cost * 252) / days : Number.NaN,
    secondsPerRebalance: bt.wallMs / 1000 / bt.rebalanceDates.length,
  };
}

/**
 * Runs the comparison (see the module comment). Returns `ran: false` with a reason, not an error,
 * when there is no sequence model or no score date has a calibrated path yet.
 * @throws HfqError from the calibration (`WORKFLOW_DATA`, `WORKFLOW_CONFIG`) and the backtests.
 */
export async function compareMultiPeriod(
  input: MultiPeriodInput,
  options: { onProgress?: ProgressCallback } = {},
): Promise<MultiPeriodComparison> {
  const { daily, backtest: c, multiPeriod: mp } = input;
  const models = Object.keys(input.paths);
  const reference = REFERENCE_SIGNALS.find((k) => input.scores[k]);
  const base: MultiPeriodComparison = {
    ran: false,
    models,
    ...(reference ? { reference } : {}),
    every: 5,
    steps: 0,
    stepDays: {},
    lastSlopes: {},
    minCalibrationDates: mp.minCalibrationDates,
    start: 0,
    rebalances: 0,
    rows: [],
  };
  if (models.length === 0)
    return {
      ...base,
      reason: Object.keys(input.scores).some((k) => k.endsWith(':sum'))
        ? 'the sequence model in the cache was trained before its path was kept: remove <out>/cache/model-jobs and <out>/cache/models to retrain it'
        : 'no sequence model was trained (models.include)',
    };
  const first = input.paths[models[0]!]!.days[0]!;
  const dates = daily.close.dates;
  const firstIdx = dates.indexOf(first.dates[0]!);
  const every = first.nDates > 1 ? dates.indexOf(first.dates[1]!) - firstIdx : 5;
  base.every = every;

  // Each model's path in return units, cut into steps; then averaged over the models.
  const summed: Panel<Float64Array>[] = [];
  const stepPanels: Panel<Float64Array>[][] = [];
  for (const m of models) {
    const own = input.paths[m]!;
    // on the market's assets, in its order (as the portfolio stage aligns the scores)
    const p = { entryLag: own.entryLag, days: own.days.map((d) => d.alignTo(d.dates, daily.close.assets)) };
    const cal = calibratePath(p, daily.close, {
      adjFactor: daily.adjFactor,
      minDates: mp.minCalibrationDates,
    });
    const h = p.days.length;
    const ks = stepDays(h, p.entryLag, every, mp.steps);
    base.stepDays[m] = ks;
    const last = cal.dates.length - 1;
    base.lastSlopes[m] = Array.from(cal.slopes.subarray(last * h, (last + 1) * h));
    summed.push(
      sumDays(
        cal,
        Array.from({ length: h }, (_, k) => k + 1),
      ),
    );
    stepPanels.push(ks.map((days) => sumDays(cal, days)));
  }
  const steps = Math.min(...stepPanels.map((s) => s.length));
  base.steps = steps;
  const signal = meanPanels(summed);
  const path = Array.from({ length: steps }, (_, s) => meanPanels(stepPanels.map((p) => p[s]!)));
  // The first score date where the summed path and every step are calibrated.
  const ready = (p: Panel, t: number) => p.row(t).some(Number.isFinite);
  let t0 = 0;
  while (t0 < signal.nDates && !(ready(signal, t0) && path.every((p) => ready(p, t0)))) t0++;
  if (t0 >= signal.nDates - 1)
    return {
      ...base,
      reason: `no calibrated path before the last score date: ${signal.nDates} out-of-sample score dates, and each day of the path needs ${mp.minCalibrationDates} earlier ones whose return is known (multiPeriod.minCalibrationDates)`,
    };
  const start = signal.dates[t0]!;
  const common = {
    market: { daily, index: input.index, industry: input.industry },
    schedule: { every, offset: firstIdx },
    start,
    limits: {
      maxDeviation: c.maxDeviation,
      industryBand: c.industryBand,
      styleBand: c.styleBand,
      maxTurnover: c.maxTurnover,
    },
    scenarios: SCENARIO,
    costs: { buy: c.costPerSide, sell: c.costPerSide },
    parallel: false,
  };
  const task = options.onProgress ? { onProgress: options.onProgress } : {};
  const rows: MultiPeriodRow[] = [];
  const a = await backtestEnhancedIndex({ ...common, signal }, task);
  rows.push(row('summed', 'single-period LP, summed calibrated path (the study)', a));
  const b = await backtestEnhancedIndex({ ...common, signal, multiPeriod: { path } }, task);
  rows.push(row('multiPeriod', `multi-period LP, ${steps}-step plan on the calibrated path`, b));
  if (reference) {
    const ref = input.scores[reference]!.alignTo(signal.dates, daily.close.assets);
    const r = await backtestEnhancedIndex({ ...common, signal: ref }, task);
    if (r.rebalanceDates.length !== a.rebalanceDates.length)
      throw new HfqError(
        'WORKFLOW_DATA',
        `the reference ${reference} rebalanced ${r.rebalanceDates.length} times, the path runs ${a.rebalanceDates.length}: their score dates differ`,
        { field: 'multiPeriod' },
      );
    rows.push(row('reference', `single-period LP, ${reference} score (reference)`, r));
  }
  return { ...base, ran: true, start, rebalances: a.rebalanceDates.length, rows };
}

/** What `multiPeriodStage` needs from `runWorkflow`. */
export interface MultiPeriodStageContext {
  cache: StageCache;
  /** The hash parts every stage shares (`{ version, data }`). */
  base: unknown;
  /** The models stage's hash. */
  models: string;
  cfg: WorkflowConfig;
  stage: ModelStage;
  market: { daily: DailyBars; index: IndexData; industry: Int32Array };
  onProgress: ProgressCallback;
  log: (line: string) => void;
  /** The run's stage timings (this stage's is appended). */
  timings: Array<{ stage: string; seconds: number }>;
}

/**
 * The comparison as a cached stage of `runWorkflow`: loaded when its hash is in the cache, else
 * computed and stored; `undefined` when `multiPeriod.enabled` is false. Logs one line.
 */
export async function multiPeriodStage(
  ctx: MultiPeriodStageContext,
): Promise<MultiPeriodComparison | undefined> {
  const { cfg, stage, log } = ctx;
  if (!cfg.multiPeriod.enabled) return undefined;
  const t0 = performance.now();
  const hash = stageHash({
    base: ctx.base,
    stage: MULTI_PERIOD_STAGE,
    models: ctx.models,
    backtest: cfg.backtest,
    multiPeriod: cfg.multiPeriod,
  });
  const title = 'enhanced index: multi-period plan vs summed path';
  let value = ctx.cache.load<MultiPeriodComparison>(MULTI_PERIOD_STAGE, hash);
  const hit = value !== undefined;
  if (value === undefined) {
    value = await compareMultiPeriod(
      {
        paths: stage.paths ?? {},
        scores: stage.scores,
        daily: ctx.market.daily,
        index: ctx.market.index,
        industry: ctx.market.industry,
        backtest: cfg.backtest,
        multiPeriod: cfg.multiPeriod,
      },
      { onProgress: ctx.onProgress },
    );
    ctx.cache.save(MULTI_PERIOD_STAGE, hash, value);
  }
  const seconds = (performance.now() - t0) / 1000;
  ctx.timings.push({ stage: hit ? `${title} (cached)` : title, seconds });
  log(
    `  ${title}${hit ? ' (cached)' : ''}: ${
      value.ran
        ? `${value.rebalances} rebalances from ${value.start}, ${value.steps} step${value.steps === 1 ? '' : 's'}, ${value.rows
            .map((r) => `${r.run} ${(r.secondsPerRebalance * 1000).toFixed(0)} ms`)
            .join(', ')} per rebalance`
        : `not run: ${value.reason}`
    }`,
  );
  return value;
}

/** Writes the sequence models' paths (`paths.parquet`) when there are any. */
export function writePaths(file: string, stage: ModelStage): void {
  writeSequencePaths(file, stage.paths ?? {});
}
