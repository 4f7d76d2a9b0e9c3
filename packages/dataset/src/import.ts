import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  CANONICAL_MINUTE,
  type ColumnMapping,
  DERIVED_1MIN_BARS,
  findMinuteBarIssues,
  type MinuteBars,
  type RepairChange,
  readMinuteBarsCsv,
  readMinuteBarsParquet,
  repairMinuteBars,
  type ValidationIssue,
  type ValidationOptions,
  VENDOR_1MIN_BARS,
} from '@hfq/bars';
import { HfqError, ProgressReporter, type TaskOptions, throwIfAborted, writeFileAtomicSync } from '@hfq/core';
import { datasetError } from './errors.js';
import { type DatasetManifest, IMPORT_REPORT_FILE } from './manifest.js';
import { DatasetWriter } from './writer.js';

/** The column mappings `hfq data import --mapping <name>` knows (from `@hfq/bars`). */
export const IMPORT_MAPPINGS: Readonly<Record<string, ColumnMapping>> = Object.freeze({
  canonical: CANONICAL_MINUTE,
  vendor: VENDOR_1MIN_BARS,
  derived: DERIVED_1MIN_BARS,
});

/** Options of `importDailyFiles`. */
export interface ImportOptions extends TaskOptions {
  /** Column mapping of the files (default: the canonical minute layout of `@hfq/bars`). */
  mapping?: ColumnMapping;
  /** Rules of the validators. */
  validation?: ValidationOptions;
  /**
   * `'repair'` (default): fix what is unambiguous (`repairMinuteBars`: sort, drop exact duplicate
   * rows, snap float artefacts to the tick grid), record every change, reject stock-days that still
   * break a rule. `'strict'`: reject every stock-day that breaks a rule, change nothing.
   */
  mode?: 'repair' | 'strict';
}

/** A stock-day the importer did not write, with every rule it broke. */
export interface RejectedStockDay {
  asset: string;
  date: number;
  issues: ValidationIssue[];
}

/** What the importer did with one file. */
export interface ImportFileReport {
  file: string;
  /** The file's day (null when the file could not be read). */
  date: number | null;
  /** Stock-days written. */
  stockDays: number;
  /** Rows (bars) written. */
  rows: number;
  /** Every change a repair made (asset, date, row, field, before, after). */
  repaired: RepairChange[];
  /** Every stock-day rejected. */
  rejected: RejectedStockDay[];
  /** Why the whole file was rejected (unreadable, a cell that does not parse, several days); null when it was read. */
  error: string | null;
}

/** The result of `importDailyFiles`, also written to `<dir>/import-report.json`. */
export interface ImportReport {
  /** True when no file and no stock-day was rejected. */
  ok: boolean;
  files: ImportFileReport[];
  /** The dataset's manifest (null when no file could be imported). */
  manifest: DatasetManifest | null;
}

/**
 * Imports minute bars from one file per trading day holding all stocks (CSV or Parquet by
 * extension; vendor column names through a `@hfq/bars` `ColumnMapping`) into a new dataset in `dir`:
 * one minute partition per file. The calendar is the files' days and the assets those seen.
 * Files are taken in name order (name them so they sort by date, e.g. `20240102.csv`); a file's
 * day must be after the previous file's.
 *
 * Nothing is dropped silently: every repaired row is in the report, every rejected stock-day is
 * listed with all the rules it broke (row and field), a file that cannot be read is rejected whole
 * with the reader's error (file, row, field). The report is returned and written to
 * `import-report.json` beside `dataset.json`.
 *
 * Progress: stage `import`, unit `files`.
 * @throws `DATASET_EXISTS` when `dir` is not empty, `DATASET_INPUT` for no files, a missing file,
 * or files out of date order; `ABORTED`.
 */
export async function importDailyFiles(
  dir: string,
  files: readonly string[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  if (files.length === 0) throw datasetError('DATASET_INPUT', 'no files to import', { field: 'files' });
  for (const f of files)
    if (!existsSync(f)) throw datasetError('DATASET_INPUT', `no file at ${f}`, { source: f, field: 'files' });
  const sorted = [...files].sort((a, b) =>
    basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : a < b ? -1 : 1,
  );
  const mapping = options.mapping ?? CANONICAL_MINUTE;
  const mode = options.mode ?? 'repair';
  const writer = DatasetWriter.create(dir, { source: `hfq data import (${files.length} files)` });
  const progress = new ProgressReporter(options, 'import', sorted.length, 'files');
  const reports: ImportFileReport[] = [];
  let lastDate = 0;
  for (const file of sorted) {
    throwIfAborted(options.signal, 'import');
    const rep: ImportFileReport = {
      file,
      date: null,
      stockDays: 0,
      rows: 0,
      repaired: [],
      rejected: [],
      error: null,
    };
    reports.push(rep);
    let frames: MinuteBars[];
    try {
      frames = await readDay(file, mapping);
    } catch (e) {
      if (!HfqError.is(e)) throw e;
      rep.error = e.message;
      progress.tick();
      continue;
    }
    const dates = [...new Set(frames.map((f) => f.date!))];
    if (dates.length !== 1) {
      rep.error =
        dates.length === 0
          ? 'the file holds no bars'
          : `the file holds ${dates.length} days (${dates.join(', ')}); one file per day is expected`;
      progress.tick();
      continue;
    }
    const date = dates[0]!;
    rep.date = date;
    if (date <= lastDate) {
      throw datasetError(
        'DATASET_INPUT',
        `${file} holds ${date}, not after the previous file's ${lastDate}: files must sort by date`,
        {
          source: file,
          date,
        },
      );
    }
    lastDate = date;
    const keep: MinuteBars[] = [];
    for (const f of frames) {
      const asset = f.asset ?? '';
      if (mode === 'repair') {
        try {
          const r = repairMinuteBars(f, options.validation);
          rep.repaired.push(...r.changes.map((c) => ({ ...c, asset, date })));
          keep.push(r.frame);
          continue;
        } catch (e) {
          if (!HfqError.is(e)) throw e;
        }
      }
      const issues = findMinuteBarIssues(f, options.validation);
      if (issues.length > 0)
        rep.rejected.push({ asset, date, issues: issues.map((i) => ({ ...i, asset, date })) });
      else keep.push(f);
    }
    const info = await writer.writeMinute(date, keep);
    rep.stockDays = info.stockDays;
    rep.rows = info.rows;
    progress.tick();
  }
  const anyWritten = reports.some((r) => r.date !== null);
  const manifest = anyWritten ? writer.finish() : null;
  const report: ImportReport = {
    ok: reports.every((r) => r.error === null && r.rejected.length === 0),
    files: reports,
    manifest,
  };
  writeFileAtomicSync(
    join(dir, IMPORT_REPORT_FILE),
    `${JSON.stringify({ ...report, manifest: undefined }, null, 1)}\n`,
  );
  return report;
}

async function readDay(file: string, mapping: ColumnMapping): Promise<MinuteBars[]> {
  const opts = { validate: 'off' as const };
  const it = /\.parquet$/i.test(file)
    ? readMinuteBarsParquet(file, mapping, opts)
    : readMinuteBarsCsv(file, mapping, opts);
  const out: MinuteBars[] = [];
  for await (const f of it) out.push(f);
  return out;
}
