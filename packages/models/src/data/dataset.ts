import { averageRank, type FactorSource, lowerBound, type Panel, zscoreInPlace } from '@hfq/core';
import { checkIntOption, modelsError } from '../errors.js';
import { type FeatureOptions, type FeatureSection, FeatureWindows, type PreprocessSpec } from './features.js';
import { LabelBuilder, type LabelTiming, type ReturnsSource } from './labels.js';

/** Options of `StockDataset`. Every default is the study's setting where it has one. */
export interface DatasetOptions extends FeatureOptions {
  /** Days of history per sample (X is `window x features`). Default 40. */
  window?: number;
  /**
   * Sample every `stride`-th trading day from `firstSample` (`@hfq/core` rule `{ every: stride,
   * offset: firstSample }`). Default 5: about weekly, but not the calendar-week rule `'weekly'`
   * (last trading day of each week), which holidays would shift.
   */
  stride?: number;
  /** Date index (in the factor source) of the first sample. Default `window - 1` (first full window). */
  firstSample?: number;
  /**
   * Label timing. Default: entry lag 1, horizon 10 (total return close T+1 -> close T+11) and
   * sequence lag 1 (the daily returns of days T+1..T+10), the study's.
   */
  label?: Partial<LabelTiming>;
  /** The factors to use, in this order (a subset of the source's). Default: all, in source order. */
  features?: readonly string[];
  /**
   * A stock is left out of a date's cross-section when more than this share of its
   * `window x features` raw values is missing (NaN or +-Infinity). Default 0.5.
   */
  maxMissingShare?: number;
  /** Standardised features and labels are clipped to `[-clip, clip]`. Default 5. */
  clip?: number;
  /**
   * Label standardisation per date: `zscore` (default; the study's Pearson-IC target) or `rank`
   * (z-scored ranks, robust to outliers).
   */
  labelTransform?: 'zscore' | 'rank';
  /**
   * Eligible stocks per date: dates x assets, finite non-zero = eligible (e.g. not ST, not
   * suspended). Restricts both the cross-sections and the per-day feature statistics.
   * Default: every stock of the factor source.
   */
  universe?: Panel;
  /** A date with fewer labelled stocks than this is not used for training. Default 20. */
  minStocks?: number;
}

/**
 * The labels' z-score rule: population sd, a constant cross-section -> 0 (clipped at the
 * dataset's `clip` for `zscore` labels; rank labels are z-scored average ranks, not clipped).
 */
const LABEL_ZSCORE = { ddof: 0, constant: 'zero' } as const;

/** Which labels `crossSection` builds. */
export type LabelKind = 'none' | 'total' | 'sequence' | 'both';

/**
 * One date's model input and labels. Rows follow `assets` (indices into the dataset's assets).
 * Standardised labels hold 0 where their mask is 0 (missing): masks, not values, say what counts.
 */
export interface CrossSection extends FeatureSection {
  /** Standardised total label per row (`labels` total/both). */
  y?: Float32Array;
  /** 1 where the total label exists, else 0. */
  yMask?: Float32Array;
  /** Raw total label (fraction) per row, NaN = missing (for evaluation). */
  rawY?: Float64Array;
  /** Standardised daily labels, `n x horizon` (`labels` sequence/both). */
  seq?: Float32Array;
  /** 1 where the daily label exists, `n x horizon`. */
  seqMask?: Float32Array;
}

/**
 * Model samples over a `FactorSource` and a returns source, read day by day: a dates x stocks x
 * factors tensor is never built. Each cross-section is built on demand from the `window` day
 * matrices it needs.
 *
 * NaN rules (NaN and +-Infinity are both missing, in features and labels alike):
 * - Features: per day and factor, mean and std across the (eligible) stocks with a value; a
 *   value becomes `(v - mean) / std` clipped to `[-clip, clip]`; missing values become 0 (the
 *   cross-sectional mean) after standardisation; a factor constant across stocks that day
 *   becomes 0. A stock with more than `maxMissingShare` of its window missing is left out of the
 *   date (no score, no loss).
 * - Labels: standardised per date across the stocks in the cross-section that have one
 *   (`@hfq/core` `zscore` rule `{ ddof: 0, constant: 'zero', clip }`; `rank`: z-scored average
 *   ranks, no clip); a stock without a label keeps its row for prediction but has mask 0 and
 *   never enters the loss.
 */
export class StockDataset {
  readonly source: FactorSource;
  readonly dates: Int32Array;
  readonly assets: readonly string[];
  /** Names of the model's input factors, in input order. */
  readonly features: readonly string[];
  readonly window: number;
  readonly stride: number;
  readonly timing: LabelTiming;
  readonly labelTransform: 'zscore' | 'rank';
  readonly minStocks: number;
  /** Date indices of the samples: `firstSample`, `+ stride`, ... */
  readonly sampleIndices: Int32Array;
  /** The input side (standardised windows), usable on its own for inference. */
  readonly inputs: FeatureWindows;
  private readonly labels: LabelBuilder;
  private readonly labelledCount = new Map<number, number>();

  constructor(source: FactorSource, returns: ReturnsSource, options: DatasetOptions = {}) {
    this.inputs = new FeatureWindows(source, options);
    this.source = source;
    this.dates = source.dates;
    this.assets = source.assets;
    this.features = this.inputs.features;
    this.window = this.inputs.window;
    this.stride = checkIntOption(options.stride ?? 5, 'stride', 1, 10000);
    this.timing = {
      entryLag: checkIntOption(options.label?.entryLag ?? 1, 'label.entryLag', 0, 1000),
      horizon: checkIntOption(options.label?.horizon ?? 10, 'label.horizon', 1, 1000),
      sequenceLag: checkIntOption(options.label?.sequenceLag ?? 1, 'label.sequenceLag', 1, 1000),
    };
    this.labelTransform = options.labelTransform ?? 'zscore';
    if (this.labelTransform !== 'zscore' && this.labelTransform !== 'rank') {
      throw modelsError('MODELS_CONFIG', 'labelTransform must be zscore or rank', {
        field: 'labelTransform',
      });
    }
    this.minStocks = checkIntOption(options.minStocks ?? 20, 'minStocks', 3);
    this.labels = new LabelBuilder(returns, this.dates, this.assets, this.timing);
    const first = checkIntOption(options.firstSample ?? this.window - 1, 'firstSample', this.window - 1);
    const samples: number[] = [];
    for (let t = first; t < this.dates.length; t += this.stride) samples.push(t);
    this.sampleIndices = Int32Array.from(samples);
  }

  get nFeatures(): number {
    return this.features.length;
  }

  get nAssets(): number {
    return this.assets.length;
  }

  /** Clip of standardised features and labels. */
  get clip(): number {
    return this.inputs.clip;
  }

  /** Missing-share filter of the inputs. */
  get maxMissingShare(): number {
    return this.inputs.maxMissingShare;
  }

  /** The preprocessing of the inputs (stored with trained models and exported files). */
  get preprocess(): PreprocessSpec {
    return this.inputs.preprocess;
  }

  /** Whether the daily-return sequence label is available (not from a forward-return panel). */
  get hasSequence(): boolean {
    return this.labels.hasSequence;
  }

  /**
   * Last date whose close a label of date index `t` uses: the later end of the total label and the
   * daily sequence (`Infinity` past the data). Splits and walk-forward folds purge on it.
   */
  labelEndDate(t: number): number {
    return this.labels.labelEndDate(this.dates[t]!);
  }

  /**
   * The cross-section of date index `t`: eligible stocks whose window is complete enough, their
   * standardised `window x features` inputs, and the labels asked for. With `requireLabel`,
   * stocks without a total label are left out too (training: they would only cost compute).
   * @throws `MODELS_DATA` if `t` has fewer than `window - 1` days before it.
   */
  crossSection(t: number, labels: LabelKind = 'none', requireLabel = false): CrossSection {
    const date = this.dates[t]!;
    let rawTotal: Float64Array | undefined;
    if (labels === 'total' || labels === 'both' || requireLabel) {
      rawTotal = new Float64Array(this.assets.length);
      this.labels.total(date, rawTotal);
    }
    const keep = requireLabel ? (a: number) => Number.isFinite(rawTotal![a]!) : undefined;
    const cs: CrossSection = this.inputs.section(t, keep);
    const { n, assets } = cs;
    if (labels === 'total' || labels === 'both') {
      const raw = new Float64Array(n);
      for (let i = 0; i < n; i++) raw[i] = rawTotal![assets[i]!]!;
      cs.rawY = raw;
      const { values, mask } = this.standardiseLabels(raw);
      cs.y = values;
      cs.yMask = mask;
    }
    if (labels === 'sequence' || labels === 'both') {
      const H = this.timing.horizon;
      const all = new Float64Array(this.assets.length * H);
      this.labels.daily(date, all);
      const seq = new Float32Array(n * H);
      const seqMask = new Float32Array(n * H);
      const col = new Float64Array(n);
      for (let k = 0; k < H; k++) {
        for (let i = 0; i < n; i++) col[i] = all[assets[i]! * H + k]!;
        const { values, mask } = this.standardiseLabels(col);
        for (let i = 0; i < n; i++) {
          seq[i * H + k] = values[i]!;
          seqMask[i * H + k] = mask[i]!;
        }
      }
      cs.seq = seq;
      cs.seqMask = seqMask;
    }
    return cs;
  }

  private standardiseLabels(raw: Float64Array): { values: Float32Array; mask: Float32Array } {
    const v = Float64Array.from(raw);
    if (this.labelTransform === 'rank') {
      // +-Infinity is a missing label like NaN (averageRank would rank it).
      for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) v[i] = Number.NaN;
      v.set(averageRank(v));
      zscoreInPlace(v, LABEL_ZSCORE);
    } else {
      zscoreInPlace(v, { ...LABEL_ZSCORE, clip: this.clip });
    }
    const values = new Float32Array(v.length);
    const mask = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      if (Number.isFinite(v[i]!)) {
        values[i] = v[i]!;
        mask[i] = 1;
      }
    }
    return { values, mask };
  }

  /** Number of eligible stocks with a total label at date index `t` (cached). */
  labelledStocks(t: number): number {
    let c = this.labelledCount.get(t);
    if (c === undefined) {
      const raw = new Float64Array(this.assets.length);
      this.labels.total(this.dates[t]!, raw);
      const eligible = this.inputs.eligible(t);
      c = 0;
      for (let a = 0; a < raw.length; a++) if (eligible[a] !== 0 && Number.isFinite(raw[a]!)) c++;
      this.labelledCount.set(t, c);
    }
    return c;
  }

  /**
   * Sample date indices in `[fromIndex, toIndex)` whose total labels exist for at least
   * `minStocks` stocks and whose daily sequence (when the source gives one) ends inside the data.
   */
  trainableSamples(fromIndex = 0, toIndex = this.dates.length): Int32Array {
    const out: number[] = [];
    for (const t of this.sampleIndices) {
      if (t < fromIndex || t >= toIndex) continue;
      if (!this.labels.sequenceInPanel(this.dates[t]!)) continue;
      if (this.labelledStocks(t) >= this.minStocks) out.push(t);
    }
    return Int32Array.from(out);
  }

  /** Date index of `date` (yyyymmdd), or of the first date after it; `dates.length` if none. */
  indexAtOrAfter(date: number): number {
    return lowerBound(this.dates, date);
  }
}
