import { type FactorSource, type Panel, zscoreMoments } from '@hfq/core';
import { checkIntOption, checkNumOption, modelsError } from '../errors.js';

/**
 * How raw factor values become model inputs (saved with models and in ONNX metadata).
 *
 * In the preprocessing vocabulary of `@hfq/core` (`PreprocessStep`), each day's cross-section of
 * each feature (over the eligible stocks) goes through
 * `[{ op: 'zscore', ddof: 0, constant: 'zero', clip }, { op: 'fill', method: 'zero' }]`; this
 * spec adds the window and the missing-share filter, which are not per-cross-section steps.
 */
export interface PreprocessSpec {
  /** Days per input window. */
  window: number;
  /** Standardised values are clipped to `[-clip, clip]`. */
  clip: number;
  /** Stocks with a larger share of missing raw values in their window are not scored. */
  maxMissingShare: number;
}

/** Options of `FeatureWindows`. */
export interface FeatureOptions {
  /** Days of history per sample. Default 40. */
  window?: number;
  /** The factors to use, in this order. Default: all, in source order. */
  features?: readonly string[];
  /** Share of missing raw values above which a stock is left out of a date. Default 0.5. */
  maxMissingShare?: number;
  /** Clip of standardised values. Default 5. */
  clip?: number;
  /** Eligible stocks (dates x assets, finite non-zero = eligible). Default: all. */
  universe?: Panel;
}

/** The model inputs of one date. */
export interface FeatureSection {
  /** Date index in the factor source. */
  t: number;
  /** The date (yyyymmdd). */
  date: number;
  /** Number of stocks (rows). */
  n: number;
  /** Asset index (in the source) of each row. */
  assets: Int32Array;
  /** Standardised features, `n x window x nFeatures` row-major, day 0 = oldest; missing (NaN, +-Infinity) = 0. */
  x: Float32Array;
}

/**
 * Standardised `window x features` inputs of every stock on any date of a `FactorSource`, read
 * day by day (a dates x stocks x factors tensor is never built).
 *
 * Rules: per day and factor, mean and population std across the eligible stocks that have a
 * value; `z = (v - mean) / std` clipped to `[-clip, clip]`; missing values become 0 (the
 * cross-sectional mean) after standardisation; a factor constant across stocks that day gives 0.
 * A stock whose raw window has more than `maxMissingShare` missing values is left out.
 *
 * NaN rule: NaN and +-Infinity are both missing: they take no part in the day's statistics,
 * count towards `maxMissingShare`, and become 0 (an infinite raw value is not a huge signal).
 * The per-day z-score is `@hfq/core`'s `zscore` rule `{ ddof: 0, constant: 'zero', clip }`.
 */
export class FeatureWindows {
  readonly source: FactorSource;
  readonly dates: Int32Array;
  readonly assets: readonly string[];
  /** Names of the input factors, in input order. */
  readonly features: readonly string[];
  readonly window: number;
  readonly maxMissingShare: number;
  readonly clip: number;
  private readonly featureIdx: Int32Array;
  private readonly universe?: Panel;
  private readonly universeMap?: Int32Array;
  private readonly stats = new Map<number, Float64Array>();

  constructor(source: FactorSource, options: FeatureOptions = {}) {
    this.source = source;
    this.dates = source.dates;
    this.assets = source.assets;
    this.window = checkIntOption(options.window ?? 40, 'window', 1, 10000);
    this.maxMissingShare = checkNumOption(options.maxMissingShare ?? 0.5, 'maxMissingShare', 0, 1);
    this.clip = checkNumOption(options.clip ?? 5, 'clip', 0.1);
    const names = options.features ?? source.factors;
    if (names.length === 0)
      throw modelsError('MODELS_FEATURES', 'no features selected', { field: 'features' });
    if (new Set(names).size !== names.length) {
      throw modelsError('MODELS_FEATURES', 'a feature is listed twice', { field: 'features' });
    }
    this.featureIdx = Int32Array.from(names, (name) => {
      const i = source.factors.indexOf(name);
      if (i < 0) {
        throw modelsError('MODELS_FEATURES', `factor ${name} is not in the factor source`, {
          field: name,
          expected: names.length,
          available: source.factors.length,
        });
      }
      return i;
    });
    this.features = Object.freeze([...names]);
    if (options.universe !== undefined) {
      const u = options.universe;
      this.universe = u;
      this.universeMap = Int32Array.from(this.assets, (a) => u.assetIndex(a));
    }
  }

  get nFeatures(): number {
    return this.features.length;
  }

  /** The preprocessing these windows apply. */
  get preprocess(): PreprocessSpec {
    return { window: this.window, clip: this.clip, maxMissingShare: this.maxMissingShare };
  }

  /** Eligibility of every asset at date index `t` (1/0). */
  eligible(t: number): Uint8Array {
    const out = new Uint8Array(this.assets.length);
    if (this.universe === undefined) return out.fill(1);
    const row = this.universe.dateIndex(this.dates[t]!);
    if (row < 0) {
      throw modelsError('MODELS_DATA', 'date missing from the universe panel', {
        field: 'universe',
        date: this.dates[t]!,
      });
    }
    for (let a = 0; a < out.length; a++) {
      const j = this.universeMap![a]!;
      const v = j < 0 ? Number.NaN : this.universe.get(row, j);
      out[a] = Number.isFinite(v) && v !== 0 ? 1 : 0;
    }
    return out;
  }

  /** Per-factor `[mean_0..mean_F-1, sd_0..sd_F-1]` of day `d` across eligible stocks (cached; sd 0 = no dispersion). */
  private dayStats(d: number): Float64Array {
    let s = this.stats.get(d);
    if (s !== undefined) return s;
    const F = this.featureIdx.length;
    const nf = this.source.factors.length;
    const day = this.source.day(d);
    const na = this.assets.length;
    const include = this.eligible(d);
    s = new Float64Array(2 * F);
    const col = new Float64Array(na);
    for (let f = 0; f < F; f++) {
      const src = this.featureIdx[f]!;
      for (let a = 0; a < na; a++) col[a] = day[a * nf + src]!;
      const m = zscoreMoments(col, { ddof: 0, include });
      s[f] = m.centre;
      s[F + f] = m.sd;
    }
    this.stats.set(d, s);
    return s;
  }

  /**
   * Inputs of date index `t` for the eligible stocks whose window is complete enough; `keep`,
   * when given, must also be non-zero for a stock to be included.
   * @throws `MODELS_DATA` if `t` has fewer than `window - 1` days before it.
   */
  section(t: number, keep?: (asset: number) => boolean): FeatureSection {
    const L = this.window;
    if (!Number.isInteger(t) || t < L - 1 || t >= this.dates.length) {
      throw modelsError('MODELS_DATA', `date index ${t} has no full ${L}-day window`, { row: t });
    }
    const F = this.featureIdx.length;
    const nf = this.source.factors.length;
    const na = this.assets.length;
    const eligible = this.eligible(t);
    const days: Float32Array[] = [];
    for (let l = 0; l < L; l++) days.push(this.source.day(t - L + 1 + l));
    // Pass 1: which stocks qualify (missing share of the raw window).
    const maxMissing = this.maxMissingShare * L * F;
    const rows: number[] = [];
    for (let a = 0; a < na; a++) {
      if (eligible[a] === 0 || (keep !== undefined && !keep(a))) continue;
      let missing = 0;
      const base = a * nf;
      for (let l = 0; l < L && missing <= maxMissing; l++) {
        const day = days[l]!;
        for (let f = 0; f < F; f++) if (!Number.isFinite(day[base + this.featureIdx[f]!]!)) missing++;
      }
      if (missing <= maxMissing) rows.push(a);
    }
    const n = rows.length;
    const assets = Int32Array.from(rows);
    // Pass 2: standardised inputs.
    const x = new Float32Array(n * L * F);
    const clip = this.clip;
    for (let l = 0; l < L; l++) {
      const st = this.dayStats(t - L + 1 + l);
      const day = days[l]!;
      for (let i = 0; i < n; i++) {
        const base = assets[i]! * nf;
        const out = (i * L + l) * F;
        for (let f = 0; f < F; f++) {
          const v = day[base + this.featureIdx[f]!]!;
          const sd = st[F + f]!;
          // Missing (NaN or +-Infinity), or no dispersion that day (constant rule 'zero') -> 0.
          const z = Number.isFinite(v) && sd > 0 ? (v - st[f]!) / sd : 0;
          x[out + f] = Math.min(clip, Math.max(-clip, z));
        }
      }
    }
    return { t, date: this.dates[t]!, n, assets, x };
  }
}
