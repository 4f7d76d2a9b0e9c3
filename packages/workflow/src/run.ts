/**
 * The whole study from one config: market -> factors -> models -> evaluate -> portfolio ->
 * report, each stage's outputs cached under `<out>/cache/<stage>/<hash>/` and loaded instead of
 * recomputed when the hash matches. The hash of a stage covers its own config section, the
 * hashes of the stages it reads, the data's identity (the sim config or the dataset's manifest)
 * and this package's version, so changing only `backtest` re-runs only the portfolio (and the
 * report); a run killed at any point resumes from the last finished stage (and, inside the
 * models stage, from the last finished training).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { writePanelsParquet } from '@hfq/bars';
import { type FactorCube, HfqError, type Panel, type ProgressCallback } from '@hfq/core';
import { FACTOR_LIBRARY } from '@hfq/factor-dsl';
import type { CorrelationTable } from '@hfq/metrics';
import type { EnhancedIndexBacktest } from '@hfq/optimizer';
import { renderReport, reportMarkdown } from '@hfq/report';
import { StageCache, stageHash } from './cache.js';
import type { WorkflowConfig } from './config.js';
import { loadMarket, SIM_TRUTH_FILE } from './market.js';
import { buildReport, LABELS, PORTFOLIO_SIGNALS, shareOfBest, type WorkflowOutcome } from './report.js';
import {
  correlations,
  evaluationContext,
  riskFactors,
  type SignalTest,
  testSignal,
} from './stage-evaluate.js';
import { type ModelStage, pastRankIC, trainModels } from './stage-models.js';
import { type MultiPeriodComparison, multiPeriodStage, writePaths } from './stage-multi-period.js';
import { enhancedIndex } from './stage-portfolio.js';

/** The cached stages, in order (`report` always runs: it only writes files). */
export const WORKFLOW_STAGES = ['factors', 'models', 'evaluate', 'portfolio', 'report'] as const;
/** A stage of `runWorkflow`. */
export type WorkflowStage = (typeof WORKFLOW_STAGES)[number];

/** Options of `runWorkflow`. */
export interface RunWorkflowOptions {
  /** Output folder (default: the config's `out`); the cache is `<out>/cache`. */
  out?: string;
  /** Stop after this stage (default: `report`, the whole run). */
  stage?: WorkflowStage;
  /**
   * Array task: run only this share of the model trainings into the cache (needs
   * `stage: 'models'`); a later run without it finds them and finishes.
   */
  shard?: { index: number; count: number };
  /** Progress of the long stages (`factors`, `models`, `daily`, `enhanced-index`...). */
  onProgress?: ProgressCallback;
  /** One line per stage and per finished training (default: none). */
  log?: (line: string) => void;
}

/**
 * The headline numbers (`summary.json`). RankICs are means of the weekly series (fractions). Two
 * yardsticks: the planted alpha (what the factors were built to find) and the best achievable
 * score (the simulator's expected return of the same label given the close of T); shares are
 * taken of the best achievable one.
 */
export interface WorkflowSummary {
  /** Mean weekly RankIC of the planted alpha at T (`truth().alpha`). */
  plantedAlphaRankIC: number;
  /**
   * Mean weekly RankIC of the best achievable score from information at T: the simulator's
   * expected return of close T+1 -> close T+6 given the close of T (`truth().expectedReturn1to6`).
   */
  bestAchievableRankIC: number;
  /** @deprecated the planted alpha's RankIC, now `plantedAlphaRankIC` (it was called the oracle). */
  oracleRankIC: number;
  /** Mean weekly RankIC of every score panel, by name. */
  rankIC: Record<string, number>;
  /** The factor with the highest past |RankIC| (sign flipped when negative) and its RankIC. */
  bestSingleFactor: { name: string; rankIC: number };
  /** The composite's RankIC over the best achievable one (NaN when the composite was not trained). */
  compositeShareOfBest: number;
  /** The all-300 Transformer's RankIC over the best achievable one (NaN when not trained). */
  transformerShareOfBest: number;
  /** Annualised excess return of each score's top group (fraction). */
  topExcess: Record<string, number>;
  /** Per signal and scenario: the enhanced-index summary (`@hfq/optimizer`'s). */
  enhancedIndex: Record<string, Record<string, unknown>>;
  /** The multi-period comparison (`multiPeriod.enabled`): the runs' table rows, calibration and steps. */
  multiPeriod?: MultiPeriodComparison;
  /** Seconds per stage of this run (a loaded stage: its load time). */
  timings: Array<{ stage: string; seconds: number }>;
}

/** One pass mark of a run (`workflowChecks`). */
export interface WorkflowCheck {
  /** The score checked (a key of `summary.rankIC`). */
  score: string;
  /** Its RankIC over the yardstick's. */
  share: number;
  /** The share it needs. */
  needs: number;
  ok: boolean;
  /** One line saying all of it, e.g. `composite (3 models) RankIC is 61% of the best achievable (needs >= 60%)`. */
  message: string;
}

/**
 * The pass marks of `cfg` on a run's summary: the composite's RankIC against `checkBestShare` of
 * the best achievable RankIC; and, while the deprecated `checkOracleShare` is above 0, the
 * composite's and the all-300 Transformer's against that share of the planted alpha's. Scores not
 * trained are not checked. An empty list when both knobs are 0.
 */
export function workflowChecks(
  cfg: Pick<WorkflowConfig, 'checkBestShare' | 'checkOracleShare'>,
  summary: WorkflowSummary,
): WorkflowCheck[] {
  const out: WorkflowCheck[] = [];
  const add = (score: string, yardstick: number, needs: number, what: string) => {
    const ic = summary.rankIC[score];
    if (ic === undefined || needs <= 0) return;
    const share = ic / yardstick;
    const ok = share >= needs;
    const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
    out.push({
      score,
      share,
      needs,
      ok,
      message: `${LABELS[score] ?? score} RankIC is ${pct(share)} of the ${what} (needs >= ${pct(needs)})`,
    });
  };
  add('composite', summary.bestAchievableRankIC, cfg.checkBestShare, 'best achievable');
  add('composite', summary.plantedAlphaRankIC, cfg.checkOracleShare, 'planted alpha (deprecated check)');
  add(
    'all-transformer',
    summary.plantedAlphaRankIC,
    cfg.checkOracleShare,
    'planted alpha (deprecated check)',
  );
  return out;
}

/** What `runWorkflow` did. */
export interface WorkflowRunResult {
  /** Absolute output folder. */
  out: string;
  /** Stages computed in this run, in order. */
  executed: WorkflowStage[];
  /** Stages loaded from the cache, in order. */
  loaded: WorkflowStage[];
  /** Whether the run reached the report (false after `stage` or `shard` stopped it). */
  complete: boolean;
  /** The report's inputs and the summary (complete runs only). */
  outcome?: WorkflowOutcome;
  /** `summary.json`'s content (complete runs only). */
  summary?: WorkflowSummary;
}

interface Evaluated {
  tests: Record<string, SignalTest>;
  oracle: SignalTest;
  bestAchievable: SignalTest;
  bestFactor: { name: string; sign: number; test: SignalTest };
  corr: { factors: CorrelationTable; risk: CorrelationTable };
}

const require = createRequire(import.meta.url);

/**
 * Revisions of stages whose outputs changed inside one package version (part of their hashes, so
 * caches written before are recomputed, not loaded): factors 2 = equal-volume bars sized through
 * suspensions (a suspended day counts 0 instead of leaving 5 days without vbar factors);
 * evaluate 2 = the best achievable yardstick.
 */
const STAGE_REVISION = { factors: 2, evaluate: 2 } as const;

/** This package's version (part of every cache hash). */
export const WORKFLOW_VERSION: string = (require('../package.json') as { version: string }).version;

function versions(): Record<string, string> {
  const v = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown'; // a package whose exports hide its package.json
    }
  };
  return {
    node: process.versions.node,
    hfq: v('@hfq/core'),
    '@tensorflow/tfjs-core': v('@tensorflow/tfjs-core'),
    'onnxruntime-node': v('onnxruntime-node'),
  };
}

/**
 * Runs the study of `cfg` (see the package README), writing into `out`: report.html, report.md,
 * scores.parquet, models/*.onnx, summary.json, config.json, and the stage cache `cache/`.
 * @throws HfqError from the stages (bad data, a failed training); `WORKFLOW_CONFIG` for a shard
 * without `stage: 'models'`.
 */
export async function runWorkflow(
  cfg: WorkflowConfig,
  options: RunWorkflowOptions = {},
): Promise<WorkflowRunResult> {
  const out = resolve(options.out ?? cfg.out);
  const last = options.stage ?? 'report';
  if (options.shard && last !== 'models')
    throw new HfqError(
      'WORKFLOW_CONFIG',
      'a shard runs a share of the model trainings: use it with stage models',
      {
        field: 'shard',
      },
    );
  mkdirSync(out, { recursive: true });
  const cache = new StageCache(join(out, 'cache'));
  const bar: ProgressCallback = options.onProgress ?? (() => {});
  const say = options.log ?? (() => {});
  const executed: WorkflowStage[] = [];
  const loaded: WorkflowStage[] = [];
  const timings: WorkflowSummary['timings'] = [];
  const result = (): WorkflowRunResult => ({ out, executed, loaded, complete: false });
  let step = 0;
  const timed = async <T>(stage: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    say(`[${++step}/6] ${stage}`);
    const r = await fn();
    timings.push({ stage, seconds: (performance.now() - t0) / 1000 });
    return r;
  };
  /** A cached stage: loaded when its hash is there, else computed and stored. */
  const cached = async <T>(
    stage: WorkflowStage,
    hash: string,
    title: string,
    fn: () => Promise<T>,
  ): Promise<T> => {
    const hit = cache.load<T>(stage, hash);
    if (hit !== undefined) {
      loaded.push(stage);
      return timed(`${title} (cached)`, () => hit);
    }
    const value = await timed(title, fn);
    cache.save(stage, hash, value);
    executed.push(stage);
    return value;
  };

  // 1. The market (not cached: it is the input; its identity enters every hash).
  const market = await timed(
    cfg.data.dir !== undefined ? `market: ${cfg.data.dir}` : 'market: simulate',
    () => loadMarket(cfg.data, { onProgress: bar }),
  );
  try {
    say(
      `  ${market.assets.length} stocks x ${market.dates.length} days (${market.dates[0]}..${market.dates[market.dates.length - 1]}), index of ${market.indexSize}`,
    );
    const base = { version: WORKFLOW_VERSION, data: market.identity };

    // 2. Factors.
    const hFactors = stageHash({
      base,
      stage: 'factors',
      revision: STAGE_REVISION.factors,
      factors: FACTOR_LIBRARY.map((f) => [f.id, f.source, f.formula]),
    });
    const cube = await cached<FactorCube>(
      'factors',
      hFactors,
      `factors: ${FACTOR_LIBRARY.length} per stock-day`,
      () => market.computeFactors(cfg.factors.threads, { onProgress: bar }),
    );
    if (last === 'factors') return result();

    // 3. Models (each training cached on its own).
    const { threads: _threads, ...modelKnobs } = cfg.models;
    const hModels = stageHash({ base, stage: 'models', factors: hFactors, models: modelKnobs });
    // Each training's key adds its model's own knobs (`perModel`), so they are left out here.
    const { include: _i, seeds: _s, every5thDaySampled: _e, perModel: _p, ...jobKnobs } = modelKnobs;
    const hJobs = stageHash({ base, stage: 'model-jobs', factors: hFactors, models: jobKnobs });
    const modelsTitle = 'models: walk-forward training, out-of-sample scores';
    let stage: ModelStage;
    const hit = cache.load<ModelStage>('models', hModels);
    if (hit !== undefined && !options.shard) {
      loaded.push('models');
      stage = await timed(`${modelsTitle} (cached)`, () => hit);
    } else {
      const trained = await timed(
        options.shard ? `${modelsTitle}: shard ${options.shard.index}/${options.shard.count}` : modelsTitle,
        () =>
          trainModels(cube, market.daily, cfg, {
            cache,
            hash: hJobs,
            onnxDir: join(out, 'models'),
            ...(options.shard ? { shard: options.shard } : {}),
            onProgress: bar,
            log: say,
          }),
      );
      if (trained === undefined) return result();
      cache.save('models', hModels, trained);
      executed.push('models');
      stage = trained;
    }
    if (last === 'models') return result();
    const scoreDates = Object.values(stage.scores)[0]!.dates;

    // 4. Single-factor tests, the oracle and the best single factor.
    const hEvaluate = stageHash({
      base,
      stage: 'evaluate',
      revision: STAGE_REVISION.evaluate,
      factors: hFactors,
      models: hModels,
    });
    const evaluated = await cached<Evaluated>(
      'evaluate',
      hEvaluate,
      'evaluate: RankIC, 10 groups, correlations',
      async () => {
        if (market.alpha === null || market.bestAchievable === null)
          throw new HfqError(
            'WORKFLOW_DATA',
            market.alpha === null
              ? 'the report holds every score against the planted alpha and the best achievable score: this dataset has no sim/truth.parquet'
              : 'the report holds every score against the best achievable score: sim/truth.parquet has no expectedReturn1to6 panel (export the market again with this version of hfq sim export)',
            { field: 'data.dir', source: SIM_TRUTH_FILE },
          );
        const daily = market.daily;
        const ctx = evaluationContext(daily);
        const tests: Record<string, SignalTest> = {};
        for (const [name, score] of Object.entries(stage.scores)) tests[name] = testSignal(name, score, ctx);
        const oracle = testSignal('planted alpha', market.alpha.alignTo(scoreDates, market.assets), ctx);
        const bestAchievable = testSignal(
          'best achievable',
          market.bestAchievable.alignTo(scoreDates, market.assets),
          ctx,
        );
        const ids = FACTOR_LIBRARY.map((f) => f.id);
        const past = pastRankIC(cube, daily, ids, cube.dates.indexOf(stage.testStart), cfg.models.window);
        let best = 0;
        for (let j = 1; j < ids.length; j++) if (Math.abs(past[j]!) > Math.abs(past[best]!)) best = j;
        const sign = past[best]! < 0 ? -1 : 1;
        const bestPanel = cube
          .factorPanel(best)
          .map((v) => sign * v)
          .alignTo(scoreDates, market.assets);
        const bestFactor = { name: ids[best]!, sign, test: testSignal(ids[best]!, bestPanel, ctx) };
        const shown = Object.keys(LABELS).filter((k) => stage.scores[k]);
        const corr = correlations(
          Object.fromEntries(shown.map((k) => [LABELS[k]!, stage.scores[k]!])),
          riskFactors(daily, market.index, scoreDates),
        );
        return { tests, oracle, bestAchievable, bestFactor, corr };
      },
    );
    if (last === 'evaluate') return result();

    // 5. Enhanced index.
    const hPortfolio = stageHash({ base, stage: 'portfolio', models: hModels, backtest: cfg.backtest });
    const portfolios = await cached<Record<string, EnhancedIndexBacktest>>(
      'portfolio',
      hPortfolio,
      'enhanced index: weekly LP, both scenarios',
      async () => {
        const res: Record<string, EnhancedIndexBacktest> = {};
        for (const k of PORTFOLIO_SIGNALS) {
          if (stage.scores[k])
            res[k] = await enhancedIndex(
              stage.scores[k],
              market.daily,
              market.index,
              market.industry,
              cfg.backtest,
              {
                onProgress: bar,
              },
            );
        }
        return res;
      },
    );
    const multiPeriod = await multiPeriodStage({
      cache,
      base,
      models: hModels,
      cfg,
      stage,
      market,
      onProgress: bar,
      log: say,
      timings,
    });
    if (last === 'portfolio') return result();

    // 6. Report and artefacts.
    const outcome: WorkflowOutcome = {
      config: cfg,
      marketSummary: {
        stocks: market.assets.length,
        days: market.dates.length,
        first: market.dates[0]!,
        last: market.dates[market.dates.length - 1]!,
        indexSize: market.indexSize,
        factors: cube.nFactors,
      },
      testStart: stage.testStart,
      tests: evaluated.tests,
      oracle: evaluated.oracle,
      bestAchievable: evaluated.bestAchievable,
      bestFactor: evaluated.bestFactor,
      variableFactors: stage.variableFactors,
      results: stage.results,
      correlations: evaluated.corr,
      portfolios,
      ...(multiPeriod ? { multiPeriod } : {}),
      timings,
      versions: versions(),
    };
    await timed('report', async () => {
      const doc = await buildReport(outcome);
      await renderReport(join(out, 'report.html'), doc);
      writeFileSync(join(out, 'report.md'), reportMarkdown(doc));
      const panels: Record<string, Panel> = {};
      for (const [k, p] of Object.entries(stage.scores)) panels[k.replace(/[^A-Za-z0-9_]+/g, '_')] = p;
      writePanelsParquet(join(out, 'scores.parquet'), panels, {
        metadata: { 'hfq.kind': 'out-of-sample scores' },
      });
      writePaths(join(out, 'paths.parquet'), stage);
      writeFileSync(join(out, 'config.json'), `${JSON.stringify(cfg, null, 2)}\n`);
    });
    executed.push('report');
    const summary: WorkflowSummary = {
      plantedAlphaRankIC: outcome.oracle.summary.mean,
      bestAchievableRankIC: outcome.bestAchievable.summary.mean,
      oracleRankIC: outcome.oracle.summary.mean,
      rankIC: Object.fromEntries(Object.entries(outcome.tests).map(([k, t]) => [k, t.summary.mean])),
      bestSingleFactor: { name: outcome.bestFactor.name, rankIC: outcome.bestFactor.test.summary.mean },
      compositeShareOfBest: shareOfBest(outcome, 'composite'),
      transformerShareOfBest: shareOfBest(outcome, 'all-transformer'),
      topExcess: Object.fromEntries(
        Object.entries(outcome.tests).map(([k, t]) => [k, t.groups.top.excessAnnualReturn]),
      ),
      enhancedIndex: Object.fromEntries(
        Object.entries(portfolios).map(([k, p]) => [
          k,
          Object.fromEntries(Object.entries(p.scenarios).map(([s, r]) => [s, r.summary])),
        ]),
      ),
      ...(multiPeriod ? { multiPeriod } : {}),
      timings,
    };
    writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return { out, executed, loaded, complete: true, outcome, summary };
  } finally {
    await market.close();
  }
}
