import { existsSync } from 'node:fs';
import { modelsError } from '../errors.js';
import { encodeTensorFile, type NamedTensor, readTensorFile, writeFileAtomic } from '../io/tensor-file.js';

/** One epoch of training history. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss (minus IC, plus any auxiliary term) over the epoch's steps. */
  trainLoss: number;
  /** Validation score (mean per-date IC or RankIC); NaN if undefined. */
  validScore: number;
  /** Wall seconds the epoch took (training + validation). */
  seconds: number;
}

/** Everything needed to continue a training run exactly where it stopped. */
export interface CheckpointState {
  fingerprint: string;
  /** Completed epochs. */
  epoch: number;
  /** True once training has ended (early stop or last epoch). */
  finished: boolean;
  /** Stocks per forward chunk the run uses (fixed at the start). */
  chunk: number;
  bestEpoch: number;
  bestScore: number;
  badEpochs: number;
  history: EpochRecord[];
  adam: { iterations: number; accBeta1: number; accBeta2: number; m: Float32Array[]; v: Float32Array[] };
  weights: Map<string, Float32Array>;
  best: Map<string, Float32Array>;
}

interface Meta extends Omit<CheckpointState, 'weights' | 'best' | 'adam'> {
  format: 'hfq-checkpoint';
  version: 1;
  adam: { iterations: number; accBeta1: number; accBeta2: number; moments: number };
}

/** Writes a checkpoint atomically (temp file + fsync + rename). */
export function writeCheckpoint(
  path: string,
  state: CheckpointState,
  shapes: Map<string, readonly number[]>,
): void {
  const tensors = new Map<string, NamedTensor>();
  for (const [k, v] of state.weights) tensors.set(`w/${k}`, { shape: shapes.get(k)!, data: v });
  for (const [k, v] of state.best) tensors.set(`best/${k}`, { shape: shapes.get(k)!, data: v });
  for (const [i, m] of state.adam.m.entries()) tensors.set(`m/${i}`, { shape: [m.length], data: m });
  for (const [i, v] of state.adam.v.entries()) tensors.set(`v/${i}`, { shape: [v.length], data: v });
  const { weights: _w, best: _b, adam, ...rest } = state;
  const meta: Meta = {
    format: 'hfq-checkpoint',
    version: 1,
    ...rest,
    bestScore: Number.isFinite(rest.bestScore) ? rest.bestScore : -1e300,
    history: rest.history.map((h) => ({
      ...h,
      validScore: Number.isFinite(h.validScore) ? h.validScore : -1e300,
    })),
    adam: {
      iterations: adam.iterations,
      accBeta1: adam.accBeta1,
      accBeta2: adam.accBeta2,
      moments: adam.m.length,
    },
  };
  writeFileAtomic(path, encodeTensorFile(meta, tensors));
}

/**
 * Reads a checkpoint, or `undefined` when `path` does not exist.
 * @throws `MODELS_CHECKPOINT` when it belongs to another run (`fingerprint` differs) or is corrupt.
 */
export function readCheckpoint(path: string, fingerprint: string): CheckpointState | undefined {
  if (!existsSync(path)) return undefined;
  let file: ReturnType<typeof readTensorFile>;
  try {
    file = readTensorFile(path);
  } catch (e) {
    throw modelsError('MODELS_CHECKPOINT', `checkpoint ${path} is unreadable`, { source: path }, e);
  }
  const meta = file.meta as Meta;
  if (meta?.format !== 'hfq-checkpoint') {
    throw modelsError('MODELS_CHECKPOINT', `${path} is not an hfq checkpoint`, { source: path });
  }
  if (meta.fingerprint !== fingerprint) {
    throw modelsError(
      'MODELS_CHECKPOINT',
      `checkpoint ${path} was written by a run with other data, model or options; delete it or use another path`,
      { source: path },
    );
  }
  const weights = new Map<string, Float32Array>();
  const best = new Map<string, Float32Array>();
  for (const [k, t] of file.tensors) {
    if (k.startsWith('w/')) weights.set(k.slice(2), t.data);
    else if (k.startsWith('best/')) best.set(k.slice(5), t.data);
  }
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  for (let i = 0; i < meta.adam.moments; i++) {
    const mi = file.tensors.get(`m/${i}`);
    const vi = file.tensors.get(`v/${i}`);
    if (mi === undefined || vi === undefined) {
      throw modelsError('MODELS_CHECKPOINT', `checkpoint ${path} lacks optimiser moment ${i}`, {
        source: path,
      });
    }
    m.push(mi.data);
    v.push(vi.data);
  }
  const undo = (x: number) => (x <= -1e299 ? Number.NaN : x);
  return {
    fingerprint: meta.fingerprint,
    epoch: meta.epoch,
    finished: meta.finished,
    chunk: meta.chunk,
    bestEpoch: meta.bestEpoch,
    bestScore: meta.bestScore <= -1e299 ? Number.NEGATIVE_INFINITY : meta.bestScore,
    badEpochs: meta.badEpochs,
    history: meta.history.map((h) => ({ ...h, validScore: undo(h.validScore) })),
    adam: {
      iterations: meta.adam.iterations,
      accBeta1: meta.adam.accBeta1,
      accBeta2: meta.adam.accBeta2,
      m,
      v,
    },
    weights,
    best,
  };
}

/** 64-bit FNV-1a of a string, as 16 hex digits (identifies a training run's inputs). */
export function fingerprintOf(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2 * i + 1) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
