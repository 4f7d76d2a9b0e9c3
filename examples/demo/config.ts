/**
 * The demo's configuration: one object with every knob, defaults sized so the whole study runs in
 * about 15 minutes on 2 CPU cores, and a loader for JSON or YAML files that override any subset.
 * `KNOBS` documents each knob once; `--help` prints it.
 */
import { readFileSync } from 'node:fs';
import { HfqError } from '@hfq/core';
import { parse as parseYaml } from 'yaml';

export interface DemoConfig {
  /** Output folder (report, models, scores). */
  out: string;
  /**
   * The demo fails (exit code 2) unless the composite's and the all-300 Transformer's
   * out-of-sample RankIC each reach this share of the oracle's (0 = no check; tiny smoke-test
   * markets are too noisy for it).
   */
  checkOracleShare: number;
  market: {
    seed: number;
    nStocks: number;
    nDays: number;
    startDate: number;
    indexSize: number;
    /** Snapshot cadence of the tick frames the tick factors read (ms). */
    tickIntervalMs: number;
  };
  factors: {
    /** Worker threads evaluating factors (each simulates its own stocks). */
    threads: number;
  };
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
    /** Which models to train (names in MODEL_NAMES). */
    include: string[];
  };
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
}

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
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const DEFAULT_DEMO_CONFIG: DemoConfig = {
  out: 'out/demo',
  checkOracleShare: 0.5,
  market: { seed: 1, nStocks: 200, nDays: 480, startDate: 20230103, indexSize: 80, tickIntervalMs: 60_000 },
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
    every5thDaySampled: ['all-crossformer'],
    include: [...MODEL_NAMES],
  },
  backtest: { costPerSide: 0.002, maxDeviation: 0.008, industryBand: 0.02, styleBand: 0.3, maxTurnover: 0.3 },
};

/** One line of `--help` per knob: path, default, meaning (units). */
export const KNOBS: ReadonlyArray<readonly [path: string, doc: string]> = [
  ['out', 'output folder'],
  [
    'checkOracleShare',
    'fail unless the composite and the all-300 Transformer each reach this share of the oracle RankIC (0 = off)',
  ],
  ['market.seed', 'simulator seed (same seed, same market, byte for byte)'],
  ['market.nStocks', 'stocks in the synthetic universe'],
  ['market.nDays', 'trading days simulated'],
  ['market.startDate', 'first calendar day (yyyymmdd)'],
  ['market.indexSize', 'constituents of the CSI-1000-like benchmark index'],
  ['market.tickIntervalMs', 'snapshot cadence of tick frames (ms; 3000 = exchange cadence, slow)'],
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
  ['models.include', `models to train: ${MODEL_NAMES.join(', ')}`],
  ['backtest.costPerSide', 'transaction cost per side (fraction; 0.002 = 0.4% two-sided)'],
  ['backtest.maxDeviation', 'per-stock weight deviation from the benchmark (fraction)'],
  ['backtest.industryBand', 'industry exposure band vs the benchmark (fraction)'],
  ['backtest.styleBand', 'style exposure band vs the benchmark (standardised units)'],
  ['backtest.maxTurnover', 'two-sided turnover per rebalance, every 5 trading days (fraction)'],
];

/** The value of `path` (`a.b`) in `obj`. */
export function knobValue(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** `--help` text: usage, then every knob with its default. */
export function helpText(): string {
  const width = Math.max(...KNOBS.map(([p]) => p.length));
  const lines = KNOBS.map(
    ([p, doc]) => `  ${p.padEnd(width)}  ${doc} [${JSON.stringify(knobValue(DEFAULT_DEMO_CONFIG, p))}]`,
  );
  return [
    'npm run demo -- [--config <file.json|file.yaml>] [--out <dir>] [--quiet]',
    '',
    'Runs the whole study on the built-in synthetic market: factors (327), models (walk-forward,',
    'out of sample), single-factor tests, the CSI-1000-like enhanced-index backtest, and a report.',
    'A config file overrides any subset of these knobs (nested as in the paths), e.g.',
    '  { "market": { "nStocks": 1000, "nDays": 1500 }, "models": { "seeds": 3, "variableTokens": 0 } }',
    '',
    'Knobs [default]:',
    ...lines,
  ].join('\n');
}

/** Deep-merges `override` into `base` (arrays replaced); rejects unknown keys with their path. */
export function mergeConfig(base: DemoConfig, override: unknown, source = 'config'): DemoConfig {
  const merge = (b: unknown, o: unknown, path: string): unknown => {
    if (o === undefined) return b;
    if (b !== null && typeof b === 'object' && !Array.isArray(b)) {
      if (o === null || typeof o !== 'object' || Array.isArray(o)) {
        throw new HfqError('DEMO_CONFIG', `${path || 'the config'} must be an object`, {
          field: path,
          source,
        });
      }
      const out: Record<string, unknown> = { ...(b as Record<string, unknown>) };
      for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
        if (!Object.hasOwn(b as object, k)) {
          throw new HfqError('DEMO_CONFIG', `unknown knob ${path ? `${path}.` : ''}${k} (see --help)`, {
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
        throw new HfqError('DEMO_CONFIG', `${path} must be a list`, { field: path, source });
      return o;
    }
    if (typeof o !== typeof b) {
      throw new HfqError('DEMO_CONFIG', `${path} must be a ${typeof b}, got ${JSON.stringify(o)}`, {
        field: path,
        source,
      });
    }
    return o;
  };
  return validateConfig(merge(base, override, '') as DemoConfig, source);
}

/** Reads a JSON or YAML file of overrides and merges it over the defaults. */
export function loadConfig(path: string): DemoConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new HfqError('DEMO_CONFIG', `cannot read config file ${path}`, { source: path }, { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new HfqError(
      'DEMO_CONFIG',
      `config file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
      {
        source: path,
      },
    );
  }
  return mergeConfig(DEFAULT_DEMO_CONFIG, parsed ?? {}, path);
}

function validateConfig(c: DemoConfig, source: string): DemoConfig {
  const int = (path: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = knobValue(c, path) as number;
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new HfqError('DEMO_CONFIG', `${path} must be an integer in [${min}, ${max}], got ${v}`, {
        field: path,
        source,
      });
    }
  };
  const frac = (path: string, lo: number, hi: number) => {
    const v = knobValue(c, path) as number;
    if (!Number.isFinite(v) || v < lo || v > hi) {
      throw new HfqError('DEMO_CONFIG', `${path} must be in [${lo}, ${hi}], got ${v}`, {
        field: path,
        source,
      });
    }
  };
  int('market.nStocks', 20);
  int('market.nDays', 120);
  int('market.indexSize', 10, c.market.nStocks);
  int('market.tickIntervalMs', 3000, 600_000);
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
  frac('models.testStart', 0.1, 0.95);
  frac('checkOracleShare', 0, 1);
  frac('models.learningRate', 1e-6, 1);
  frac('backtest.costPerSide', 0, 0.05);
  frac('backtest.maxDeviation', 0, 1);
  frac('backtest.industryBand', 0, 1);
  frac('backtest.styleBand', 0, 10);
  frac('backtest.maxTurnover', 0, 2);
  for (const field of ['include', 'every5thDaySampled'] as const) {
    for (const m of c.models[field]) {
      if (!(MODEL_NAMES as readonly string[]).includes(m)) {
        throw new HfqError(
          'DEMO_CONFIG',
          `models.${field}: unknown model ${m} (known: ${MODEL_NAMES.join(', ')})`,
          { field: `models.${field}`, source },
        );
      }
    }
  }
  return c;
}
