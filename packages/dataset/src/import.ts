import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  boardOf,
  CANONICAL_MINUTE,
  CANONICAL_TICK,
  type ColumnMapping,
  type DailyBars,
  type DailyReadOptions,
  DERIVED_1MIN_BARS,
  findMinuteBarIssues,
  findTickIssues,
  type IndexData,
  type IndexReadOptions,
  type MinuteBars,
  normalizeSymbol,
  type RepairChange,
  readDailyBarsCsv,
  readIndexData,
  readMinuteBarsCsv,
  readMinuteBarsParquet,
  readTickSnapshotsCsv,
  readTickSnapshotsParquet,
  repairMinuteBars,
  repairTickSnapshots,
  SSE_LEVEL2_SNAPSHOT,
  SZSE_LEVEL2_SNAPSHOT,
  type TickSnapshots,
  type ValidationOptions,
  VENDOR_1MIN_BARS,
} from '@hfq/bars';
import { HfqError, ProgressReporter, type TaskOptions, throwIfAborted, writeFileAtomicSync } from '@hfq/core';
import { datasetError } from './errors.js';
import { type DatasetManifest, IMPORT_REPORT_FILE } from './manifest.js';
import { type AssetMeta, DatasetWriter } from './writer.js';

/** The minute-bar column mappings `hfq data import --mapping <name>` knows (from `@hfq/bars`). */
export const IMPORT_MAPPINGS: Readonly<Record<string, ColumnMapping>> = Object.freeze({
  canonical: CANONICAL_MINUTE,
  vendor: VENDOR_1MIN_BARS,
  derived: DERIVED_1MIN_BARS,
});

/** The tick-snapshot column mappings `hfq data import --tick-mapping <name>` knows (from `@hfq/bars`). */
export const IMPORT_TICK_MAPPINGS: Readonly<Record<string, ColumnMapping>> = Object.freeze({
  canonical: CANONICAL_TICK,
  'sse-l2': SSE_LEVEL2_SNAPSHOT,
  'szse-l2': SZSE_LEVEL2_SNAPSHOT,
});

/**
 * How intraday files are cut: `'day'` = one file per trading day holding all stocks, `'stock-day'` =
 * one file per stock and day, `'stock'` = one file per stock holding all its days (in date order),
 * `'all'` = a file holding any stocks and days in any order (e.g. a vendor's one-file sample sorted
 * by stock, then time). An `'all'` file is read whole into memory and then taken day by day, so it
 * costs memory in proportion to its size: use it for files that fit (tens of millions of rows).
 */
export type ImportLayout = 'day' | 'stock-day' | 'stock' | 'all';

/** One kind of intraday files to import (minute bars or tick snapshots). */
export interface IntradayImport {
  /** The files (CSV, optionally gzipped, or Parquet, by extension). */
  files: readonly string[];
  /** How the files are cut (default `'day'`). */
  layout?: ImportLayout;
  /**
   * File-name pattern matched against the end of each path: `{asset}` and `{date}` (`yyyymmdd` or
   * `yyyy-mm-dd`) capture, `*` matches any text within one path segment, the rest is literal, e.g.
   * `{date}.csv`, `{asset}/{date}.csv`, `{asset}.parquet`, `{asset}_{date}_*.csv.gz`. A captured
   * asset or date is checked against the file's rows, and used for a file without that column.
   * `'stock-day'` needs `{date}` in the pattern (the files of a day are read together).
   * Default: none (assets and dates from the columns; `'day'` files taken in name order).
   */
  pattern?: string;
  /** Column names (default: the canonical minute / tick layout of `@hfq/bars`). */
  mapping?: ColumnMapping;
}

/**
 * What `importFiles` imports: any of intraday bars, ticks, daily bars, an index and industries.
 * `minute` and `ticks` each take one `IntradayImport` or several (files of different vendors, with
 * their own column mappings, layouts and patterns, imported together: a stock-day in two of them
 * is rejected as `DATASET_DUPLICATE`, as within one).
 */
export interface ImportSources {
  minute?: IntradayImport | readonly IntradayImport[];
  ticks?: IntradayImport | readonly IntradayImport[];
  /**
   * Daily bars: a CSV read by `@hfq/bars`' `readDailyBarsCsv` (`date,symbol,open,high,low,close,
   * volume,factor`). Its days and assets become the dataset's calendar and assets: intraday
   * stock-days outside them are rejected (and reported). Needed for `index` and `industries`.
   */
  daily?: { file: string; options?: Omit<DailyReadOptions, 'signal'> };
  /** A benchmark index through `@hfq/bars`' `readIndexData` (membership intervals, index closes). */
  index?: Omit<IndexReadOptions, 'dates' | 'assets' | 'onUnknownSymbol'>;
  /**
   * Industries per asset: a CSV with a symbol column and an industry column (default names
   * `symbol` and `industry`). Symbols are normalised (`SH600000` -> `600000.SH`).
   */
  industries?: { file: string; assetColumn?: string; industryColumn?: string };
}

/** Options of `importFiles` and `importDailyFiles`. */
export interface ImportOptions extends TaskOptions {
  /** Column mapping of the minute files (`importDailyFiles` only; default canonical). */
  mapping?: ColumnMapping;
  /** Rules of the validators. */
  validation?: ValidationOptions;
  /**
   * `'repair'` (default): fix what is unambiguous (`repairMinuteBars` / `repairTickSnapshots`:
   * sort, drop exact duplicate rows, snap float artefacts to the tick grid), record every change,
   * reject stock-days that still break a rule. `'strict'`: reject every stock-day that breaks a
   * rule, change nothing.
   */
  mode?: 'repair' | 'strict';
  /**
   * The share of stock-days (0..1) that may be rejected with the import still `ok` (default 0).
   * A file that cannot be read (whole or from some day on) always makes it not ok.
   */
  maxReject?: number;
}

/** One broken rule of a rejected stock-day or row: a `@hfq/bars` validation issue or an import rule. */
export interface ImportIssue {
  /** `BARS_*` (validation) or `DATASET_*` (`DATASET_DUPLICATE`, `DATASET_OUTSIDE_CALENDAR`, `DATASET_UNKNOWN_ASSET`). */
  code: string;
  message: string;
  /** Field (column). */
  field?: string;
  /** 0-based row of the frame (or data row of a daily/meta file). */
  row?: number;
  /** 1-based book level. */
  level?: number;
}

/** A stock-day (or a row of a daily/meta file) the importer did not write, with every rule it broke. */
export interface RejectedStockDay {
  asset: string;
  /** `yyyymmdd`; null for a row without a day (industries). */
  date: number | null;
  issues: ImportIssue[];
}

/** What the importer did with one file. */
export interface ImportFileReport {
  file: string;
  /** What the file holds. */
  kind: 'minute' | 'ticks' | 'daily' | 'index' | 'industries';
  /** The file's day when it holds one day (null when it holds several or could not be read). */
  date: number | null;
  /** Stock-days written (daily/index/industries: assets written). */
  stockDays: number;
  /** Rows (bars, snapshots, data rows) written. */
  rows: number;
  /** Every change a repair made (asset, date, row, field, before, after). */
  repaired: RepairChange[];
  /** Every stock-day (or row) rejected. */
  rejected: RejectedStockDay[];
  /**
   * Why the file (or, for one file per stock, the rest of it after `readThrough`) was rejected:
   * unreadable, a cell that does not parse, a name that does not match the pattern, rows of
   * another asset or day than the name says, days out of order; null when it was read whole.
   */
  error: string | null;
  /**
   * With `error`, one file per stock only: the last day taken from the file before the error (its
   * stock-days up to that day were validated and written or rejected as reported); null: nothing
   * was taken from the file.
   */
  readThrough: number | null;
}

/** The result of `importFiles`, also written to `<dir>/import-report.json`. */
export interface ImportReport {
  /** True when no file failed and the rejected share is at most `maxReject`. */
  ok: boolean;
  /** Stock-days rejected / stock-days seen (0 when none were seen). */
  rejectedShare: number;
  files: ImportFileReport[];
  /** The dataset's manifest (null when nothing could be imported). */
  manifest: DatasetManifest | null;
}

interface NamePattern {
  re: RegExp;
  asset: number;
  date: number;
}

/**
 * Compiles an `IntradayImport.pattern`. @throws `DATASET_INPUT` for a pattern with a placeholder
 * other than `{asset}` / `{date}`, or one of them twice.
 */
function compilePattern(pattern: string): NamePattern {
  let src = '';
  let group = 0;
  const at = { asset: -1, date: -1 };
  for (const part of pattern.split(/(\{[^}]*\}|\*)/)) {
    if (part === '*') src += '[^/]*';
    else if (part.startsWith('{') && part.endsWith('}')) {
      const name = part.slice(1, -1);
      if (name !== 'asset' && name !== 'date')
        throw datasetError('DATASET_INPUT', `pattern ${pattern}: unknown placeholder ${part}`, {
          field: 'pattern',
        });
      if (at[name] >= 0)
        throw datasetError('DATASET_INPUT', `pattern ${pattern}: ${part} twice`, { field: 'pattern' });
      at[name] = ++group;
      src += name === 'date' ? '(\\d{8}|\\d{4}-\\d{2}-\\d{2})' : '([^/]+?)';
    } else src += part.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return { re: new RegExp(`(?:^|/)${src}$`), asset: at.asset, date: at.date };
}

interface FileName {
  asset: string | null;
  date: number | null;
}

function parseName(file: string, p: NamePattern | null, mapping: ColumnMapping): FileName | string {
  if (p === null) return { asset: null, date: null };
  const m = p.re.exec(file.replaceAll('\\', '/'));
  if (m === null) return 'the file name does not match the pattern';
  const rawAsset = p.asset > 0 ? m[p.asset]! : null;
  const asset =
    rawAsset === null ? null : mapping.normalizeSymbols === false ? rawAsset : normalizeSymbol(rawAsset);
  const date = p.date > 0 ? Number(m[p.date]!.replaceAll('-', '')) : null;
  return { asset, date };
}

type Frame = MinuteBars | TickSnapshots;
type Kind = 'minute' | 'ticks';

/** Reads a file's frames; retries with the asset / date of its name when the file lacks that column. */
async function* readFrames(
  kind: Kind,
  file: string,
  mapping: ColumnMapping,
  name: FileName,
): AsyncGenerator<Frame> {
  const opts = { validate: 'off' as const };
  const open = (m: ColumnMapping): AsyncGenerator<Frame> => {
    const pq = /\.parquet$/i.test(file);
    if (kind === 'minute')
      return pq ? readMinuteBarsParquet(file, m, opts) : readMinuteBarsCsv(file, m, opts);
    return pq ? readTickSnapshotsParquet(file, m, opts) : readTickSnapshotsCsv(file, m, opts);
  };
  let m = mapping;
  for (;;) {
    const it = open(m);
    let first: IteratorResult<Frame>;
    try {
      first = await it.next();
    } catch (e) {
      // a column the file lacks, that the name gives: read again with the name's value
      const field = HfqError.is(e) && e.code === 'BARS_MISSING_COLUMN' ? e.context.field : undefined;
      if (field !== undefined && field === m.asset && name.asset !== null) {
        m = { ...m, asset: { value: name.asset }, normalizeSymbols: false };
        delete (m as { exchange?: string }).exchange;
        continue;
      }
      if (field !== undefined && field === m.date && field !== m.time && name.date !== null) {
        m = { ...m, date: { value: name.date } };
        continue;
      }
      throw e;
    }
    if (first.done) return;
    yield first.value;
    yield* it;
    return;
  }
}

/** A sequence of files read one after another, frame by frame, with the checks of its layout. */
class FileStream {
  head: { frame: Frame; rep: ImportFileReport } | null = null;
  private files: { file: string; name: FileName }[];
  private it: AsyncGenerator<Frame> | null = null;
  private rep: ImportFileReport | null = null;
  private name: FileName = { asset: null, date: null };
  private buffered: Frame[] = [];
  private lastDate = 0;

  constructor(
    private readonly kind: Kind,
    files: { file: string; name: FileName }[],
    private readonly layout: ImportLayout,
    private readonly mapping: ColumnMapping,
    private readonly reportOf: (file: string) => ImportFileReport,
    private readonly onOpen: () => void,
  ) {
    this.files = [...files];
  }

  private fail(message: string, date: number | null): void {
    const rep = this.rep!;
    rep.error = message;
    rep.readThrough = date;
    this.it = null;
    this.buffered = [];
  }

  /** Moves `head` to the next frame (null at the end); a file's error is recorded and the file left. */
  async advance(): Promise<void> {
    for (;;) {
      if (this.buffered.length > 0) {
        this.head = { frame: this.buffered.shift()!, rep: this.rep! };
        return;
      }
      if (this.it === null) {
        const next = this.files.shift();
        if (next === undefined) {
          this.head = null;
          return;
        }
        this.onOpen();
        this.rep = this.reportOf(next.file);
        this.name = next.name;
        this.it = readFrames(this.kind, next.file, this.mapping, next.name);
        if (this.layout === 'all') {
          // any stocks and days: read it whole, then give its frames in date (then asset) order
          const frames: Frame[] = [];
          try {
            for await (const f of this.it) frames.push(f);
          } catch (e) {
            if (!HfqError.is(e)) throw e;
            this.fail(e.message, null);
            continue;
          }
          this.it = null;
          const other = frames.find(
            (f) =>
              (this.name.asset !== null && f.asset !== this.name.asset) ||
              (this.name.date !== null && f.date !== this.name.date),
          );
          if (other !== undefined) {
            this.fail(
              `rows of ${other.asset} ${other.date} in the file of ${this.name.asset ?? ''} ${this.name.date ?? ''}`.trim(),
              null,
            );
            continue;
          }
          frames.sort(
            (x, y) => x.date! - y.date! || (x.asset! < y.asset! ? -1 : x.asset! > y.asset! ? 1 : 0),
          );
          this.buffered = frames;
          continue;
        }
        if (this.layout !== 'stock') {
          // one day per file: read it whole, so a file is written whole or not at all
          const frames: Frame[] = [];
          try {
            for await (const f of this.it) frames.push(f);
          } catch (e) {
            if (!HfqError.is(e)) throw e;
            this.fail(e.message, null);
            continue;
          }
          this.it = null;
          const dates = [...new Set(frames.map((f) => f.date!))];
          const assets = [...new Set(frames.map((f) => f.asset!))];
          if (dates.length !== 1) {
            this.fail(
              dates.length === 0
                ? 'the file holds no rows'
                : `the file holds ${dates.length} days (${dates.join(', ')}); one file per day is expected`,
              null,
            );
            continue;
          }
          const date = dates[0]!;
          if (this.name.date !== null && date !== this.name.date) {
            this.fail(`the file holds ${date}, its name says ${this.name.date}`, null);
            continue;
          }
          if (this.layout === 'stock-day' && assets.length !== 1) {
            this.fail(`the file holds ${assets.length} stocks; one file per stock-day is expected`, null);
            continue;
          }
          if (this.name.asset !== null && assets.some((a) => a !== this.name.asset)) {
            this.fail(`the file holds ${assets.join(', ')}, its name says ${this.name.asset}`, null);
            continue;
          }
          if (date <= this.lastDate) {
            // (files of a day are sorted by the date in their name, else by name)
            if (this.layout === 'day')
              throw datasetError(
                'DATASET_INPUT',
                `${this.rep.file} holds ${date}, not after the previous file's ${this.lastDate}: files must sort by date`,
                { source: this.rep.file, date },
              );
            this.fail(`the file holds ${date}, not after ${this.lastDate}`, null);
            continue;
          }
          this.rep.date = date;
          this.lastDate = date;
          this.buffered = frames;
          continue;
        }
      }
      let r: IteratorResult<Frame>;
      try {
        r = await this.it.next();
      } catch (e) {
        if (!HfqError.is(e)) throw e;
        this.fail(e.message, this.lastDate || null);
        continue;
      }
      if (r.done) {
        this.it = null;
        continue;
      }
      const f = r.value;
      if (this.name.asset !== null && f.asset !== this.name.asset) {
        this.fail(`rows of ${f.asset} in the file of ${this.name.asset}`, this.lastDate || null);
        continue;
      }
      if (f.date! <= this.lastDate) {
        this.fail(
          `${f.date} after ${this.lastDate}: one file per stock must be in date order`,
          this.lastDate,
        );
        continue;
      }
      this.lastDate = f.date!;
      this.head = { frame: f, rep: this.rep! };
      return;
    }
  }
}

function blankReport(file: string, kind: ImportFileReport['kind']): ImportFileReport {
  return {
    file,
    kind,
    date: null,
    stockDays: 0,
    rows: 0,
    repaired: [],
    rejected: [],
    error: null,
    readThrough: null,
  };
}

function checkFrame(
  kind: Kind,
  f: Frame,
  options: ImportOptions,
): { frame: Frame | null; changes: RepairChange[]; issues: ImportIssue[] } {
  if ((options.mode ?? 'repair') === 'repair') {
    try {
      const r =
        kind === 'minute'
          ? repairMinuteBars(f as MinuteBars, options.validation)
          : repairTickSnapshots(f as TickSnapshots, options.validation);
      return { frame: r.frame, changes: r.changes, issues: [] };
    } catch (e) {
      if (!HfqError.is(e)) throw e;
    }
  }
  const issues =
    kind === 'minute'
      ? findMinuteBarIssues(f as MinuteBars, options.validation)
      : findTickIssues(f as TickSnapshots, options.validation);
  return { frame: issues.length > 0 ? null : f, changes: [], issues };
}

function strip(i: ImportIssue): ImportIssue {
  const { code, message, field, row, level } = i;
  return {
    code,
    message,
    ...(field !== undefined ? { field } : {}),
    ...(row !== undefined ? { row } : {}),
    ...(level !== undefined ? { level } : {}),
  };
}

/** The `IntradayImport`s of one kind as a list (one or several). */
function specList(spec: IntradayImport | readonly IntradayImport[] | undefined): readonly IntradayImport[] {
  return spec === undefined ? [] : Array.isArray(spec) ? spec : [spec as IntradayImport];
}

/** Streams of the files of one `IntradayImport` (its reports added to `reports` in reading order). */
function intradayStreams(
  kind: Kind,
  spec: IntradayImport,
  field: string,
  reports: ImportFileReport[],
  onOpen: () => void,
): { streams: FileStream[]; files: number } {
  if (spec.files.length === 0)
    throw datasetError('DATASET_INPUT', `no ${kind} files to import`, { field: `${field}.files` });
  for (const f of spec.files)
    if (!existsSync(f)) throw datasetError('DATASET_INPUT', `no file at ${f}`, { source: f, field: 'files' });
  const layout = spec.layout ?? 'day';
  if (layout !== 'day' && layout !== 'stock-day' && layout !== 'stock' && layout !== 'all')
    throw datasetError(
      'DATASET_INPUT',
      `layout must be day, stock-day, stock or all, got ${String(layout)}`,
      {
        field: `${field}.layout`,
      },
    );
  const mapping = spec.mapping ?? (kind === 'minute' ? CANONICAL_MINUTE : CANONICAL_TICK);
  const pattern = spec.pattern === undefined ? null : compilePattern(spec.pattern);
  if (layout === 'stock-day' && (pattern === null || pattern.date < 0))
    throw datasetError('DATASET_INPUT', 'one file per stock-day needs a pattern with {date}', {
      field: `${field}.pattern`,
    });
  const byFile = new Map<string, ImportFileReport>();
  const named: { file: string; name: FileName }[] = [];
  for (const file of spec.files) {
    const rep = blankReport(file, kind);
    byFile.set(file, rep);
    const name = parseName(file, pattern, mapping);
    if (typeof name === 'string') rep.error = name;
    else named.push({ file, name });
  }
  const reportOf = (file: string) => byFile.get(file)!;
  // streams: 'day' one, in date (or name) order; 'stock-day' one per stock; 'stock' one per file
  const byName = (a: { file: string; name: FileName }, b: { file: string; name: FileName }) =>
    (a.name.date ?? 0) - (b.name.date ?? 0) ||
    (basename(a.file) < basename(b.file)
      ? -1
      : basename(a.file) > basename(b.file)
        ? 1
        : a.file < b.file
          ? -1
          : 1);
  let groups: { file: string; name: FileName }[][];
  if (layout === 'day') groups = [named.sort(byName)];
  else if (layout === 'stock' || layout === 'all') groups = named.map((n) => [n]);
  else {
    const g = new Map<string, { file: string; name: FileName }[]>();
    for (const n of named) {
      const key = n.name.asset ?? n.file; // without {asset}: each file is its own stream
      let list = g.get(key);
      if (list === undefined) g.set(key, (list = []));
      list.push(n);
    }
    groups = [...g.values()].map((l) => l.sort(byName));
  }
  // reports in the order the files are read, then those whose name did not match
  for (const g of groups) for (const n of g) reports.push(byFile.get(n.file)!);
  for (const r of byFile.values()) if (r.error !== null) reports.push(r);
  return {
    streams: groups.map((g) => new FileStream(kind, g, layout, mapping, reportOf, onOpen)),
    files: named.length,
  };
}

async function importIntraday(
  kind: Kind,
  specs: readonly IntradayImport[],
  writer: DatasetWriter,
  known: { dates: Set<number>; assets: Set<string> } | null,
  reports: ImportFileReport[],
  options: ImportOptions,
): Promise<{ seen: number; rejected: number }> {
  let opened = 0;
  let total = 0;
  // (files are opened only from the first advance on, once the reporter is there)
  let reporter: ProgressReporter | undefined;
  const onOpen = () => (opened++ > 0 ? reporter!.tick() : undefined);
  const streams: FileStream[] = [];
  specs.forEach((spec, k) => {
    const r = intradayStreams(kind, spec, specs.length > 1 ? `${kind}[${k}]` : kind, reports, onOpen);
    streams.push(...r.streams);
    total += r.files;
  });
  reporter = new ProgressReporter(options, `import ${kind}`, total, 'files');
  for (const s of streams) await s.advance();
  let seen = 0;
  let rejected = 0;
  for (;;) {
    throwIfAborted(options.signal, 'import');
    let date = Number.POSITIVE_INFINITY;
    for (const s of streams) if (s.head !== null && s.head.frame.date! < date) date = s.head.frame.date!;
    if (date === Number.POSITIVE_INFINITY) break;
    // every stream's frames of `date` (each frame is whole: a reader yields a stock-day once it
    // has read all of its rows, and files of one day are read whole before they give any)
    const gathered: { frame: Frame; rep: ImportFileReport }[] = [];
    for (const s of streams) {
      while (s.head !== null && s.head.frame.date === date) {
        gathered.push(s.head);
        await s.advance();
      }
    }
    const keep: Frame[] = [];
    const assetsOfDay = new Set<string>();
    for (const { frame, rep } of gathered) {
      const asset = frame.asset ?? '';
      seen++;
      const reject = (issues: ImportIssue[]) => {
        rejected++;
        rep.rejected.push({ asset, date, issues: issues.map(strip) });
      };
      if (known !== null && !known.dates.has(date)) {
        reject([{ code: 'DATASET_OUTSIDE_CALENDAR', message: `${date} is not a day of the daily data` }]);
        continue;
      }
      if (known !== null && !known.assets.has(asset)) {
        reject([{ code: 'DATASET_UNKNOWN_ASSET', message: `${asset} is not an asset of the daily data` }]);
        continue;
      }
      if (assetsOfDay.has(asset)) {
        reject([{ code: 'DATASET_DUPLICATE', message: `${asset} ${date} is already in another file` }]);
        continue;
      }
      const c = checkFrame(kind, frame, options);
      rep.repaired.push(...c.changes.map((x) => ({ ...x, asset, date })));
      if (c.frame === null) {
        reject(c.issues);
        continue;
      }
      assetsOfDay.add(asset);
      keep.push(c.frame);
      rep.stockDays++;
      rep.rows += c.frame.time.length;
    }
    // a day whose stock-days were all rejected is still a day of the data (an empty partition)
    if (keep.length > 0 || (gathered.length > 0 && (known === null || known.dates.has(date)))) {
      if (kind === 'minute') await writer.writeMinute(date, keep as MinuteBars[]);
      else await writer.writeTicks(date, keep as TickSnapshots[]);
    }
  }
  if (opened > 0) reporter.tick();
  return { seen, rejected };
}

function readIndustries(
  spec: NonNullable<ImportSources['industries']>,
  assets: readonly string[],
  rep: ImportFileReport,
): Map<string, string> {
  const text = readFileSync(spec.file, 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const header = (lines[0] ?? '').split(',');
  const ac = header.indexOf(spec.assetColumn ?? 'symbol');
  const ic = header.indexOf(spec.industryColumn ?? 'industry');
  if (ac < 0 || ic < 0) {
    rep.error = `the file has no ${ac < 0 ? (spec.assetColumn ?? 'symbol') : (spec.industryColumn ?? 'industry')} column`;
    return new Map();
  }
  const known = new Set(assets);
  const out = new Map<string, string>();
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r]!.split(',');
    const asset = normalizeSymbol((cells[ac] ?? '').trim());
    const industry = (cells[ic] ?? '').trim();
    const reject = (code: string, message: string) =>
      rep.rejected.push({ asset, date: null, issues: [{ code, message, row: r - 1 }] });
    if (!known.has(asset)) reject('DATASET_UNKNOWN_ASSET', `${asset} is not an asset of the daily data`);
    else if (industry === '') reject('DATASET_EMPTY_CELL', 'no industry');
    else if (out.has(asset) && out.get(asset) !== industry)
      reject('DATASET_DUPLICATE', `a second industry for ${asset}: ${industry} (kept ${out.get(asset)})`);
    else out.set(asset, industry);
  }
  rep.stockDays = out.size;
  rep.rows = out.size;
  return out;
}

/**
 * Imports your own data into a new dataset in `dir` (layout: `docs/dataset.md`): intraday minute
 * bars and tick snapshots cut per day, per stock-day or per stock (`IntradayImport`), vendor column
 * names through `@hfq/bars`' `ColumnMapping`s, and optionally daily bars, a benchmark index and
 * industries. Without daily bars the calendar is the days seen and the assets those seen.
 *
 * Validation on the way in: each stock-day is checked by `@hfq/bars` (repaired first in the
 * default `'repair'` mode). Nothing is dropped silently: every repair is in the report with its
 * row, field, before and after; every rejected stock-day with all the rules it broke; a file that
 * cannot be read, or whose rows contradict its name, with the reader's error (file, row, field)
 * and the first day not written from it. The report is returned and written to
 * `import-report.json` beside `dataset.json`.
 *
 * Memory: one day of each file at a time (`'day'`, `'stock-day'`); with one file per stock, one
 * frame per open file (every stock's file is open at once, read in date order together); with
 * `'all'`, each file whole (its frames are then given day by day).
 *
 * Progress: stage `import minute` / `import ticks`, unit `files`.
 * @throws `DATASET_EXISTS` when `dir` is not empty; `DATASET_INPUT` for nothing to import, a
 * missing file, a bad pattern or layout, `'day'` files out of date order, index or industries
 * without daily bars; the daily and index readers' `BARS_*` errors; `ABORTED`.
 */
export async function importFiles(
  dir: string,
  sources: ImportSources,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const { minute, ticks, daily, index, industries } = sources;
  if (specList(minute).length === 0 && specList(ticks).length === 0 && daily === undefined)
    throw datasetError('DATASET_INPUT', 'nothing to import: give minute, ticks or daily files', {
      field: 'sources',
    });
  if ((index !== undefined || industries !== undefined) && daily === undefined)
    throw datasetError(
      'DATASET_INPUT',
      'an index and industries need the daily bars (their days and assets)',
      {
        field: 'daily',
      },
    );
  const maxReject = options.maxReject ?? 0;
  if (!(maxReject >= 0 && maxReject <= 1))
    throw datasetError('DATASET_INPUT', `maxReject must be a share in [0, 1], got ${maxReject}`, {
      field: 'maxReject',
    });
  for (const f of [daily?.file, industries?.file])
    if (f !== undefined && !existsSync(f))
      throw datasetError('DATASET_INPUT', `no file at ${f}`, { source: f, field: 'files' });
  const reports: ImportFileReport[] = [];
  let bars: DailyBars | null = null;
  if (daily !== undefined)
    bars = await readDailyBarsCsv(daily.file, { ...(daily.options ?? {}), ...sig(options) });
  const dates = bars === null ? undefined : Array.from(bars.close.dates);
  const assets = bars === null ? undefined : [...bars.close.assets];
  const tickSpecs = specList(ticks);
  const levelsOf = tickSpecs.map((t) => t.mapping?.levels?.count ?? 10);
  const levels = levelsOf[0] ?? 10;
  const other = levelsOf.findIndex((l) => l !== levels);
  if (other >= 0)
    throw datasetError(
      'DATASET_INPUT',
      `ticks[${other}] has ${levelsOf[other]} book levels, ticks[0] ${levels}: a dataset has one number of levels`,
      { field: `ticks[${other}].mapping` },
    );
  const writer = DatasetWriter.create(dir, {
    ...(dates !== undefined ? { calendar: dates } : {}),
    ...(assets !== undefined ? { assets } : {}),
    levels,
    source: `hfq data import`,
  });
  const known = bars === null ? null : { dates: new Set(dates), assets: new Set(assets) };
  let seen = 0;
  let rejected = 0;
  for (const [kind, specs] of [
    ['minute', specList(minute)],
    ['ticks', tickSpecs],
  ] as const) {
    if (specs.length === 0) continue;
    const r = await importIntraday(kind, specs, writer, known, reports, options);
    seen += r.seen;
    rejected += r.rejected;
  }
  if (bars !== null && daily !== undefined) {
    writer.writeDaily(bars);
    const rep = blankReport(daily.file, 'daily');
    rep.stockDays = assets!.length;
    rep.rows = dates!.length * assets!.length;
    reports.push(rep);
    let idx: IndexData | null = null;
    if (index !== undefined) {
      const irep = blankReport(index.membership, 'index');
      reports.push(irep);
      idx = await readIndexData({
        ...index,
        dates: dates!,
        assets: assets!,
        onUnknownSymbol: (id, row) =>
          irep.rejected.push({
            asset: id,
            date: null,
            issues: [{ code: 'BARS_PARSE_SYMBOL', message: `${id} is not an A-share symbol`, row }],
          }),
      });
      writer.writeIndex(idx);
      irep.stockDays = assets!.length;
      irep.rows = dates!.length * assets!.length;
    }
    const ind =
      industries === undefined
        ? new Map<string, string>()
        : (() => {
            const irep = blankReport(industries.file, 'industries');
            reports.push(irep);
            return readIndustries(industries, assets!, irep);
          })();
    const meta: AssetMeta[] = assets!.map((asset) => ({
      asset,
      industry: ind.get(asset) ?? null,
      board: boardOrNull(asset),
      listDate: null,
      delistDate: null,
    }));
    writer.writeMeta(meta);
  }
  const anyWritten = reports.some((r) => r.rows > 0);
  const manifest = anyWritten ? writer.finish() : null;
  const rejectedShare = seen === 0 ? 0 : rejected / seen;
  const metaRejected = reports.some(
    (r) => r.kind !== 'minute' && r.kind !== 'ticks' && r.rejected.length > 0,
  );
  const report: ImportReport = {
    ok:
      reports.every((r) => r.error === null) &&
      rejectedShare <= maxReject &&
      !(metaRejected && maxReject === 0),
    rejectedShare,
    files: reports,
    manifest,
  };
  writeFileAtomicSync(
    join(dir, IMPORT_REPORT_FILE),
    `${JSON.stringify({ ...report, manifest: undefined }, null, 1)}\n`,
  );
  return report;
}

function sig(o: TaskOptions): { signal?: AbortSignal } {
  return o.signal === undefined ? {} : { signal: o.signal };
}

function boardOrNull(asset: string): string | null {
  try {
    return boardOf(asset);
  } catch (e) {
    if (HfqError.is(e)) return null; // not an A-share id: its board is unknown
    throw e;
  }
}

/**
 * Imports minute bars from one file per trading day holding all stocks (CSV or Parquet by
 * extension; vendor column names through a `@hfq/bars` `ColumnMapping`) into a new dataset in
 * `dir`: `importFiles(dir, { minute: { files, layout: 'day', mapping } }, options)`. Files are taken
 * in name order (name them so they sort by date, e.g. `20240102.csv`); a file's day must be after
 * the previous file's.
 *
 * Progress: stage `import minute`, unit `files`.
 * @throws as `importFiles`; `DATASET_INPUT` for files out of date order.
 */
export function importDailyFiles(
  dir: string,
  files: readonly string[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  return importFiles(
    dir,
    { minute: { files, layout: 'day', ...(options.mapping ? { mapping: options.mapping } : {}) } },
    options,
  );
}
