import type { Worker } from 'node:worker_threads';
import { HfqError, spawnWorker } from '@hfq/core';
import { dslError } from '../language/errors.js';
import type { FactorLimits } from '../language/limits.js';
import type { SourceKind } from '../ops/spec.js';
import type { FactorDef, VolumeBarOptions } from './factor-set.js';
import { blockColumns, type Column, type FrameBlock } from './frames.js';
import type { FromWorker, MarketFactory, ToWorker } from './protocol.js';

/** Options of `FactorWorkerPool.create`. */
export interface PoolOptions {
  /** Worker threads. Default 2. */
  threads?: number;
  /** A market each worker builds for itself (needed by `evaluateStockDays`). */
  factory?: MarketFactory;
  limits?: Partial<FactorLimits>;
  nodesPerKernel?: number;
  vbar?: Partial<VolumeBarOptions>;
}

/** The worker script beside this module (`worker.ts` from sources, `worker.js` from dist). */
function startWorker(): Worker {
  return spawnWorker(import.meta.url, './worker');
}

interface Pending {
  resolve(m: FromWorker): void;
  reject(e: Error): void;
}

class WorkerHandle {
  private readonly pending = new Map<number, Pending>();
  private ready?: Pending;
  private failed: Error | undefined;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'ready') {
        this.ready?.resolve(m);
        return;
      }
      if (m.kind === 'error' && m.id === -1) {
        this.ready?.reject(new HfqError(m.code, m.message, m.context));
        return;
      }
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.kind === 'error') p.reject(new HfqError(m.code, m.message, m.context));
      else p.resolve(m);
    });
    const fail = (e: Error) => {
      this.failed = dslError('DSL_WORKER', `factor worker failed: ${e.message}`);
      this.ready?.reject(this.failed);
      for (const p of this.pending.values()) p.reject(this.failed);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.pending.size > 0) fail(new Error(`worker exited with code ${code}`));
    });
  }

  init(m: ToWorker): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.ready = { resolve, reject };
      this.worker.postMessage(m);
    });
  }

  request(m: ToWorker & { id: number }, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.pending.set(m.id, { resolve, reject });
      this.worker.postMessage(m, transfer);
    });
  }
}

/**
 * Worker threads that evaluate a factor set in parallel. Each worker compiles the set from its
 * formulas; frames reach it as blocks in shared memory (`evaluateBlock`) or it builds its own
 * market from a factory and generates its stock-days (`evaluateStockDays`). Call `close()` when done.
 */
export class FactorWorkerPool {
  private nextId = 0;

  private constructor(
    private readonly workers: WorkerHandle[],
    readonly defs: readonly FactorDef[],
  ) {}

  /** Starts `threads` workers and compiles the set in each. @throws HfqError from compilation or the factory */
  static async create(defs: readonly FactorDef[], options: PoolOptions = {}): Promise<FactorWorkerPool> {
    const threads = options.threads ?? 2;
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw dslError('DSL_INPUT', `threads must be an integer in [1, 256], got ${threads}`, {
        field: 'threads',
      });
    }
    const handles = Array.from({ length: threads }, () => new WorkerHandle(startWorker()));
    const pool = new FactorWorkerPool(handles, defs);
    const init: ToWorker = {
      kind: 'init',
      defs: defs.map((d) => ({ id: d.id, source: d.source, formula: d.formula })),
      ...(options.limits !== undefined ? { limits: options.limits } : {}),
      ...(options.nodesPerKernel !== undefined ? { nodesPerKernel: options.nodesPerKernel } : {}),
      ...(options.vbar !== undefined ? { vbar: options.vbar } : {}),
      ...(options.factory !== undefined ? { factory: options.factory } : {}),
    };
    try {
      await Promise.all(handles.map((h) => h.init(init)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  get threads(): number {
    return this.workers.length;
  }

  /**
   * Evaluates the factors of `block.source` on every frame of a block, frames split between the
   * workers by rows. Columns in `SharedArrayBuffer`s are read in place; others are copied once.
   * @returns `nFrames x nFactors(source)` (the source's factors in set order), over shared memory
   */
  async evaluateBlock(block: FrameBlock): Promise<Float64Array> {
    blockColumns(block);
    const nf = this.defs.filter((d) => d.source === block.source).length;
    if (nf === 0) throw dslError('DSL_INPUT', `no factor reads ${block.source}`, { field: 'source' });
    const shared = toShared(block);
    const nFrames = block.offsets.length - 1;
    const out = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, nFrames * nf)), 0, nFrames * nf);
    const total = block.offsets[nFrames]!;
    const parts: Promise<FromWorker>[] = [];
    let from = 0;
    this.workers.forEach((w, k) => {
      // Split at frame boundaries so that each worker gets about the same number of rows.
      const target = Math.round((total * (k + 1)) / this.workers.length);
      let to = from;
      while (to < nFrames && (block.offsets[to + 1]! <= target || k === this.workers.length - 1)) to++;
      if (to > from)
        parts.push(w.request({ kind: 'block', id: this.nextId++, block: shared, from, to, out }));
      from = to;
    });
    await Promise.all(parts);
    return out;
  }

  /**
   * Evaluates every factor on stock-days (pairs `assets[k]`, `days[k]`) of the workers' own markets
   * (requires `factory`), split between the workers in contiguous runs.
   * @returns `pairs x nFactors` in set order
   */
  async evaluateStockDays(
    assets: Int32Array,
    days: Int32Array,
    barSizes: Float64Array | null,
  ): Promise<Float64Array> {
    const nf = this.defs.length;
    const n = assets.length;
    const out = new Float64Array(n * nf);
    const chunk = Math.ceil(n / this.workers.length);
    await Promise.all(
      this.workers.map(async (w, k) => {
        const from = k * chunk;
        const to = Math.min(n, from + chunk);
        if (to <= from) return;
        const r = await w.request({
          kind: 'stock-days',
          id: this.nextId++,
          assets: assets.slice(from, to),
          days: days.slice(from, to),
          barSizes: barSizes === null ? null : barSizes.slice(from, to),
        });
        if (r.kind === 'done' && r.result !== undefined) out.set(r.result, from * nf);
      }),
    );
    return out;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/** The block with every column in shared memory (copying the ones that are not). */
function toShared(block: FrameBlock): FrameBlock {
  const columns: Record<string, Column> = {};
  let copied = false;
  for (const [name, col] of Object.entries(block.columns)) {
    if (col.buffer instanceof SharedArrayBuffer) {
      columns[name] = col;
      continue;
    }
    const Ctor = col.constructor as new (b: SharedArrayBuffer) => Column;
    const copy = new Ctor(new SharedArrayBuffer(col.byteLength));
    copy.set(col as never);
    columns[name] = copy;
    copied = true;
  }
  return copied
    ? { source: block.source as SourceKind, offsets: block.offsets, levels: block.levels, columns }
    : block;
}
