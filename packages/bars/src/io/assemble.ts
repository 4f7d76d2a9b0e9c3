import { type BarsErrorCode, barsError, checkOption } from '../errors.js';
import { MINUTE_BAR_END_TIMES, minuteIndexOf, SESSION } from '../market/session.js';
import { allocMinuteBars, allocTickSnapshots, type MinuteBars, type TickSnapshots } from '../types.js';
import { issueToError, type ValidationOptions } from '../validate/issues.js';
import { findMinuteBarIssues } from '../validate/minute-bars.js';
import { type RepairChange, repairMinuteBars, repairTickSnapshots } from '../validate/repair.js';
import { findTickIssues } from '../validate/ticks.js';
import {
  type CellWhere,
  clip,
  normalizeSymbol,
  parseDateCell,
  parseNumberCell,
  parseTimeCell,
} from './cells.js';
import type { ResolvedMapping } from './mapping.js';

/** Options every frame reader takes. */
export interface FrameReadOptions {
  /**
   * What to do with each stock-day before it is yielded: `'throw'` (default) validates it and
   * throws the first broken rule; `'repair'` fixes what is unambiguous (see `repairMinuteBars`),
   * hands every change to `onRepair`, and throws what remains; `'off'` yields frames unchecked.
   */
  validate?: 'throw' | 'repair' | 'off';
  /** Receives the changes of each repaired stock-day (required with `validate: 'repair'`). */
  onRepair?: (changes: RepairChange[]) => void;
  /** Rules of the validators (tick size, tolerances). */
  validation?: ValidationOptions;
  /** Keep only these assets (ids after normalisation, e.g. `600000.SH`). */
  assets?: Iterable<string>;
  /** Keep only days in [from, to] (`yyyymmdd`, inclusive). */
  dates?: { from?: number; to?: number };
  /** Abort the read between rows (checked every 4096 rows). */
  signal?: AbortSignal;
  /**
   * Text files: the longest line accepted, in characters (default 1,048,576); a longer line is
   * `BARS_LINE_TOO_LONG` (a file without newlines, or a runaway quote), read in linear time.
   */
  maxLineLength?: number;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Turns rows (one value per mapped column) into one frame per stock-day. Rows of one stock-day
 * must be contiguous in the file (they are in every vendor layout): a stock-day that reappears
 * after another is `BARS_NONCONTIGUOUS_GROUP`. Memory: one stock-day of growing typed arrays.
 */
export class FrameAssembler {
  private readonly m: ResolvedMapping;
  private readonly source: string | undefined;
  private readonly opts: FrameReadOptions;
  private readonly assets: Set<string> | undefined;
  private readonly seen = new Set<string>();
  private readonly ready: (MinuteBars | TickSnapshots)[] = [];
  private curAsset: string | undefined = undefined;
  private curDate = -1;
  private n = 0;
  private cap = 0;
  private time = new Int32Array(0);
  private cols: Float64Array[] = [];
  private levelCols: Float64Array[] = [];
  private firstRow = 0;
  /** Reused error location (errors copy it), so that reading a cell allocates nothing. */
  private readonly where: CellWhere = {};

  constructor(mapping: ResolvedMapping, options: FrameReadOptions = {}, source?: string) {
    this.m = mapping;
    this.opts = options;
    this.source = source;
    this.assets = options.assets ? new Set(options.assets) : undefined;
    const v = options.validate ?? 'throw';
    checkOption(
      v === 'throw' || v === 'repair' || v === 'off',
      'validate',
      `must be 'throw', 'repair' or 'off'`,
    );
    checkOption(
      v !== 'repair' || typeof options.onRepair === 'function',
      'onRepair',
      "is required with validate: 'repair'",
    );
    this.grow(256);
  }

  /** Frames completed so far (taken out of the assembler). */
  take(): (MinuteBars | TickSnapshots)[] {
    return this.ready.splice(0, this.ready.length);
  }

  /**
   * Adds one row. `get(i)` returns the raw value of column `i` (a string from text files; number,
   * bigint, string, Date or null from typed files). `row` is the 0-based data row, for errors.
   */
  add(get: (col: number) => unknown, row: number): void {
    const m = this.m;
    const map = m.mapping;
    const where = this.where;
    where.row = row;
    where.field = undefined;
    where.level = undefined;
    if (this.source !== undefined) where.source = this.source;
    let asset: string;
    if (m.asset >= 0) {
      asset = assetOf(get(m.asset), where, map.asset as string);
      if (map.normalizeSymbols !== false) {
        asset = normalizeSymbol(asset, m.exchange >= 0 ? String(get(m.exchange) ?? '') : undefined);
      }
    } else {
      asset = (map.asset as { value: string }).value;
    }
    if (this.assets && !this.assets.has(asset)) return;
    const date =
      m.date >= 0
        ? dateOf(get(m.date), at(where, map.date as string))
        : (map.date as { value: number }).value;
    const range = this.opts.dates;
    if (
      range &&
      ((range.from !== undefined && date < range.from) || (range.to !== undefined && date > range.to))
    ) {
      return;
    }
    if (asset !== this.curAsset || date !== this.curDate) {
      this.finish();
      const key = `${asset}|${date}`;
      if (this.seen.has(key)) {
        throw barsError(
          'BARS_NONCONTIGUOUS_GROUP',
          `rows of ${asset} on ${date} appear again after other stock-days: a streaming reader needs each stock-day's rows together (sort the file by asset, date, time)`,
          { row, source: this.source, asset, date },
        );
      }
      this.seen.add(key);
      this.curAsset = asset;
      this.curDate = date;
      this.firstRow = row;
    }
    if (this.n === this.cap) this.grow(this.cap * 2);
    const i = this.n++;
    this.time[i] = timeOf(get(m.time), at(where, map.time), map.timeNumbers);
    const scale = m.priceScale;
    for (let f = 0; f < m.fields.length; f++) {
      const c = m.fields[f]!;
      if (c < 0) {
        this.cols[f]![i] = NaN;
        continue;
      }
      let x = numberOf(get(c), at(where, m.fieldNames[f]!));
      if (scale > 0 && isPriceField(m.fieldNames[f]!)) x = Math.round(x * scale) / scale;
      this.cols[f]![i] = x;
    }
    if (map.kind === 'tick') {
      const lastIdx = 0; // 'last' is the first tick field
      if (map.zeroLastIsMissing !== false && this.cols[lastIdx]![i] === 0) this.cols[lastIdx]![i] = NaN;
      const L = m.levels;
      for (let f = 0; f < m.levelFields.length; f++) {
        const name = m.levelFields[f]!;
        const isPrice = name === 'bidPrice' || name === 'askPrice';
        const cols = m.levelColumns[f]!;
        const dst = this.levelCols[f]!;
        for (let k = 0; k < L; k++) {
          const c = cols[k]!;
          let x = c < 0 ? NaN : numberOf(get(c), at(where, name, k + 1));
          if (scale > 0 && isPrice) x = Math.round(x * scale) / scale;
          dst[i * L + k] = x;
        }
      }
    }
  }

  /** Completes the current stock-day (call at the end of the input). */
  finish(): void {
    if (this.curAsset === undefined || this.n === 0) return;
    const frame = this.m.mapping.kind === 'minute' ? this.buildMinute() : this.buildTick();
    this.n = 0;
    this.ready.push(this.check(frame));
  }

  private check(frame: MinuteBars | TickSnapshots): MinuteBars | TickSnapshots {
    const mode = this.opts.validate ?? 'throw';
    if (mode === 'off') return frame;
    const isTick = 'levels' in frame;
    if (mode === 'repair') {
      const r = isTick
        ? repairTickSnapshots(frame, this.opts.validation)
        : repairMinuteBars(frame as MinuteBars, this.opts.validation);
      if (r.changes.length > 0) this.opts.onRepair!(r.changes);
      return r.frame;
    }
    const issues = isTick
      ? findTickIssues(frame, this.opts.validation)
      : findMinuteBarIssues(frame as MinuteBars, this.opts.validation);
    if (issues.length > 0) {
      const extra: Record<string, unknown> = {};
      if (this.source !== undefined) extra.source = this.source;
      // the frame row maps back to the file's data row unless start-labelled bars were merged
      if (issues[0]!.row !== undefined && this.m.mapping.timeLabel !== 'start') {
        extra.fileRow = this.firstRow + issues[0]!.row;
      }
      throw issueToError(issues[0]!, issues.length, extra);
    }
    return frame;
  }

  private buildMinute(): MinuteBars {
    const n = this.n;
    const key = { asset: this.curAsset!, date: this.curDate };
    let f = allocMinuteBars(n, key);
    f.time.set(this.time.subarray(0, n));
    const names = this.m.fieldNames as (keyof MinuteBars)[];
    names.forEach((name, k) => {
      (f[name] as Float64Array).set(this.cols[k]!.subarray(0, n));
    });
    if (this.m.mapping.timeLabel === 'start') f = relabelStartBars(f, this.firstRow, this.source);
    return f;
  }

  private buildTick(): TickSnapshots {
    const n = this.n;
    const L = this.m.levels;
    const f = allocTickSnapshots(n, L, { asset: this.curAsset!, date: this.curDate });
    f.time.set(this.time.subarray(0, n));
    const names = this.m.fieldNames as ('last' | 'volume' | 'amount' | 'trades')[];
    names.forEach((name, k) => {
      f[name].set(this.cols[k]!.subarray(0, n));
    });
    this.m.levelFields.forEach((name, k) => {
      f[name].set(this.levelCols[k]!.subarray(0, n * L));
    });
    return f;
  }

  private grow(cap: number): void {
    const time = new Int32Array(cap);
    time.set(this.time.subarray(0, this.n));
    this.time = time;
    this.cols = this.m.fields.map((_, k) => {
      const a = new Float64Array(cap);
      if (this.cols[k]) a.set(this.cols[k]!.subarray(0, this.n));
      return a;
    });
    const L = this.m.levels;
    this.levelCols = this.m.levelFields.map((_, k) => {
      const a = new Float64Array(cap * L);
      if (this.levelCols[k]) a.set(this.levelCols[k]!.subarray(0, this.n * L));
      return a;
    });
    this.cap = cap;
  }
}

function at(where: CellWhere, field: string, level?: number): CellWhere {
  where.field = field;
  where.level = level;
  return where;
}

function isPriceField(name: string): boolean {
  return name === 'open' || name === 'high' || name === 'low' || name === 'close' || name === 'last';
}

/**
 * Start-labelled minute bars (09:25 auction row, 09:30 = 09:30-09:31, ..., 15:00 closing auction
 * row) moved to the vendor end labels by `minuteIndexOf`. Only the auction rows are merged into
 * a neighbouring bar (09:25 into 09:31, a stray 11:30 print into 11:30, 15:00 into 15:00: first
 * open, max high, min low, last close, summed volume/amount/trades). Anything else that would land
 * in an occupied bar is an error, never a silent merge: a repeated start time
 * (`BARS_DUPLICATE_TIME`), times going back (`BARS_UNSORTED_TIME`), a lunch-break row
 * (`BARS_OUTSIDE_SESSION`), and an auction row merged with a row whose high < low
 * (`BARS_HIGH_BELOW_LOW`, which a merge would hide).
 */
function relabelStartBars(f: MinuteBars, firstRow: number, source?: string): MinuteBars {
  const n = f.time.length;
  const out = allocMinuteBars(n, { asset: f.asset!, date: f.date! });
  let j = -1;
  let lastIdx = -2;
  const fail = (code: BarsErrorCode, message: string, i: number, field = 'time'): never => {
    const where: Record<string, unknown> = { field, row: firstRow + i, asset: f.asset, date: f.date };
    if (source !== undefined) where.source = source;
    throw barsError(code, message, where);
  };
  for (let i = 0; i < n; i++) {
    const t = f.time[i]!;
    const idx = minuteIndexOf(t);
    if (idx < 0) fail('BARS_OUTSIDE_SESSION', `a bar starting at ${t} ms is outside the session`, i);
    if (t > SESSION.morningClose && t < SESSION.afternoonOpen) {
      fail('BARS_OUTSIDE_SESSION', `a bar starting at ${t} ms is in the lunch break`, i);
    }
    if (i > 0 && t === f.time[i - 1]) fail('BARS_DUPLICATE_TIME', `two bars start at ${t} ms`, i);
    if (i > 0 && t < f.time[i - 1]!)
      fail('BARS_UNSORTED_TIME', `start time ${t} ms comes after ${f.time[i - 1]} ms`, i);
    if (idx === lastIdx) {
      for (const r of [i - 1, i]) {
        if (f.high[r]! < f.low[r]!) {
          fail(
            'BARS_HIGH_BELOW_LOW',
            `high ${f.high[r]} < low ${f.low[r]} in an auction row merged into its bar`,
            r,
            'high',
          );
        }
      }
    }
    if (idx === lastIdx) {
      out.high[j] = Math.max(out.high[j]!, f.high[i]!);
      out.low[j] = Math.min(out.low[j]!, f.low[i]!);
      out.close[j] = f.close[i]!;
      out.volume[j]! += f.volume[i]!;
      out.amount[j]! += f.amount[i]!;
      out.trades[j]! += f.trades[i]!;
      continue;
    }
    j++;
    lastIdx = idx;
    out.time[j] = MINUTE_BAR_END_TIMES[idx]!;
    out.open[j] = f.open[i]!;
    out.high[j] = f.high[i]!;
    out.low[j] = f.low[i]!;
    out.close[j] = f.close[i]!;
    out.volume[j] = f.volume[i]!;
    out.amount[j] = f.amount[i]!;
    out.trades[j] = f.trades[i]!;
  }
  const m = j + 1;
  if (m === n) return out;
  const trimmed = allocMinuteBars(m, { asset: f.asset!, date: f.date! });
  trimmed.time.set(out.time.subarray(0, m));
  for (const k of ['open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const) {
    trimmed[k].set(out[k].subarray(0, m));
  }
  return trimmed;
}

/** A numeric cell from any source. */
export function numberOf(v: unknown, where: CellWhere): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseNumberCell(v, where);
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'bigint') return Number(v);
  throw barsError('BARS_COLUMN_TYPE', `expected a number, got ${describe(v)}`, where);
}

function dateOf(v: unknown, where: CellWhere): number {
  if (typeof v === 'string') return parseDateCell(v, where);
  if (typeof v === 'number' || typeof v === 'bigint') return parseDateCell(String(v), where);
  if (v instanceof Date) {
    const d = new Date(v.getTime() + BEIJING_OFFSET_MS);
    return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  }
  throw barsError('BARS_COLUMN_TYPE', `expected a date, got ${describe(v)}`, where);
}

/**
 * A time cell. Text is parsed by its form (`09:31:00`, `093100`), except all-digit text when the
 * mapping declares `timeNumbers`: then the declared unit applies, as for numeric cells (a CSV of
 * seconds since midnight with `timeNumbers: 'seconds'` must not be read as HHMMSS).
 */
function timeOf(v: unknown, where: CellWhere, declared: 'ms' | 'hhmmss' | 'seconds' | undefined): number {
  const numbers = declared ?? 'ms';
  const digitText = typeof v === 'string' && declared !== undefined && /^\s*\d{1,9}\s*$/.test(v);
  if (typeof v === 'string' && !digitText) return parseTimeCell(v, where);
  if (typeof v === 'number' || typeof v === 'bigint' || digitText) {
    let x = Number(v);
    if (numbers === 'hhmmss') return parseTimeCell(String(x), where);
    if (numbers === 'seconds') x *= 1000;
    if (Number.isInteger(x) && x >= 0 && x < DAY_MS) return x;
    throw barsError('BARS_PARSE_TIME', `${x} is not a time of day in ms since midnight`, where);
  }
  if (v instanceof Date) return (((v.getTime() + BEIJING_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  throw barsError('BARS_COLUMN_TYPE', `expected a time, got ${describe(v)}`, where);
}

function assetOf(v: unknown, where: CellWhere, column: string): string {
  if (typeof v === 'string' && v.length > 0) {
    // NUL, control characters and U+FFFD (a decoder's replacement for bytes that were not UTF-8)
    // would make a new, wrong asset id
    if (hasBadChar(v)) {
      throw barsError(
        'BARS_ENCODING',
        `asset id ${JSON.stringify(clip(v))} holds a control character, U+FFFD (bytes that were not UTF-8) or a byte-order mark`,
        at(where, column),
      );
    }
    return v;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v).padStart(6, '0');
  throw barsError('BARS_COLUMN_TYPE', `expected an asset id, got ${describe(v)}`, at(where, column));
}

function describe(v: unknown): string {
  if (v === null || v === undefined || v === '') return 'an empty cell';
  if (typeof v === 'object') return `a ${v.constructor?.name ?? 'object'}`;
  return `${typeof v} ${JSON.stringify(typeof v === 'string' ? clip(v) : v)}`;
}

/**
 * True when `s` holds a control character (NUL included), DEL, U+FFFD or a byte-order mark
 * U+FEFF (an invisible id, left where files were concatenated).
 */
function hasBadChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0xfffd || c === 0xfeff) return true;
  }
  return false;
}
