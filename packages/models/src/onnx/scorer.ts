import type { FactorSource, Panel } from '@hfq/core';
import type { InferenceSession } from 'onnxruntime-web';
import { type FeatureSection, FeatureWindows, type PreprocessSpec } from '../data/features.js';
import { modelsError } from '../errors.js';
import { checkPreprocess } from '../io/read-checks.js';
import { inferenceChunk, type ModelConfig, outputSize, validateConfig } from '../models/config.js';
import type { Predictor } from '../train/predictor.js';
import { META } from './meta.js';
import { decodeModel } from './proto.js';
import { loadOnnxRuntime, type OnnxRuntimeBackend, type OnnxWasmOptions, type OrtModule } from './runtime.js';

/**
 * Reads a file in Node. `node:fs` is imported on demand (by a computed name, which bundlers leave
 * alone) so that the scorer also loads in browsers, where callers pass the file's bytes.
 */
async function readFileBytes(path: string): Promise<Uint8Array> {
  const fsName = ['node', 'fs/promises'].join(':');
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  return fs.readFile(path);
}

/** What an exported file says about itself (from its metadata). */
export interface OnnxModelInfo {
  config: ModelConfig;
  features: string[];
  preprocess: PreprocessSpec | null;
  horizonWeights: number[] | null;
  /** Input layout in words. */
  layout: string;
}

/**
 * Reads the hfq metadata of an ONNX file, checking each entry: `hfq.config` a valid model config,
 * `hfq.features` `nFeatures` names, `hfq.preprocess` null or a preprocessing record,
 * `hfq.horizonWeights` null or one finite weight per output.
 * @throws `MODELS_FORMAT` for a file hfq did not write, or naming the metadata key (`field`) that
 *   is missing, not JSON or of the wrong shape.
 */
export function readOnnxInfo(bytes: Uint8Array, source?: string): OnnxModelInfo {
  let props: Map<string, string>;
  try {
    props = new Map((decodeModel(bytes).metadataProps ?? []).map((p) => [p.key, p.value]));
  } catch (e) {
    throw modelsError('MODELS_FORMAT', 'not a readable ONNX file', { source }, e);
  }
  if (props.get(META.format) !== 'hfq-onnx/1') {
    throw modelsError('MODELS_FORMAT', 'ONNX file lacks hfq metadata (not exported by @hfq/models)', {
      source,
    });
  }
  const bad = (field: string, what: string, cause?: unknown) =>
    modelsError('MODELS_FORMAT', `ONNX metadata ${field}: ${what}`, { source, field }, cause);
  const parse = (key: string): unknown => {
    const text = props.get(key);
    if (text === undefined) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw bad(key, 'is not valid JSON', e);
    }
  };
  const config = parse(META.config);
  if (config === null || typeof config !== 'object') throw bad(META.config, 'is missing');
  try {
    validateConfig(config as ModelConfig);
  } catch (e) {
    throw bad(META.config, `is not a valid model config: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const cfg = config as ModelConfig;
  const features = parse(META.features);
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
    throw bad(META.features, 'must be a list of factor names');
  }
  if (features.length !== cfg.nFeatures) {
    throw bad(META.features, `lists ${features.length} names for a model with nFeatures ${cfg.nFeatures}`);
  }
  const preRaw = parse(META.preprocess);
  const preprocess =
    preRaw === null
      ? null
      : checkPreprocess(preRaw, (field, what) => bad(`${META.preprocess} (${field})`, what));
  const hw = parse(META.horizonWeights);
  if (
    hw !== null &&
    (!Array.isArray(hw) ||
      hw.length !== outputSize(cfg) ||
      !hw.every((w) => typeof w === 'number' && Number.isFinite(w)))
  ) {
    throw bad(META.horizonWeights, `must be ${outputSize(cfg)} finite numbers`);
  }
  return {
    config: cfg,
    features,
    preprocess,
    horizonWeights: hw as number[] | null,
    layout: props.get(META.layout) ?? '',
  };
}

/** Options of `OnnxScorer.load`. */
export interface OnnxScorerOptions {
  /**
   * The features the caller will supply, by name (checked in order) or by count. A mismatch
   * throws `MODELS_FEATURES` at load time rather than scoring garbage.
   */
  expectFeatures?: readonly string[] | number;
  /** Stocks per `session.run` (default `inferenceChunk(config, 512)`: ~512 MB of intermediates). */
  chunk?: number;
  /** onnxruntime session options (threads, providers). */
  sessionOptions?: InferenceSession.SessionOptions;
  /**
   * Which runtime scores (see `OnnxRuntimeBackend`). Default `auto`: `native` (onnxruntime-node)
   * when that optional peer is installed and loads in Node, else `wasm` (onnxruntime-web, in Node
   * and browsers). The choice is `OnnxScorer.backend`. Naming `native` without onnxruntime-node
   * throws `MODELS_BACKEND` with the install command; nothing falls back silently.
   */
  backend?: OnnxRuntimeBackend | 'auto';
  /** Settings of the `wasm` runtime (where its `.wasm` files are, threads). */
  wasm?: OnnxWasmOptions;
}

/**
 * An exported model running on ONNX Runtime: onnxruntime-node where installed, else
 * onnxruntime-web on WebAssembly (Node and browsers; `backend` says which). Usable as a `Predictor` (ensembles of ONNX
 * files work like ensembles of tfjs models), on raw `[stocks, window, features]` arrays (`run`),
 * or straight on a `FactorSource` date (`scoreDate`, which applies the file's own preprocessing).
 */
export class OnnxScorer implements Predictor {
  readonly features: readonly string[];
  readonly window: number;
  readonly info: OnnxModelInfo;
  /** The runtime scoring this model: `native` (onnxruntime-node) or `wasm` (onnxruntime-web). */
  readonly backend: OnnxRuntimeBackend;
  private readonly chunk: number;
  private readonly windowsBySource = new WeakMap<FactorSource, FeatureWindows>();

  private constructor(
    private readonly session: InferenceSession,
    private readonly ort: OrtModule,
    backend: OnnxRuntimeBackend,
    info: OnnxModelInfo,
    chunk: number,
  ) {
    this.backend = backend;
    this.info = info;
    this.features = Object.freeze([...info.features]);
    this.window = info.config.window;
    this.chunk = chunk;
  }

  /**
   * Opens an exported file (a path, in Node only, or the file's bytes).
   * @throws `MODELS_FORMAT` for a non-hfq file; `MODELS_FEATURES` when `expectFeatures` differs
   *   from the file's feature list; `MODELS_BACKEND` when `backend: 'native'` is asked for and
   *   onnxruntime-node is not installed (the message gives the install command).
   */
  static async load(file: string | Uint8Array, options: OnnxScorerOptions = {}): Promise<OnnxScorer> {
    const source = typeof file === 'string' ? file : undefined;
    let bytes: Uint8Array;
    try {
      bytes = typeof file === 'string' ? await readFileBytes(file) : file;
    } catch (e) {
      throw modelsError('MODELS_FORMAT', `could not read ${String(file)}`, { source }, e);
    }
    const info = readOnnxInfo(bytes, source);
    const want = options.expectFeatures;
    if (typeof want === 'number' && want !== info.features.length) {
      throw modelsError(
        'MODELS_FEATURES',
        `model expects ${info.features.length} features, caller supplies ${want}`,
        { source, field: 'features', expected: info.features.length, actual: want },
      );
    }
    if (typeof want === 'object') {
      const i = info.features.findIndex((f, k) => want[k] !== f);
      if (want.length !== info.features.length || i >= 0) {
        throw modelsError(
          'MODELS_FEATURES',
          want.length !== info.features.length
            ? `model expects ${info.features.length} features, caller supplies ${want.length}`
            : `feature ${i} is ${String(want[i])}, model expects ${info.features[i]}`,
          { source, field: 'features', expected: info.features.length, actual: want.length },
        );
      }
    }
    const { backend, ort } = await loadOnnxRuntime(options.backend, options.wasm);
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, options.sessionOptions ?? {});
    } catch (e) {
      throw modelsError('MODELS_ONNX', `onnxruntime (${backend}) could not load the model`, { source }, e);
    }
    return new OnnxScorer(session, ort, backend, info, options.chunk ?? inferenceChunk(info.config, 512));
  }

  /**
   * Runs the model on `n` stocks' inputs (`n x window x nFeatures`, row-major, already
   * standardised). Returns `score` (length n) and, for the sequence model, `returns` (n x horizon).
   * @throws `MODELS_SHAPE` when `x` has the wrong length.
   */
  async run(x: Float32Array, n: number): Promise<{ score: Float32Array; returns?: Float32Array }> {
    const { window: L, nFeatures: F } = this.info.config;
    if (x.length !== n * L * F) {
      throw modelsError('MODELS_SHAPE', `input has ${x.length} values, expected ${n} x ${L} x ${F}`, {
        field: 'x',
        expected: n * L * F,
        actual: x.length,
      });
    }
    const H = this.info.config.kind === 'seq2seq' ? this.info.config.horizon : 0;
    const score = new Float32Array(n);
    const returns = H > 0 ? new Float32Array(n * H) : undefined;
    for (let s = 0; s < n; s += this.chunk) {
      const m = Math.min(this.chunk, n - s);
      const input = new this.ort.Tensor('float32', x.subarray(s * L * F, (s + m) * L * F), [m, L, F]);
      let out: InferenceSession.OnnxValueMapType;
      try {
        out = await this.session.run({ x: input });
      } catch (e) {
        throw modelsError('MODELS_ONNX', 'onnxruntime failed to run the model', {}, e);
      }
      score.set(out.score!.data as Float32Array, s);
      if (returns !== undefined) returns.set(out.returns!.data as Float32Array, s * H);
    }
    return returns === undefined ? { score } : { score, returns };
  }

  /** `Predictor.score`: the model's score for each row of a prepared cross-section. */
  async score(cs: FeatureSection): Promise<Float32Array> {
    return (await this.run(cs.x, cs.n)).score;
  }

  /**
   * Scores every asset of `source` on `date` (yyyymmdd) with the file's own preprocessing
   * (window, clip, missing-share filter) and feature list, looked up by name in the source.
   * NaN for stocks left out. @throws `MODELS_FEATURES` when the source lacks a model feature.
   */
  async scoreDate(
    source: FactorSource,
    date: number,
    options: { universe?: Panel } = {},
  ): Promise<Float32Array> {
    let windows = options.universe === undefined ? this.windowsBySource.get(source) : undefined;
    if (windows === undefined) {
      const pre = this.info.preprocess;
      windows = new FeatureWindows(source, {
        window: this.window,
        features: this.features,
        clip: pre?.clip ?? 5,
        maxMissingShare: pre?.maxMissingShare ?? 0.5,
        universe: options.universe,
      });
      if (options.universe === undefined) this.windowsBySource.set(source, windows);
    }
    const t = source.dates.indexOf(date);
    if (t < 0) throw modelsError('MODELS_DATA', 'date not in the factor source', { date });
    const cs = windows.section(t);
    const s = await this.score(cs);
    const out = new Float32Array(source.assets.length).fill(Number.NaN);
    for (let i = 0; i < cs.n; i++) out[cs.assets[i]!] = s[i]!;
    return out;
  }

  /** Frees the onnxruntime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
