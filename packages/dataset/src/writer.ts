import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DailyBars,
  findMinuteBarIssues,
  findTickIssues,
  type IndexData,
  type MinuteBars,
  type TickSnapshots,
  writeMinuteBarsParquet,
  writePanelsParquet,
  writeTickSnapshotsParquet,
} from '@hfq/bars';
import { checkYmd, Panel, writeFileAtomicSync } from '@hfq/core';
import { datasetError } from './errors.js';
import {
  DATASET_FORMAT,
  DATASET_VERSION,
  type DatasetManifest,
  type FileInfo,
  MANIFEST_FILE,
  type PartitionInfo,
  parseManifest,
  partitionDir,
} from './manifest.js';

/** Per-asset metadata stored in `meta/assets.json` (null where unknown). */
export interface AssetMeta {
  asset: string;
  /** Industry name. */
  industry: string | null;
  /** Board (`main`, `chinext`, `star`, ...). */
  board: string | null;
  /** First trading day listed, `yyyymmdd` (null: listed before the calendar starts, or unknown). */
  listDate: number | null;
  /** Last trading day listed, `yyyymmdd` (null: still listed at the calendar's end, or unknown). */
  delistDate: number | null;
}

/** Options of `DatasetWriter.create`. */
export interface DatasetWriterOptions {
  /**
   * Trading days, `yyyymmdd`, strictly increasing. Omitted: the calendar is the days of the
   * partitions written (an importer that learns the days from the files).
   */
  calendar?: ArrayLike<number>;
  /**
   * Asset ids, unique: the asset order of every panel. Omitted: the assets of the frames written,
   * sorted (then no daily panels, index or meta can be written).
   */
  assets?: readonly string[];
  /** Book levels per side of the tick partitions (default 10). */
  levels?: number;
  /** Free text recorded as the manifest's `source`. */
  source?: string;
  /** Rows per Parquet row group (default: the bars writer's 65,536). */
  rowGroupRows?: number;
}

/** SHA-256 (hex) of a file's bytes. */
export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export const DAILY_FILE = 'daily/daily.parquet';
export const INDEX_WEIGHTS_FILE = 'index/weights.parquet';
export const INDEX_LEVEL_FILE = 'index/level.parquet';
export const META_FILE = 'meta/assets.json';

/**
 * Writes a dataset directory (layout: `docs/dataset.md`). Each partition file is written
 * atomically (temporary file, fsync, rename), and `dataset.json` last, by `finish`: a directory
 * whose writer was killed has no manifest and is not mistaken for a dataset.
 *
 * Every frame written is checked to belong where it goes (its date, an asset of the dataset, not
 * twice in a partition); the bars writer stores it as given (validate before, or import through
 * `importFiles`). Each frame is also validated here by `@hfq/bars` with the default rules: when
 * every frame of a partition passes, the manifest records the file's SHA-256
 * (`PartitionInfo.validatedSha256`), so readers skip validating it again while the file is
 * unchanged; otherwise readers validate it (and reject what breaks a rule).
 */
export class DatasetWriter {
  private readonly minute: PartitionInfo[] = [];
  private readonly ticks: PartitionInfo[] = [];
  private daily: FileInfo | null = null;
  private index: DatasetManifest['index'] = null;
  private meta: DatasetManifest['meta'] = null;
  private readonly calendar: number[];
  private readonly dateSet: Set<number>;
  private readonly assetSet: Set<string>;
  private readonly discover: { dates: boolean; assets: boolean };
  private readonly levels: number;

  private constructor(
    readonly dir: string,
    private readonly options: DatasetWriterOptions,
  ) {
    this.discover = { dates: options.calendar === undefined, assets: options.assets === undefined };
    this.calendar = Array.from(options.calendar ?? []);
    this.calendar.forEach((d, i) => {
      checkYmd(d, `calendar[${i}]`);
      if (i > 0 && d <= this.calendar[i - 1]!) {
        throw datasetError(
          'DATASET_INPUT',
          `calendar must be strictly increasing: ${this.calendar[i - 1]} then ${d}`,
          {
            field: 'calendar',
            row: i,
          },
        );
      }
    });
    this.dateSet = new Set(this.calendar);
    this.assetSet = new Set(options.assets ?? []);
    if (this.assetSet.size !== (options.assets ?? []).length)
      throw datasetError('DATASET_INPUT', 'assets must be unique', { field: 'assets' });
    this.levels = options.levels ?? 10;
  }

  /**
   * Starts a dataset in `dir` (created if needed).
   * @throws `DATASET_EXISTS` when `dir` already holds a `dataset.json` or any other file,
   * `DATASET_INPUT` for a calendar that is not increasing or repeated assets.
   */
  static create(dir: string, options: DatasetWriterOptions): DatasetWriter {
    if (existsSync(join(dir, MANIFEST_FILE))) {
      throw datasetError('DATASET_EXISTS', `${dir} already holds a dataset`, {
        source: join(dir, MANIFEST_FILE),
      });
    }
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw datasetError(
        'DATASET_EXISTS',
        `${dir} is not empty; write a dataset into a new or empty directory`,
        { source: dir },
      );
    }
    mkdirSync(dir, { recursive: true });
    return new DatasetWriter(dir, options);
  }

  private checkDate(date: number, kind: string, parts: PartitionInfo[]): void {
    if (this.discover.dates) {
      checkYmd(date, 'date');
      this.dateSet.add(date);
    }
    if (!this.dateSet.has(date))
      throw datasetError('DATASET_INPUT', `${date} is not a day of the calendar`, { field: kind, date });
    const last = parts[parts.length - 1];
    if (last !== undefined && date <= last.date) {
      throw datasetError(
        'DATASET_INPUT',
        `${kind} partitions must be written in date order: ${date} after ${last.date}`,
        {
          field: kind,
          date,
        },
      );
    }
  }

  private async *counted<F extends MinuteBars | TickSnapshots>(
    kind: string,
    date: number,
    frames: AsyncIterable<F> | Iterable<F>,
    info: PartitionInfo,
    valid: { ok: boolean },
  ): AsyncGenerator<F> {
    const seen = new Set<string>();
    for await (const f of frames) {
      const asset = f.asset;
      if (asset !== undefined && this.discover.assets) this.assetSet.add(asset);
      if (asset === undefined || !this.assetSet.has(asset)) {
        throw datasetError(
          'DATASET_CONTENT',
          `a ${kind} frame of asset ${String(asset)}, not an asset of the dataset`,
          {
            field: kind,
            date,
            asset: String(asset),
          },
        );
      }
      if (f.date !== undefined && f.date !== date) {
        throw datasetError('DATASET_CONTENT', `a ${kind} frame of ${f.date} in the partition of ${date}`, {
          field: kind,
          date,
          asset,
        });
      }
      // validated here with the default rules, so that readers need not do it again (a frame that
      // breaks one is stored as given, and the partition gets no checksum: readers validate it)
      const issues =
        kind === 'minute' ? findMinuteBarIssues(f as MinuteBars) : findTickIssues(f as TickSnapshots);
      if (issues.length > 0) valid.ok = false;
      if (seen.has(asset))
        throw datasetError('DATASET_CONTENT', `asset ${asset} twice in the ${kind} partition of ${date}`, {
          field: kind,
          date,
          asset,
        });
      seen.add(asset);
      info.stockDays++;
      info.rows += f.time.length;
      yield { ...f, date };
    }
  }

  /** Writes the minute-bar partition of `date` (`minute/date=YYYYMMDD/part-0.parquet`). Dates in increasing order. */
  async writeMinute(
    date: number,
    frames: AsyncIterable<MinuteBars> | Iterable<MinuteBars>,
  ): Promise<PartitionInfo> {
    this.checkDate(date, 'minute', this.minute);
    const file = `${partitionDir('minute', date)}/part-0.parquet`;
    const info: PartitionInfo = { date, files: [file], rows: 0, stockDays: 0 };
    const valid = { ok: true };
    mkdirSync(join(this.dir, partitionDir('minute', date)), { recursive: true });
    await writeMinuteBarsParquet(
      join(this.dir, file),
      this.counted('minute', date, frames, info, valid),
      this.rowGroup(),
    );
    if (valid.ok) info.validatedSha256 = [sha256(join(this.dir, file))];
    this.minute.push(info);
    return info;
  }

  /** Writes the tick partition of `date` (`ticks/date=YYYYMMDD/part-0.parquet`). Dates in increasing order. */
  async writeTicks(
    date: number,
    frames: AsyncIterable<TickSnapshots> | Iterable<TickSnapshots>,
  ): Promise<PartitionInfo> {
    this.checkDate(date, 'ticks', this.ticks);
    const file = `${partitionDir('ticks', date)}/part-0.parquet`;
    const info: PartitionInfo = { date, files: [file], rows: 0, stockDays: 0 };
    const valid = { ok: true };
    mkdirSync(join(this.dir, partitionDir('ticks', date)), { recursive: true });
    const levels = this.levels;
    async function* checkedLevels(src: AsyncIterable<TickSnapshots>) {
      for await (const f of src) {
        if (f.levels !== levels) {
          throw datasetError(
            'DATASET_CONTENT',
            `tick frame with ${f.levels} levels in a ${levels}-level dataset`,
            {
              field: 'levels',
              date,
              asset: String(f.asset),
            },
          );
        }
        yield f;
      }
    }
    await writeTickSnapshotsParquet(
      join(this.dir, file),
      checkedLevels(this.counted('ticks', date, frames, info, valid)),
      {
        ...this.rowGroup(),
        levels,
      },
    );
    if (valid.ok) info.validatedSha256 = [sha256(join(this.dir, file))];
    this.ticks.push(info);
    return info;
  }

  private rowGroup() {
    return this.options.rowGroupRows === undefined ? {} : { rowGroupRows: this.options.rowGroupRows };
  }

  private givenAssets(what: string): readonly string[] {
    if (this.options.assets === undefined || this.options.calendar === undefined) {
      throw datasetError(
        'DATASET_INPUT',
        `${what} needs the calendar and assets given to DatasetWriter.create`,
        { field: what },
      );
    }
    return this.options.assets;
  }

  private checkPanel(p: Panel, what: string): void {
    const assets = this.givenAssets(what);
    const same =
      p.dates.length === this.calendar.length &&
      p.dates.every((d, i) => d === this.calendar[i]) &&
      p.assets.length === assets.length &&
      p.assets.every((a, i) => a === assets[i]);
    if (!same)
      throw datasetError('DATASET_CONTENT', `${what} is not on the dataset's calendar and assets`, {
        field: what,
      });
  }

  /** Writes every field of `daily` to `daily/daily.parquet` (long form `date, asset, <field>...`). */
  writeDaily(daily: DailyBars): void {
    const panels = daily as unknown as Record<string, Panel>;
    for (const [k, p] of Object.entries(panels)) this.checkPanel(p, `daily.${k}`);
    mkdirSync(join(this.dir, 'daily'), { recursive: true });
    writePanelsParquet(join(this.dir, DAILY_FILE), panels, this.rowGroup());
    this.daily = { file: DAILY_FILE, rows: this.calendar.length * this.assetSet.size };
  }

  /**
   * Writes a benchmark index: `index/weights.parquet` (`constituent`, `weight` per date and asset)
   * and `index/level.parquet` (`close`, `ret` per date; the asset column holds the index name).
   */
  writeIndex(index: IndexData): void {
    this.checkPanel(index.constituent, 'index.constituent');
    this.checkPanel(index.weight, 'index.weight');
    const n = this.calendar.length;
    if (index.close.length !== n || index.ret.length !== n) {
      throw datasetError('DATASET_CONTENT', `index close/ret must have the ${n} calendar days`, {
        field: 'index',
      });
    }
    mkdirSync(join(this.dir, 'index'), { recursive: true });
    writePanelsParquet(
      join(this.dir, INDEX_WEIGHTS_FILE),
      { constituent: index.constituent, weight: index.weight },
      this.rowGroup(),
    );
    const level = (v: Float64Array) => new Panel(this.calendar, [index.name], Float64Array.from(v));
    writePanelsParquet(
      join(this.dir, INDEX_LEVEL_FILE),
      { close: level(index.close), ret: level(index.ret) },
      this.rowGroup(),
    );
    this.index = {
      name: index.name,
      weights: { file: INDEX_WEIGHTS_FILE, rows: n * this.assetSet.size },
      level: { file: INDEX_LEVEL_FILE, rows: n },
    };
  }

  /** Writes `meta/assets.json`: one entry per asset of the dataset, in its order. */
  writeMeta(meta: readonly AssetMeta[]): void {
    const assets = this.givenAssets('meta');
    if (meta.length !== assets.length || meta.some((m, i) => m.asset !== assets[i])) {
      throw datasetError(
        'DATASET_CONTENT',
        'meta must hold one entry per asset, in the order of the assets',
        { field: 'meta' },
      );
    }
    mkdirSync(join(this.dir, 'meta'), { recursive: true });
    writeFileAtomicSync(join(this.dir, META_FILE), `${JSON.stringify(meta, null, 1)}\n`);
    this.meta = { file: META_FILE, assets: assets.length };
  }

  /** Writes `dataset.json` (atomically) and returns it. Nothing may be written after. */
  finish(): DatasetManifest {
    const manifest: DatasetManifest = {
      format: DATASET_FORMAT,
      version: DATASET_VERSION,
      calendar: this.discover.dates ? [...this.dateSet].sort((a, b) => a - b) : this.calendar,
      assets: this.options.assets !== undefined ? [...this.options.assets] : [...this.assetSet].sort(),
      levels: this.ticks.length > 0 ? this.levels : 0,
      minute: this.minute,
      ticks: this.ticks,
      daily: this.daily,
      index: this.index,
      meta: this.meta,
      source: this.options.source ?? '',
    };
    const path = join(this.dir, MANIFEST_FILE);
    parseManifest(JSON.parse(JSON.stringify(manifest)), path); // what we write, we can read
    writeFileAtomicSync(path, `${JSON.stringify(manifest)}\n`);
    return manifest;
  }
}
