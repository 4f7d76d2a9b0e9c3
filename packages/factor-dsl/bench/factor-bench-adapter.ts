/**
 * Adapter of @hfq/factor-dsl for the factor-bench harness (`../shared/bench/factor-bench`): the
 * harness loads it with `--engine-module` and times `factorsAll()` against its own engines. It
 * computes the 12 reference factors from their DSL formulas (`reference-factors.ts`).
 *
 *   cp -r ../shared/bench/factor-bench /tmp/fb && cd /tmp/fb && npm install
 *   NODE_OPTIONS=--conditions=source npm run bench -- --sizes 1000x20 --engines js,js-fused \
 *     --engine-module /path/to/packages/factor-dsl/bench/factor-bench-adapter.ts --engine-label hfq-dsl \
 *     --engine-multithreaded --threads default,1
 *
 * (`--conditions=source` makes `@hfq/*` resolve to their TypeScript sources.) Threads: the
 * harness's `threads` option (default: all cores, as worker threads over shared memory; 1: this thread).
 */
import { availableParallelism } from 'node:os';
import { MINUTE_BAR_END_TIMES } from '@hfq/bars';
import {
  type Column,
  compileFactors,
  type FactorProgram,
  FactorWorkerPool,
  type FrameBlock,
} from '../src/index.js';
import { REFERENCE_FACTORS } from './reference-factors.js';

/** The harness's input (its `MinuteBars`): columns sorted by (stock, day, minute), M rows per stock-day. */
interface HarnessBars {
  S: number;
  D: number;
  M: number;
  n: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  amount: Float64Array;
  trades: Int32Array;
}

/** The harness's engine interface (`src/engines/types.ts` there), structurally. */
interface Engine {
  name: string;
  versions(): Promise<Record<string, string>>;
  load(b: HarnessBars): Promise<void>;
  factorsAll(): Promise<unknown>;
  factor?(name: string): Promise<unknown>;
  fetchFactors(h: unknown): Promise<Record<string, Float64Array>>;
  close(): Promise<void>;
}

const NAMES = Object.keys(REFERENCE_FACTORS);

function shared<T extends Column>(
  src: ArrayLike<number>,
  Ctor: new (b: SharedArrayBuffer) => T,
  bytes: number,
): T {
  const out = new Ctor(new SharedArrayBuffer(bytes * src.length));
  (out as unknown as { set(a: ArrayLike<number>): void }).set(src);
  return out;
}

export default function make(opts: { threads?: number } = {}): Engine {
  const threads = opts.threads ?? availableParallelism();
  let block: FrameBlock | undefined;
  let program: FactorProgram | undefined;
  let pool: FactorWorkerPool | undefined;
  const single = new Map<string, FactorProgram>();
  return {
    name: 'hfq-dsl',
    async versions() {
      return { '@hfq/factor-dsl': '0.0.0', threads: String(threads) };
    },
    async load(b) {
      const frames = b.S * b.D;
      const offsets = new Int32Array(frames + 1);
      for (let k = 0; k <= frames; k++) offsets[k] = k * b.M;
      const time = new Int32Array(new SharedArrayBuffer(4 * b.n));
      for (let k = 0; k < frames; k++) time.set(MINUTE_BAR_END_TIMES.subarray(0, b.M), k * b.M);
      block = {
        source: 'minute',
        offsets,
        levels: 0,
        columns: {
          time,
          open: shared(b.open, Float64Array, 8),
          high: shared(b.high, Float64Array, 8),
          low: shared(b.low, Float64Array, 8),
          close: shared(b.close, Float64Array, 8),
          volume: shared(b.volume, Float64Array, 8),
          amount: shared(b.amount, Float64Array, 8),
          trades: shared(b.trades, Float64Array, 8),
        },
      };
      program = compileFactors(
        NAMES.map((n) => REFERENCE_FACTORS[n]!),
        'minute',
      );
      if (threads > 1) {
        pool = await FactorWorkerPool.create(
          NAMES.map((id) => ({ id, source: 'minute' as const, formula: REFERENCE_FACTORS[id]! })),
          { threads },
        );
      }
    },
    async factorsAll() {
      if (pool !== undefined) return { names: NAMES, values: await pool.evaluateBlock(block!) };
      return { names: NAMES, values: program!.evaluateBlock(block!) };
    },
    async factor(name) {
      let p = single.get(name);
      if (p === undefined) single.set(name, (p = compileFactors([REFERENCE_FACTORS[name]!], 'minute')));
      return { names: [name], values: p.evaluateBlock(block!) };
    },
    async fetchFactors(h) {
      const { names, values } = h as { names: string[]; values: Float64Array };
      const frames = block!.offsets.length - 1;
      const out: Record<string, Float64Array> = {};
      names.forEach((name, f) => {
        const col = new Float64Array(frames);
        for (let k = 0; k < frames; k++) col[k] = values[k * names.length + f]!;
        out[name] = col;
      });
      return out;
    },
    async close() {
      await pool?.close();
    },
  };
}
