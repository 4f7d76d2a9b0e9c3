/**
 * Stage 3: the study's models, trained walk-forward and scored out of sample.
 *
 * Each model is one job on a worker thread: GRU on the 27 baseline factors; a Transformer on each
 * feature set (minute, equal-volume, tick, all 300); iTransformer and Crossformer; the
 * encoder-decoder return-sequence model. Composites are combined from the score panels.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DailyBars } from '@hfq/bars';
import { type FactorCube, Panel, type ProgressEvent } from '@hfq/core';
import { forwardReturns, rankIC } from '@hfq/metrics';
import { combineScorePanels, type ModelConfigInput } from '@hfq/models';
import type { DemoConfig, ModelName } from './config.js';
import type { ModelJob, ModelJobResult } from './model-jobs.js';
import { runModelJobs } from './model-pool.js';
import { shareCube, sharePanel } from './shared-memory.js';
import { FEATURE_SETS } from './stage-factors.js';

export interface ModelStage {
  /** Out-of-sample score panels by name (models, variants, composites), float32, weekly dates. */
  scores: Record<string, Panel<Float32Array>>;
  results: ModelJobResult[];
  /** Factors fed to iTransformer / Crossformer (top-K by past |RankIC|), or all. */
  variableFactors: string[];
  testStart: number;
}

/** Relative cost of each model, to start the slow ones first. */
const COST: Record<ModelName, number> = {
  'all-crossformer': 9,
  'all-seq2seq': 6,
  'all-itransformer': 5,
  'baseline-gru': 4,
  'all-transformer': 3,
  'tick-transformer': 2,
  'vbar-transformer': 2,
  'minute-transformer': 2,
};

/**
 * Mean RankIC of each factor in `names` with the T+1 -> T+11 return over weekly sample dates whose
 * label ends before `cutoff` (a date index): only information known at the first out-of-sample date.
 */
export function pastRankIC(
  cube: FactorCube,
  daily: DailyBars,
  names: readonly string[],
  cutoff: number,
  window: number,
): Float64Array {
  const fwd = forwardReturns(daily.close, 1, 11, { adjFactor: daily.adjFactor });
  const nA = cube.nAssets;
  const nF = cube.nFactors;
  const idx = names.map((n) => cube.factorIndex(n));
  const sums = new Float64Array(names.length);
  const counts = new Float64Array(names.length);
  const x = new Float64Array(nA);
  for (let t = window - 1; t + 11 < cutoff; t += 5) {
    const day = cube.day(t);
    const y = fwd.row(fwd.dateIndex(cube.dates[t]!));
    for (let j = 0; j < idx.length; j++) {
      for (let a = 0; a < nA; a++) x[a] = day[a * nF + idx[j]!]!;
      const r = rankIC(x, y);
      if (Number.isFinite(r)) {
        sums[j]! += r;
        counts[j]!++;
      }
    }
  }
  return sums.map((s, j) => (counts[j]! > 0 ? s / counts[j]! : Number.NaN));
}

/** The top-`k` of `names` by absolute `pastRankIC` (all of them when `k` is 0 or too large). */
export function screenFactors(
  cube: FactorCube,
  daily: DailyBars,
  names: readonly string[],
  k: number,
  cutoff: number,
  window: number,
): string[] {
  if (k <= 0 || k >= names.length) return [...names];
  const ic = pastRankIC(cube, daily, names, cutoff, window);
  return names
    .map((n, j) => ({ n, s: Number.isFinite(ic[j]!) ? Math.abs(ic[j]!) : 0 }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((e) => e.n);
}

function modelConfig(name: ModelName, c: DemoConfig['models']): ModelConfigInput {
  const base = { window: c.window, dModel: c.dModel };
  switch (name) {
    case 'baseline-gru':
      return { kind: 'gru', window: c.window, hidden: 2 * c.dModel };
    case 'all-itransformer':
      return { kind: 'itransformer', ...base, nLayers: 1 };
    case 'all-crossformer':
      return { kind: 'crossformer', ...base, nScales: 2 };
    case 'all-seq2seq':
      return { kind: 'seq2seq', ...base, encLayers: 1, decLayers: 1 };
    default:
      return { kind: 'transformer', ...base, nLayers: 1 };
  }
}

function featuresOf(name: ModelName, variable: string[]): string[] {
  if (name === 'all-itransformer' || name === 'all-crossformer') return variable;
  const set = name.slice(0, name.indexOf('-')) as keyof typeof FEATURE_SETS;
  return [...FEATURE_SETS[set]];
}

export async function trainModels(
  cube: FactorCube,
  daily: DailyBars,
  cfg: DemoConfig,
  onProgress: (event: ProgressEvent) => void,
  log: (line: string) => void,
): Promise<ModelStage> {
  const m = cfg.models;
  const testIndex = Math.floor(m.testStart * cube.nDates);
  const testStart = cube.dates[testIndex]!;
  const variableFactors = screenFactors(cube, daily, FEATURE_SETS.all, m.variableTokens, testIndex, m.window);
  const onnxDir = join(cfg.out, 'models');
  mkdirSync(onnxDir, { recursive: true });

  // Eligible stock-days: listed, not ST, trading.
  const universe = daily.listed.map((v, t, a) =>
    v === 1 && daily.st.get(t, a) !== 1 && daily.suspended.get(t, a) !== 1 ? 1 : 0,
  );
  const names = (m.include as ModelName[]).slice().sort((a, b) => COST[b] - COST[a]);
  const jobs: ModelJob[] = names.map((name, id) => ({
    id,
    name,
    features: featuresOf(name, variableFactors),
    window: m.window,
    spec: {
      name,
      config: modelConfig(name, m),
      ...(name === 'all-seq2seq' ? { horizons: 'sum' as const } : {}),
    },
    seeds: Array.from({ length: m.seeds }, (_, k) => k),
    plan: { testStart, retrainEvery: m.retrainEvery, predictStride: 5 },
    stride: m.every5thDaySampled.includes(name) ? 5 : m.sampleStride,
    train: {
      epochs: m.epochs,
      patience: m.patience,
      learningRate: m.learningRate,
      maxStocksPerDate: m.maxStocksPerDate,
    },
    onnxPath: join(onnxDir, `${name}.onnx`),
  }));

  // Progress: total training steps are unknown up front (early stopping), so the bar counts
  // trainings (jobs x folds x seeds; every job has the same folds and seeds, so the first job's
  // count stands for the jobs not started yet) and the message shows each running job's step.
  const state = new Map<
    number,
    { name: string; done: number; total: number; step: number; finished: boolean }
  >();
  let perJob = 0;
  const emit = () => {
    let done = 0;
    let total = 0;
    const active: string[] = [];
    for (const s of state.values()) {
      done += s.done;
      total += s.total;
      if (!s.finished) active.push(`${s.name} ${s.done}/${s.total} step ${s.step}`);
    }
    total += (jobs.length - state.size) * perJob;
    onProgress({ stage: 'models', done, total, unit: 'trainings', message: active.join(' | ') });
  };
  const results = await runModelJobs(
    {
      cube: shareCube(cube),
      close: sharePanel(daily.close),
      adjFactor: sharePanel(daily.adjFactor),
      universe: sharePanel(universe),
      backend: m.backend,
    },
    jobs,
    m.threads,
    (job, e) => {
      const s = state.get(job.id) ?? { name: job.name, done: 0, total: 0, step: 0, finished: false };
      state.set(job.id, s);
      if (e.stage === 'walk-forward') {
        s.done = e.done;
        s.total = e.total ?? s.total;
        perJob ||= s.total;
      } else if (e.stage.startsWith('train:')) {
        s.step = e.done;
      }
      emit();
    },
    (r) => {
      const s = state.get(r.id);
      if (s) s.finished = true;
      log(`  ${r.name}: ${(r.ms / 1000).toFixed(0)} s, ${r.parameters} parameters, backend ${r.backend}`);
      emit();
    },
  );

  const scores: Record<string, Panel<Float32Array>> = {};
  for (const r of results) {
    for (const [key, values] of Object.entries(r.scores)) scores[key] = new Panel(r.dates, r.assets, values);
  }
  const members = ['all-transformer', 'all-itransformer', 'all-crossformer'].filter((k) => scores[k]);
  if (members.length > 1) scores.composite = combineScorePanels(members.map((k) => scores[k]!));
  if (scores['all-transformer'] && scores['all-seq2seq:sum']) {
    scores['composite-prediction'] = combineScorePanels([
      scores['all-transformer'],
      scores['all-seq2seq:sum'],
    ]);
  }
  // The sequence model's own score is its `:sum` variant (horizons: 'sum'): keep the two named ones.
  delete scores['all-seq2seq'];
  return { scores, results, variableFactors, testStart };
}
