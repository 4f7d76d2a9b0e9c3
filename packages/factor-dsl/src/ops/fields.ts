import type { SourceKind } from './spec.js';

/**
 * The named fields of each frame source, as the formulas see them. Field names are snake_case;
 * `columns` are the frame properties (`@hfq/bars` types) they read. Tick `volume`/`amount`/`trades`
 * are per-snapshot increments of the cumulative counters (the first snapshot's increment is its
 * cumulative value: what traded before it, the opening auction included); `cum_*` are the counters.
 */
export interface FieldSpec {
  readonly name: string;
  readonly source: SourceKind;
  readonly type: 'series' | 'levels';
  readonly unit: string;
  readonly doc: string;
  /** Frame properties read. */
  readonly columns: readonly string[];
  /**
   * Code of the field at the current row. `col(c)` is the column `c` at the current row, `prev(c)`
   * at the previous row (only evaluated when `i > 0`). For a levels field, `col(c)` is the value
   * at the current row and level.
   */
  expr(col: (column: string) => string, prev: (column: string) => string): string;
}

/** Column layout of a frame source: the properties a frame of that source has, in kernel order. */
export interface ColumnSpec {
  readonly name: string;
  readonly kind: 'int32' | 'float64';
  /** `levels`: row-major `rows x levels`. */
  readonly shape: 'series' | 'levels';
}

const f64 = (name: string): ColumnSpec => ({ name, kind: 'float64', shape: 'series' });
const lvl = (name: string): ColumnSpec => ({ name, kind: 'float64', shape: 'levels' });
const i32 = (name: string): ColumnSpec => ({ name, kind: 'int32', shape: 'series' });

/** Columns of each source's frames (the first is the time column used by time filters). */
export const FRAME_COLUMNS: Readonly<Record<SourceKind, readonly ColumnSpec[]>> = Object.freeze({
  minute: [
    i32('time'),
    f64('open'),
    f64('high'),
    f64('low'),
    f64('close'),
    f64('volume'),
    f64('amount'),
    f64('trades'),
  ],
  vbar: [
    i32('endTime'),
    f64('open'),
    f64('high'),
    f64('low'),
    f64('close'),
    f64('vwap'),
    f64('volume'),
    f64('amount'),
    i32('minutes'),
  ],
  tick: [
    i32('time'),
    f64('last'),
    f64('volume'),
    f64('amount'),
    f64('trades'),
    lvl('bidPrice'),
    lvl('bidVolume'),
    lvl('bidOrders'),
    lvl('askPrice'),
    lvl('askVolume'),
    lvl('askOrders'),
  ],
});

const raw =
  (column: string) =>
  (col: (c: string) => string): string =>
    col(column);
const positive =
  (column: string) =>
  (col: (c: string) => string): string =>
    `(${col(column)} > 0 ? ${col(column)} : NaN)`;
/** A quantity at a book level: 0 when the level is empty (its price is 0 or NaN), as in `@hfq/bars`. */
const atLevel =
  (column: string, price: string) =>
  (col: (c: string) => string): string =>
    `(${col(price)} > 0 ? ${col(column)} : 0)`;
const increment =
  (column: string) =>
  (col: (c: string) => string, prev: (c: string) => string): string =>
    `(i > 0 ? ${col(column)} - ${prev(column)} : ${col(column)})`;

function field(
  source: SourceKind,
  name: string,
  columns: readonly string[],
  unit: string,
  doc: string,
  expr: FieldSpec['expr'],
  type: 'series' | 'levels' = 'series',
): FieldSpec {
  return Object.freeze({ name, source, type, unit, doc, columns, expr });
}

const MINUTE_FIELDS: readonly FieldSpec[] = [
  field('minute', 'open', ['open'], 'yuan', 'first trade price of the minute', raw('open')),
  field('minute', 'high', ['high'], 'yuan', 'highest trade price of the minute', raw('high')),
  field('minute', 'low', ['low'], 'yuan', 'lowest trade price of the minute', raw('low')),
  field('minute', 'close', ['close'], 'yuan', 'last trade price of the minute', raw('close')),
  field('minute', 'volume', ['volume'], 'shares', 'shares traded in the minute', raw('volume')),
  field('minute', 'amount', ['amount'], 'yuan', 'value traded in the minute', raw('amount')),
  field(
    'minute',
    'trades',
    ['trades'],
    'count',
    'number of trades in the minute (NaN if not reported)',
    raw('trades'),
  ),
  field(
    'minute',
    'vwap',
    ['amount', 'volume'],
    'yuan',
    'amount / volume of the minute (NaN when nothing traded)',
    (col) => `(${col('volume')} > 0 ? ${col('amount')} / ${col('volume')} : NaN)`,
  ),
];

const VBAR_FIELDS: readonly FieldSpec[] = [
  field('vbar', 'open', ['open'], 'yuan', 'open of the equal-volume bar', raw('open')),
  field('vbar', 'high', ['high'], 'yuan', 'high of the bar', raw('high')),
  field('vbar', 'low', ['low'], 'yuan', 'low of the bar', raw('low')),
  field('vbar', 'close', ['close'], 'yuan', 'close of the bar', raw('close')),
  field('vbar', 'vwap', ['vwap'], 'yuan', 'amount / volume of the bar', raw('vwap')),
  field(
    'vbar',
    'volume',
    ['volume'],
    'shares',
    'shares in the bar (about the bar size; the last may be partial)',
    raw('volume'),
  ),
  field('vbar', 'amount', ['amount'], 'yuan', 'value traded in the bar', raw('amount')),
  field(
    'vbar',
    'minutes',
    ['minutes'],
    'minutes',
    'number of minutes the bar spans (its duration)',
    raw('minutes'),
  ),
];

const TICK_FIELDS: readonly FieldSpec[] = [
  field('tick', 'last', ['last'], 'yuan', 'last trade price (NaN before the first trade)', positive('last')),
  field(
    'tick',
    'volume',
    ['volume'],
    'shares',
    'shares traded since the previous snapshot',
    increment('volume'),
  ),
  field(
    'tick',
    'amount',
    ['amount'],
    'yuan',
    'value traded since the previous snapshot',
    increment('amount'),
  ),
  field('tick', 'trades', ['trades'], 'count', 'trades since the previous snapshot', increment('trades')),
  field(
    'tick',
    'cum_volume',
    ['volume'],
    'shares',
    'shares traded since the open (cumulative)',
    raw('volume'),
  ),
  field('tick', 'cum_amount', ['amount'], 'yuan', 'value traded since the open (cumulative)', raw('amount')),
  field('tick', 'cum_trades', ['trades'], 'count', 'trades since the open (cumulative)', raw('trades')),
  field(
    'tick',
    'bid_price',
    ['bidPrice'],
    'yuan',
    'bid price per level (NaN when empty)',
    positive('bidPrice'),
    'levels',
  ),
  field(
    'tick',
    'bid_volume',
    ['bidVolume', 'bidPrice'],
    'shares',
    'bid volume per level (0 when the level is empty)',
    atLevel('bidVolume', 'bidPrice'),
    'levels',
  ),
  field(
    'tick',
    'bid_orders',
    ['bidOrders', 'bidPrice'],
    'count',
    'number of bid orders per level (0 when the level is empty)',
    atLevel('bidOrders', 'bidPrice'),
    'levels',
  ),
  field(
    'tick',
    'ask_price',
    ['askPrice'],
    'yuan',
    'ask price per level (NaN when empty)',
    positive('askPrice'),
    'levels',
  ),
  field(
    'tick',
    'ask_volume',
    ['askVolume', 'askPrice'],
    'shares',
    'ask volume per level (0 when the level is empty)',
    atLevel('askVolume', 'askPrice'),
    'levels',
  ),
  field(
    'tick',
    'ask_orders',
    ['askOrders', 'askPrice'],
    'count',
    'number of ask orders per level (0 when the level is empty)',
    atLevel('askOrders', 'askPrice'),
    'levels',
  ),
];

/** The fields of each source, in documentation order. */
export const SOURCE_FIELDS: Readonly<Record<SourceKind, readonly FieldSpec[]>> = Object.freeze({
  minute: Object.freeze(MINUTE_FIELDS),
  vbar: Object.freeze(VBAR_FIELDS),
  tick: Object.freeze(TICK_FIELDS),
});

const FIELD_MAPS: ReadonlyMap<SourceKind, ReadonlyMap<string, FieldSpec>> = new Map(
  (Object.keys(SOURCE_FIELDS) as SourceKind[]).map((s) => [
    s,
    new Map(SOURCE_FIELDS[s].map((f) => [f.name, f])),
  ]),
);

/** The field `name` of `source`, or undefined (a `Map` look-up: `__proto__` is just an unknown name). */
export function lookupField(source: SourceKind, name: string): FieldSpec | undefined {
  return FIELD_MAPS.get(source)?.get(name);
}

/** The sources that have a field called `name`. */
export function sourcesWithField(name: string): SourceKind[] {
  return (Object.keys(SOURCE_FIELDS) as SourceKind[]).filter((s) => lookupField(s, name) !== undefined);
}
