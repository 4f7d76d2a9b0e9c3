import { timeOfDay } from '@hfq/core';

/**
 * The A-share trading session (SSE/SZSE): continuous trading 09:30-11:30 and 13:00-14:57,
 * closing call auction 14:57-15:00, opening call auction 09:15-09:25 (matched at 09:25).
 * Times are ms since midnight.
 */
export const SESSION = Object.freeze({
  openingAuctionStart: timeOfDay(9, 15),
  openingAuctionMatch: timeOfDay(9, 25),
  morningOpen: timeOfDay(9, 30),
  morningClose: timeOfDay(11, 30),
  afternoonOpen: timeOfDay(13, 0),
  closingAuctionStart: timeOfDay(14, 57),
  close: timeOfDay(15, 0),
});

/** Minute bars in a full A-share day. */
export const MINUTES_PER_DAY = 240;

/** The 240 minute-bar end times of a full day: 09:31..11:30 then 13:01..15:00. */
export const MINUTE_BAR_END_TIMES: Int32Array = (() => {
  const out = new Int32Array(MINUTES_PER_DAY);
  for (let i = 0; i < 120; i++) out[i] = SESSION.morningOpen + (i + 1) * 60_000;
  for (let i = 0; i < 120; i++) out[120 + i] = SESSION.afternoonOpen + (i + 1) * 60_000;
  return out;
})();

/**
 * Index (0..239) of the minute bar that a time belongs to: a trade at t falls in the bar whose
 * end time is the first one >= t, except that times exactly on a minute boundary inside the
 * session belong to the bar that ends there (09:31:00 closes the 09:30-09:31 bar). Times before
 * 09:30 (the opening auction) map to bar 0, times in the lunch break to bar 119, times after
 * 15:00 to bar 239. Returns -1 for times before 09:15 or after 15:00 + 1 minute.
 */
export function minuteIndexOf(time: number): number {
  if (time < SESSION.openingAuctionStart || time > SESSION.close + 60_000) return -1;
  if (time <= SESSION.morningOpen) return 0;
  if (time <= SESSION.morningClose)
    return Math.min(119, Math.ceil((time - SESSION.morningOpen) / 60_000) - 1);
  if (time <= SESSION.afternoonOpen) return 119;
  if (time <= SESSION.close) return 120 + Math.ceil((time - SESSION.afternoonOpen) / 60_000) - 1;
  return 239;
}
