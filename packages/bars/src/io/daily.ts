import { Panel, throwIfAborted } from '@hfq/core';
import type { DailyBars, IndexData } from '../daily.js';
import { barsError, checkOption } from '../errors.js';
import { boardOf, limitPrices, priceLimitPct, roundToTick } from '../market/limits.js';
import {
  isCanonicalSymbol,
  normalizeSymbol,
  parseDateCell,
  parseNumberCell,
  parseSymbolCell,
} from './cells.js';
import { splitCsvLine, textLineBatches, textLines } from './text.js';

/** Options of `readDailyBarsCsv`. */
export interface DailyReadOptions {
  /** Keep only these assets (`600000.SH` form), in this order. Default: every asset, sorted. */
  assets?: readonly string[];
  /** First / last trading day kept (`yyyymmdd`, inclusive). */
  from?: number;
  to?: number;
  /** Trading days of the panels. Default: the days present in the file within [from, to]. */
  dates?: ArrayLike<number>;
  /**
   * Price limits: `'nan'` (default) leaves `upLimit`, `downLimit`, `isLimitUp`, `isLimitDown` NaN
   * (the file has no limit prices and no ST flags). `'board-rules'` derives them from `preClose`
   * with `priceLimitPct(boardOf(asset), date)` and `limitPrices` (10 % main board; 20 % STAR
   * 688/689 and ChiNext 300/301 from 2020-08-24, 10 % before; 30 % Beijing), rounded half up to
   * 0.01. Approximate: ST stocks and IPO days are not known to the file and are treated like a
   * normal stock of their board.
   */
  limits?: 'nan' | 'board-rules';
  signal?: AbortSignal;
}

/**
 * Reads the daily CSV of `cn-daily-universe` (`date,symbol,open,high,low,close,volume,factor`:
 * unadjusted prices, volume in shares, qlib adjustment factor) into `DailyBars` panels, streaming
 * the gzip file row by row.
 *
 * What the file has and what is NaN (documented per field):
 * - open/high/low/close: the file's prices; NaN on suspended days (rows with volume 0, whose
 *   prices the source forward-filled) and on days without a row.
 * - volume: shares (0 on suspended days). The source stored float32: above 2^24 shares values are
 *   rounded (e.g. 28,408,276 for a true 28,408,275).
 * - adjFactor: the qlib factor (back-adjusted price = price x factor).
 * - preClose: previous row's close x its factor / today's factor, rounded to 0.01 (the exchange's
 *   ex-rights reference price); NaN on an asset's first row.
 * - suspended: 1 on rows with volume 0, 0 on other rows, NaN without a row. listed: 1 with a row,
 *   0 without (the source only has still-listed stocks, from listing or 2020-01-02 on).
 * - upLimit/downLimit/isLimitUp/isLimitDown: see `options.limits`.
 * - amount, vwap, st, marketCap, floatMarketCap, turnover, bookToPrice: NaN (not in the data).
 *
 * Memory: 20 panels of dates x assets float64 (1535 days x 1283 stocks = 315 MB for the whole
 * file; use `assets` / `from` / `to` to read less).
 *
 * @throws `BARS_MISSING_COLUMN`, `BARS_CSV_FIELD_COUNT`, `BARS_PARSE_*` with the data row
 * (`BARS_PARSE_SYMBOL` for a symbol that is not an A-share symbol, even of an asset not asked
 * for), `BARS_INVALID_OPTION` for an `assets` id not in the `600000.SH` form.
 */
export async function readDailyBarsCsv(path: string, options: DailyReadOptions = {}): Promise<DailyBars> {
  const limits = options.limits ?? 'nan';
  checkOption(limits === 'nan' || limits === 'board-rules', 'limits', `must be 'nan' or 'board-rules'`);
  if (options.assets) checkAssets(options.assets, 'assets');
  const wanted = options.assets ? new Set(options.assets) : undefined;
  const from = options.from ?? 0;
  const to = options.to ?? 99_999_999;
  // Pass 1 (streaming): rows of wanted assets into growable columns, plus each asset's row before
  // `from` (for preClose).
  const rows = new Rows();
  const prevBefore = new Map<string, { close: number; factor: number }>();
  let header: string[] | undefined;
  type Col = 'date' | 'symbol' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'factor';
  let idx: Record<Col, number> | undefined;
  let fields: string[] = [];
  let row = 0;
  const symbols = new Map<string, string>();
  const where = { row: 0, source: path, field: '' };
  const num = (k: Col) => {
    where.field = k;
    return parseNumberCell(fields[idx![k]]!, where);
  };
  for await (const batch of textLineBatches(path)) {
    for (const line of batch) {
      if (!header) {
        header = splitCsvLine(line.replace(/^\uFEFF/, ''), []);
        idx = columnIndex(
          header,
          ['date', 'symbol', 'open', 'high', 'low', 'close', 'volume', 'factor'],
          path,
        );
        continue;
      }
      if (line.length === 0) continue;
      if (wanted && line.indexOf('"') < 0) {
        // skip unwanted assets before splitting the whole line
        const raw = nthField(line, idx!.symbol);
        let a = symbols.get(raw);
        if (a === undefined)
          symbols.set(raw, (a = parseSymbolCell(raw, { row, source: path, field: 'symbol' })));
        if (!wanted.has(a)) {
          row++;
          continue;
        }
      }
      fields = splitCsvLine(line, fields);
      if (fields.length !== header.length) {
        throw barsError(
          'BARS_CSV_FIELD_COUNT',
          `row has ${fields.length} fields, the header ${header.length}`,
          {
            row,
            source: path,
          },
        );
      }
      where.row = row;
      where.field = 'symbol';
      const raw = fields[idx!.symbol]!;
      let asset = symbols.get(raw);
      if (asset === undefined) symbols.set(raw, (asset = parseSymbolCell(raw, where)));
      if (wanted && !wanted.has(asset)) {
        row++;
        continue;
      }
      where.field = 'date';
      const date = parseDateCell(fields[idx!.date]!, where);
      if (date < from) {
        prevBefore.set(asset, { close: num('close'), factor: num('factor') });
      } else if (date <= to) {
        rows.push(
          asset,
          date,
          num('open'),
          num('high'),
          num('low'),
          num('close'),
          num('volume'),
          num('factor'),
        );
      }
      row++;
    }
    throwIfAborted(options.signal, 'read daily bars');
  }
  if (!header) throw barsError('BARS_EMPTY_FILE', 'the file has no header line', { source: path });

  const assets = options.assets ? [...options.assets] : [...new Set(rows.assets)].sort();
  const dates = options.dates
    ? Int32Array.from(options.dates)
    : Int32Array.from([...new Set(rows.date.subarray(0, rows.n))].sort((a, b) => a - b));
  const alloc = () => Panel.alloc(dates, assets, 'float64');
  const bars: DailyBars = {
    open: alloc(),
    high: alloc(),
    low: alloc(),
    close: alloc(),
    preClose: alloc(),
    vwap: alloc(),
    volume: alloc(),
    amount: alloc(),
    adjFactor: alloc(),
    upLimit: alloc(),
    downLimit: alloc(),
    isLimitUp: alloc(),
    isLimitDown: alloc(),
    suspended: alloc(),
    st: alloc(),
    listed: alloc(),
    marketCap: alloc(),
    floatMarketCap: alloc(),
    turnover: alloc(),
    bookToPrice: alloc(),
  };
  bars.listed.values.fill(0);
  const aIndex = new Map(assets.map((a, i) => [a, i]));
  const dIndex = new Map(Array.from(dates, (d, i) => [d, i]));
  const nA = assets.length;
  const prev = new Map(prevBefore);
  for (let r = 0; r < rows.n; r++) {
    const asset = rows.assets[r]!;
    const a = aIndex.get(asset);
    const t = dIndex.get(rows.date[r]!);
    const close = rows.close[r]!;
    const factor = rows.factor[r]!;
    const p = prev.get(asset);
    prev.set(asset, { close, factor });
    if (a === undefined || t === undefined) continue;
    const k = t * nA + a;
    const vol = rows.volume[r]!;
    const suspended = vol === 0;
    bars.open.values[k] = suspended ? NaN : rows.open[r]!;
    bars.high.values[k] = suspended ? NaN : rows.high[r]!;
    bars.low.values[k] = suspended ? NaN : rows.low[r]!;
    bars.close.values[k] = suspended ? NaN : close;
    bars.volume.values[k] = vol;
    bars.adjFactor.values[k] = factor;
    bars.suspended.values[k] = suspended ? 1 : 0;
    bars.listed.values[k] = 1;
    const pre = p ? roundToTick((p.close * p.factor) / factor) : NaN;
    bars.preClose.values[k] = pre;
    if (limits === 'board-rules' && pre > 0) {
      const { up, down } = limitPrices(pre, priceLimitPct(boardOf(asset), rows.date[r]!));
      bars.upLimit.values[k] = up;
      bars.downLimit.values[k] = down;
      if (!suspended) {
        bars.isLimitUp.values[k] = close >= up - 1e-9 ? 1 : 0;
        bars.isLimitDown.values[k] = close <= down + 1e-9 ? 1 : 0;
      }
    }
  }
  return bars;
}

/** Field `k` (0-based) of an unquoted CSV line. */
function nthField(line: string, k: number): string {
  let start = 0;
  for (let i = 0; i < k; i++) {
    start = line.indexOf(',', start) + 1;
    if (start === 0) return '';
  }
  const end = line.indexOf(',', start);
  return end < 0 ? line.slice(start) : line.slice(start, end);
}

/** Every id of `assets` must be in the `600000.SH` form (another form would match no row). */
function checkAssets(assets: readonly string[], option: string): void {
  for (const a of assets) {
    if (!isCanonicalSymbol(a)) {
      throw barsError(
        'BARS_INVALID_OPTION',
        `${option}: ${JSON.stringify(a)} is not in the 600000.SH form (normalizeSymbol converts SH600000, sh600000, 600000)`,
        { field: option, asset: a },
      );
    }
  }
}

function columnIndex<K extends string>(header: string[], names: K[], source: string): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const n of names) {
    const i = header.indexOf(n);
    if (i < 0)
      throw barsError('BARS_MISSING_COLUMN', `column ${JSON.stringify(n)} is not in the file`, {
        field: n,
        source,
      });
    out[n] = i;
  }
  return out;
}

class Rows {
  n = 0;
  assets: string[] = [];
  date = new Int32Array(1024);
  open = new Float64Array(1024);
  high = new Float64Array(1024);
  low = new Float64Array(1024);
  close = new Float64Array(1024);
  volume = new Float64Array(1024);
  factor = new Float64Array(1024);

  push(asset: string, date: number, o: number, h: number, l: number, c: number, v: number, f: number): void {
    if (this.n === this.date.length) this.grow();
    const i = this.n++;
    this.assets.push(asset);
    this.date[i] = date;
    this.open[i] = o;
    this.high[i] = h;
    this.low[i] = l;
    this.close[i] = c;
    this.volume[i] = v;
    this.factor[i] = f;
  }

  private grow(): void {
    const cap = this.date.length * 2;
    const g = <A extends Int32Array | Float64Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(cap);
      b.set(a);
      return b;
    };
    this.date = g(this.date);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
    this.factor = g(this.factor);
  }
}

/** Options of `readIndexData`. */
export interface IndexReadOptions {
  /** Index name stored in the result (e.g. `CSI1000`). */
  name: string;
  /** Membership intervals CSV: `symbol,start_date,end_date`, inclusive (qlib `instruments`). */
  membership: string;
  /** Index daily CSV (`date,symbol,open,high,low,close,volume`) and the index's symbol in it. */
  indexDaily?: string;
  indexSymbol?: string;
  /** Trading days and assets of the panels (usually those of a `DailyBars`). */
  dates: ArrayLike<number>;
  assets: readonly string[];
  /**
   * Constituent weights: `'nan'` (default; the data has none, except CSI 300 on one date) or
   * `'equal'` = 1 / (number of constituents among `assets`) on each day.
   */
  weights?: 'nan' | 'equal';
  /**
   * Receives each membership id that is not an A-share symbol (e.g. qlib's `SHT00018`, the
   * pre-listing code of 600018 in the CSI 300 history, or a typo), with its data row; the row is
   * then skipped. Without it such an id throws `BARS_PARSE_SYMBOL`: nothing is skipped silently.
   */
  onUnknownSymbol?: (id: string, row: number) => void;
}

/**
 * Reads a point-in-time index membership file (and optionally the index's daily closes) into an
 * `IndexData` on the given dates and assets. `constituent` is 1 on days inside one of the asset's
 * [start, end] intervals, else 0. `weight` is NaN (`weights: 'nan'`) or equal weights; 0 for
 * non-constituents. `close` is the index close on each date (NaN without a row or without
 * `indexDaily`), `ret` the close-to-close return (NaN on the first day and next to a NaN close).
 * Membership rows of symbols outside `assets` are skipped; a symbol that is not an A-share symbol
 * at all (a typo) is an error unless `onUnknownSymbol` takes it, never skipped silently.
 *
 * @throws `BARS_PARSE_SYMBOL` / `BARS_PARSE_DATE` / `BARS_PARSE_NUMBER` with the file and data
 * row, `BARS_MISSING_COLUMN`, `BARS_EMPTY_FILE`, `BARS_INVALID_OPTION` for an `assets` id not in
 * the `600000.SH` form, an `indexSymbol` that is not a symbol or has no row in `indexDaily`.
 */
export async function readIndexData(options: IndexReadOptions): Promise<IndexData> {
  const weights = options.weights ?? 'nan';
  checkOption(weights === 'nan' || weights === 'equal', 'weights', `must be 'nan' or 'equal'`);
  checkAssets(options.assets, 'assets');
  const dates = Int32Array.from(options.dates);
  const constituent = Panel.alloc(dates, options.assets, 'float64', 0);
  const weight = Panel.alloc(dates, options.assets, 'float64', 0);
  const aIndex = new Map(options.assets.map((a, i) => [a, i]));
  const nA = options.assets.length;
  let header: string[] | undefined;
  let idx: Record<'symbol' | 'start_date' | 'end_date', number> | undefined;
  let row = 0;
  for await (const line of textLines(options.membership)) {
    if (!header) {
      header = splitCsvLine(line.replace(/^\uFEFF/, ''), []);
      idx = columnIndex(header, ['symbol', 'start_date', 'end_date'], options.membership);
      continue;
    }
    if (line.length === 0) continue;
    const f = splitCsvLine(line, []);
    const where = { row, source: options.membership, field: 'symbol' };
    // ids outside `assets` are skipped; an id that is not a symbol at all is a typo, not skipped
    let symbol: string;
    try {
      symbol = parseSymbolCell(f[idx!.symbol] ?? '', where);
    } catch (e) {
      if (options.onUnknownSymbol === undefined) throw e;
      options.onUnknownSymbol(f[idx!.symbol] ?? '', row++);
      continue;
    }
    const a = aIndex.get(symbol);
    where.field = 'start_date';
    const start = parseDateCell(f[idx!.start_date]!, where);
    where.field = 'end_date';
    const end = parseDateCell(f[idx!.end_date]!, where);
    row++;
    if (a === undefined) continue;
    for (let t = 0; t < dates.length; t++) {
      if (dates[t]! >= start && dates[t]! <= end) constituent.values[t * nA + a] = 1;
    }
  }
  if (!header)
    throw barsError('BARS_EMPTY_FILE', 'the membership file has no header line', {
      source: options.membership,
    });
  for (let t = 0; t < dates.length; t++) {
    let count = 0;
    for (let a = 0; a < nA; a++) count += constituent.values[t * nA + a]!;
    for (let a = 0; a < nA; a++) {
      if (constituent.values[t * nA + a] === 1)
        weight.values[t * nA + a] = weights === 'equal' ? 1 / count : NaN;
    }
  }
  const close = new Float64Array(dates.length).fill(NaN);
  if (options.indexDaily !== undefined) {
    checkOption(options.indexSymbol !== undefined, 'indexSymbol', 'is required with indexDaily');
    const want = normalizeSymbol(options.indexSymbol!);
    checkOption(
      isCanonicalSymbol(want),
      'indexSymbol',
      `${JSON.stringify(options.indexSymbol)} is not a symbol`,
    );
    let matched = 0;
    const dIndex = new Map(Array.from(dates, (d, i) => [d, i]));
    let h: string[] | undefined;
    let ix: Record<'date' | 'symbol' | 'close', number> | undefined;
    let r = 0;
    for await (const line of textLines(options.indexDaily)) {
      if (!h) {
        h = splitCsvLine(line.replace(/^\uFEFF/, ''), []);
        ix = columnIndex(h, ['date', 'symbol', 'close'], options.indexDaily);
        continue;
      }
      if (line.length === 0) continue;
      const f = splitCsvLine(line, []);
      r++;
      if (
        parseSymbolCell(f[ix!.symbol] ?? '', { row: r - 1, source: options.indexDaily, field: 'symbol' }) !==
        want
      )
        continue;
      matched++;
      const t = dIndex.get(
        parseDateCell(f[ix!.date]!, { row: r - 1, source: options.indexDaily, field: 'date' }),
      );
      if (t !== undefined)
        close[t] = parseNumberCell(f[ix!.close]!, { row: r - 1, source: options.indexDaily, field: 'close' });
    }
    checkOption(matched > 0, 'indexSymbol', `${want} has no row in ${options.indexDaily}`);
  }
  const ret = new Float64Array(dates.length).fill(NaN);
  for (let t = 1; t < dates.length; t++) ret[t] = close[t]! / close[t - 1]! - 1;
  return { name: options.name, constituent, weight, close, ret };
}
