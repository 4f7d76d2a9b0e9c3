import { formatTimeOfDay } from '@hfq/core';
import { barsError, checkOption } from '../errors.js';
import { MINUTE_BAR_END_TIMES, MINUTES_PER_DAY, minuteIndexOf, SESSION } from '../market/session.js';
import { allocMinuteBars, type MinuteBars, type TickSnapshots } from '../types.js';

/** Options of `ticksToMinuteBars`. */
export interface TicksToMinutesOptions {
  /**
   * Prices of a minute in which nothing traded: `'carry'` (default, the vendor convention and the
   * simulator's) repeats the previous close as open = high = low = close (NaN before the day's
   * first trade unless `prevClose` is given); `'nan'` leaves them NaN. Volume, amount and trades
   * are 0 either way, so such minutes stay recognisable.
   */
  emptyMinutes?: 'carry' | 'nan';
  /** Price carried into empty minutes before the first trade (e.g. the previous day's close). Default NaN. */
  prevClose?: number;
  /**
   * Volume that trades outside the session (before 09:15, or from 15:01 on, e.g. the STAR market's
   * after-hours fixed-price trading): `'error'` (default) throws `BARS_OUTSIDE_SESSION`; `'ignore'`
   * leaves it out of the bars (the caller asked for that explicitly).
   */
  outsideSession?: 'error' | 'ignore';
  /**
   * Where the increment of a snapshot stamped exactly on a minute boundary E (e.g. 09:45:00.000)
   * goes. `'next'` (default): to `minuteIndexOf(E)`, the minute that starts at E: a print at E
   * belongs there, and a snapshot stamped E carries it (the simulator's convention: its 3 s
   * snapshot at 09:31:00 holds the 09:31:00 print of the 09:32 bar). `'previous'`: to the minute
   * that ends at E (assigned at E - 1 ms; 13:00:00 still opens the 13:01 bar, nothing trades in
   * the lunch break). Real SSE stamps are truncated to the second and mostly carry the last
   * seconds of the ending minute, so `'previous'` places more volume correctly there (0.70 % vs
   * 1.19 % misplaced on 600519, see the README). Stamps inside a minute are unaffected.
   */
  boundary?: 'previous' | 'next';
}

/**
 * Minute bars of one stock-day from its Level-2 snapshots, using the cumulative fields.
 *
 * Each snapshot's increments over the previous one (volume, amount, trades; the day starts at 0)
 * go to the minute `minuteIndexOf(snapshot time)`: the same function the simulator uses for its
 * prints, so simulated ticks aggregate exactly to simulated minutes (see `boundary` for real
 * feeds whose stamps lag the trades). Hence: the opening call
 * auction (matched at 09:25, first printed by the 09:25 snapshot) lands in the 09:31 bar; trades
 * until 11:30:00 and anything in the lunch break in the 11:30 bar; 13:00:00 opens the 13:01 bar;
 * the closing auction (14:57-15:00, printed at 15:00) lands in the 15:00 bar. Repeated snapshots
 * add nothing. A gap in the snapshots (missing data) puts the whole increment into the minute of
 * the next snapshot: cumulative fields keep totals exact, only the timing coarsens.
 *
 * Prices: open / high / low / close are the first / max / min / last `last` price of the
 * snapshots whose cumulative volume increased inside the minute. Trades between two snapshots
 * are unseen, so high/low can be inside the true range (see the README's agreement figures).
 *
 * Output: always the 240 bars of `MINUTE_BAR_END_TIMES`; `trades` is NaN when the snapshots do not
 * report a trade count. O(snapshots).
 *
 * @throws `BARS_CUMULATIVE_DECREASE` when a cumulative field goes down (row in context);
 * `BARS_OUTSIDE_SESSION` for volume traded outside the session (unless `outsideSession: 'ignore'`).
 */
export function ticksToMinuteBars(ticks: TickSnapshots, options: TicksToMinutesOptions = {}): MinuteBars {
  const emptyMinutes = options.emptyMinutes ?? 'carry';
  checkOption(emptyMinutes === 'carry' || emptyMinutes === 'nan', 'emptyMinutes', `must be 'carry' or 'nan'`);
  const outside = options.outsideSession ?? 'error';
  const boundary = options.boundary ?? 'next';
  checkOption(boundary === 'previous' || boundary === 'next', 'boundary', `must be 'previous' or 'next'`);
  const shift = boundary === 'previous' ? 1 : 0;
  checkOption(outside === 'error' || outside === 'ignore', 'outsideSession', `must be 'error' or 'ignore'`);
  const key: { asset?: string; date?: number } = {};
  if (ticks.asset !== undefined) key.asset = ticks.asset;
  if (ticks.date !== undefined) key.date = ticks.date;
  const bars = allocMinuteBars(MINUTES_PER_DAY, key);
  bars.time.set(MINUTE_BAR_END_TIMES);
  bars.volume.fill(0);
  bars.amount.fill(0);
  const { time, last, volume, amount, trades } = ticks;
  const n = time.length;
  const hasTrades = n > 0 && !Number.isNaN(trades[0]!);
  if (hasTrades) bars.trades.fill(0);
  let pv = 0;
  let pa = 0;
  let pt = 0;
  for (let i = 0; i < n; i++) {
    const v = volume[i]!;
    const a = amount[i]!;
    const tr = hasTrades ? trades[i]! : 0;
    const dv = v - pv;
    const da = a - pa;
    const dt = tr - pt;
    if (!(dv >= 0 && da >= 0 && dt >= 0)) throw decrease(ticks, i, dv, da, key);
    if (dv === 0 && da === 0 && dt === 0) continue;
    pv = v;
    pa = a;
    pt = tr;
    const t = time[i]!;
    const m = minuteIndexOf(t === SESSION.afternoonOpen ? t : t - shift);
    if (m < 0) {
      if (outside === 'ignore') continue;
      throw barsError(
        'BARS_OUTSIDE_SESSION',
        `${dv} shares traded by the snapshot at ${formatTimeOfDay(time[i]!)}, outside 09:15-15:01`,
        { field: 'volume', row: i, ...key },
      );
    }
    bars.volume[m]! += dv;
    bars.amount[m]! += da;
    if (hasTrades) bars.trades[m]! += dt;
    const p = last[i]!;
    if (dv > 0 && p > 0 && p < Infinity) {
      if (Number.isNaN(bars.open[m]!)) {
        bars.open[m] = p;
        bars.high[m] = p;
        bars.low[m] = p;
      } else {
        if (p > bars.high[m]!) bars.high[m] = p;
        if (p < bars.low[m]!) bars.low[m] = p;
      }
      bars.close[m] = p;
    }
  }
  if (emptyMinutes === 'carry') {
    let prev = options.prevClose ?? NaN;
    for (let m = 0; m < MINUTES_PER_DAY; m++) {
      if (Number.isNaN(bars.close[m]!)) {
        bars.open[m] = prev;
        bars.high[m] = prev;
        bars.low[m] = prev;
        bars.close[m] = prev;
      } else {
        prev = bars.close[m]!;
      }
    }
  }
  return bars;
}

function decrease(
  ticks: TickSnapshots,
  row: number,
  dv: number,
  da: number,
  key: { asset?: string; date?: number },
) {
  const field = !(dv >= 0) ? 'volume' : !(da >= 0) ? 'amount' : 'trades';
  const code = Number.isNaN(ticks[field][row]!) ? 'BARS_NONFINITE_VOLUME' : 'BARS_CUMULATIVE_DECREASE';
  return barsError(code, `cumulative ${field} is ${ticks[field][row]} after ${ticks[field][row - 1] ?? 0}`, {
    field,
    row,
    ...key,
  });
}
