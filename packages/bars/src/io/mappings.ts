import { MINUTE_BAR_FIELDS, TICK_LEVEL_FIELDS, TICK_SCALAR_FIELDS } from '../types.js';
import type { ColumnMapping } from './mapping.js';

/**
 * Built-in column mappings: the canonical hfq layout (what the writers produce) and the vendor
 * layouts of the real samples in `../shared/data/real` (see each PROVENANCE.md).
 */

/**
 * The hfq long layout of minute bars, the same in CSV, Parquet and Arrow:
 * `asset, date, time, open, high, low, close, volume, amount, trades`. `date` is `yyyymmdd`;
 * `time` is the bar end (`HH:MM:SS` text in CSV, ms since midnight in Parquet/Arrow).
 */
export const CANONICAL_MINUTE: ColumnMapping = Object.freeze({
  kind: 'minute',
  asset: 'asset',
  date: 'date',
  time: 'time',
  fields: Object.fromEntries(MINUTE_BAR_FIELDS.map((f) => [f, f])),
}) as ColumnMapping;

/** Column names of the canonical minute layout, in order. */
export const CANONICAL_MINUTE_COLUMNS: readonly string[] = ['asset', 'date', 'time', ...MINUTE_BAR_FIELDS];

/**
 * The hfq long layout of tick snapshots: `asset, date, time, last, volume, amount, trades`, then
 * per level k = 1..levels `bidPrice{k}`, `bidVolume{k}`, `bidOrders{k}`, `askPrice{k}`,
 * `askVolume{k}`, `askOrders{k}` (grouped by field).
 */
export function canonicalTickMapping(levels = 10): ColumnMapping {
  return {
    kind: 'tick',
    asset: 'asset',
    date: 'date',
    time: 'time',
    fields: Object.fromEntries(TICK_SCALAR_FIELDS.map((f) => [f, f])),
    levels: { count: levels, columns: Object.fromEntries(TICK_LEVEL_FIELDS.map((f) => [f, `${f}{k}`])) },
  };
}

/** The canonical tick layout with 10 levels. */
export const CANONICAL_TICK: ColumnMapping = Object.freeze(canonicalTickMapping(10)) as ColumnMapping;

/** Column names of the canonical tick layout with `levels` levels, in order. */
export function canonicalTickColumns(levels = 10): string[] {
  const cols = ['asset', 'date', 'time', ...TICK_SCALAR_FIELDS];
  for (const f of TICK_LEVEL_FIELDS) for (let k = 1; k <= levels; k++) cols.push(`${f}${k}`);
  return cols;
}

/**
 * SSE Level-2 snapshots in the vendor (INSIGHT/Datayes-style) layout of
 * `cn-l2-dolphindb/snapshots/sh_30stocks_20211201_0915-1030_snapshot.csv.gz`: `SecurityID`,
 * `DateTime` (`2021.12.01T09:15:02.000`), `LastPx`, cumulative `TotalVolumeTrade` /
 * `TotalValueTrade` / `NumTrades`, levels `BidPrice0..9`, `BidOrderQty0..9`, `BidNumOrders0..9`,
 * `OfferPrice0..9`, ... (level 0 = best). Prices rounded to 0.01.
 */
export const SSE_LEVEL2_SNAPSHOT: ColumnMapping = Object.freeze({
  kind: 'tick',
  asset: 'SecurityID',
  date: 'DateTime',
  time: 'DateTime',
  fields: { last: 'LastPx', volume: 'TotalVolumeTrade', amount: 'TotalValueTrade', trades: 'NumTrades' },
  levels: {
    count: 10,
    columns: {
      bidPrice: 'BidPrice{k0}',
      bidVolume: 'BidOrderQty{k0}',
      bidOrders: 'BidNumOrders{k0}',
      askPrice: 'OfferPrice{k0}',
      askVolume: 'OfferOrderQty{k0}',
      askOrders: 'OfferNumOrders{k0}',
    },
  },
  priceDecimals: 2,
}) as ColumnMapping;

/**
 * SZSE Level-2 snapshots in the vendor layout of
 * `cn-l2-dolphindb/snapshots/sz_5stocks_20220601_snapshot.csv.gz`: `MDDate` (`2022.06.01`),
 * `MDTime`, `SecurityID` (`300918.SZ`), `LastPx`, cumulative `TotalVolumeTrade` /
 * `TotalValueTrade` (no trade count: trades are NaN), levels `BuyPrice1..10`, `BuyOrderQty1..10`,
 * `BuyNumOrders1..10`, `SellPrice1..10`, ... Prices rounded to 0.01.
 */
export const SZSE_LEVEL2_SNAPSHOT: ColumnMapping = Object.freeze({
  kind: 'tick',
  asset: 'SecurityID',
  date: 'MDDate',
  time: 'MDTime',
  fields: { last: 'LastPx', volume: 'TotalVolumeTrade', amount: 'TotalValueTrade' },
  levels: {
    count: 10,
    columns: {
      bidPrice: 'BuyPrice{k}',
      bidVolume: 'BuyOrderQty{k}',
      bidOrders: 'BuyNumOrders{k}',
      askPrice: 'SellPrice{k}',
      askVolume: 'SellOrderQty{k}',
      askOrders: 'SellNumOrders{k}',
    },
  },
  priceDecimals: 2,
}) as ColumnMapping;

/**
 * SSE exchange-native snapshots (`cn-l2-dolphindb/snapshots/sh600519_20230201_snapshot.csv.gz`):
 * `UpdateTime`, `SecurityID`, `LastPrice`, cumulative `TradVolume` / `Turnover` / `TradNumber`,
 * `BidPrice1..10`, `BidVolume1..10`, `NumOrdersB1..10`, `AskPrice1..10`, `AskVolume1..10`,
 * `NumOrdersS1..10` (empty levels blank). The layout has no date column: pass the trading day.
 */
export function sseNativeSnapshotMapping(date: number): ColumnMapping {
  return {
    kind: 'tick',
    asset: 'SecurityID',
    date: { value: date },
    time: 'UpdateTime',
    fields: { last: 'LastPrice', volume: 'TradVolume', amount: 'Turnover', trades: 'TradNumber' },
    levels: {
      count: 10,
      columns: {
        bidPrice: 'BidPrice{k}',
        bidVolume: 'BidVolume{k}',
        bidOrders: 'NumOrdersB{k}',
        askPrice: 'AskPrice{k}',
        askVolume: 'AskVolume{k}',
        askOrders: 'NumOrdersS{k}',
      },
    },
    priceDecimals: 2,
  };
}

/**
 * Vendor 1-minute bars (`cn-l2-dolphindb/bars/sz000001_1min_201801.csv.gz`): `symbol` +
 * `exchange` (`SZSE`), `tradingDay`, `time` (`93100000` = bar end 09:31; `150000000` = the 15:00
 * bar with the closing auction), `open..close`, `volume`, `turnover` (no trade count).
 */
export const VENDOR_1MIN_BARS: ColumnMapping = Object.freeze({
  kind: 'minute',
  asset: 'symbol',
  exchange: 'exchange',
  date: 'tradingDay',
  time: 'time',
  timeNumbers: 'hhmmss',
  fields: { open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume', amount: 'turnover' },
  priceDecimals: 2,
}) as ColumnMapping;

/**
 * 1-minute bars derived from trades (`cn-l2-dolphindb/bars/derived_1min_from_trades.csv.gz`):
 * `symbol` (`SH600519`), `date`, `minute` = bar **start** (`09:25` opening auction row, `09:30`
 * = 09:30-09:31, `15:00` closing auction row), `open..close`, `volume`, `amount`, `trade_count`.
 * Read with `timeLabel: 'start'`: the 09:25 row merges into the 09:31 bar and 15:00 into the 15:00
 * bar, the vendor convention. Minutes without trades are absent from the file (and the frame).
 */
export const DERIVED_1MIN_BARS: ColumnMapping = Object.freeze({
  kind: 'minute',
  asset: 'symbol',
  date: 'date',
  time: 'minute',
  timeLabel: 'start',
  fields: {
    open: 'open',
    high: 'high',
    low: 'low',
    close: 'close',
    volume: 'volume',
    amount: 'amount',
    trades: 'trade_count',
  },
}) as ColumnMapping;

/**
 * 15-minute bars (`cn-intraday-15min/bars15m_*.csv.gz`): `datetime` = bar end
 * (`2025-01-02 09:45`), `symbol` (`SH600000`), `open..close`, `volume`, `amount` (rounded to 1
 * yuan; no trade count). Read into `MinuteBars` frames of 16 rows per day.
 */
export const CN_15MIN_BARS: ColumnMapping = Object.freeze({
  kind: 'minute',
  asset: 'symbol',
  date: 'datetime',
  time: 'datetime',
  fields: { open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume', amount: 'amount' },
}) as ColumnMapping;
