import { isYmd } from '@hfq/core';
import { barsError } from '../errors.js';

/**
 * Reading single cells of text and typed files: numbers, dates, times and symbols. Each reader is
 * strict (a cell it cannot read is an error with the row and column, never a silent NaN or 0) and
 * fast (char codes, no regular expression per cell on the hot paths).
 */

/** A cell's text cut to 64 characters for an error message (a 4 MB cell is not a 4 MB message). */
export function clip(s: string): string {
  return s.length <= 64 ? s : `${s.slice(0, 64)}... [${s.length} characters]`;
}

export interface CellWhere {
  field?: string;
  row?: number;
  source?: string;
  level?: number;
  [key: string]: unknown;
}

/**
 * A number cell. Blank (or `NaN`, `null`, `None`) means missing and reads as NaN; anything that is
 * not a decimal number (with optional exponent) is `BARS_PARSE_NUMBER`. Infinity is read as
 * written (validation rejects it where it does not belong).
 */
export function parseNumberCell(text: string, where: CellWhere): number {
  if (text.length === 0) return NaN;
  const x = Number(text);
  if (!Number.isNaN(x)) {
    // Number('') = 0, Number('0x10') = 16, Number(' 1 ') = 1: accept only decimal forms.
    const c = text.charCodeAt(0);
    const c1 = text.length > 1 ? text.charCodeAt(1) : 0;
    if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 73) {
      if (!(c === 48 && (c1 === 120 || c1 === 88 || c1 === 111 || c1 === 98))) return x;
    }
  }
  const t = text.trim();
  if (t.length === 0 || t === 'NaN' || t === 'nan' || t === 'null' || t === 'NULL' || t === 'None')
    return NaN;
  if (t !== text) return parseNumberCell(t, where);
  throw barsError('BARS_PARSE_NUMBER', `cannot read ${JSON.stringify(clip(text))} as a number`, where);
}

/**
 * A date cell as `yyyymmdd`: `2025-01-02`, `2025/01/02`, `2025.01.02`, `20250102`, or a datetime
 * starting with one of those (`2021.12.01T09:15:02.000`, `2025-01-02 09:45`).
 */
export function parseDateCell(text: string, where: CellWhere): number {
  const s = text.trim();
  let y: number;
  let m: number;
  let d: number;
  if (s.length >= 10 && isSep(s.charCodeAt(4)) && s.charCodeAt(7) === s.charCodeAt(4)) {
    y = digits(s, 0, 4);
    m = digits(s, 5, 2);
    d = digits(s, 8, 2);
  } else if (s.length >= 8) {
    y = digits(s, 0, 4);
    m = digits(s, 4, 2);
    d = digits(s, 6, 2);
    if (s.length > 8 && !isDateTimeSep(s.charCodeAt(8))) y = -1;
  } else {
    y = -1;
    m = -1;
    d = -1;
  }
  const ymd = y * 10000 + m * 100 + d;
  if (y < 0 || m < 0 || d < 0 || !isYmd(ymd)) {
    throw barsError('BARS_PARSE_DATE', `cannot read ${JSON.stringify(clip(text))} as a date`, where);
  }
  return ymd;
}

/**
 * A time-of-day cell as ms since midnight: `HH:MM`, `HH:MM:SS`, `HH:MM:SS.mmm`, the vendor integer
 * forms `HHMMSS` / `HHMMSSmmm` (`93100000` = 09:31:00.000), or the time part of a datetime
 * (`2021.12.01T09:15:02.000`, `2025-01-02 09:45`).
 */
export function parseTimeCell(text: string, where: CellWhere): number {
  let s = text.trim();
  const sp = Math.max(s.indexOf('T'), s.indexOf(' '));
  if (sp >= 0) s = s.slice(sp + 1);
  let h = -1;
  let mi = -1;
  let se = 0;
  let ms = 0;
  if (s.length >= 4 && (s.charCodeAt(1) === 58 || s.charCodeAt(2) === 58)) {
    const c1 = s.charCodeAt(1) === 58 ? 1 : 2;
    h = digits(s, 0, c1);
    mi = digits(s, c1 + 1, 2);
    let p = c1 + 3;
    if (p < s.length) {
      if (s.charCodeAt(p) !== 58) h = -1;
      se = digits(s, p + 1, 2);
      p += 3;
      if (p < s.length) {
        if (s.charCodeAt(p) !== 46 || s.length - p - 1 > 3 || s.length - p - 1 < 1) h = -1;
        else ms = digits(s, p + 1, s.length - p - 1) * 10 ** (3 - (s.length - p - 1));
      }
    }
  } else if (/^\d{5,9}$/.test(s)) {
    const full = s.length <= 6 ? s.padStart(6, '0') : s.padStart(9, '0');
    h = digits(full, 0, 2);
    mi = digits(full, 2, 2);
    se = digits(full, 4, 2);
    ms = full.length === 9 ? digits(full, 6, 3) : 0;
  }
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 || ms < 0) {
    throw barsError('BARS_PARSE_TIME', `cannot read ${JSON.stringify(clip(text))} as a time of day`, where);
  }
  return ((h * 60 + mi) * 60 + se) * 1000 + ms;
}

function isSep(c: number): boolean {
  return c === 45 || c === 46 || c === 47; // - . /
}

function isDateTimeSep(c: number): boolean {
  return c === 84 || c === 32; // T, space
}

/** The decimal number in s[from, from + len), or -1 if any char is not a digit. */
function digits(s: string, from: number, len: number): number {
  if (from + len > s.length || len <= 0) return -1;
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * An A-share symbol in the `600000.SH` form hfq uses everywhere. Accepts `SH600000` (qlib),
 * `600000.SH`, `sh600000`, a bare code (`600000`: the exchange is inferred from the first digit,
 * 6/9 Shanghai, 0/2/3 Shenzhen, 4/8 Beijing), or a bare code plus an exchange name (`SZSE`, `SSE`,
 * `SH`, `SZ`, `XSHG`, `XSHE`, `BJ`). Anything else is returned unchanged.
 */
export function normalizeSymbol(raw: string, exchange?: string): string {
  const s = raw.trim();
  const up = s.toUpperCase();
  let m = /^(SH|SZ|BJ)(\d{6})$/.exec(up);
  if (m) return `${m[2]}.${m[1]}`;
  m = /^(\d{6})\.(SH|SZ|BJ|SS)$/.exec(up);
  if (m) return `${m[1]}.${m[2] === 'SS' ? 'SH' : m[2]}`;
  if (/^\d{6}$/.test(s)) {
    const ex = exchange ? exchangeCode(exchange) : undefined;
    if (ex) return `${s}.${ex}`;
    const d = s.charCodeAt(0) - 48;
    if (d === 6 || d === 9) return `${s}.SH`;
    if (d === 0 || d === 2 || d === 3) return `${s}.SZ`;
    if (d === 4 || d === 8) return `${s}.BJ`;
  }
  return s;
}

function exchangeCode(name: string): string | undefined {
  const e = name.trim().toUpperCase();
  if (e === 'SSE' || e === 'SH' || e === 'XSHG' || e === 'SHSE') return 'SH';
  if (e === 'SZSE' || e === 'SZ' || e === 'XSHE') return 'SZ';
  if (e === 'BSE' || e === 'BJ' || e === 'BJSE') return 'BJ';
  return undefined;
}

/** The `600000.SH` form: six digits, a dot, SH / SZ / BJ. */
const CANONICAL_SYMBOL = /^\d{6}\.(SH|SZ|BJ)$/;

/**
 * `normalizeSymbol`, but an id it cannot read as an A-share symbol (a typo such as `SH60000`,
 * `600000.XX` or `60O000`) is an error instead of an id that silently matches nothing.
 *
 * @throws `BARS_PARSE_SYMBOL` with `where` (row, field, source).
 */
export function parseSymbolCell(raw: string, where: CellWhere): string {
  const s = normalizeSymbol(raw);
  if (CANONICAL_SYMBOL.test(s)) return s;
  throw barsError(
    'BARS_PARSE_SYMBOL',
    `cannot read ${JSON.stringify(clip(raw))} as an A-share symbol (600000.SH, SH600000, sh600000 or 600000)`,
    where,
  );
}

/** True for an id in the `600000.SH` form. */
export function isCanonicalSymbol(s: string): boolean {
  return CANONICAL_SYMBOL.test(s);
}
