import { equalVolumeBars } from '@hfq/bars';
import { FactorCube, type Panel, ProgressReporter, type TaskOptions, throwIfAborted } from '@hfq/core';
import { dslError } from '../language/errors.js';
import type { SourceKind } from '../ops/spec.js';
import { compileFactorSet, type FactorDef, type FactorSet, type FactorSetOptions } from './factor-set.js';
import { type Frame, packFrames } from './frames.js';
import { DailyVolumes, type FactorMarket, marketFrames } from './market.js';
import { FactorWorkerPool } from './pool.js';
import type { MarketFactory } from './protocol.js';

/** Options of `evaluateFactors`. */
export interface EvaluateOptions extends TaskOptions, FactorSetOptions {
  /** Calendar indices of the days to evaluate, increasing (default: every day of the calendar). */
  days?: ArrayLike<number>;
  /** Asset indices to evaluate (default: every asset). */
  assets?: ArrayLike<number>;
  /**
   * Worker threads (default 1: evaluate in this thread). With more, frames are fetched here and
   * evaluated by workers, or, given `factory`, each worker builds its own market and fetches its
   * own frames (in parallel: the fast way with the simulator, whose frame generation dominates).
   */
  threads?: number;
  factory?: MarketFactory;
  /** Days per worker request (default 4). */
  daysPerTask?: number;
  /**
   * Daily volumes (dates x assets of the market, shares) that size equal-volume bars, e.g.
   * `market.daily().volume`. Default: summed from the minute bars of the days before.
   */
  dailyVolume?: Panel;
  /**
   * The set already compiled by `compileFactorSet(factors, ...)`, to reuse across calls (e.g. one
   * call per block of days): skips compiling `factors` again; values are identical. It must have
   * been compiled from these same definitions (same ids, sources and formulas, in order); its
   * compile options (`limits`, `nodesPerKernel`, `vbar`) are then used and those given here are
   * ignored. Default: compile `factors` with these options.
   */
  compiled?: FactorSet;
}

/** Resolves on a later turn of the event loop (after pending timers' and I/O callbacks). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function indexList(x: ArrayLike<number> | undefined, n: number, what: string): Int32Array {
  if (x === undefined) return Int32Array.from({ length: n }, (_, i) => i);
  const out = Int32Array.from(x);
  for (let k = 0; k < out.length; k++) {
    if (out[k] !== x[k] || out[k]! < 0 || out[k]! >= n) {
      throw dslError('DSL_INPUT', `${what}[${k}] = ${x[k]} is not an index in [0, ${n - 1}]`, {
        field: what,
        row: k,
      });
    }
    if (what === 'days' && k > 0 && out[k]! <= out[k - 1]!) {
      throw dslError('DSL_INPUT', 'days must be increasing', { field: what, row: k });
    }
  }
  return out;
}

/** Checks that a precompiled set was compiled from `factors` (same ids, sources, formulas, order). */
function sameDefs(set: FactorSet, factors: readonly FactorDef[]): void {
  if (set.defs.length !== factors.length) {
    throw dslError('DSL_INPUT', `compiled holds ${set.defs.length} factors, ${factors.length} were given`, {
      field: 'compiled',
    });
  }
  set.defs.forEach((d, k) => {
    const f = factors[k]!;
    if (d.id !== f.id || d.source !== f.source || d.formula !== f.formula) {
      throw dslError(
        'DSL_INPUT',
        `compiled factor ${k} is ${d.id} (${d.source}: ${d.formula}), the factors given have ${f.id} (${f.source}: ${f.formula})`,
        { field: 'compiled', row: k },
      );
    }
  });
}

/**
 * Evaluates factors over stock-days of a market into a `FactorCube` (per day an assets x factors
 * float32 matrix, factors in the order given, NaN where a stock did not trade or a formula has no
 * finite value).
 *
 * No look-ahead: the value of stock-day (a, T) reads only day T's frames of stock a, plus, for
 * `vbar` factors, the daily volumes of the `vbar.lookback` days before T that size the bars.
 *
 * Cancellation: in this thread `signal` is checked before each stock-day and evaluation yields to
 * the event loop between days, so an abort from a timer or another task stops it within one
 * stock-day of work; with worker threads it is checked after each day (or `daysPerTask` days).
 *
 * @throws HfqError `DSL_*` for a formula that does not check, `DSL_INPUT` for bad options,
 * `ABORTED` when `signal` aborts; errors of the market (and `@hfq/bars`) pass through.
 */
export async function evaluateFactors(
  market: FactorMarket,
  factors: readonly FactorDef[],
  options: EvaluateOptions = {},
): Promise<FactorCube> {
  const set = options.compiled ?? compileFactorSet(factors, options);
  if (options.compiled !== undefined) sameDefs(options.compiled, factors);
  const calendar = market.calendar.dates;
  const days = indexList(options.days, calendar.length, 'days');
  const assets = indexList(options.assets, market.assets.length, 'assets');
  const nf = set.nFactors;
  const nA = assets.length;
  const matrices = Array.from({ length: days.length }, () => new Float32Array(nA * nf));
  const volumes = set.reads('vbar') ? new DailyVolumes(market, options.dailyVolume) : undefined;
  const sizeOf = (a: number, t: number) => (volumes === undefined ? NaN : volumes.barSize(a, t, set.vbar));
  const progress = new ProgressReporter(options, 'factors', days.length, 'days');
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw dslError('DSL_INPUT', `threads must be a positive integer, got ${threads}`, { field: 'threads' });
  }

  if (threads === 1) {
    for (let d = 0; d < days.length; d++) {
      const t = days[d]!;
      const m = matrices[d]!;
      // Let timers and I/O run once a day, so that a signal aborted from outside (a timeout, a
      // user's cancel) is seen: a synchronous loop over every day would never notice it.
      if (d > 0) await nextTurn();
      for (let k = 0; k < nA; k++) {
        throwIfAborted(options.signal, 'factors');
        const a = assets[k]!;
        const frames = marketFrames(market, a, t, set.reads('vbar') ? sizeOf(a, t) : NaN);
        const minute = frames.minute;
        // Remember the day's volume for sizing later days' bars (no second fetch of the frame).
        frames.minute = () => {
          const f = minute();
          volumes?.note(a, t, f);
          return f;
        };
        set.evaluateStockDay(frames, m, k * nf);
      }
      progress.tick();
    }
  } else {
    const pool = await FactorWorkerPool.create(factors, {
      threads,
      ...(options.factory !== undefined ? { factory: options.factory } : {}),
      ...(options.limits !== undefined ? { limits: options.limits } : {}),
      ...(options.nodesPerKernel !== undefined ? { nodesPerKernel: options.nodesPerKernel } : {}),
      ...(options.compiled !== undefined
        ? { vbar: set.vbar }
        : options.vbar !== undefined
          ? { vbar: options.vbar }
          : {}),
    });
    try {
      if (options.factory !== undefined) {
        await viaFactory(pool, set, days, assets, sizeOf, matrices, options.daysPerTask ?? 4, progress);
      } else {
        await viaBlocks(pool, set, market, days, assets, volumes, sizeOf, matrices, progress);
      }
    } finally {
      await pool.close();
    }
  }
  return new FactorCube(
    Int32Array.from(days, (t) => calendar[t]!),
    Array.from(assets, (a) => market.assets[a]!),
    set.ids,
    matrices,
  );
}

async function viaFactory(
  pool: FactorWorkerPool,
  set: FactorSet,
  days: Int32Array,
  assets: Int32Array,
  sizeOf: (a: number, t: number) => number,
  matrices: Float32Array[],
  daysPerTask: number,
  progress: ProgressReporter,
): Promise<void> {
  const nA = assets.length;
  const nf = set.nFactors;
  for (let d0 = 0; d0 < days.length; d0 += daysPerTask) {
    const d1 = Math.min(days.length, d0 + daysPerTask);
    // Asset-major pairs so that each worker gets whole stocks (the simulator caches per-stock paths).
    const n = nA * (d1 - d0);
    const pa = new Int32Array(n);
    const pt = new Int32Array(n);
    const sizes = set.reads('vbar') ? new Float64Array(n) : null;
    let k = 0;
    for (let i = 0; i < nA; i++) {
      for (let d = d0; d < d1; d++, k++) {
        pa[k] = assets[i]!;
        pt[k] = days[d]!;
        if (sizes !== null) sizes[k] = sizeOf(assets[i]!, days[d]!);
      }
    }
    const out = await pool.evaluateStockDays(pa, pt, sizes);
    k = 0;
    for (let i = 0; i < nA; i++) {
      for (let d = d0; d < d1; d++, k++) matrices[d]!.set(out.subarray(k * nf, (k + 1) * nf), i * nf);
    }
    progress.tick(d1 - d0);
  }
}

async function viaBlocks(
  pool: FactorWorkerPool,
  set: FactorSet,
  market: FactorMarket,
  days: Int32Array,
  assets: Int32Array,
  volumes: DailyVolumes | undefined,
  sizeOf: (a: number, t: number) => number,
  matrices: Float32Array[],
  progress: ProgressReporter,
): Promise<void> {
  const nA = assets.length;
  const nf = set.nFactors;
  for (let d = 0; d < days.length; d++) {
    const t = days[d]!;
    const frames = new Map<SourceKind, (Frame | null)[]>();
    const minutes =
      set.reads('minute') || set.reads('vbar') ? Array.from(assets, (a) => market.minuteBars(a, t)) : [];
    minutes.forEach((f, k) => {
      volumes?.note(assets[k]!, t, f);
    });
    if (set.reads('minute')) frames.set('minute', minutes);
    if (set.reads('vbar')) {
      frames.set(
        'vbar',
        minutes.map((m, k) => {
          const size = sizeOf(assets[k]!, t);
          return m !== null && size > 0 && Number.isFinite(size) ? equalVolumeBars(m, size) : null;
        }),
      );
    }
    if (set.reads('tick')) {
      if (typeof market.ticks !== 'function') {
        throw dslError('DSL_INPUT', 'tick factors need a market with ticks(asset, t)', { field: 'ticks' });
      }
      frames.set(
        'tick',
        Array.from(assets, (a) => market.ticks!(a, t)),
      );
    }
    const m = matrices[d]!;
    for (const [source, list] of frames) {
      const part = set.parts.get(source)!;
      const out = await pool.evaluateBlock(packFrames(source, list, true));
      const cols = part.columns;
      for (let k = 0; k < nA; k++) {
        for (let j = 0; j < cols.length; j++) m[k * nf + cols[j]!] = out[k * cols.length + j]!;
      }
    }
    progress.tick();
  }
}
