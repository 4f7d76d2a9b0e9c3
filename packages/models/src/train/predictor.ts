import { Panel, ProgressReporter, type TaskOptions, zscoreInPlace } from '@hfq/core';
import { ic } from '@hfq/metrics';
import type { CrossSection, StockDataset } from '../data/dataset.js';
import { modelsError } from '../errors.js';
import { finiteMean } from '../eval/finite-mean.js';
import { inferenceChunk } from '../models/config.js';
import type { Model } from '../models/model.js';

/**
 * Anything that scores a cross-section: a trained model, an ONNX file, an ensemble of them.
 * Higher score = higher expected return. One score per row of `cs`; NaN = no opinion.
 */
export interface Predictor {
  /** Names of the input factors, in input order. */
  readonly features: readonly string[];
  /** Days of history per input. */
  readonly window: number;
  score(cs: CrossSection): Promise<Float32Array>;
}

/** Checks that a predictor reads the dataset's features in the dataset's order and window. */
export function checkCompatible(p: Predictor, ds: StockDataset): void {
  if (p.window !== ds.window) {
    throw modelsError(
      'MODELS_FEATURES',
      `predictor window ${p.window} differs from the dataset's ${ds.window}`,
      {
        field: 'window',
      },
    );
  }
  if (p.features.length !== ds.features.length || p.features.some((f, i) => f !== ds.features[i])) {
    throw modelsError(
      'MODELS_FEATURES',
      `predictor expects ${p.features.length} features [${p.features.slice(0, 5).join(', ')}...], dataset gives ${ds.features.length}`,
      { field: 'features', expected: p.features.length, actual: ds.features.length },
    );
  }
}

/**
 * A tfjs model as a predictor. The sequence model's `horizon` outputs are combined with
 * `horizonWeights` (default all 1: the study's sum of the predicted daily returns).
 */
export class ModelPredictor implements Predictor {
  readonly features: readonly string[];
  readonly window: number;
  readonly horizonWeights: Float64Array | undefined;

  constructor(
    readonly model: Model,
    options: { horizonWeights?: ArrayLike<number>; features?: readonly string[]; chunk?: number } = {},
  ) {
    const features = options.features ?? model.features;
    if (features === undefined) {
      throw modelsError('MODELS_FEATURES', 'the model has no feature names; pass options.features', {
        field: 'features',
      });
    }
    this.features = features;
    this.window = model.config.window;
    const k = model.outputSize;
    if (options.horizonWeights !== undefined && options.horizonWeights.length !== k) {
      throw modelsError(
        'MODELS_CONFIG',
        `${options.horizonWeights.length} horizon weights for ${k} outputs`,
        {
          field: 'horizonWeights',
        },
      );
    }
    this.horizonWeights =
      k > 1 ? Float64Array.from(options.horizonWeights ?? new Array(k).fill(1)) : undefined;
    this.chunk = options.chunk ?? inferenceChunk(model.config);
  }

  private readonly chunk: number;

  /** Raw model outputs of `cs`: `n` or `n x horizon`. */
  raw(cs: CrossSection): Float32Array {
    return this.model.predict(cs.x, cs.n, this.chunk);
  }

  async score(cs: CrossSection): Promise<Float32Array> {
    const out = this.raw(cs);
    const w = this.horizonWeights;
    if (w === undefined) return out;
    const k = w.length;
    const s = new Float32Array(cs.n);
    for (let i = 0; i < cs.n; i++) {
      let acc = 0;
      for (let h = 0; h < k; h++) acc += w[h]! * out[i * k + h]!;
      s[i] = acc;
    }
    return s;
  }
}

/**
 * Equal-weight (or weighted) average of several predictors' per-date standardised scores:
 * each member's scores are z-scored across the cross-section (finite entries), then averaged
 * with `weights` (default equal) over the members that have a score for the stock. Used for
 * seed ensembles and for composites of different models.
 */
export class Ensemble implements Predictor {
  readonly features: readonly string[];
  readonly window: number;
  readonly weights: Float64Array;

  constructor(
    readonly members: readonly Predictor[],
    weights?: ArrayLike<number>,
  ) {
    if (members.length === 0)
      throw modelsError('MODELS_CONFIG', 'an ensemble needs members', { field: 'members' });
    const first = members[0]!;
    for (const m of members) {
      if (
        m.window !== first.window ||
        m.features.length !== first.features.length ||
        m.features.some((f, i) => f !== first.features[i])
      ) {
        throw modelsError('MODELS_FEATURES', 'ensemble members must read the same features and window', {
          field: 'members',
        });
      }
    }
    this.features = first.features;
    this.window = first.window;
    if (weights !== undefined && weights.length !== members.length) {
      throw modelsError('MODELS_CONFIG', `${weights.length} weights for ${members.length} members`, {
        field: 'weights',
      });
    }
    this.weights = Float64Array.from(weights ?? new Array(members.length).fill(1));
  }

  async score(cs: CrossSection): Promise<Float32Array> {
    const rows: Float64Array[] = [];
    for (const m of this.members) rows.push(Float64Array.from(await m.score(cs)));
    return combineStandardized(rows, this.weights, new Float32Array(cs.n));
  }
}

/**
 * The composite rule of `Ensemble`, on one cross-section: each member's scores are z-scored over
 * their finite entries (in place), then averaged with `weights` over the members that score the
 * stock; NaN where none does. Writes and returns `out`.
 */
function combineStandardized<T extends Float32Array | Float64Array>(
  rows: Float64Array[],
  weights: ArrayLike<number>,
  out: T,
): T {
  const n = out.length;
  const acc = new Float64Array(n);
  const wsum = new Float64Array(n);
  for (let j = 0; j < rows.length; j++) {
    const s = rows[j]!;
    zscoreInPlace(s, { ddof: 0, constant: 'zero' });
    const w = weights[j]!;
    for (let i = 0; i < n; i++) {
      if (Number.isFinite(s[i]!)) {
        acc[i]! += w * s[i]!;
        wsum[i]! += w;
      }
    }
  }
  for (let i = 0; i < n; i++) out[i] = wsum[i]! > 0 ? acc[i]! / wsum[i]! : Number.NaN;
  return out;
}

/**
 * A composite of score panels (e.g. models trained on different factor sets), by the rule of
 * `Ensemble`: per date, each panel's scores z-scored across stocks, then averaged with `weights`
 * (default equal) over the panels that score the stock. Panels are matched by date value and
 * asset id; the result is on the first panel's dates and assets (float32, NaN = not scored).
 * @throws `MODELS_CONFIG` for no panels or a weights length mismatch.
 */
export function combineScorePanels(
  panels: readonly Panel[],
  weights?: ArrayLike<number>,
): Panel<Float32Array> {
  if (panels.length === 0)
    throw modelsError('MODELS_CONFIG', 'combineScorePanels needs panels', { field: 'panels' });
  if (weights !== undefined && weights.length !== panels.length) {
    throw modelsError('MODELS_CONFIG', `${weights.length} weights for ${panels.length} panels`, {
      field: 'weights',
    });
  }
  const first = panels[0]!;
  const aligned = panels.map((p, j) => (j === 0 ? p : p.alignTo(first.dates, first.assets)));
  const out = Panel.alloc(first.dates, first.assets, 'float32');
  const w = weights ?? new Array(panels.length).fill(1);
  for (let t = 0; t < first.nDates; t++) {
    combineStandardized(
      aligned.map((p) => Float64Array.from(p.row(t))),
      w,
      out.row(t),
    );
  }
  return out;
}

/**
 * Scores of `predictor` at date indices `dateIndices` as a dates x assets panel (float32) over all
 * of the dataset's assets; stocks outside a date's cross-section (ineligible or too much missing
 * data) are NaN.
 */
export async function predictPanel(
  predictor: Predictor,
  ds: StockDataset,
  dateIndices: ArrayLike<number>,
  options: TaskOptions = {},
): Promise<Panel<Float32Array>> {
  checkCompatible(predictor, ds);
  const idx = Array.from(dateIndices);
  const panel = Panel.alloc(
    idx.map((t) => ds.dates[t]!),
    ds.assets,
    'float32',
  );
  const progress = new ProgressReporter(options, 'predict', idx.length, 'dates');
  for (let r = 0; r < idx.length; r++) {
    const cs = ds.crossSection(idx[r]!, 'none');
    const s = await predictor.score(cs);
    const row = panel.row(r);
    for (let i = 0; i < cs.n; i++) row[cs.assets[i]!] = s[i]!;
    progress.tick();
  }
  return panel;
}

/**
 * Horizon weights for the sequence model fitted on validation dates: each horizon's weight is its
 * mean per-date IC between the predicted return of that day and the total label, floored at 0,
 * scaled so the weights sum to `horizon` (equal weights = the study's plain sum). All non-positive
 * -> all 1. Predicting the total from the horizons that actually carry information beats the sum
 * when far horizons are noise.
 */
export function fitHorizonWeights(
  model: Model,
  ds: StockDataset,
  validDates: ArrayLike<number>,
): Float64Array {
  const k = model.outputSize;
  if (k === 1)
    throw modelsError('MODELS_CONFIG', 'horizon weights need the sequence model', { field: 'kind' });
  const ics: number[][] = Array.from({ length: k }, () => []);
  for (const t of Array.from(validDates)) {
    const cs = ds.crossSection(t, 'total');
    const out = model.predict(cs.x, cs.n);
    const y = new Float64Array(cs.n);
    for (let i = 0; i < cs.n; i++) y[i] = cs.yMask![i]! > 0 ? cs.y![i]! : Number.NaN;
    const col = new Float64Array(cs.n);
    for (let h = 0; h < k; h++) {
      for (let i = 0; i < cs.n; i++) col[i] = out[i * k + h]!;
      ics[h]!.push(ic(col, y));
    }
  }
  const w = Float64Array.from(ics, (v) => Math.max(0, finiteMean(v) || 0));
  const sum = w.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return new Float64Array(k).fill(1);
  for (let h = 0; h < k; h++) w[h] = (w[h]! * k) / sum;
  return w;
}
