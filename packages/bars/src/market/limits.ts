import { barsError } from '../errors.js';

/**
 * A-share exchange conventions on prices: the tick, the boards and their daily price limits.
 * One definition each; the daily reader, the simulator and the validators use these.
 *
 * Rule changes encoded here (dates are the first trading day under the new rule):
 * - Tick: 0.01 CNY for every A share (SSE, SZSE, BSE). Limit prices are rounded to the tick
 *   half-up ("四舍五入"), as the exchanges publish them.
 * - Main boards (SSE 600/601/603/605, SZSE 000/001/002/003): +-10 %. Risk-warning (ST / *ST)
 *   stocks +-5 %; from 2025-07-07 main-board ST stocks are +-10 % too (SSE/SZSE rule revision
 *   of 2025-06-27).
 * - ChiNext (SZSE 300/301): +-10 % (ST +-5 %) up to 2020-08-21; +-20 % for every stock, ST
 *   included, from 2020-08-24 (the registration-system reform).
 * - STAR (SSE 688/689): +-20 % for every stock, ST included, since it opened on 2019-07-22.
 * - Beijing (BSE, `.BJ`): +-30 % (since it opened on 2021-11-15; the NEEQ select tier before).
 * - Not encoded (the caller must know the listing day): no limit on the first 5 trading days of
 *   STAR, ChiNext (from 2020-08-24) and main-board (from 2023-04-10) listings; main-board IPO days
 *   before 2023-04-10 were capped at +44 % / -36 %; BSE listing day has no limit.
 */

/** The A-share tick: 0.01 CNY. */
export const TICK_SIZE_CNY = 0.01;

/** Trading board of an A share. */
export type Board = 'main' | 'chinext' | 'star' | 'bse';

/** First trading day of ChiNext's 20 % limits (ST included). */
export const CHINEXT_20PCT_FROM = 20200824;
/** First trading day of 10 % limits for main-board ST stocks (5 % before). */
export const MAIN_ST_10PCT_FROM = 20250707;

/**
 * The board of an asset in the `600000.SH` form (see `normalizeSymbol`), by its code prefix:
 * `.BJ` -> `'bse'`; 688/689 -> `'star'`; 300/301 -> `'chinext'`; other SH/SZ codes -> `'main'`.
 *
 * @throws `BARS_INVALID_OPTION` for an id that is not six digits plus `.SH` / `.SZ` / `.BJ`.
 */
export function boardOf(asset: string): Board {
  if (!/^\d{6}\.(SH|SZ|BJ)$/.test(asset)) {
    throw barsError(
      'BARS_INVALID_OPTION',
      `asset ${JSON.stringify(asset)} is not an A-share id like 600000.SH`,
      {
        field: 'asset',
        asset,
      },
    );
  }
  if (asset.endsWith('.BJ')) return 'bse';
  const code = asset.slice(0, 3);
  if (code === '688' || code === '689') return 'star';
  if (code === '300' || code === '301') return 'chinext';
  return 'main';
}

/**
 * The daily price limit of a board on `date` (`yyyymmdd`), in percent of the previous close
 * (10 = +-10 %), for a normal or a risk-warning (`st`) stock. See the module notes for the rule
 * changes. IPO days are not covered.
 */
export function priceLimitPct(board: Board, date: number, st = false): number {
  switch (board) {
    case 'bse':
      return 30;
    case 'star':
      return 20;
    case 'chinext':
      if (date >= CHINEXT_20PCT_FROM) return 20;
      return st ? 5 : 10;
    case 'main':
      return st && date < MAIN_ST_10PCT_FROM ? 5 : 10;
  }
}

/**
 * Limit price in cents (integers, exact): `preCloseCents x (1 + pct / 100)` rounded half up to the
 * cent, never below 1 cent. `pct` is signed percent (+10 for the up limit, -10 for the down limit)
 * and must be an integer; `preCloseCents` a positive integer.
 */
export function limitPriceCents(preCloseCents: number, pct: number): number {
  return Math.max(1, Math.floor((preCloseCents * (100 + pct) + 50) / 100));
}

/**
 * Up and down limit prices in CNY for a previous close in CNY (first rounded to the tick), with
 * `pct` the limit in percent (`priceLimitPct`). NaN when `preClose` is NaN or not > 0.
 */
export function limitPrices(preClose: number, pct: number): { up: number; down: number } {
  if (!(preClose > 0)) return { up: NaN, down: NaN };
  const c = Math.round(preClose * 100);
  return { up: limitPriceCents(c, pct) / 100, down: limitPriceCents(c, -pct) / 100 };
}

/**
 * A price in CNY rounded to the 0.01 tick, half up (`Math.round(price x 100) / 100`; a float
 * product that lands just below a true half cent rounds down). NaN stays NaN.
 */
export function roundToTick(price: number): number {
  return Math.round(price * 100) / 100;
}
