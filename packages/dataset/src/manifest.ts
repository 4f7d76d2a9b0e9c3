import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isYmd } from '@hfq/core';
import { datasetError } from './errors.js';

/** The format name in every `dataset.json`. */
export const DATASET_FORMAT = 'hfq-dataset';
/** The format version this package writes and reads. */
export const DATASET_VERSION = 1;
/** The importer's report, beside `dataset.json` (see `importDailyFiles`). */
export const IMPORT_REPORT_FILE = 'import-report.json';
/** The manifest's file name at the root of a dataset directory. */
export const MANIFEST_FILE = 'dataset.json';

/** One date partition of intraday data (minute bars or ticks). */
export interface PartitionInfo {
  /** Trading day, `yyyymmdd`. */
  date: number;
  /** Files of the partition, relative to the dataset root (`minute/date=20240102/part-0.parquet`). */
  files: string[];
  /** Rows over all files (one per bar or snapshot). */
  rows: number;
  /** Stock-days over all files (assets with data that day). */
  stockDays: number;
  /**
   * SHA-256 (hex) of each file as written, in `files` order, present when the writer validated
   * every frame it wrote (`@hfq/bars` rules). A reader whose file still has this hash skips the
   * frame validation (the counts, dates and assets are still checked); `hfq data check` always
   * validates. Absent: every read validates.
   */
  validatedSha256?: string[];
}

/** A single-file part of a dataset (daily panels, index weights or levels). */
export interface FileInfo {
  /** Path relative to the dataset root. */
  file: string;
  /** Rows of the file (dates x assets for a panel file). */
  rows: number;
}

/** The content of `dataset.json` (format version 1); see `docs/dataset.md`. */
export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  version: typeof DATASET_VERSION;
  /** Trading days, `yyyymmdd`, strictly increasing. */
  calendar: number[];
  /** Asset ids (`600000.SH`), unique; the asset order of every panel. */
  assets: string[];
  /** Book levels per side of the tick partitions (0 when there are none). */
  levels: number;
  /** Minute-bar partitions, one per day that has some, in calendar order. */
  minute: PartitionInfo[];
  /** Tick-snapshot partitions, in calendar order. */
  ticks: PartitionInfo[];
  /** Daily panels (every `DailyBars` field), dates x assets; null when absent. */
  daily: FileInfo | null;
  /** Benchmark index: weights/constituents panel file and the level file; null when absent. */
  index: { name: string; weights: FileInfo; level: FileInfo } | null;
  /** Per-asset metadata (`meta/assets.json`); null when absent. */
  meta: { file: string; assets: number } | null;
  /** Where the data came from (free text, e.g. `hfq sim export --seed 7`). */
  source: string;
}

const bad = (message: string, field: string, source: string) =>
  datasetError('DATASET_MANIFEST', message, { field, source });

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** A relative path inside the dataset: no absolute path, no `..`, no backslash. */
function checkRelPath(x: unknown, field: string, source: string): string {
  if (
    typeof x !== 'string' ||
    x === '' ||
    x.startsWith('/') ||
    x.includes('\\') ||
    x.split('/').includes('..')
  ) {
    throw bad(`${field} must be a relative path inside the dataset, got ${JSON.stringify(x)}`, field, source);
  }
  return x;
}

function checkFileInfo(x: unknown, field: string, source: string): FileInfo {
  if (typeof x !== 'object' || x === null) throw bad(`${field} must be an object`, field, source);
  const o = x as Record<string, unknown>;
  const file = checkRelPath(o.file, `${field}.file`, source);
  if (!isCount(o.rows))
    throw bad(`${field}.rows must be a non-negative integer, got ${String(o.rows)}`, `${field}.rows`, source);
  return { file, rows: o.rows };
}

function checkPartitions(x: unknown, field: string, dates: Set<number>, source: string): PartitionInfo[] {
  if (!Array.isArray(x)) throw bad(`${field} must be an array`, field, source);
  const out: PartitionInfo[] = [];
  let prev = -1;
  x.forEach((p: unknown, i) => {
    const f = `${field}[${i}]`;
    if (typeof p !== 'object' || p === null) throw bad(`${f} must be an object`, f, source);
    const o = p as Record<string, unknown>;
    if (typeof o.date !== 'number' || !dates.has(o.date)) {
      throw bad(`${f}.date ${String(o.date)} is not a day of the calendar`, `${f}.date`, source);
    }
    if (o.date <= prev) throw bad(`${f}.date ${o.date} is not after ${prev}`, `${f}.date`, source);
    prev = o.date;
    if (!Array.isArray(o.files) || o.files.length === 0)
      throw bad(`${f}.files must be a non-empty array`, `${f}.files`, source);
    const files = o.files.map((s: unknown, k: number) => checkRelPath(s, `${f}.files[${k}]`, source));
    if (!isCount(o.rows))
      throw bad(`${f}.rows must be a non-negative integer, got ${String(o.rows)}`, `${f}.rows`, source);
    if (!isCount(o.stockDays) || o.stockDays > o.rows) {
      throw bad(
        `${f}.stockDays must be an integer in [0, rows], got ${String(o.stockDays)}`,
        `${f}.stockDays`,
        source,
      );
    }
    const sums = o.validatedSha256;
    if (
      sums !== undefined &&
      (!Array.isArray(sums) ||
        sums.length !== files.length ||
        sums.some((h) => typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)))
    )
      throw bad(`${f}.validatedSha256 must hold one hex SHA-256 per file`, `${f}.validatedSha256`, source);
    out.push({
      date: o.date,
      files,
      rows: o.rows,
      stockDays: o.stockDays,
      ...(sums !== undefined ? { validatedSha256: sums as string[] } : {}),
    });
  });
  return out;
}

/**
 * Checks a parsed `dataset.json` against the version-1 schema before anything in it is trusted:
 * the format name and version, a strictly increasing calendar of valid `yyyymmdd` days, unique
 * asset ids, partitions on calendar days in order, every claimed count a safe non-negative
 * integer (`stockDays` at most the dates x assets it could hold) and every path relative and inside
 * the dataset.
 *
 * @param source - the manifest's path, for error messages.
 * @throws `DATASET_VERSION` for another format version, `DATASET_MANIFEST` naming the field.
 */
export function parseManifest(json: unknown, source: string): DatasetManifest {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw bad('must be a JSON object', '', source);
  const o = json as Record<string, unknown>;
  if (o.format !== DATASET_FORMAT)
    throw bad(`format must be "${DATASET_FORMAT}", got ${JSON.stringify(o.format)}`, 'format', source);
  if (o.version !== DATASET_VERSION) {
    throw datasetError(
      'DATASET_VERSION',
      `format version ${JSON.stringify(o.version)}: this reader knows version ${DATASET_VERSION}`,
      {
        field: 'version',
        source,
      },
    );
  }
  if (!Array.isArray(o.calendar)) throw bad('calendar must be an array of yyyymmdd days', 'calendar', source);
  const calendar = o.calendar as unknown[];
  calendar.forEach((d, i) => {
    if (typeof d !== 'number' || !isYmd(d))
      throw bad(`calendar[${i}] = ${JSON.stringify(d)} is not a yyyymmdd day`, `calendar[${i}]`, source);
    if (i > 0 && d <= (calendar[i - 1] as number))
      throw bad(`calendar[${i}] = ${d} is not after ${String(calendar[i - 1])}`, `calendar[${i}]`, source);
  });
  if (!Array.isArray(o.assets)) throw bad('assets must be an array of ids', 'assets', source);
  const assets = o.assets as unknown[];
  const seen = new Set<string>();
  assets.forEach((a, i) => {
    if (typeof a !== 'string' || a === '')
      throw bad(`assets[${i}] must be a non-empty string`, `assets[${i}]`, source);
    if (seen.has(a)) throw bad(`assets[${i}] = ${a} appears twice`, `assets[${i}]`, source);
    seen.add(a);
  });
  if (!isCount(o.levels) || o.levels > 50)
    throw bad(`levels must be an integer in [0, 50], got ${String(o.levels)}`, 'levels', source);
  const dates = new Set(calendar as number[]);
  const minute = checkPartitions(o.minute, 'minute', dates, source);
  const ticks = checkPartitions(o.ticks, 'ticks', dates, source);
  const cap = dates.size * assets.length;
  for (const [name, parts] of [
    ['minute', minute],
    ['ticks', ticks],
  ] as const) {
    parts.forEach((p, i) => {
      if (p.stockDays > assets.length)
        throw bad(
          `${name}[${i}].stockDays ${p.stockDays} exceeds the ${assets.length} assets`,
          `${name}[${i}].stockDays`,
          source,
        );
    });
  }
  if (ticks.length > 0 && o.levels === 0)
    throw bad('levels must be positive when there are tick partitions', 'levels', source);
  const daily = o.daily === null ? null : checkFileInfo(o.daily, 'daily', source);
  if (daily !== null && daily.rows !== cap)
    throw bad(`daily.rows must be calendar x assets = ${cap}, got ${daily.rows}`, 'daily.rows', source);
  let index: DatasetManifest['index'] = null;
  if (o.index !== null) {
    if (typeof o.index !== 'object' || o.index === undefined)
      throw bad('index must be an object or null', 'index', source);
    const ix = o.index as Record<string, unknown>;
    if (typeof ix.name !== 'string' || ix.name === '')
      throw bad('index.name must be a non-empty string', 'index.name', source);
    const weights = checkFileInfo(ix.weights, 'index.weights', source);
    const level = checkFileInfo(ix.level, 'index.level', source);
    if (weights.rows !== cap)
      throw bad(
        `index.weights.rows must be calendar x assets = ${cap}, got ${weights.rows}`,
        'index.weights.rows',
        source,
      );
    if (level.rows !== dates.size)
      throw bad(
        `index.level.rows must be the ${dates.size} calendar days, got ${level.rows}`,
        'index.level.rows',
        source,
      );
    index = { name: ix.name, weights, level };
  }
  let meta: DatasetManifest['meta'] = null;
  if (o.meta !== null) {
    if (typeof o.meta !== 'object' || o.meta === undefined)
      throw bad('meta must be an object or null', 'meta', source);
    const m = o.meta as Record<string, unknown>;
    const file = checkRelPath(m.file, 'meta.file', source);
    if (m.assets !== assets.length)
      throw bad(
        `meta.assets must be the ${assets.length} assets, got ${String(m.assets)}`,
        'meta.assets',
        source,
      );
    meta = { file, assets: assets.length };
  }
  if (typeof o.source !== 'string') throw bad('source must be a string', 'source', source);
  return {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    calendar: calendar as number[],
    assets: assets as string[],
    levels: o.levels,
    minute,
    ticks,
    daily,
    index,
    meta,
    source: o.source,
  };
}

/**
 * Reads and checks `<dir>/dataset.json` (see `parseManifest`).
 * @throws `DATASET_NOT_FOUND` when there is none, `DATASET_MANIFEST` for broken JSON or schema,
 * `DATASET_VERSION`.
 */
export function readManifest(dir: string): DatasetManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path))
    throw datasetError('DATASET_NOT_FOUND', `no ${MANIFEST_FILE} in ${dir}: not an hfq dataset`, {
      source: path,
    });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw datasetError('DATASET_MANIFEST', `not valid JSON: ${(e as Error).message}`, { source: path }, e);
  }
  return parseManifest(json, path);
}

/** `yyyymmdd` partition directory of a kind: `minute/date=20240102`. */
export function partitionDir(kind: 'minute' | 'ticks', date: number): string {
  return `${kind}/date=${date}`;
}
