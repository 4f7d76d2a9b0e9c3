import { HfqError } from '../errors.js';
import { FactorCube, type FactorSource } from '../factor-cube.js';
import { Panel, type PanelArray } from '../panel.js';
import { ProgressReporter, type TaskOptions } from '../progress.js';
import type { PreprocessErrorCode } from './errors.js';
import { checkFillMethod, type FillMethod, fillInPlace } from './fill.js';
import { denseGroups } from './industry.js';
import { logMarketCap, neutralizeInPlace } from './neutralize.js';
import { checkCount } from './options.js';
import { rankGaussInPlace } from './rank-gauss.js';
import {
  type WinsorizeOptions,
  type WinsorizeParams,
  winsorizeInPlace,
  winsorizeParams,
} from './winsorize.js';
import { Workspace } from './workspace.js';
import { type ZScoreOptions, type ZScoreRule, zscoreRule, zscoreWithRule } from './zscore.js';

/**
 * One cross-sectional step of a preprocessing pipeline. Steps run in the order given, per day
 * and per factor, on that day's cross-section only.
 *
 * - `winsorize`: clip to `median +- k * madScale * MAD` (see `winsorize`).
 * - `zscore`: `(x - mean) / sd` under the rule's `ddof`, `constant`, `clip` and `clipMode` (see
 *   `zscore`; cap weights are not a step option).
 * - `rankGauss`: average ranks to normal quantiles (see `rankGauss`).
 * - `fill`: replace missing values (see `fillMissing`); `industryMedian` reads `exposures.industry`.
 * - `neutralize`: OLS residual on industry dummies (`industry`, default true), log market cap
 *   (`size`, default true) and the named `styles` (see `neutralize`). A flag that is on needs
 *   its exposure.
 */
export type PreprocessStep =
  | ({ op: 'winsorize' } & WinsorizeOptions)
  | ({ op: 'zscore' } & ZScoreStepOptions)
  | { op: 'rankGauss' }
  | { op: 'fill'; method: FillMethod }
  | { op: 'neutralize'; industry?: boolean; size?: boolean; styles?: readonly string[]; minDof?: number };

/** The options of a `zscore` step: those of {@link ZScoreOptions} that are not per asset. */
export type ZScoreStepOptions = Pick<ZScoreOptions, 'ddof' | 'constant' | 'clip' | 'clipMode'>;

/**
 * Per-asset exposures the `fill` and `neutralize` steps read. Panels must have the same assets, in
 * the same order, as the data processed (use `Panel.alignTo` first) and contain every date
 * processed; only the row of the day being processed is ever read.
 */
export interface PreprocessExposures {
  /**
   * Industry codes (integers >= 0; NaN or negative = unknown): one per asset for a fixed
   * classification, or a dates x assets panel when it changes over time.
   */
  industry?: ArrayLike<number> | Panel;
  /** Market capitalisation, dates x assets (> 0 where finite; NaN = missing). Used as log size. */
  marketCap?: Panel;
  /** Other exposures by name (e.g. Barra-style), dates x assets, for `neutralize.styles`. */
  styles?: Readonly<Record<string, Panel>>;
}

/** Options of {@link preprocessPanel} and {@link preprocessCube}. */
export interface PreprocessOptions extends TaskOptions {
  exposures?: PreprocessExposures;
}

type Resolved =
  | { op: 'winsorize'; p: WinsorizeParams }
  | { op: 'zscore'; rule: ZScoreRule }
  | { op: 'rankGauss' }
  | { op: 'fill'; method: FillMethod }
  | { op: 'neutralize'; industry: boolean; size: boolean; styles: readonly string[]; minDof: number };

function optionError(message: string, field: string): HfqError<PreprocessErrorCode> {
  return new HfqError<PreprocessErrorCode>('DSL_PREPROCESS_OPTION', message, { field });
}

function missing(message: string, field: string): HfqError<PreprocessErrorCode> {
  return new HfqError<PreprocessErrorCode>('DSL_PREPROCESS_MISSING_INPUT', message, { field });
}

function resolveSteps(steps: readonly PreprocessStep[], ex: PreprocessExposures): Resolved[] {
  if (!Array.isArray(steps)) throw optionError('steps must be an array', 'steps');
  return steps.map((s, i): Resolved => {
    const op = (s as { op?: unknown } | null)?.op;
    switch (op) {
      case 'winsorize': {
        const w = s as WinsorizeOptions;
        return {
          op,
          p: winsorizeParams({
            ...(w.k !== undefined && { k: w.k }),
            ...(w.madScale !== undefined && { madScale: w.madScale }),
          }),
        };
      }
      case 'zscore': {
        const z = s as ZScoreStepOptions;
        return {
          op,
          rule: zscoreRule({
            ...(z.ddof !== undefined && { ddof: z.ddof }),
            ...(z.constant !== undefined && { constant: z.constant }),
            ...(z.clip !== undefined && { clip: z.clip }),
            ...(z.clipMode !== undefined && { clipMode: z.clipMode }),
          }),
        };
      }
      case 'rankGauss':
        return { op };
      case 'fill': {
        const method = checkFillMethod((s as { method?: unknown }).method);
        if (method === 'industryMedian' && ex.industry === undefined) {
          throw missing(`step ${i} (fill industryMedian) needs exposures.industry`, 'industry');
        }
        return { op, method };
      }
      case 'neutralize': {
        const n = s as Extract<PreprocessStep, { op: 'neutralize' }>;
        const industry = n.industry ?? true;
        const size = n.size ?? true;
        const styles = n.styles ?? [];
        if (industry && ex.industry === undefined) {
          throw missing(`step ${i} (neutralize) needs exposures.industry, or industry: false`, 'industry');
        }
        if (size && ex.marketCap === undefined) {
          throw missing(`step ${i} (neutralize) needs exposures.marketCap, or size: false`, 'marketCap');
        }
        for (const name of styles) {
          if (ex.styles?.[name] === undefined)
            throw missing(`step ${i} (neutralize) needs exposures.styles.${name}`, name);
        }
        const minDof = checkCount(n.minDof ?? 1, 'minDof', 0, Number.MAX_SAFE_INTEGER);
        return { op, industry, size, styles, minDof };
      }
      default:
        throw optionError(`step ${i} has unknown op ${String(op)}`, `steps[${i}].op`);
    }
  });
}

function checkExposurePanel(p: Panel, field: string, dates: Int32Array, assets: readonly string[]): void {
  if (p.nAssets !== assets.length || p.assets.some((a, i) => a !== assets[i])) {
    throw new HfqError<PreprocessErrorCode>(
      'DSL_PREPROCESS_SHAPE',
      `exposure ${field} must have the same assets in the same order as the data (use Panel.alignTo)`,
      { field },
    );
  }
  for (const d of dates) {
    if (p.dateIndex(d) < 0) {
      throw new HfqError<PreprocessErrorCode>(
        'DSL_PREPROCESS_NO_DATE',
        `exposure ${field} has no row for ${d}`,
        {
          field,
          date: d,
        },
      );
    }
  }
}

/** Reads the exposures of one day once; shared by every factor of that day. */
class DayExposures {
  readonly groups: Int32Array;
  nGroups = 0;
  readonly logCap: Float64Array;
  private staticGroups = -1;

  constructor(
    private readonly ex: PreprocessExposures,
    private readonly steps: readonly Resolved[],
    readonly nAssets: number,
  ) {
    this.groups = new Int32Array(nAssets);
    this.logCap = new Float64Array(nAssets);
    const ind = ex.industry;
    if (ind !== undefined && !(ind instanceof Panel)) {
      if (ind.length !== nAssets) {
        throw new HfqError<PreprocessErrorCode>(
          'DSL_PREPROCESS_SHAPE',
          `exposures.industry has ${ind.length} codes for ${nAssets} assets`,
          { field: 'industry' },
        );
      }
      this.staticGroups = denseGroups(ind, this.groups);
    }
  }

  load(date: number): void {
    const ind = this.ex.industry;
    if (this.staticGroups >= 0) this.nGroups = this.staticGroups;
    else if (ind instanceof Panel) this.nGroups = denseGroups(ind.rowOf(date), this.groups, { date });
    const needsSize = this.steps.some((s) => s.op === 'neutralize' && s.size);
    if (needsSize) logMarketCap(this.ex.marketCap!.rowOf(date), this.logCap, date);
  }

  covariates(step: Extract<Resolved, { op: 'neutralize' }>, date: number): ArrayLike<number>[] {
    const cov: ArrayLike<number>[] = step.size ? [this.logCap] : [];
    for (const name of step.styles) cov.push(this.ex.styles![name]!.rowOf(date));
    return cov;
  }
}

function runSteps(
  x: Float64Array,
  steps: readonly Resolved[],
  day: DayExposures,
  date: number,
  ws: Workspace,
): void {
  for (const s of steps) {
    switch (s.op) {
      case 'winsorize':
        winsorizeInPlace(x, s.p, ws);
        break;
      case 'zscore':
        zscoreWithRule(x, s.rule);
        break;
      case 'rankGauss':
        rankGaussInPlace(x, ws);
        break;
      case 'fill':
        fillInPlace(x, s.method, ws, day.groups, day.nGroups);
        break;
      case 'neutralize': {
        const cov = day.covariates(s, date);
        if (s.industry) neutralizeInPlace(x, day.groups, day.nGroups, cov, s.minDof, ws);
        else neutralizeInPlace(x, ALL_ONE_GROUP(day.nAssets), 1, cov, s.minDof, ws);
        break;
      }
    }
  }
}

const zeros = new Map<number, Int32Array>();
function ALL_ONE_GROUP(n: number): Int32Array {
  let z = zeros.get(n);
  if (z === undefined) {
    z = new Int32Array(n);
    if (zeros.size > 8) zeros.clear();
    zeros.set(n, z);
  }
  return z;
}

function prepare(
  dates: Int32Array,
  assets: readonly string[],
  steps: readonly PreprocessStep[],
  ex: PreprocessExposures,
): { resolved: Resolved[]; day: DayExposures } {
  const resolved = resolveSteps(steps, ex);
  const needsIndustry = resolved.some(
    (s) => (s.op === 'fill' && s.method === 'industryMedian') || (s.op === 'neutralize' && s.industry),
  );
  if (needsIndustry && ex.industry instanceof Panel)
    checkExposurePanel(ex.industry, 'industry', dates, assets);
  if (resolved.some((s) => s.op === 'neutralize' && s.size))
    checkExposurePanel(ex.marketCap!, 'marketCap', dates, assets);
  for (const s of resolved) {
    if (s.op === 'neutralize')
      for (const name of s.styles) checkExposurePanel(ex.styles![name]!, name, dates, assets);
  }
  const day = new DayExposures(needsIndustry ? ex : { ...ex, industry: undefined }, resolved, assets.length);
  return { resolved, day };
}

/**
 * Runs a preprocessing pipeline on a dates x assets panel, day by day: each output row depends
 * only on the same row of the input and the same date's exposures (no look-ahead, no
 * smoothing across days). Computes in float64; returns a new float64 panel, the input is not
 * modified. NaN rules are those of each step (see {@link PreprocessStep}).
 *
 * @example
 * const clean = preprocessPanel(factor, [
 *   { op: 'winsorize', k: 5 },
 *   { op: 'neutralize' },
 *   { op: 'zscore' },
 *   { op: 'fill', method: 'zero' },
 * ], { exposures: { industry: codes, marketCap: daily.marketCap } });
 *
 * @throws `DSL_PREPROCESS_*` (see `PreprocessErrorCode`) for bad steps or exposures, `ABORTED`
 *   when `signal` aborts. Reports progress in days (stage `preprocess`).
 */
export function preprocessPanel(
  panel: Panel<PanelArray>,
  steps: readonly PreprocessStep[],
  options: PreprocessOptions = {},
): Panel<Float64Array> {
  const ex = options.exposures ?? {};
  const { resolved, day } = prepare(panel.dates, panel.assets, steps, ex);
  const out = Panel.alloc(panel.dates, panel.assets, 'float64');
  const ws = new Workspace().reserve(panel.nAssets);
  const progress = new ProgressReporter(options, 'preprocess', panel.nDates, 'days');
  for (let t = 0; t < panel.nDates; t++) {
    const date = panel.dates[t]!;
    day.load(date);
    const x = out.row(t);
    x.set(panel.row(t));
    runSteps(x, resolved, day, date, ws);
    progress.tick();
  }
  return out;
}

/**
 * Runs a preprocessing pipeline on every factor (or the named `factors`) of a per-day factor
 * cube, day by day and factor by factor, each on its own cross-section: nothing mixes factors
 * or days. Computes in float64 and stores float32. Returns a new `FactorCube` (the factors not
 * named are copied unchanged); the input is not modified.
 *
 * @throws `DSL_PREPROCESS_*` for bad steps or exposures, `NOT_FOUND` for an unknown factor name,
 *   `ABORTED` when `signal` aborts. Reports progress in days (stage `preprocess`).
 */
export function preprocessCube(
  cube: FactorSource,
  steps: readonly PreprocessStep[],
  options: PreprocessOptions & { factors?: readonly string[] } = {},
): FactorCube {
  const ex = options.exposures ?? {};
  const { resolved, day } = prepare(cube.dates, cube.assets, steps, ex);
  const nf = cube.factors.length;
  const na = cube.assets.length;
  const which = (options.factors ?? cube.factors).map((name) => {
    const f = cube.factors.indexOf(name);
    if (f < 0) throw new HfqError('NOT_FOUND', `no factor ${name} in the cube`, { field: name });
    return f;
  });
  const ws = new Workspace().reserve(na);
  const x = new Float64Array(na);
  const days: Float32Array[] = [];
  const progress = new ProgressReporter(options, 'preprocess', cube.dates.length, 'days');
  for (let t = 0; t < cube.dates.length; t++) {
    const date = cube.dates[t]!;
    day.load(date);
    const d = cube.day(t).slice();
    for (const f of which) {
      for (let a = 0; a < na; a++) x[a] = d[a * nf + f]!;
      runSteps(x, resolved, day, date, ws);
      for (let a = 0; a < na; a++) d[a * nf + f] = x[a]!;
    }
    days.push(d);
    progress.tick();
  }
  return new FactorCube(cube.dates, cube.assets, cube.factors, days);
}
