import { existsSync } from 'node:fs';
import { modelsError } from '../errors.js';
import {
  encodeTensorFile,
  firstNonFinite,
  type NamedTensor,
  readTensorFile,
  saveBytes,
  type TensorFile,
} from '../io/tensor-file.js';

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
  saveBytes(path, encodeTensorFile(meta, tensors));
}

/**
 * Reads a checkpoint, or `undefined` when `path` does not exist. Everything is checked before it
 * is used: the content hash written with it (a weight or an epoch count edited on disk is
 * refused), the shape of its metadata (epochs, scores, history, Adam state), that every weight,
 * best weight and optimiser moment is finite, and, given `shapes`, that the weights are exactly
 * the model's parameters with their sizes.
 * @throws `MODELS_CHECKPOINT` naming the file (`source`) and the field at fault, when it belongs
 *   to another run (`fingerprint` differs), is unreadable, edited, incomplete or holds a
 *   non-finite value.
 */
export function readCheckpoint(
  path: string,
  fingerprint: string,
  shapes?: ReadonlyMap<string, readonly number[]>,
): CheckpointState | undefined {
  if (!existsSync(path)) return undefined;
  let file: TensorFile;
  try {
    file = readTensorFile(path);
  } catch (e) {
    const field = (e as { context?: { field?: string } }).context?.field;
    throw modelsError(
      'MODELS_CHECKPOINT',
      `checkpoint ${path} is unreadable or was altered`,
      { source: path, field },
      e,
    );
  }
  const bad = (field: string, what: string) =>
    modelsError('MODELS_CHECKPOINT', `checkpoint ${path}: ${what}`, { source: path, field });
  const meta = file.meta as Partial<Meta> | null;
  if (meta === null || typeof meta !== 'object' || meta.format !== 'hfq-checkpoint') {
    throw bad('format', 'not an hfq checkpoint');
  }
  if (!file.hashed) {
    throw bad(
      'sha256',
      'has no content hash (written by an older version, or stripped); delete it to retrain',
    );
  }
  if (meta.fingerprint !== fingerprint) {
    throw modelsError(
      'MODELS_CHECKPOINT',
      `checkpoint ${path} was written by a run with other data, model or options; delete it or use another path`,
      { source: path, field: 'fingerprint' },
    );
  }
  const int = (x: unknown, field: string, min: number): number => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
      throw bad(field, `${field} must be an integer >= ${min}, got ${JSON.stringify(x)}`);
    }
    return x;
  };
  const num = (x: unknown, field: string): number => {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw bad(field, `${field} must be a finite number, got ${JSON.stringify(x)}`);
    }
    return x;
  };
  const epoch = int(meta.epoch, 'epoch', 0);
  if (typeof meta.finished !== 'boolean') throw bad('finished', 'finished must be true or false');
  const chunk = int(meta.chunk, 'chunk', 1);
  const bestEpoch = int(meta.bestEpoch, 'bestEpoch', 0);
  if (bestEpoch > epoch) throw bad('bestEpoch', `bestEpoch ${bestEpoch} is after epoch ${epoch}`);
  const bestScoreRaw = num(meta.bestScore, 'bestScore');
  const badEpochs = int(meta.badEpochs, 'badEpochs', 0);
  if (!Array.isArray(meta.history) || meta.history.length !== epoch) {
    throw bad('history', `history must list one record per completed epoch (${epoch})`);
  }
  const undo = (x: number) => (x <= -1e299 ? Number.NaN : x);
  const history: EpochRecord[] = meta.history.map((h: Partial<EpochRecord> | null, i) => {
    if (h === null || typeof h !== 'object') throw bad(`history[${i}]`, `history[${i}] is not a record`);
    if (h.epoch !== i + 1) throw bad(`history[${i}].epoch`, `history[${i}].epoch must be ${i + 1}`);
    return {
      ...h,
      epoch: i + 1,
      trainLoss: num(h.trainLoss, `history[${i}].trainLoss`),
      validScore: undo(num(h.validScore, `history[${i}].validScore`)),
      seconds: num(h.seconds, `history[${i}].seconds`),
    };
  });
  const adam = meta.adam as Partial<Meta['adam']> | undefined;
  if (adam === undefined || adam === null || typeof adam !== 'object') {
    throw bad('adam', 'lacks the optimiser state (adam)');
  }
  const iterations = int(adam.iterations, 'adam.iterations', 0);
  const accBeta1 = num(adam.accBeta1, 'adam.accBeta1');
  const accBeta2 = num(adam.accBeta2, 'adam.accBeta2');
  const moments = int(adam.moments, 'adam.moments', 0);

  const finite = (name: string, data: Float32Array): Float32Array => {
    const hit = firstNonFinite(data);
    if (hit !== undefined) throw bad(name, `${name}[${hit.index}] is ${hit.value}`);
    return data;
  };
  const weights = new Map<string, Float32Array>();
  const best = new Map<string, Float32Array>();
  for (const [k, t] of file.tensors) {
    if (k.startsWith('w/')) weights.set(k.slice(2), finite(k, t.data));
    else if (k.startsWith('best/')) best.set(k.slice(5), finite(k, t.data));
  }
  if (shapes !== undefined) {
    for (const [group, map] of [
      ['w', weights],
      ['best', best],
    ] as const) {
      for (const [name, shape] of shapes) {
        const w = map.get(name);
        const size = shape.reduce((a, b) => a * b, 1);
        if (w === undefined) throw bad(`${group}/${name}`, `lacks ${group}/${name}`);
        if (w.length !== size) {
          throw bad(
            `${group}/${name}`,
            `${group}/${name} has ${w.length} values, the model's parameter ${size}`,
          );
        }
      }
      for (const name of map.keys()) {
        if (!shapes.has(name))
          throw bad(`${group}/${name}`, `${group}/${name} is not a parameter of the model`);
      }
    }
    if (moments !== 0 && moments !== shapes.size) {
      throw bad('adam.moments', `${moments} optimiser moments for ${shapes.size} parameters`);
    }
  }
  // Moments are stored in the model's parameter order (the order of `shapes`).
  const sizes =
    shapes === undefined ? undefined : Array.from(shapes.values(), (sh) => sh.reduce((a, b) => a * b, 1));
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  for (let i = 0; i < moments; i++) {
    const mi = file.tensors.get(`m/${i}`);
    const vi = file.tensors.get(`v/${i}`);
    if (mi === undefined || vi === undefined) {
      throw bad(mi === undefined ? `m/${i}` : `v/${i}`, `lacks optimiser moment ${i}`);
    }
    if (sizes !== undefined && (mi.data.length !== sizes[i] || vi.data.length !== sizes[i])) {
      throw bad(`m/${i}`, `optimiser moment ${i} has ${mi.data.length} values, its parameter ${sizes[i]}`);
    }
    m.push(finite(`m/${i}`, mi.data));
    v.push(finite(`v/${i}`, vi.data));
  }
  return {
    fingerprint,
    epoch,
    finished: meta.finished,
    chunk,
    bestEpoch,
    bestScore: bestScoreRaw <= -1e299 ? Number.NEGATIVE_INFINITY : bestScoreRaw,
    badEpochs,
    history,
    adam: { iterations, accBeta1, accBeta2, m, v },
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
