import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPanelsParquet, writePanelsParquet } from '@hfq/bars';
import { Panel, type TaskOptions, writeFileAtomicSync } from '@hfq/core';
import {
  BASELINE_FACTORS,
  FACTOR_LIBRARY,
  type FactorDef,
  MINUTE_FACTORS,
  TICK_FACTORS,
  VBAR_FACTORS,
} from '@hfq/factor-dsl';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { type DailyFactorSet, evaluateDatasetDailyFactors } from './daily-factors.js';
import { datasetError } from './errors.js';
import { evaluateDatasetFactors } from './evaluate.js';
import type { DatasetReader } from './reader.js';

/** The factor sets `hfq factors --set <name>` knows, by name. */
export const FACTOR_SETS: Readonly<Record<string, readonly FactorDef[]>> = Object.freeze({
  library: FACTOR_LIBRARY,
  baseline: BASELINE_FACTORS,
  minute: MINUTE_FACTORS,
  vbar: VBAR_FACTORS,
  tick: TICK_FACTORS,
});

/**
 * A factor set by name (`library`, `baseline`, `minute`, `vbar`, `tick`) or from a JSON file
 * holding an array of `{ id, source, formula }` (`source`: `minute`, `vbar` or `tick`).
 * @throws `DATASET_INPUT` naming the unknown set, the unreadable file, or the entry and field
 * that is wrong.
 */
export function resolveFactorSet(nameOrFile: string): readonly FactorDef[] {
  const named = FACTOR_SETS[nameOrFile];
  if (named !== undefined && Object.hasOwn(FACTOR_SETS, nameOrFile)) return named;
  if (!existsSync(nameOrFile)) {
    throw datasetError(
      'DATASET_INPUT',
      `no factor set named ${JSON.stringify(nameOrFile)} (known: ${Object.keys(FACTOR_SETS).join(', ')}) and no such file`,
      {
        field: 'set',
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(nameOrFile, 'utf8'));
  } catch (e) {
    throw datasetError(
      'DATASET_INPUT',
      `factor set file is not valid JSON: ${(e as Error).message}`,
      { source: nameOrFile },
      e,
    );
  }
  if (!Array.isArray(json) || json.length === 0)
    throw datasetError('DATASET_INPUT', 'a factor set file holds a non-empty JSON array', {
      source: nameOrFile,
    });
  return json.map((d: Record<string, unknown>, i) => {
    for (const k of ['id', 'source', 'formula'] as const) {
      if (typeof d?.[k] !== 'string')
        throw datasetError('DATASET_INPUT', `entry ${i} needs a string ${k}`, {
          source: nameOrFile,
          row: i,
          field: k,
        });
    }
    if (!['minute', 'vbar', 'tick'].includes(d.source as string)) {
      throw datasetError(
        'DATASET_INPUT',
        `entry ${i}: source must be minute, vbar or tick, got ${String(d.source)}`,
        { source: nameOrFile, row: i, field: 'source' },
      );
    }
    return { id: d.id as string, source: d.source as FactorDef['source'], formula: d.formula as string };
  });
}

/** A shard `i/N`: the i-th (0-based) of N contiguous blocks of the calendar. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `i/N` (0 <= i < N). @throws `DATASET_INPUT` for anything else.
 */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count) || !Number.isSafeInteger(count)) {
    throw datasetError('DATASET_INPUT', `shard must be i/N with 0 <= i < N, got ${JSON.stringify(spec)}`, {
      field: 'shard',
    });
  }
  return { index, count };
}

/** Day indices [start, end) of shard `s` over `nDays` days (contiguous blocks, sizes differ by at most 1). */
export function shardDays(nDays: number, s: Shard): [start: number, end: number] {
  return [Math.floor((s.index * nDays) / s.count), Math.floor(((s.index + 1) * nDays) / s.count)];
}

/** `_factors.json` of a factor output directory. */
export interface FactorOutputManifest {
  format: 'hfq-factors';
  version: 1;
  /** Every date the run covers (all shards together), `yyyymmdd`. */
  dates: number[];
  /** Asset ids: the rows of each date file, in order. */
  assets: string[];
  /** Factor ids: the value columns after `date, asset`. */
  factors: string[];
  /** File format of the date files. */
  fileFormat: 'parquet' | 'csv';
}

/** The output manifest's file name. */
export const FACTOR_OUTPUT_MANIFEST = '_factors.json';

/** Options of `writeFactorShard`. */
export interface FactorShardOptions extends TaskOptions {
  /** Default `parquet`. */
  format?: 'parquet' | 'csv';
  /** Default `0/1` (everything). */
  shard?: Shard;
}

/** What `writeFactorShard` did. */
export interface FactorShardResult {
  /** Dates written by this call. */
  written: number[];
  /** Dates of the shard already there (a re-run skips them). */
  skipped: number[];
}

function dateFile(out: string, date: number, shard: number, ext: string): string {
  return join(out, `date=${date}`, `part-${shard}.${ext}`);
}

/**
 * Evaluates `factors` over one shard of the dataset's days and writes one file per date,
 * `<out>/date=YYYYMMDD/part-<i>.<ext>`, long form `date, asset, <factor>...` (one row per asset
 * of the dataset, NaN / an empty CSV cell where a stock has no value). Each file is written
 * atomically, so a date file that exists is complete: re-running a finished shard reads nothing
 * and writes nothing. `_factors.json` records the run (dates, assets, factors, format); a run with
 * other factors or format into the same directory is refused.
 *
 * @throws `DATASET_FACTORS` when `out` holds another run; the evaluation's errors.
 */
export async function writeFactorShard(
  ds: DatasetReader,
  factors: readonly FactorDef[] | DailyFactorSet,
  out: string,
  options: FactorShardOptions = {},
): Promise<FactorShardResult> {
  const format = options.format ?? 'parquet';
  const shard = options.shard ?? { index: 0, count: 1 };
  const manifest: FactorOutputManifest = {
    format: 'hfq-factors',
    version: 1,
    dates: [...ds.calendar.dates],
    assets: [...ds.assets],
    factors: Array.isArray(factors)
      ? factors.map((f) => f.id)
      : (factors as DailyFactorSet).defs.map((f) => f.name),
    fileFormat: format,
  };
  mkdirSync(out, { recursive: true });
  const mpath = join(out, FACTOR_OUTPUT_MANIFEST);
  const text = `${JSON.stringify(manifest)}\n`;
  if (existsSync(mpath)) {
    if (readFileSync(mpath, 'utf8') !== text) {
      throw datasetError(
        'DATASET_FACTORS',
        `${out} holds another factor run (other dates, assets, factors or format)`,
        { source: mpath },
      );
    }
  } else {
    writeFileAtomicSync(mpath, text);
  }
  const [start, end] = shardDays(ds.calendar.dates.length, shard);
  const todo: number[] = [];
  const skipped: number[] = [];
  for (let t = start; t < end; t++) {
    const date = ds.calendar.dates[t]!;
    if (existsSync(dateFile(out, date, shard.index, format))) skipped.push(date);
    else todo.push(t);
  }
  const written: number[] = [];
  if (todo.length > 0) {
    const cube = Array.isArray(factors)
      ? await evaluateDatasetFactors(ds, factors, { ...options, days: todo })
      : await evaluateDatasetDailyFactors(ds, (factors as DailyFactorSet).defs, { ...options, days: todo });
    const nA = ds.assets.length;
    const nF = manifest.factors.length;
    for (let k = 0; k < todo.length; k++) {
      const date = cube.dates[k]!;
      const m = cube.day(k);
      mkdirSync(join(out, `date=${date}`), { recursive: true });
      const path = dateFile(out, date, shard.index, format);
      if (format === 'parquet') {
        const panels: Record<string, Panel> = {};
        manifest.factors.forEach((id, f) => {
          panels[id] = new Panel(
            [date],
            ds.assets,
            Float64Array.from({ length: nA }, (_, a) => m[a * nF + f]!),
          );
        });
        writePanelsParquet(path, panels);
      } else {
        const lines = [['date', 'asset', ...manifest.factors].join(',')];
        for (let a = 0; a < nA; a++) {
          const row = [String(date), ds.assets[a]!];
          for (let f = 0; f < nF; f++) {
            const v = m[a * nF + f]!;
            row.push(Number.isNaN(v) ? '' : String(v));
          }
          lines.push(row.join(','));
        }
        writeFileAtomicSync(path, `${lines.join('\n')}\n`);
      }
      written.push(date);
    }
  }
  return { written, skipped };
}

/** What `verifyFactorOutput` found. */
export interface FactorVerifyResult {
  ok: boolean;
  /** Dates with no file. */
  missing: number[];
  /** Dates with more than one file (written by two shards). */
  duplicated: number[];
  /** `date=` directories of dates the run does not cover. */
  unexpected: string[];
  /** Files that do not hold one row per asset, or cannot be read: `path: why`. */
  broken: string[];
}

/**
 * Checks a factor output directory: every date of `_factors.json` has exactly one file, holding
 * one row per asset (Parquet: its claimed row count; CSV: its lines); no other dates.
 * @throws `DATASET_FACTORS` when `_factors.json` is absent or broken.
 */
export async function verifyFactorOutput(out: string): Promise<FactorVerifyResult> {
  const m = readManifestOf(out);
  const res: FactorVerifyResult = { ok: true, missing: [], duplicated: [], unexpected: [], broken: [] };
  const dates = new Set(m.dates.map((d) => `date=${d}`));
  for (const e of readdirSync(out)) if (e.startsWith('date=') && !dates.has(e)) res.unexpected.push(e);
  const ext = m.fileFormat;
  for (const d of m.dates) {
    const dir = join(out, `date=${d}`);
    const files = existsSync(dir)
      ? readdirSync(dir).filter((f) => /^part-\d+\./.test(f) && f.endsWith(`.${ext}`))
      : [];
    if (files.length === 0) res.missing.push(d);
    else if (files.length > 1) res.duplicated.push(d);
    for (const f of files) {
      const path = join(dir, f);
      try {
        let rows: number;
        if (ext === 'parquet') {
          const md = await parquetMetadataAsync(await asyncBufferFromFile(path));
          rows = Number(md.num_rows);
        } else {
          rows =
            readFileSync(path, 'utf8')
              .split('\n')
              .filter((l) => l !== '').length - 1;
        }
        if (rows !== m.assets.length)
          res.broken.push(`${path}: ${rows} rows, expected ${m.assets.length} (one per asset)`);
      } catch (e) {
        res.broken.push(`${path}: ${(e as Error).message}`);
      }
    }
  }
  res.ok = res.missing.length + res.duplicated.length + res.unexpected.length + res.broken.length === 0;
  return res;
}

/** A factor output read back as one: every date of the run, all shards together. */
export interface FactorOutputTable {
  /** Every date of the run, ascending, `yyyymmdd`. */
  dates: number[];
  /** Asset ids, in the run's order. */
  assets: string[];
  /** Factor ids, in the run's column order. */
  factors: string[];
  /** One dates x assets float64 panel per factor (NaN = no value). */
  panels: Record<string, Panel<Float64Array>>;
}

function readManifestOf(out: string): FactorOutputManifest {
  const mpath = join(out, FACTOR_OUTPUT_MANIFEST);
  if (!existsSync(mpath))
    throw datasetError(
      'DATASET_FACTORS',
      `no ${FACTOR_OUTPUT_MANIFEST} in ${out}: not a factor output directory`,
      { source: mpath },
    );
  let m: FactorOutputManifest;
  try {
    m = JSON.parse(readFileSync(mpath, 'utf8')) as FactorOutputManifest;
  } catch (e) {
    throw datasetError(
      'DATASET_FACTORS',
      `${FACTOR_OUTPUT_MANIFEST} is not valid JSON`,
      { source: mpath },
      e,
    );
  }
  if (
    m?.format !== 'hfq-factors' ||
    m.version !== 1 ||
    !Array.isArray(m.dates) ||
    !Array.isArray(m.assets) ||
    !Array.isArray(m.factors) ||
    (m.fileFormat !== 'parquet' && m.fileFormat !== 'csv')
  ) {
    throw datasetError(
      'DATASET_FACTORS',
      `${FACTOR_OUTPUT_MANIFEST} is not an hfq-factors version 1 manifest`,
      {
        source: mpath,
      },
    );
  }
  return m;
}

/**
 * Reads a factor output directory (all shards' `date=YYYYMMDD/part-<i>` files) back as one table:
 * one dates x assets panel per factor, on the dates, assets and factors of `_factors.json`.
 * Values are exact: Parquet stores the doubles; CSV holds each as JavaScript's shortest
 * round-trip text (an empty cell is NaN). It reads every date file, so it is meant for a
 * run's final check and for outputs that fit in memory (dates x assets x factors doubles).
 *
 * @throws `DATASET_FACTORS` naming the date or file when a date has no file or more than one
 * (run `verifyFactorOutput` for the full list), or a file holds other dates, assets or factor
 * columns than the manifest says, or a CSV cell that is not a number; the Parquet reader's
 * `BARS_*` errors for a file that cannot be read.
 */
export async function readFactorOutput(out: string): Promise<FactorOutputTable> {
  const m = readManifestOf(out);
  const nA = m.assets.length;
  const panels: Record<string, Panel<Float64Array>> = {};
  for (const f of m.factors) panels[f] = Panel.alloc(m.dates, m.assets, 'float64');
  for (let t = 0; t < m.dates.length; t++) {
    const day = await readFactorDate(out, m, m.dates[t]!);
    for (const [k, f] of m.factors.entries()) panels[f]!.values.set(day[k]!, t * nA);
  }
  return { dates: [...m.dates], assets: [...m.assets], factors: [...m.factors], panels };
}

/** The `_factors.json` of a factor output directory, checked. @throws `DATASET_FACTORS`. */
export function readFactorOutputManifest(out: string): FactorOutputManifest {
  return readManifestOf(out);
}

/**
 * Reads the one file of `date` of a factor output: per factor (in the manifest's order) the values
 * of the manifest's assets (in order). @throws as `readFactorOutput`.
 */
export async function readFactorDate(
  out: string,
  m: FactorOutputManifest,
  d: number,
): Promise<Float64Array[]> {
  const nA = m.assets.length;
  const ext = m.fileFormat;
  const dir = join(out, `date=${d}`);
  const files = existsSync(dir)
    ? readdirSync(dir).filter((f) => /^part-\d+\./.test(f) && f.endsWith(`.${ext}`))
    : [];
  if (files.length !== 1)
    throw datasetError(
      'DATASET_FACTORS',
      files.length === 0
        ? `date ${d} has no file in ${out}: a shard did not finish`
        : `date ${d} has ${files.length} files (${files.join(', ')}): written by more than one shard`,
      { source: dir, date: d },
    );
  const path = join(dir, files[0]!);
  const wrong = (what: string, extra: Record<string, unknown> = {}): never => {
    throw datasetError('DATASET_FACTORS', `${path}: ${what}`, { source: path, date: d, ...extra });
  };
  const cols = m.factors.map(() => new Float64Array(nA));
  if (ext === 'parquet') {
    const got = await readPanelsParquet(path);
    const names = Object.keys(got);
    if (names.join('\0') !== m.factors.join('\0'))
      wrong(`factor columns ${names.join(',')} are not the run's ${m.factors.join(',')}`);
    m.factors.forEach((f, k) => {
      const p = got[f]!;
      if (p.nDates !== 1 || p.dates[0] !== d) wrong(`holds dates ${p.dates.join(',')}, expected ${d}`);
      if (p.nAssets !== nA || p.assets.some((a, i) => a !== m.assets[i]))
        wrong(`assets are not the run's ${nA} assets in order`);
      cols[k]!.set(p.values);
    });
  } else {
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const header = ['date', 'asset', ...m.factors].join(',');
    if (lines[0] !== header) wrong(`header ${JSON.stringify(lines[0])} is not ${JSON.stringify(header)}`);
    if (lines.length - 1 !== nA) wrong(`${lines.length - 1} rows, expected ${nA} (one per asset)`);
    for (let a = 0; a < nA; a++) {
      const cells = lines[a + 1]!.split(',');
      if (cells.length !== m.factors.length + 2) wrong(`${cells.length} cells`, { row: a + 1 });
      if (cells[0] !== String(d) || cells[1] !== m.assets[a])
        wrong(`row is (${cells[0]}, ${cells[1]}), expected (${d}, ${m.assets[a]})`, { row: a + 1 });
      m.factors.forEach((f, k) => {
        const c = cells[k + 2]!;
        const v = c === '' ? Number.NaN : Number(c);
        if (c !== '' && Number.isNaN(v))
          wrong(`${JSON.stringify(c)} is not a number`, { row: a + 1, field: f });
        cols[k]![a] = v;
      });
    }
  }
  return cols;
}

/** One cell where two factor outputs differ. */
export interface FactorCellDifference {
  /** Factor id. */
  factor: string;
  /** Date, `yyyymmdd`. */
  date: number;
  /** Asset id. */
  asset: string;
  /** The value in the first table (NaN = no value). */
  a: number;
  /** The value in the second table (NaN = no value). */
  b: number;
}

/** What `compareFactorOutputs` found. */
export interface FactorCompareResult {
  /** Same dates, assets and factors, and every value equal (NaN equals NaN). */
  equal: boolean;
  /** Why the two cannot be compared cell by cell (other dates, assets or factors), else null. */
  shapeMismatch: string | null;
  /** Number of differing cells. */
  differing: number;
  /** The first differing cells (at most 20), in factor, date, asset order. */
  first: FactorCellDifference[];
}

/**
 * Compares two factor tables (from `readFactorOutput`) value for value, exactly: two cells are
 * equal when they are the same double (`===`, so 0 equals -0) or both NaN. Used to check that a
 * sharded run equals a one-process run.
 */
export function compareFactorOutputs(a: FactorOutputTable, b: FactorOutputTable): FactorCompareResult {
  const same = (x: readonly unknown[], y: readonly unknown[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  const shape = !same(a.dates, b.dates)
    ? 'the dates differ'
    : !same(a.assets, b.assets)
      ? 'the assets differ'
      : !same(a.factors, b.factors)
        ? 'the factors differ'
        : null;
  if (shape !== null) return { equal: false, shapeMismatch: shape, differing: 0, first: [] };
  let differing = 0;
  const first: FactorCellDifference[] = [];
  const nA = a.assets.length;
  for (const f of a.factors) {
    const x = a.panels[f]!.values;
    const y = b.panels[f]!.values;
    for (let i = 0; i < x.length; i++) {
      const u = x[i]!;
      const v = y[i]!;
      if (u === v || (Number.isNaN(u) && Number.isNaN(v))) continue;
      differing++;
      if (first.length < 20)
        first.push({ factor: f, date: a.dates[Math.floor(i / nA)]!, asset: a.assets[i % nA]!, a: u, b: v });
    }
  }
  return { equal: differing === 0, shapeMismatch: null, differing, first };
}
