/**
 * The workflow's configuration (the demo's, plus where the data comes from): one object with every
 * knob, defaults sized so the whole study runs in about 15 minutes on 2 CPU cores, and a loader for
 * JSON or YAML files that override any subset. `KNOBS` documents each knob once; `--help` prints it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HfqError } from '@hfq/core';
import { parse as parseYaml } from 'yaml';

/** The built-in simulated market, generated in memory (`data.sim`). */
export interface SimDataConfig {
  /** Simulator seed (same seed, same market, byte for byte). */
  seed: number;
  /** Stocks in the universe. */
  nStocks: number;
  /** Trading days simulated. */
  nDays: number;
  /** First calendar day (yyyymmdd). */
  startDate: number;
  /** Constituents of the CSI-1000-like benchmark index. */
  indexSize: number;
  /** Snapshot cadence of the tick frames the tick factors read (ms). */
  tickIntervalMs: number;
}

/**
 * Where the market comes from: exactly one of `sim` (the built-in market in memory) or `dir` (a
 * dataset directory written by `hfq sim export` or `hfq data import`, read through `@hfq/dataset`;
 * a relative path is relative to the current directory, like `out`).
 */
export interface WorkflowData {
  /** The built-in market in memory. */
  sim?: SimDataConfig;
  /** A dataset directory (absolute once loaded). */
  dir?: string;
}

/** Every knob of a workflow run (see `KNOBS`). */
export interface WorkflowConfig {
  /** Output folder (report, models, scores). */
  out: string;
  /**
   * The demo fails (exit code 2) unless the composite's out-of-sample RankIC reaches this share of
   * the best achievable one (the simulator's expected return of the label at T; 0 = no check;
   * tiny smoke-test markets are too noisy for it).
   */
  checkBestShare: number;
  /**
   * @deprecated the old pass mark, a share of the planted alpha's RankIC (which is not the best
   * achievable) for the composite and the all-300 Transformer; use `checkBestShare`. 0 = off.
   */
  checkOracleShare: number;
  /** Where the market comes from. */
  data: WorkflowData;
  /** Stage 2, the factors. */
  factors: {
    /** Worker threads evaluating factors (each simulates its own stocks). */
    threads: number;
  };
  /** Stage 3, the models and their training. */
  models: {
    /** tfjs backend: auto, wasm, cpu, webgpu, tensorflow, tensorflow-gpu. */
    backend: string;
    /** Worker threads training models in parallel (each trains whole models). */
    threads: number;
    /** Days of history per sample (X is window x factors). */
    window: number;
    dModel: number;
    /** Seeds per model; the seeds' scores are averaged with equal weight. */
    seeds: number;
    epochs: number;
    patience: number;
    learningRate: number;
    /** Random subsample of stocks per training step (0 = all). A speed knob. */
    maxStocksPerDate: number;
    /**
     * Factors fed to iTransformer and Crossformer (one token per factor): the top-K of the 300 by
     * absolute RankIC before the first out-of-sample date; 0 = all 300 (paper scale, slow on CPU).
     */
    variableTokens: number;
    /** First out-of-sample date as a fraction of the calendar (0-1). */
    testStart: number;
    /** Trading days between walk-forward retrainings. */
    retrainEvery: number;
    /**
     * Trading days between training samples (the study: 5, its "weekly" step of 5 trading days, not
     * calendar weeks); scores stay every 5 trading days.
     */
    sampleStride: number;
    /** Models that take a training sample every 5th trading day whatever `sampleStride` says. */
    every5thDaySampled: string[];
    /**
     * First day of the sequence models' label, the daily returns of days T+sequenceLag ..
     * T+sequenceLag+9: 1 = T+1..T+10 (the study's), 2 = T+2..T+11 (the total label's days).
     */
    sequenceLag: number;
    /** Which models to train (names in MODEL_NAMES). */
    include: string[];
    /**
     * Per-model values of some model knobs (`models.perModel.<model>.<knob>`), over the ones above
     * for that model only: e.g. more seeds for the composite's members. A config that sets the
     * shared knob (e.g. `models.seeds`) replaces the per-model values of it it inherits.
     */
    perModel: Partial<Record<ModelName, ModelKnobOverrides>>;
  };
  /** Stage 5, the enhanced-index backtest. */
  backtest: {
    /** Cost per side, fraction of traded value (0.002 = the study's 0.4% two-sided). */
    costPerSide: number;
    /** Per-stock deviation from the benchmark weight (fraction). */
    maxDeviation: number;
    industryBand: number;
    styleBand: number;
    /** Two-sided turnover per rebalance (fraction). */
    maxTurnover: number;
  };
  /**
   * Stage 5b, the multi-period comparison (`stage-multi-period.ts`): the sequence models' predicted
   * path, calibrated to returns, in a multi-period plan vs its sum in the single-period LP.
   */
  multiPeriod: {
    /** Run the comparison (it needs a sequence model in `models.include`). */
    enabled: boolean;
    /** Rebalance steps planned (each 5 trading days of the path); capped by the path's length. */
    steps: number;
    /** Earlier out-of-sample score dates each day of the path needs before its calibration is used. */
    minCalibrationDates: number;
  };
}

/** Model knobs one model can set for itself (`models.perModel.<model>`). */
export interface ModelKnobOverrides {
  seeds?: number;
  epochs?: number;
  patience?: number;
  learningRate?: number;
  maxStocksPerDate?: number;
  dModel?: number;
}

/** The knobs `models.perModel.<model>` may set. */
export const PER_MODEL_KNOBS = [
  'seeds',
  'epochs',
  'patience',
  'learningRate',
  'maxStocksPerDate',
  'dModel',
] as const satisfies readonly (keyof ModelKnobOverrides)[];

/** Every model the demo can train, in report order. */
export const MODEL_NAMES = [
  'baseline-gru',
  'minute-transformer',
  'vbar-transformer',
  'tick-transformer',
  'all-transformer',
  'all-itransformer',
  'all-crossformer',
  'all-seq2seq',
  'all-seq2seq-itransformer',
  'all-seq2seq-crossformer',
] as const;
/** A model the workflow can train (see `MODEL_NAMES`). */
export type ModelName = (typeof MODEL_NAMES)[number];

/**
 * The sequence models (the 10-day return path, one per encoder: Transformer, iTransformer,
 * Crossformer); the return-sequence factor combines those that are trained.
 */
export const SEQUENCE_MODELS: readonly ModelName[] = [
  'all-seq2seq',
  'all-seq2seq-itransformer',
  'all-seq2seq-crossformer',
];

/** The defaults of every knob: `npm run demo`'s study (200 stocks x 480 days, about 9 minutes on 2 cores). */
export const DEFAULT_WORKFLOW_CONFIG: WorkflowConfig = {
  out: 'out/demo',
  checkBestShare: 0.4,
  checkOracleShare: 0,
  data: {
    sim: { seed: 1, nStocks: 200, nDays: 480, startDate: 20230103, indexSize: 80, tickIntervalMs: 60_000 },
  },
  factors: { threads: 2 },
  models: {
    backend: 'auto',
    threads: 2,
    window: 40,
    dModel: 32,
    seeds: 1,
    epochs: 5,
    patience: 2,
    learningRate: 1e-3,
    maxStocksPerDate: 120,
    variableTokens: 24,
    testStart: 0.5,
    retrainEvery: 120,
    sampleStride: 1,
    every5thDaySampled: ['all-crossformer', 'all-seq2seq-itransformer', 'all-seq2seq-crossformer'],
    sequenceLag: 1,
    include: [...MODEL_NAMES],
    // Two seeds for the composite's two cheaper members: one seed of these small models is noisy
    // (the all-300 Transformer moved 7.31% -> 5.49% with a 1% change of its inputs); measured on
    // the demo: composite 7.82% -> 8.13% RankIC for ~190 more thread-seconds (issue 17).
    perModel: { 'all-transformer': { seeds: 2 }, 'all-itransformer': { seeds: 2 } },
  },
  backtest: { costPerSide: 0.002, maxDeviation: 0.008, industryBand: 0.02, styleBand: 0.3, maxTurnover: 0.3 },
  multiPeriod: { enabled: true, steps: 2, minCalibrationDates: 4 },
};

/** One line of `--help` per knob: path, default, meaning (units). */
export const KNOBS: ReadonlyArray<readonly [path: string, doc: string]> = [
  ['out', 'output folder'],
  [
    'checkBestShare',
    'fail unless the composite reaches this share of the best achievable RankIC (expected return at T; 0 = off)',
  ],
  [
    'checkOracleShare',
    'deprecated: fail unless the composite and the all-300 Transformer reach this share of the planted alpha RankIC (0 = off)',
  ],
  [
    'data.dir',
    'a dataset directory (hfq sim export / hfq data import) instead of data.sim; relative to the workflow file',
  ],
  ['data.sim.seed', 'simulator seed (same seed, same market, byte for byte)'],
  ['data.sim.nStocks', 'stocks in the synthetic universe'],
  ['data.sim.nDays', 'trading days simulated'],
  ['data.sim.startDate', 'first calendar day (yyyymmdd)'],
  ['data.sim.indexSize', 'constituents of the CSI-1000-like benchmark index'],
  ['data.sim.tickIntervalMs', 'snapshot cadence of tick frames (ms; 3000 = exchange cadence, slow)'],
  ['factors.threads', 'worker threads for factor evaluation'],
  ['models.backend', 'tfjs backend: auto | wasm | cpu | webgpu | tensorflow | tensorflow-gpu'],
  ['models.threads', 'worker threads training models in parallel'],
  ['models.window', 'days of factor history per sample (the study: 40)'],
  ['models.dModel', 'model width'],
  ['models.seeds', 'seeds per model, averaged (the study: 3)'],
  ['models.epochs', 'maximum epochs per training'],
  ['models.patience', 'early stopping patience (epochs without a better validation IC)'],
  ['models.learningRate', 'Adam learning rate'],
  ['models.maxStocksPerDate', 'stocks subsampled per training step (0 = all)'],
  ['models.variableTokens', 'factors fed to iTransformer/Crossformer, top-K by past |RankIC| (0 = all 300)'],
  ['models.testStart', 'first out-of-sample date, as a fraction of the calendar'],
  ['models.retrainEvery', 'trading days between walk-forward retrainings'],
  [
    'models.sampleStride',
    'trading days between training samples (the study: 5; 1 = daily, 5x the steps); scores stay every 5 trading days',
  ],
  [
    'models.every5thDaySampled',
    'models sampled every 5th trading day whatever sampleStride says (the slowest on a CPU)',
  ],
  [
    'models.sequenceLag',
    "sequence models' label: the daily returns of days T+lag..T+lag+9 (1 = the study's T+1..T+10; 2 = the total label's days)",
  ],
  [
    'models.include',
    `models to train: ${MODEL_NAMES.join(', ')} (the all-seq2seq* are the sequence models: leave some out to change the return-sequence factor's encoders)`,
  ],
  [
    'models.perModel',
    `per-model values of ${PER_MODEL_KNOBS.join(', ')}, e.g. { all-transformer: { seeds: 2 } }`,
  ],
  ['backtest.costPerSide', 'transaction cost per side (fraction; 0.002 = 0.4% two-sided)'],
  ['backtest.maxDeviation', 'per-stock weight deviation from the benchmark (fraction)'],
  ['backtest.industryBand', 'industry exposure band vs the benchmark (fraction)'],
  ['backtest.styleBand', 'style exposure band vs the benchmark (standardised units)'],
  ['backtest.maxTurnover', 'two-sided turnover per rebalance, every 5 trading days (fraction)'],
  [
    'multiPeriod.enabled',
    'compare a multi-period plan on the calibrated predicted path with its sum (sequence models)',
  ],
  [
    'multiPeriod.steps',
    'rebalance steps the multi-period plan looks ahead (5 trading days each; capped by the path)',
  ],
  [
    'multiPeriod.minCalibrationDates',
    'earlier score dates each day of the path needs before its return calibration is used',
  ],
];

/** The value of `path` (`a.b`) in `obj`. */
export function knobValue(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** `--help` text: `usage` lines, then what a config file is and every knob with its default. */
export function workflowHelpText(
  usage = 'npm run demo -- [--config <file.json|file.yaml>] [--out <dir>] [--quiet]',
): string {
  const width = Math.max(...KNOBS.map(([p]) => p.length));
  const lines = KNOBS.map(
    ([p, doc]) =>
      `  ${p.padEnd(width)}  ${doc} [${JSON.stringify(knobValue(DEFAULT_WORKFLOW_CONFIG, p)) ?? 'none'}]`,
  );
  return [
    usage,
    '',
    'Runs the whole study: factors (327), models (walk-forward, out of sample), single-factor tests,',
    'the CSI-1000-like enhanced-index backtest, and a report; on the built-in synthetic market',
    '(data.sim) or a dataset directory (data.dir). Each stage is cached under <out>/cache.',
    'A config file overrides any subset of these knobs (nested as in the paths), e.g.',
    '  { "data": { "sim": { "nStocks": 1000, "nDays": 1500 } }, "models": { "seeds": 3 } }',
    '',
    'Knobs [default]:',
    ...lines,
  ].join('\n');
}

/**
 * Deep-merges `override` into `base` (arrays replaced) and validates the result; rejects unknown
 * keys with their path. `data` is taken whole when it names `dir` (no `sim` then); a relative
 * `data.dir` is resolved against `baseDir` (default: the current directory).
 * @throws HfqError `WORKFLOW_CONFIG` (context `field`, `source`) naming the knob that is wrong.
 */
export function mergeWorkflowConfig(
  base: WorkflowConfig,
  override: unknown,
  source = 'config',
  baseDir = '.',
): WorkflowConfig {
  const merge = (b: unknown, o: unknown, path: string): unknown => {
    if (o === undefined) return b;
    if (path === 'models.perModel') return mergePerModel(b as WorkflowConfig['models']['perModel'], o);
    if (b !== null && typeof b === 'object' && !Array.isArray(b)) {
      if (o === null || typeof o !== 'object' || Array.isArray(o)) {
        throw new HfqError('WORKFLOW_CONFIG', `${path || 'the config'} must be an object`, {
          field: path,
          source,
        });
      }
      const out: Record<string, unknown> = { ...(b as Record<string, unknown>) };
      for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
        if (!Object.hasOwn(b as object, k)) {
          throw new HfqError('WORKFLOW_CONFIG', `unknown knob ${path ? `${path}.` : ''}${k} (see --help)`, {
            field: path ? `${path}.${k}` : k,
            source,
          });
        }
        out[k] = merge((b as Record<string, unknown>)[k], v, path ? `${path}.${k}` : k);
      }
      return out;
    }
    if (Array.isArray(b)) {
      if (!Array.isArray(o))
        throw new HfqError('WORKFLOW_CONFIG', `${path} must be a list`, { field: path, source });
      return o;
    }
    if (typeof o !== typeof b) {
      throw new HfqError('WORKFLOW_CONFIG', `${path} must be a ${typeof b}, got ${JSON.stringify(o)}`, {
        field: path,
        source,
      });
    }
    return o;
  };
  function mergePerModel(b: WorkflowConfig['models']['perModel'], o: unknown): unknown {
    const isObject = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
    if (!isObject(o))
      throw new HfqError('WORKFLOW_CONFIG', 'models.perModel must be an object keyed by model', {
        field: 'models.perModel',
        source,
      });
    const out: Record<string, ModelKnobOverrides> = { ...b };
    for (const [model, knobs] of Object.entries(o as Record<string, unknown>)) {
      const field = `models.perModel.${model}`;
      if (!(MODEL_NAMES as readonly string[]).includes(model))
        throw new HfqError(
          'WORKFLOW_CONFIG',
          `${field}: unknown model ${model} (known: ${MODEL_NAMES.join(', ')})`,
          { field, source },
        );
      if (!isObject(knobs))
        throw new HfqError('WORKFLOW_CONFIG', `${field} must be an object`, { field, source });
      const own: Record<string, number> = { ...(out[model] as Record<string, number> | undefined) };
      for (const [k, v] of Object.entries(knobs as Record<string, unknown>)) {
        if (!(PER_MODEL_KNOBS as readonly string[]).includes(k))
          throw new HfqError(
            'WORKFLOW_CONFIG',
            `unknown knob ${field}.${k} (per model: ${PER_MODEL_KNOBS.join(', ')})`,
            { field: `${field}.${k}`, source },
          );
        if (typeof v !== 'number')
          throw new HfqError('WORKFLOW_CONFIG', `${field}.${k} must be a number, got ${JSON.stringify(v)}`, {
            field: `${field}.${k}`,
            source,
          });
        own[k] = v;
      }
      out[model] = own;
    }
    return out;
  }
  if (override === null || typeof override !== 'object' || Array.isArray(override))
    throw new HfqError('WORKFLOW_CONFIG', 'the config must be an object', { field: '', source });
  const { data, ...rest } = override as Record<string, unknown>;
  const merged = merge({ ...base, data: undefined }, rest, '') as WorkflowConfig;
  // A shared model knob set here replaces the per-model values of it that came from `base`
  // (`{ models: { seeds: 3 } }` means 3 seeds for every model), unless set per model here too.
  const models = (rest as { models?: Record<string, unknown> }).models;
  if (models !== null && typeof models === 'object') {
    const own = (models.perModel ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const perModel: Record<string, ModelKnobOverrides> = {};
    for (const [name, knobs] of Object.entries(merged.models.perModel)) {
      const kept = Object.fromEntries(
        Object.entries(knobs ?? {}).filter(([k]) => models[k] === undefined || own[name]?.[k] !== undefined),
      );
      if (Object.keys(kept).length > 0) perModel[name] = kept;
    }
    merged.models = { ...merged.models, perModel };
  }
  merged.data = mergeData(base.data, data, source, baseDir);
  return validateConfig(merged, source);

  function mergeData(b: WorkflowData, o: unknown, source: string, baseDir: string): WorkflowData {
    if (o === undefined) return b;
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      throw new HfqError('WORKFLOW_CONFIG', 'data must be an object: { sim: {...} } or { dir: <dataset> }', {
        field: 'data',
        source,
      });
    for (const k of Object.keys(o))
      if (k !== 'sim' && k !== 'dir')
        throw new HfqError('WORKFLOW_CONFIG', `unknown knob data.${k} (data takes sim or dir)`, {
          field: `data.${k}`,
          source,
        });
    const d = o as { sim?: unknown; dir?: unknown };
    if (d.dir !== undefined) {
      if (d.sim !== undefined)
        throw new HfqError('WORKFLOW_CONFIG', 'data takes sim or dir, not both', { field: 'data', source });
      if (typeof d.dir !== 'string' || d.dir === '')
        throw new HfqError('WORKFLOW_CONFIG', `data.dir must be a path, got ${JSON.stringify(d.dir)}`, {
          field: 'data.dir',
          source,
        });
      return { dir: resolve(baseDir, d.dir) };
    }
    const sim = DEFAULT_WORKFLOW_CONFIG.data.sim!;
    return { sim: merge(b.sim ?? sim, d.sim, 'data.sim') as SimDataConfig };
  }
}

/** Reads a JSON or YAML file of overrides and merges it over the defaults. */
export function loadWorkflowConfig(path: string): WorkflowConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new HfqError('WORKFLOW_CONFIG', `cannot read config file ${path}`, { source: path }, { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new HfqError(
      'WORKFLOW_CONFIG',
      `config file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
      {
        source: path,
      },
    );
  }
  return mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, parsed ?? {}, path);
}

function validateConfig(c: WorkflowConfig, source: string): WorkflowConfig {
  const int = (
    path: string,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
    v = knobValue(c, path) as number,
  ) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new HfqError('WORKFLOW_CONFIG', `${path} must be an integer in [${min}, ${max}], got ${v}`, {
        field: path,
        source,
      });
    }
  };
  const frac = (path: string, lo: number, hi: number, v = knobValue(c, path) as number) => {
    if (!Number.isFinite(v) || v < lo || v > hi) {
      throw new HfqError('WORKFLOW_CONFIG', `${path} must be in [${lo}, ${hi}], got ${v}`, {
        field: path,
        source,
      });
    }
  };
  if (c.data.sim !== undefined) {
    int('data.sim.nStocks', 20);
    int('data.sim.nDays', 120);
    int('data.sim.indexSize', 10, c.data.sim.nStocks);
    int('data.sim.tickIntervalMs', 3000, 600_000);
  }
  int('factors.threads', 1, 64);
  int('models.threads', 1, 64);
  int('models.window', 5, 250);
  int('models.dModel', 4, 1024);
  int('models.seeds', 1, 20);
  int('models.epochs', 1, 1000);
  int('models.patience', 1, 1000);
  int('models.maxStocksPerDate', 0);
  int('models.variableTokens', 0, 300);
  int('models.retrainEvery', 5);
  int('models.sampleStride', 1, 20);
  int('models.sequenceLag', 1, 20);
  frac('models.testStart', 0.1, 0.95);
  frac('checkBestShare', 0, 1);
  frac('checkOracleShare', 0, 1);
  frac('models.learningRate', 1e-6, 1);
  frac('backtest.costPerSide', 0, 0.05);
  frac('backtest.maxDeviation', 0, 1);
  frac('backtest.industryBand', 0, 1);
  frac('backtest.styleBand', 0, 10);
  frac('backtest.maxTurnover', 0, 2);
  int('multiPeriod.steps', 1, 64);
  int('multiPeriod.minCalibrationDates', 1, 1000);
  // Each model's own knobs, in the same ranges as the shared ones.
  for (const [model, own] of Object.entries(c.models.perModel)) {
    const at = `models.perModel.${model}`;
    if (own.seeds !== undefined) int(`${at}.seeds`, 1, 20, own.seeds);
    if (own.epochs !== undefined) int(`${at}.epochs`, 1, 1000, own.epochs);
    if (own.patience !== undefined) int(`${at}.patience`, 1, 1000, own.patience);
    if (own.maxStocksPerDate !== undefined) int(`${at}.maxStocksPerDate`, 0, undefined, own.maxStocksPerDate);
    if (own.dModel !== undefined) int(`${at}.dModel`, 4, 1024, own.dModel);
    if (own.learningRate !== undefined) frac(`${at}.learningRate`, 1e-6, 1, own.learningRate);
  }
  for (const field of ['include', 'every5thDaySampled'] as const) {
    for (const m of c.models[field]) {
      if (!(MODEL_NAMES as readonly string[]).includes(m)) {
        throw new HfqError(
          'WORKFLOW_CONFIG',
          `models.${field}: unknown model ${m} (known: ${MODEL_NAMES.join(', ')})`,
          { field: `models.${field}`, source },
        );
      }
    }
  }
  return c;
}
