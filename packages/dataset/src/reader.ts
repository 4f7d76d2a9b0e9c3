import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CANONICAL_MINUTE,
  DAILY_FIELDS,
  type DailyBars,
  type IndexData,
  type MinuteBars,
  readMinuteBarsParquet,
  readPanelsParquet,
  readTickSnapshotsParquet,
  type TickSnapshots,
  type ValidationOptions,
} from '@hfq/bars';
import { Calendar, Panel } from '@hfq/core';
import { datasetError } from './errors.js';
import { readCanonicalMinute } from './fast-minute.js';
import { type DatasetManifest, type PartitionInfo, readManifest } from './manifest.js';
import { SyncPartitionLoader } from './sync-loader.js';
import type { AssetMeta } from './writer.js';

/** Options of `openDataset`. */
export interface OpenDatasetOptions {
  /**
   * Day partitions held in memory per kind (minute, ticks), least recently loaded evicted first.
   * Default 2. Peak memory for intraday data is about this many days, whatever the dataset's length.
   */
  cacheDays?: number;
  /** Rules of `@hfq/bars`' validators, applied to every frame read. */
  validation?: ValidationOptions;
  /**
   * Load partitions on demand (default false): `minuteBars(a, t)` / `ticks(a, t)` of a day not in
   * the cache read its partition synchronously (a worker thread reads it while this thread waits)
   * and ask for the next day's in the background, so a plain `evaluateFactors(ds, ...)` over all
   * days works with bounded memory. Without it, call `loadDay` first.
   */
  loadOnDemand?: boolean;
}

/** Options of `DatasetReader.backtestMarket`. */
export interface BacktestMarketOptions<S = unknown> {
  /**
   * Industry names in index order: `industry[a]` is the position of asset a's industry (from
   * `meta/assets.json`) in this list. Default: the distinct names of the metadata, sorted.
   * @throws `DATASET_CONTENT` (from `backtestMarket`) when an asset's industry is not in the list.
   */
  industryNames?: readonly string[];
  /**
   * The name given to assets whose metadata has no industry (null). Without it such an asset is an
   * error: the optimizer's industry constraints need every asset's industry.
   */
  missingIndustry?: string;
  /** Style exposures, passed through as `styles` (the dataset holds none; absent: the optimizer computes them). */
  styles?: S;
}

/**
 * What `@hfq/optimizer`'s `backtestEnhancedIndex` reads about the market (`BacktestMarket`), from a
 * dataset: the daily panels and the index as stored (a `DailyBars` and an `IndexData` pass as
 * the optimizer's inputs as they are) and each asset's industry index.
 */
export interface DatasetBacktestMarket<S = unknown> {
  daily: DailyBars;
  index: IndexData;
  /** Industry index per asset (into `industryNames`). */
  industry: Int32Array;
  industryNames: readonly string[];
  /** Present when given in the options. */
  styles?: S;
}

/** Where a stored panel's rows (dates) and columns (assets) go in the dataset's panels. */
interface Placement {
  rowOf: Int32Array;
  colOf: Int32Array;
}

/** Which intraday kinds `loadDay` reads. */
export interface LoadDayOptions {
  /** Minute bars (default true). */
  minute?: boolean;
  /** Tick snapshots (default false: they are large; load them for tick factors). */
  ticks?: boolean;
}

/** The intraday kinds of a dataset (partition directories `minute/` and `ticks/`). */
export type PartitionKind = 'minute' | 'ticks';

/**
 * A dataset directory opened for reading. Implements `@hfq/factor-dsl`'s `FactorMarket`
 * (`calendar`, `assets`, `minuteBars`, `ticks`) by streaming: intraday data is read one date
 * partition at a time by `loadDay` into a small LRU (`cacheDays`), so memory does not grow with
 * the number of days. Daily panels, the index and metadata are small and read whole on demand.
 *
 * Everything read is validated: the manifest before it is trusted (`readManifest`), every frame
 * by `@hfq/bars` (errors name the file, row and field), and each partition against its claims
 * (date, assets of the dataset, each stock-day once, the row and stock-day counts).
 */
export class DatasetReader {
  /** The checked `dataset.json`. */
  readonly manifest: DatasetManifest;
  /** Trading calendar of the dataset. */
  readonly calendar: Calendar;
  /** Asset ids, the asset order of every panel. */
  readonly assets: readonly string[];
  private readonly assetIndex: Map<string, number>;
  private readonly parts: Record<PartitionKind, Map<number, PartitionInfo>>;
  private readonly cache: Record<PartitionKind, Map<number, Map<number, MinuteBars | TickSnapshots>>> = {
    minute: new Map(),
    ticks: new Map(),
  };
  /** Day partitions held per kind (see `OpenDatasetOptions.cacheDays`). */
  readonly cacheDays: number;
  private dailyMemo: Promise<DailyBars> | undefined;
  private loader: SyncPartitionLoader | undefined;
  /** Minute files being read in the background (`prefetchDay`), by path; null: the read failed. */
  private readonly prefetched = new Map<string, Promise<Buffer | null>>();

  constructor(
    /** The dataset's root directory. */
    readonly dir: string,
    private readonly options: OpenDatasetOptions = {},
  ) {
    this.manifest = readManifest(dir);
    this.calendar = new Calendar(this.manifest.calendar);
    this.assets = Object.freeze([...this.manifest.assets]);
    this.assetIndex = new Map(this.assets.map((a, i) => [a, i]));
    this.parts = {
      minute: new Map(this.manifest.minute.map((p) => [p.date, p])),
      ticks: new Map(this.manifest.ticks.map((p) => [p.date, p])),
    };
    const c = options.cacheDays ?? 2;
    if (!Number.isInteger(c) || c < 1)
      throw datasetError('DATASET_INPUT', `cacheDays must be a positive integer, got ${c}`, {
        field: 'cacheDays',
      });
    this.cacheDays = c;
  }

  private dateOf(t: number): number {
    const d = this.calendar.dates[t];
    if (!Number.isInteger(t) || d === undefined) {
      throw datasetError(
        'DATASET_INPUT',
        `day index ${t} is outside the calendar [0, ${this.calendar.dates.length - 1}]`,
        { field: 't' },
      );
    }
    return d;
  }

  /** True when the dataset has a partition of `kind` on day index `t`. */
  has(kind: PartitionKind, t: number): boolean {
    return this.parts[kind].has(this.dateOf(t));
  }

  /**
   * Reads day `t`'s partitions into the cache (minute bars by default; ticks when asked), evicting
   * the least recently loaded day beyond `cacheDays`. A day without a partition loads as empty.
   *
   * @throws `DATASET_MISSING_PARTITION` (a listed file is absent), `DATASET_CONTENT`,
   * `DATASET_COUNT_MISMATCH`, and `@hfq/bars`' `BARS_*` errors (truncated or corrupt file, a
   * column of the wrong type, a frame that breaks a rule) naming the file, row and field.
   */
  async loadDay(t: number, options: LoadDayOptions = {}): Promise<void> {
    if (options.minute ?? true) await this.load('minute', t);
    if (options.ticks ?? false) await this.load('ticks', t);
  }

  /**
   * Starts reading the bytes of day `t`'s minute partition files in the background (the file
   * system's threads, not this one), so that a later `loadDay(t)` finds them read and only decodes
   * them: `evaluateDatasetFactors` asks for the next block of days while it computes the current
   * one. Nothing is checked or decoded here (a file that cannot be read is reported by `loadDay`
   * as without a prefetch). Holds at most `2 * cacheDays` days of file bytes; a day already
   * cached, or without a minute partition, is ignored.
   */
  prefetchDay(t: number): void {
    const date = this.dateOf(t);
    const part = this.parts.minute.get(date);
    if (part === undefined || this.cache.minute.has(t)) return;
    for (const rel of part.files) {
      const path = join(this.dir, rel);
      if (this.prefetched.has(path)) continue;
      this.prefetched.set(
        path,
        readFile(path).catch(() => null),
      );
    }
    const most = 2 * this.cacheDays * Math.max(1, part.files.length);
    while (this.prefetched.size > most) this.prefetched.delete(this.prefetched.keys().next().value!);
  }

  private async load(kind: PartitionKind, t: number): Promise<void> {
    const date = this.dateOf(t);
    const cache = this.cache[kind];
    const hit = cache.get(t);
    if (hit !== undefined) {
      cache.delete(t);
      cache.set(t, hit);
      return;
    }
    this.remember(kind, t, await this.readPartition(kind, date));
  }

  private remember(kind: PartitionKind, t: number, frames: Map<number, MinuteBars | TickSnapshots>): void {
    const cache = this.cache[kind];
    cache.set(t, frames);
    while (cache.size > this.cacheDays) cache.delete(cache.keys().next().value!);
  }

  /** True when the reader loads partitions on demand (`OpenDatasetOptions.loadOnDemand`). */
  get loadsOnDemand(): boolean {
    return this.options.loadOnDemand === true;
  }

  /** Stops the worker thread of `loadOnDemand` (if any); the reader can still be used after. */
  async close(): Promise<void> {
    const l = this.loader;
    this.loader = undefined;
    if (l !== undefined) await l.close();
  }

  /**
   * Reads and checks one partition (not cached). Used by `loadDay` and by `checkDataset`.
   * `validate`: `'unless-unchanged'` (default) skips `@hfq/bars`' frame validation of a minute
   * file whose SHA-256 is the manifest's `validatedSha256` (and no custom `validation` rules were
   * given); `'always'` validates every frame (`hfq data check`).
   * @returns the frames of the day by asset index (empty when the day has no partition).
   */
  async readPartition(
    kind: PartitionKind,
    date: number,
    options: { validate?: 'always' | 'unless-unchanged' } = {},
  ): Promise<Map<number, MinuteBars | TickSnapshots>> {
    const out = new Map<number, MinuteBars | TickSnapshots>();
    const part = this.parts[kind].get(date);
    if (part === undefined) return out;
    let rows = 0;
    const readOpts = {
      validate: 'throw' as const,
      ...(this.options.validation ? { validation: this.options.validation } : {}),
    };
    for (const [k, rel] of part.files.entries()) {
      const path = join(this.dir, rel);
      if (!existsSync(path)) {
        throw datasetError('DATASET_MISSING_PARTITION', `${kind} partition of ${date}: ${rel} is missing`, {
          source: path,
          date,
          field: kind,
        });
      }
      // minute files as the writer wrote them are sliced from their columns; anything else (and
      // any file with a problem) goes through the general reader, which names what is wrong
      let fast: MinuteBars[] | null = null;
      if (kind === 'minute') {
        const early = this.prefetched.get(path);
        this.prefetched.delete(path);
        const bytes = (early !== undefined ? await early : null) ?? readFileSync(path);
        // the file the writer validated (same bytes, default rules): no second validation
        const sum = part.validatedSha256?.[k];
        const trusted =
          sum !== undefined &&
          (options.validate ?? 'unless-unchanged') === 'unless-unchanged' &&
          this.options.validation === undefined &&
          createHash('sha256').update(bytes).digest('hex') === sum;
        fast = await readCanonicalMinute(bytes, date, this.assetIndex, this.options.validation, trusted);
      }
      const frames =
        fast ??
        (kind === 'minute'
          ? readMinuteBarsParquet(path, CANONICAL_MINUTE, readOpts)
          : readTickSnapshotsParquet(path, undefined, readOpts));
      for await (const f of frames) {
        const a = this.assetIndex.get(f.asset ?? '');
        const ctx = { source: path, date, asset: f.asset ?? '', field: kind };
        if (f.date !== date)
          throw datasetError('DATASET_CONTENT', `a stock-day of ${f.date} in the partition of ${date}`, ctx);
        if (a === undefined)
          throw datasetError('DATASET_CONTENT', `asset ${f.asset} is not an asset of the dataset`, ctx);
        if (out.has(a))
          throw datasetError('DATASET_CONTENT', `asset ${f.asset} appears twice in the partition`, ctx);
        if (kind === 'ticks' && (f as TickSnapshots).levels !== this.manifest.levels) {
          throw datasetError(
            'DATASET_CONTENT',
            `${(f as TickSnapshots).levels} book levels, the dataset claims ${this.manifest.levels}`,
            {
              ...ctx,
              field: 'levels',
            },
          );
        }
        out.set(a, f);
        rows += f.time.length;
      }
    }
    const where = { source: join(this.dir, part.files[0]!), date, field: kind };
    if (rows !== part.rows) {
      throw datasetError(
        'DATASET_COUNT_MISMATCH',
        `${kind} partition of ${date} holds ${rows} rows, dataset.json claims ${part.rows}`,
        where,
      );
    }
    if (out.size !== part.stockDays) {
      throw datasetError(
        'DATASET_COUNT_MISMATCH',
        `${kind} partition of ${date} holds ${out.size} stock-days, dataset.json claims ${part.stockDays}`,
        where,
      );
    }
    return out;
  }

  private frame(kind: PartitionKind, asset: number, t: number): MinuteBars | TickSnapshots | null {
    const date = this.dateOf(t);
    if (!this.parts[kind].has(date)) return null;
    let day = this.cache[kind].get(t);
    if (day === undefined && this.options.loadOnDemand) {
      this.loader ??= new SyncPartitionLoader(this.dir, this.options);
      day = this.loader.read(kind, date);
      this.remember(kind, t, day);
      // read the next day with a partition while this one is used
      for (let u = t + 1; u < this.calendar.dates.length; u++) {
        if (this.parts[kind].has(this.calendar.dates[u]!)) {
          if (!this.cache[kind].has(u)) this.loader.prefetch(kind, this.calendar.dates[u]!);
          break;
        }
      }
    }
    if (day === undefined) {
      throw datasetError(
        'DATASET_NOT_LOADED',
        `${kind} data of ${date} is not loaded: await loadDay(${t}) first`,
        {
          date,
          field: kind,
        },
      );
    }
    return day.get(asset) ?? null;
  }

  /**
   * Minute bars of asset index `asset` on day index `t` (null when the stock has none that day).
   * @throws `DATASET_NOT_LOADED` when the day has a partition that `loadDay` has not loaded.
   */
  minuteBars(asset: number, t: number): MinuteBars | null {
    return this.frame('minute', asset, t) as MinuteBars | null;
  }

  /**
   * Tick snapshots of asset index `asset` on day index `t` (null when none).
   * @throws `DATASET_NOT_LOADED` when the day has a partition not loaded with `{ ticks: true }`.
   */
  ticks(asset: number, t: number): TickSnapshots | null {
    return this.frame('ticks', asset, t) as TickSnapshots | null;
  }

  /** Day indices held in the cache of `kind`, least recently loaded first (for tests and tools). */
  cachedDays(kind: PartitionKind): number[] {
    return [...this.cache[kind].keys()];
  }

  private async panels(
    rel: string,
    rows: number,
    assets: readonly string[],
    what: string,
  ): Promise<Record<string, Panel<Float64Array>>> {
    const path = join(this.dir, rel);
    if (!existsSync(path))
      throw datasetError('DATASET_MISSING_PARTITION', `${what}: ${rel} is missing`, {
        source: path,
        field: what,
      });
    const raw = await readPanelsParquet(path);
    const out: Record<string, Panel<Float64Array>> = {};
    const dates = this.calendar.dates;
    const calendar = this.calendar;
    let layout: (Placement & { dates: Int32Array; assets: readonly string[] }) | undefined;
    const placement = (
      p: Panel,
      assets: readonly string[],
      what: string,
      path: string,
      name: string,
    ): Placement & { dates: Int32Array; assets: readonly string[] } => {
      const rowOf = Int32Array.from(p.dates, (d) => {
        const t = calendar.indexOf(d);
        if (t < 0)
          throw datasetError('DATASET_CONTENT', `${what}: ${d} is not a day of the calendar`, {
            source: path,
            field: name,
            date: d,
          });
        return t;
      });
      const ai = new Map(assets.map((a, i) => [a, i]));
      const colOf = Int32Array.from(p.assets, (asset) => {
        const a = ai.get(asset);
        if (a === undefined)
          throw datasetError('DATASET_CONTENT', `${what}: asset ${asset} is not an asset of the dataset`, {
            source: path,
            field: name,
            asset,
          });
        return a;
      });
      return { rowOf, colOf, dates: p.dates, assets: p.assets };
    };
    for (const [name, p] of Object.entries(raw)) {
      const n = p.dates.length * p.assets.length;
      if (n !== rows) {
        throw datasetError(
          'DATASET_COUNT_MISMATCH',
          `${what} holds ${p.dates.length} dates x ${p.assets.length} assets, dataset.json claims ${rows} rows`,
          {
            source: path,
            field: name,
          },
        );
      }
      // where each stored date and asset goes (computed once per layout: every field of a file
      // has the same dates and assets, and a per-cell lookup cost ~30 s on 1,535 x 1,283 x 20)
      if (p.dates !== layout?.dates || p.assets !== layout?.assets)
        layout = placement(p, assets, what, path, name);
      const q = Panel.alloc(dates, assets, 'float64');
      const { rowOf, colOf } = layout;
      const nA = assets.length;
      const nK = p.assets.length;
      for (let ti = 0; ti < rowOf.length; ti++) {
        const o = rowOf[ti]! * nA;
        const src = ti * nK;
        for (let k = 0; k < nK; k++) q.values[o + colOf[k]!] = p.values[src + k]!;
      }
      out[name] = q;
    }
    return out;
  }

  /**
   * The daily panels (every `DailyBars` field, dates x assets of the dataset).
   * @throws `DATASET_NOT_FOUND` when the dataset has none; the panel file's errors.
   */
  daily(): Promise<DailyBars> {
    const info = this.manifest.daily;
    if (info === null)
      return Promise.reject(
        datasetError('DATASET_NOT_FOUND', 'the dataset has no daily data', {
          source: this.dir,
          field: 'daily',
        }),
      );
    this.dailyMemo ??= this.panels(info.file, info.rows, this.assets, 'daily').then((p) => {
      for (const f of DAILY_FIELDS) {
        if (p[f] === undefined)
          throw datasetError('DATASET_CONTENT', `daily data has no ${f} column`, {
            source: join(this.dir, info.file),
            field: f,
          });
      }
      return p as unknown as DailyBars;
    });
    return this.dailyMemo;
  }

  /** The benchmark index. @throws `DATASET_NOT_FOUND` when the dataset has none. */
  async index(): Promise<IndexData> {
    const info = this.manifest.index;
    if (info === null)
      throw datasetError('DATASET_NOT_FOUND', 'the dataset has no index', {
        source: this.dir,
        field: 'index',
      });
    const w = await this.panels(info.weights.file, info.weights.rows, this.assets, 'index weights');
    const l = await this.panels(info.level.file, info.level.rows, [info.name], 'index level');
    for (const [p, f, file] of [
      [w, 'constituent', info.weights.file],
      [w, 'weight', info.weights.file],
      [l, 'close', info.level.file],
      [l, 'ret', info.level.file],
    ] as const) {
      if (p[f] === undefined)
        throw datasetError('DATASET_CONTENT', `index has no ${f} column`, {
          source: join(this.dir, file),
          field: f,
        });
    }
    return {
      name: info.name,
      constituent: w.constituent!,
      weight: w.weight!,
      close: l.close!.values,
      ret: l.ret!.values,
    };
  }

  /**
   * The daily panels, the index and the industries as the optimizer's `BacktestMarket` (daily
   * panels and the index are small and read whole).
   * @throws `DATASET_NOT_FOUND` when the dataset has no daily data, index or meta;
   * `DATASET_CONTENT` for an asset without an industry (and no `missingIndustry`) or with one
   * not in `industryNames`.
   */
  async backtestMarket<S = unknown>(
    options: BacktestMarketOptions<S> = {},
  ): Promise<DatasetBacktestMarket<S>> {
    const daily = await this.daily();
    const index = await this.index();
    const meta = this.meta();
    const names = meta.map((m, a) => {
      const n = m.industry ?? options.missingIndustry;
      if (n === undefined)
        throw datasetError(
          'DATASET_CONTENT',
          `asset ${m.asset} has no industry in the metadata (see missingIndustry)`,
          {
            source: join(this.dir, this.manifest.meta!.file),
            asset: m.asset,
            row: a,
            field: 'industry',
          },
        );
      return n;
    });
    const list = options.industryNames ?? [...new Set(names)].sort();
    const at = new Map(list.map((n, i) => [n, i]));
    const industry = new Int32Array(names.length);
    names.forEach((n, a) => {
      const i = at.get(n);
      if (i === undefined)
        throw datasetError(
          'DATASET_CONTENT',
          `asset ${this.assets[a]}'s industry ${n} is not in industryNames`,
          {
            asset: this.assets[a]!,
            field: 'industry',
          },
        );
      industry[a] = i;
    });
    return {
      daily,
      index,
      industry,
      industryNames: Object.freeze([...list]),
      ...(options.styles !== undefined ? { styles: options.styles } : {}),
    };
  }

  /** Per-asset metadata (`meta/assets.json`). @throws `DATASET_NOT_FOUND` when absent, `DATASET_CONTENT` when it does not match the assets. */
  meta(): AssetMeta[] {
    const info = this.manifest.meta;
    if (info === null)
      throw datasetError('DATASET_NOT_FOUND', 'the dataset has no meta', { source: this.dir, field: 'meta' });
    const path = join(this.dir, info.file);
    if (!existsSync(path))
      throw datasetError('DATASET_MISSING_PARTITION', `meta: ${info.file} is missing`, {
        source: path,
        field: 'meta',
      });
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw datasetError(
        'DATASET_CONTENT',
        `meta is not valid JSON: ${(e as Error).message}`,
        { source: path },
        e,
      );
    }
    if (!Array.isArray(json) || json.length !== this.assets.length) {
      throw datasetError('DATASET_COUNT_MISMATCH', `meta must list the ${this.assets.length} assets`, {
        source: path,
        field: 'meta',
      });
    }
    const nullable = (v: unknown, kind: 'string' | 'number') => v === null || typeof v === kind;
    json.forEach((m: Record<string, unknown>, i) => {
      const ok =
        typeof m === 'object' &&
        m !== null &&
        m.asset === this.assets[i] &&
        nullable(m.industry, 'string') &&
        nullable(m.board, 'string') &&
        nullable(m.listDate, 'number') &&
        nullable(m.delistDate, 'number');
      if (!ok)
        throw datasetError(
          'DATASET_CONTENT',
          `meta entry ${i} is not {asset: ${this.assets[i]}, industry, board, listDate, delistDate}`,
          { source: path, row: i },
        );
    });
    return json as AssetMeta[];
  }
}

/**
 * Opens a dataset directory for reading (see `DatasetReader`).
 * @throws `DATASET_NOT_FOUND`, `DATASET_MANIFEST`, `DATASET_VERSION` for a missing or broken `dataset.json`.
 */
export function openDataset(dir: string, options: OpenDatasetOptions = {}): DatasetReader {
  return new DatasetReader(dir, options);
}
