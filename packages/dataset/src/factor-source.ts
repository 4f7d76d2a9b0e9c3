import type { FactorSource } from '@hfq/core';
import { datasetError } from './errors.js';
import { type FactorOutputManifest, readFactorOutputManifest } from './factor-output.js';
import { SyncPartitionLoader } from './sync-loader.js';

/** Options of `openFactorSource`. */
export interface FactorSourceOptions {
  /** Date matrices held in memory, least recently used evicted first (default 2). */
  cacheDays?: number;
}

/**
 * The output of `hfq factors` (`writeFactorShard`: `date=YYYYMMDD/part-<i>` files, all shards
 * together) as a `@hfq/core` `FactorSource`, the models' factor input: `day(t)` is the
 * `assets x factors` float32 matrix of date index `t` (row-major, factor fastest; NaN = no value),
 * read from that date's one file when asked and kept in a small LRU (`cacheDays`). Only a few
 * days are in memory at a time whatever the run's length. The dates, assets and factors are those
 * of `_factors.json`; values are the files' doubles rounded to float32, as `FactorCube.fromPanels`
 * rounds them.
 *
 * `day` answers synchronously (a `FactorSource` must): a worker thread reads the file while this
 * thread waits, and reads the next date in the background while this one is used. Call `close()`
 * when done (the worker does not keep the process alive in any case).
 */
export class FactorOutputSource implements FactorSource {
  readonly dates: Int32Array;
  readonly assets: readonly string[];
  readonly factors: readonly string[];
  /** Date matrices held (see `FactorSourceOptions.cacheDays`). */
  readonly cacheDays: number;
  private readonly manifest: FactorOutputManifest;
  private readonly cache = new Map<number, Float32Array>();
  private loader: SyncPartitionLoader | undefined;

  constructor(
    /** The factor output directory. */
    readonly out: string,
    options: FactorSourceOptions = {},
  ) {
    this.manifest = readFactorOutputManifest(out);
    this.dates = Int32Array.from(this.manifest.dates);
    this.assets = Object.freeze([...this.manifest.assets]);
    this.factors = Object.freeze([...this.manifest.factors]);
    const c = options.cacheDays ?? 2;
    if (!Number.isInteger(c) || c < 1)
      throw datasetError('DATASET_INPUT', `cacheDays must be a positive integer, got ${c}`, {
        field: 'cacheDays',
      });
    this.cacheDays = c;
  }

  /**
   * The `assets x factors` matrix of date index `t` (shared with the cache: do not write to it).
   * @throws `DATASET_INPUT` for `t` outside the dates; `DATASET_FACTORS` (missing, doubled or
   * inconsistent date file) and the Parquet reader's errors, naming the file.
   */
  day(t: number): Float32Array {
    const d = this.dates[t];
    if (!Number.isInteger(t) || d === undefined)
      throw datasetError('DATASET_INPUT', `date index ${t} is outside [0, ${this.dates.length - 1}]`, {
        field: 't',
      });
    const hit = this.cache.get(t);
    if (hit !== undefined) {
      this.cache.delete(t);
      this.cache.set(t, hit);
      return hit;
    }
    this.loader ??= new SyncPartitionLoader(this.out, {}, 'factors');
    const m = this.loader.readMatrix(d);
    this.cache.set(t, m);
    while (this.cache.size > this.cacheDays) this.cache.delete(this.cache.keys().next().value!);
    const next = this.dates[t + 1];
    if (next !== undefined && !this.cache.has(t + 1)) this.loader.prefetch('factors', next);
    return m;
  }

  /** Date indices in the cache, least recently used first (for tests and tools). */
  cachedDays(): number[] {
    return [...this.cache.keys()];
  }

  /** Stops the reading worker (the source can still be used after: it starts another). */
  async close(): Promise<void> {
    const l = this.loader;
    this.loader = undefined;
    if (l !== undefined) await l.close();
  }
}

/**
 * Opens a factor output directory as a `FactorSource` (see `FactorOutputSource`).
 * @throws `DATASET_FACTORS` when `_factors.json` is missing or not an hfq-factors manifest.
 */
export function openFactorSource(out: string, options: FactorSourceOptions = {}): FactorOutputSource {
  return new FactorOutputSource(out, options);
}
