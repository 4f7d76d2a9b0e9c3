import { formatYmd, Panel, type PanelArray } from '@hfq/core';
import { metricsError } from '../errors.js';
import { checkIntOption } from '../internal/checks.js';
import { checkPanel } from '../internal/validate.js';

/** Options shared by {@link forwardReturns} and {@link dailyReturns}. */
export interface PriceReturnOptions {
  /**
   * Cumulative adjustment factors on the same dates and assets as `close` (e.g.
   * `DailyBars.adjFactor`); prices become `close * adjFactor`, so dividends and splits do not show
   * as returns. Omit for prices that are already adjusted (or data without corporate actions).
   */
  adjFactor?: Panel;
}

/** Checks that every price (and factor) is NaN or a finite positive number. */
function checkPrices(p: Panel, field: string): void {
  const v = p.values;
  const n = p.nAssets;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x > 0 && x < Number.POSITIVE_INFINITY) continue;
    if (Number.isNaN(x)) continue;
    const t = Math.floor(i / n);
    const a = i - t * n;
    throw metricsError(
      'METRICS_BAD_PRICE',
      `${field} must be > 0 and finite (NaN = missing), got ${x} for ${p.assets[a]} on ${formatYmd(p.dates[t]!)}`,
      { field, asset: p.assets[a], date: p.dates[t]!, row: t },
    );
  }
}

/** Validates `close` / `adjFactor` and returns a function reading the (adjusted) price. */
function priceReader(close: Panel, options: PriceReturnOptions): (i: number) => number {
  checkPrices(close, 'close');
  const adj = options.adjFactor;
  const cv: PanelArray = close.values;
  if (!adj) return (i) => cv[i]!;
  const sameDates =
    adj.nDates === close.nDates &&
    adj.dates.every((d, i) => d === close.dates[i]) &&
    adj.nAssets === close.nAssets;
  if (!sameDates || adj.assets.some((id, i) => id !== close.assets[i])) {
    throw metricsError(
      'METRICS_SHAPE_MISMATCH',
      'adjFactor must have the same dates and assets (same order) as close',
      {
        field: 'adjFactor',
      },
    );
  }
  checkPrices(adj, 'adjFactor');
  const av: PanelArray = adj.values;
  return (i) => cv[i]! * av[i]!;
}

/**
 * Forward simple returns: `out[T] = price(T+to) / price(T+from) - 1`, where `T+k` is `k` rows
 * (trading days) later in `close`'s own dates. The study's weekly RankIC uses `from = 1, to = 6`
 * (close of T+1 to close of T+6); its training label uses `from = 1, to = 11`.
 *
 * With `adjFactor`, price = `close * adjFactor` (back-adjusted). NaN where either price is missing
 * or `T+to` runs past the last date. A fraction per period, not annualised. This is a label: the
 * value at T uses prices after T by design (never feed it to a factor).
 *
 * @param from offset of the buy price in trading days, integer >= 0
 * @param to offset of the sell price, integer > from
 * @returns a float64 panel on `close`'s dates and assets (one allocation).
 * @throws HfqError `METRICS_INVALID_OPTION` for bad offsets; `METRICS_BAD_PRICE` for a price or
 *   factor <= 0 or infinite (with the asset and date); `METRICS_SHAPE_MISMATCH` when `adjFactor`
 *   does not match `close`; `METRICS_BAD_INPUT` when `close` is not a `Panel`.
 */
export function forwardReturns(
  close: Panel,
  from: number,
  to: number,
  options: PriceReturnOptions = {},
): Panel<Float64Array> {
  checkPanel(close, 'close');
  checkIntOption(from, 'from', 0);
  checkIntOption(to, 'to', from + 1);
  const price = priceReader(close, options);
  const nD = close.nDates;
  const nA = close.nAssets;
  const out = new Float64Array(nD * nA).fill(Number.NaN);
  for (let t = 0; t + to < nD; t++) {
    const b0 = (t + from) * nA;
    const s0 = (t + to) * nA;
    const o = t * nA;
    for (let a = 0; a < nA; a++) out[o + a] = price(s0 + a) / price(b0 + a) - 1; // NaN propagates
  }
  return new Panel(close.dates, close.assets, out);
}

/**
 * Daily simple returns for holding a stock: `out[T] = price(T) / price(P) - 1`, where P is the
 * last earlier date with a price. A gap (suspension) therefore earns nothing while it lasts and the
 * whole move lands on the day trading resumes, which is what a held position experiences. NaN on
 * days without a price and before the first price.
 *
 * With `adjFactor`, price = `close * adjFactor`. This is the `returns` input of `groupBacktest`.
 *
 * @returns a float64 panel on `close`'s dates and assets (one allocation); fractions per day.
 * @throws HfqError like {@link forwardReturns}.
 */
export function dailyReturns(close: Panel, options: PriceReturnOptions = {}): Panel<Float64Array> {
  checkPanel(close, 'close');
  const price = priceReader(close, options);
  const nD = close.nDates;
  const nA = close.nAssets;
  const out = new Float64Array(nD * nA).fill(Number.NaN);
  const last = new Float64Array(nA).fill(Number.NaN);
  for (let t = 0; t < nD; t++) {
    const o = t * nA;
    for (let a = 0; a < nA; a++) {
      const p = price(o + a);
      if (Number.isNaN(p)) continue;
      out[o + a] = p / last[a]! - 1;
      last[a] = p;
    }
  }
  return new Panel(close.dates, close.assets, out);
}
