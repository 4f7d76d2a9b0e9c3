import { barsError, checkOption } from '../errors.js';
import type { MinuteBarField, TickLevelField, TickScalarField } from '../types.js';

/** Frame kinds the row readers build. */
export type FrameKind = 'minute' | 'tick';

/**
 * How the columns of a file map onto a frame. Used by the CSV, Parquet and Arrow readers alike
 * (column names are matched exactly, case-sensitive). Built-in mappings for the canonical hfq
 * layout and for the vendor layouts of the real samples are in `mappings.ts`.
 */
export interface ColumnMapping {
  kind: FrameKind;
  /** Column holding the asset (symbol), or a fixed asset for single-stock files. */
  asset: string | { value: string };
  /** Optional exchange column combined with a bare 6-digit code (`000001` + `SZSE` -> `000001.SZ`). */
  exchange?: string;
  /**
   * Column holding the trading day (`2025-01-02`, `2025.01.02`, `20250102`, or a datetime), or a
   * fixed day. The date and `time` may name the same column (a datetime column).
   */
  date: string | { value: number };
  /** Column holding the time of day (text, a vendor integer, or a datetime). */
  time: string;
  /**
   * How to read numeric (non-text) time values, e.g. from Parquet/Arrow: `'ms'` = ms since
   * midnight (the hfq layout, default), `'hhmmss'` = vendor integers like 93100000 / 145700,
   * `'seconds'` = seconds since midnight. Text cells are parsed by form (`09:31:00`, `093100`)
   * unless this is set: then all-digit text is read in the declared unit too; Arrow `Time`
   * columns are converted by the unit their type declares. A column read in the wrong unit gives
   * times outside the session, which validation rejects (`BARS_OUTSIDE_SESSION`, naming the unit
   * that would fit when exactly one does).
   */
  timeNumbers?: 'ms' | 'hhmmss' | 'seconds';
  /**
   * Minute bars only: `'end'` (default) = the time is the bar's end (the hfq and vendor
   * convention); `'start'` = bars are labelled by their first minute (09:30 = 09:30-09:31, with a
   * separate 09:25 auction row). Start-labelled rows are moved to the bar `minuteIndexOf` assigns
   * them (09:25 and 09:30 both to 09:31) and rows landing in one bar are merged (first open, max
   * high, min low, last close, summed volume/amount/trades).
   */
  timeLabel?: 'end' | 'start';
  /** Frame field -> column. Fields left out are NaN (trades), or an error when required. */
  fields: Partial<Record<MinuteBarField | TickScalarField, string>>;
  /**
   * Ticks only: number of book levels and the column of each per-level field, a template with
   * `{k}` (level 1..count) or `{k0}` (level 0..count-1), e.g. `BidPrice{k0}`.
   */
  levels?: { count: number; columns: Partial<Record<TickLevelField, string>> };
  /**
   * Round prices to this many decimals while reading (the vendor files carry binary artefacts
   * such as 82.65999999999998). Default: no rounding. Only prices are rounded.
   */
  priceDecimals?: number;
  /**
   * Ticks only: a last price of 0 means "no trade yet" and reads as NaN (exchange feeds send 0).
   * Default true. Book prices of 0 stay 0: the frame's marker of an empty level.
   */
  zeroLastIsMissing?: boolean;
  /** Normalise symbols to `600000.SH` (default true; see `normalizeSymbol`). */
  normalizeSymbols?: boolean;
}

/** Required frame fields per kind. */
const REQUIRED: Record<FrameKind, readonly string[]> = {
  minute: ['open', 'high', 'low', 'close', 'volume', 'amount'],
  tick: ['last', 'volume', 'amount'],
};

/** A mapping checked against a header: column indexes for each role (-1 = absent). */
export interface ResolvedMapping {
  mapping: ColumnMapping;
  asset: number;
  exchange: number;
  date: number;
  time: number;
  /** Indexes of the mapped scalar fields, in `fieldNames` order (-1 = NaN column). */
  fieldNames: string[];
  fields: number[];
  /** Per-level field name and, per level, the column index (-1 = NaN). */
  levelFields: TickLevelField[];
  levelColumns: number[][];
  levels: number;
  priceScale: number;
}

const MINUTE_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const;
const TICK_FIELDS = ['last', 'volume', 'amount', 'trades'] as const;
const LEVEL_FIELDS = ['bidPrice', 'bidVolume', 'bidOrders', 'askPrice', 'askVolume', 'askOrders'] as const;

/**
 * Matches a mapping against the column names of a file. @throws `BARS_MISSING_COLUMN` naming the
 * first required column the file lacks (field = the column, `source` = the file);
 * `BARS_INVALID_OPTION` for an inconsistent mapping.
 */
export function resolveMapping(
  mapping: ColumnMapping,
  header: readonly string[],
  source?: string,
): ResolvedMapping {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(h)) index.set(h, i);
  });
  const where = (field: string) => (source === undefined ? { field } : { field, source });
  const need = (column: string, role: string): number => {
    const i = index.get(column);
    if (i === undefined) {
      throw barsError(
        'BARS_MISSING_COLUMN',
        `column ${JSON.stringify(column)} (${role}) is not in the file`,
        where(column),
      );
    }
    return i;
  };
  checkOption(mapping.kind === 'minute' || mapping.kind === 'tick', 'kind', `must be 'minute' or 'tick'`);
  checkOption(
    mapping.timeNumbers === undefined ||
      mapping.timeNumbers === 'ms' ||
      mapping.timeNumbers === 'hhmmss' ||
      mapping.timeNumbers === 'seconds',
    'timeNumbers',
    `must be 'ms', 'hhmmss' or 'seconds'`,
  );
  const asset = typeof mapping.asset === 'string' ? need(mapping.asset, 'asset') : -1;
  const date = typeof mapping.date === 'string' ? need(mapping.date, 'date') : -1;
  const time = need(mapping.time, 'time');
  const exchange = mapping.exchange === undefined ? -1 : need(mapping.exchange, 'exchange');
  const names = mapping.kind === 'minute' ? MINUTE_FIELDS : TICK_FIELDS;
  const fieldNames: string[] = [];
  const fields: number[] = [];
  for (const f of names) {
    const col = (mapping.fields as Record<string, string | undefined>)[f];
    if (col === undefined) {
      if (REQUIRED[mapping.kind].includes(f)) {
        throw barsError(
          'BARS_MISSING_COLUMN',
          `the mapping gives no column for required field ${f}`,
          where(f),
        );
      }
      fieldNames.push(f);
      fields.push(-1);
      continue;
    }
    fieldNames.push(f);
    fields.push(need(col, f));
  }
  const levelFields: TickLevelField[] = [];
  const levelColumns: number[][] = [];
  let levels = 0;
  if (mapping.kind === 'tick') {
    checkOption(mapping.levels !== undefined, 'levels', 'tick mappings need levels');
    levels = mapping.levels!.count;
    checkOption(
      Number.isInteger(levels) && levels >= 1,
      'levels.count',
      `must be a positive integer, got ${levels}`,
    );
    for (const f of LEVEL_FIELDS) {
      const tpl = mapping.levels!.columns[f];
      levelFields.push(f);
      const cols: number[] = [];
      for (let k = 1; k <= levels; k++) {
        if (tpl === undefined) {
          cols.push(-1);
          continue;
        }
        const name = tpl.replaceAll('{k}', String(k)).replaceAll('{k0}', String(k - 1));
        const i = index.get(name);
        if (i === undefined) {
          throw barsError(
            k > 1 ? 'BARS_LEVEL_COUNT' : 'BARS_MISSING_COLUMN',
            `column ${JSON.stringify(name)} (${f}, level ${k} of ${levels}) is not in the file`,
            { ...where(name), level: k },
          );
        }
        cols.push(i);
      }
      levelColumns.push(cols);
    }
    checkOption(
      mapping.levels!.columns.bidPrice !== undefined && mapping.levels!.columns.askPrice !== undefined,
      'levels.columns',
      'needs bidPrice and askPrice',
    );
  }
  const d = mapping.priceDecimals;
  checkOption(
    d === undefined || (Number.isInteger(d) && d >= 0 && d <= 8),
    'priceDecimals',
    'must be an integer in [0, 8]',
  );
  return {
    mapping,
    asset,
    exchange,
    date,
    time,
    fieldNames,
    fields,
    levelFields,
    levelColumns,
    levels,
    priceScale: d === undefined ? 0 : 10 ** d,
  };
}
