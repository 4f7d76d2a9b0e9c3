import { HfqError, Panel, type PanelDType } from '@hfq/core';
import { dslError } from '../language/errors.js';
import { type FactorLimits, resolveLimits } from '../language/limits.js';
import { type CheckedDaily, checkDaily } from './check.js';
import { planDaily, runDailyBlock } from './engine.js';
import { runDailyInWorkers } from './pool.js';

/** A daily factor: a name and a formula of the daily level (hfq spelling or qlib's syntax). */
export interface DailyFactorDef {
  readonly name: string;
  readonly formula: string;
}

/** Options of `evaluateDaily`. */
export interface DailyEvaluateOptions {
  /**
   * Groups of assets for the group operators and `cs_neutralize`: `industry` as one code per asset
   * (integers >= 0; NaN or negative = unknown), constant over the dates, or a dates x assets
   * `Panel` of codes (an industry change takes effect on its date). When omitted and the inputs
   * have a panel named `industry`, that panel is used.
   */
  groups?: { industry?: ArrayLike<number> | Panel };
  /**
   * How many finite days a window needs for a value. `'qlib'` (default): one, as qlib (pandas
   * `min_periods=1`; the first days of a series use the days there are). `'window'`: all `w` days
   * of the window (pandas' own default `min_periods=w`); a window holding a missing day is NaN.
   * Lags (`delay`, `diff`) and `ts_count` are not affected. Operators that need more values (a
   * standard deviation needs 2) need them in both modes.
   */
  minPeriods?: 'qlib' | 'window';
  /** Safety limits (`DEFAULT_LIMITS`); windows are in trading days. */
  limits?: Partial<FactorLimits>;
  /**
   * Threads (an integer >= 1; default 1, the calling thread). With more, the assets are split into
   * that many contiguous blocks evaluated by worker threads over shared memory (the inputs are
   * copied once into `SharedArrayBuffer`s, each worker writes its columns of the outputs); the
   * workers are started on first use and kept (unreferenced, so they never keep a process alive)
   * for later calls with the same count. Formulas with a cross-sectional or group operator, and
   * panels of fewer than 64 assets per thread, run on the calling thread. Values do not depend on
   * the number of threads.
   */
  workers?: number;
  /**
   * Storage of the output panels: `'float64'` (default) or `'float32'`. Values are computed in
   * float64 either way; `'float32'` rounds each output value once when it is stored (relative error
   * at most 2^-24, about 6e-8; NaN stays NaN; a magnitude beyond float32's range, about 3.4e38,
   * becomes an infinity), which halves the memory the outputs take and their cost to write: Alpha158
   * over 1,000 stocks x 800 days is 1 GB of float64 outputs.
   */
  dtype?: PanelDType;
}

/**
 * Evaluates daily factors over dates x assets panels: one output `Panel` (the inputs' dates and
 * assets, float64, or float32 with `dtype: 'float32'`) per definition, keyed by `def.name`.
 *
 * Inputs are daily fields by name (`close`, `volume`, `turnover`, an intraday factor's daily
 * values, ...), all with the same dates and assets; a formula reads them by name (`checkDaily`
 * checks each formula against `Object.keys(inputs)` first, so an unknown name is a typed error
 * with a suggestion). Identical subexpressions (after canonicalisation, so `Mean($close, 5)` and
 * `ts_mean(close, 5)` are one node) are computed once across all formulas, and intermediate
 * panels are released as soon as their last consumer has run.
 *
 * Missing values: NaN (or any non-finite value) is missing. A suspended day is a NaN input; a
 * stock before its listing is NaN on those dates. Elementwise operators give NaN when an input
 * is missing, except comparisons, which follow pandas as qlib does (a comparison with a missing
 * side is 0; `!=` is 1). Rolling operators skip missing days (see `minPeriods` and each
 * operator's rule in the reference); cross-sectional operators leave missing assets out. Division
 * by 0 and `log` of x <= 0 give NaN (qlib gives +-inf; hfq never produces infinities).
 *
 * No look-ahead: time-series operators read only the current and earlier days (lags are >= 0),
 * cross-sectional operators only the current date.
 *
 * @throws HfqError `DSL_INPUT` (no definitions, duplicate names, panels whose dates or assets
 * differ, bad options), the errors of `checkDaily` (with the factor's name in `context.field`).
 */
export async function evaluateDaily(
  defs: readonly DailyFactorDef[],
  inputs: Readonly<Record<string, Panel>>,
  options: DailyEvaluateOptions = {},
): Promise<Record<string, Panel>> {
  const p = prepare(defs, inputs, options);
  const { T, N } = p;
  const workers = Math.min(p.workers, Math.floor(N / MIN_ASSETS_PER_WORKER));
  if (workers < 2 || p.plan.crossSection) return runOnThisThread(p);
  const shared = (n: number) => new Float64Array(new SharedArrayBuffer(n * 8));
  const fields: Record<string, Float64Array> = {};
  for (const name of p.plan.fields) {
    const v = shared(T * N);
    v.set(inputs[name]!.values);
    fields[name] = v;
  }
  const outs = defs.map(() =>
    p.dtype === 'float32' ? new Float32Array(new SharedArrayBuffer(T * N * 4)) : shared(T * N),
  );
  await namingOverflow(p, () =>
    runDailyInWorkers(workers, {
      formulas: p.checked.map((c) => c.text),
      fieldNames: p.names,
      limits: p.limits,
      minWindow: p.minWindow,
      T,
      N,
      dates: p.dates,
      fields,
      outs,
    }),
  );
  return Object.fromEntries(defs.map((d, i) => [d.name, new Panel(p.dates, p.assets, outs[i]!)]));
}

/** Fewer assets per worker than this are not worth a thread. */
const MIN_ASSETS_PER_WORKER = 64;

/**
 * `evaluateDaily` on the calling thread, synchronously (what the asynchronous function runs).
 * @internal
 */
export function evaluateDailySync(
  defs: readonly DailyFactorDef[],
  inputs: Readonly<Record<string, Panel>>,
  options: DailyEvaluateOptions = {},
): Record<string, Panel> {
  return runOnThisThread(prepare(defs, inputs, options));
}

interface Prepared {
  checked: CheckedDaily[];
  plan: ReturnType<typeof planDaily>;
  names: string[];
  limits: FactorLimits;
  minWindow: boolean;
  workers: number;
  dtype: PanelDType;
  T: number;
  N: number;
  dates: Int32Array;
  assets: readonly string[];
  inputs: Readonly<Record<string, Panel>>;
  industry: ((t: number) => ArrayLike<number>) | undefined;
  defs: readonly DailyFactorDef[];
}

/**
 * Runs `f`; a float32 overflow from the engine (`OUT_OF_RANGE`, `field` the formula's index) is
 * rethrown naming the factor and the asset.
 */
function namingOverflow<R>(p: Prepared, f: () => R): R {
  const rename = (e: unknown): never => {
    if (e instanceof HfqError && e.code === 'OUT_OF_RANGE' && /^\d+$/.test(String(e.context.field))) {
      const def = p.defs[Number(e.context.field)]!;
      const asset = p.assets[e.context.asset as number]!;
      throw new HfqError(
        e.code,
        `factor '${def.name}' has a value beyond float32's range (|x| > 3.4e38); use dtype 'float64'`,
        {
          ...e.context,
          field: def.name,
          asset,
        },
      );
    }
    throw e;
  };
  try {
    const r = f();
    return (r instanceof Promise ? r.catch(rename) : r) as R;
  } catch (e) {
    return rename(e);
  }
}

function runOnThisThread(p: Prepared): Record<string, Panel> {
  const { T, N, inputs } = p;
  const outs = p.defs.map(() => (p.dtype === 'float32' ? new Float32Array(T * N) : new Float64Array(T * N)));
  namingOverflow(p, () =>
    runDailyBlock(p.plan, {
      T,
      nAll: N,
      a0: 0,
      a1: N,
      dates: p.dates,
      field: (name) => inputs[name]!.values,
      industry: p.industry,
      minWindow: p.minWindow,
      outs,
    }),
  );
  return Object.fromEntries(p.defs.map((d, i) => [d.name, new Panel(p.dates, p.assets, outs[i]!)]));
}

/** Validates the definitions, inputs and options, checks every formula and plans the graph. */
function prepare(
  defs: readonly DailyFactorDef[],
  inputs: Readonly<Record<string, Panel>>,
  options: DailyEvaluateOptions,
): Prepared {
  const limits = resolveLimits(options.limits);
  if (!Array.isArray(defs) || defs.length === 0) {
    throw dslError('DSL_INPUT', 'evaluateDaily needs at least one factor definition', { field: 'defs' });
  }
  if (defs.length > limits.maxFormulas) {
    throw dslError('DSL_INPUT', `${defs.length} formulas, more than maxFormulas ${limits.maxFormulas}`, {
      field: 'defs',
      limit: 'maxFormulas',
      max: limits.maxFormulas,
    });
  }
  const minPeriods = options.minPeriods ?? 'qlib';
  if (minPeriods !== 'qlib' && minPeriods !== 'window') {
    throw dslError('DSL_INPUT', `minPeriods must be 'qlib' or 'window', got ${String(minPeriods)}`, {
      field: 'minPeriods',
    });
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw dslError('DSL_INPUT', `workers must be an integer >= 1, got ${String(workers)}`, {
      field: 'workers',
    });
  }
  const dtype = options.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw dslError('DSL_INPUT', `dtype must be 'float64' or 'float32', got ${String(dtype)}`, {
      field: 'dtype',
    });
  }
  const { dates, assets, names } = checkInputs(inputs);
  const T = dates.length;
  const N = assets.length;

  // Check every formula first: nothing runs unless all are valid.
  const seenNames = new Set<string>();
  const checked: CheckedDaily[] = [];
  for (const def of defs) {
    if (def === null || typeof def !== 'object' || typeof def.name !== 'string' || def.name.length === 0) {
      throw dslError('DSL_INPUT', 'each definition needs a non-empty name and a formula', { field: 'defs' });
    }
    if (seenNames.has(def.name)) {
      throw dslError('DSL_INPUT', `duplicate factor name '${def.name}'`, { field: def.name });
    }
    seenNames.add(def.name);
    try {
      checked.push(checkDaily(def.formula, names, { limits }));
    } catch (e) {
      if (e instanceof HfqError) {
        throw new HfqError(e.code, `factor '${def.name}': ${e.message}`, { ...e.context, field: def.name });
      }
      throw e;
    }
  }
  const industry = resolveIndustry(options.groups?.industry ?? inputs.industry, dates, assets);
  if (industry === undefined) {
    const needs = checked.findIndex((c) => c.needsIndustry);
    if (needs >= 0) {
      throw dslError(
        'DSL_INPUT',
        `factor '${defs[needs]!.name}' uses a group operator or cs_neutralize but no industry was given (options.groups.industry or an 'industry' input)`,
        { field: 'groups' },
      );
    }
  }

  return {
    checked,
    plan: planDaily(checked.map((c) => c.ast)),
    names,
    limits,
    minWindow: minPeriods === 'window',
    workers,
    dtype,
    T,
    N,
    dates,
    assets,
    inputs,
    industry,
    defs,
  };
}

function checkInputs(inputs: Readonly<Record<string, Panel>>): {
  dates: Int32Array;
  assets: readonly string[];
  names: string[];
} {
  if (inputs === null || typeof inputs !== 'object') {
    throw dslError('DSL_INPUT', 'inputs must be an object of Panels by field name', { field: 'inputs' });
  }
  const names = Object.keys(inputs);
  if (names.length === 0) throw dslError('DSL_INPUT', 'no input panels', { field: 'inputs' });
  let first: Panel | undefined;
  for (const name of names) {
    const p = inputs[name];
    if (!(p instanceof Panel)) throw dslError('DSL_INPUT', `input '${name}' is not a Panel`, { field: name });
    if (first === undefined) {
      first = p;
      continue;
    }
    const sameDates = p.dates.length === first.dates.length && p.dates.every((d, i) => d === first!.dates[i]);
    const sameAssets =
      p.assets.length === first.assets.length && p.assets.every((a, i) => a === first!.assets[i]);
    if (!sameDates || !sameAssets) {
      throw dslError(
        'DSL_INPUT',
        `input '${name}' has other ${sameDates ? 'assets' : 'dates'} than '${names[0]}'; align the panels first (Panel.alignTo)`,
        { field: name },
      );
    }
  }
  return { dates: first!.dates, assets: first!.assets, names };
}

function resolveIndustry(
  g: ArrayLike<number> | Panel | undefined,
  dates: Int32Array,
  assets: readonly string[],
): ((t: number) => ArrayLike<number>) | undefined {
  if (g === undefined) return undefined;
  if (g instanceof Panel) {
    if (g.nDates !== dates.length || g.nAssets !== assets.length || g.dates.some((d, i) => d !== dates[i])) {
      throw dslError('DSL_INPUT', 'the industry panel must have the dates and assets of the inputs', {
        field: 'industry',
      });
    }
    return (t) => g.row(t);
  }
  if (g.length !== assets.length) {
    throw dslError('DSL_INPUT', `industry has ${g.length} codes for ${assets.length} assets`, {
      field: 'industry',
    });
  }
  return () => g;
}
