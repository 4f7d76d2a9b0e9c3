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
 * Index (0..239) of the minute bar a trade (or a snapshot's increment) at `time` belongs to, by the
 * vendor convention: the bar ending at E holds trades in [E - 60 s, E). Edge cases: the opening
 * call auction (09:15-09:30, matched at 09:25) goes to the first bar (09:31); a print at exactly
 * 11:30:00 (or stray ones in the lunch break) to the 11:30 bar; 13:00:00 opens the 13:01 bar; the
 * closing call auction (matched at 15:00:00) and anything up to 15:01 to the 15:00 bar.
 * Returns -1 for times before 09:15 or from 15:01 on.
 */
export function minuteIndexOf(time: number): number {
  if (time < SESSION.openingAuctionStart || time >= SESSION.close + 60_000) return -1;
  if (time < SESSION.morningOpen) return 0;
  if (time < SESSION.morningClose) return Math.floor((time - SESSION.morningOpen) / 60_000);
  if (time < SESSION.afternoonOpen) return 119;
  if (time < SESSION.close) return 120 + Math.floor((time - SESSION.afternoonOpen) / 60_000);
  return 239;
}

/**
 * True when `time` (ms since midnight) is a valid end label of an A-share minute bar: in
 * [09:25, 11:30] (an opening-auction bar labelled 09:25 or 09:30, then 09:31..11:30) or in
 * (13:00, 15:00]. Lunch-break (11:30-13:00 exclusive of 11:30), pre-09:25 and post-15:00 labels
 * are outside the session. NaN or non-integers return false.
 */
export function isMinuteBarEndInSession(time: number): boolean {
  return (
    (time >= SESSION.openingAuctionMatch && time <= SESSION.morningClose) ||
    (time > SESSION.afternoonOpen && time <= SESSION.close)
  );
}

/**
 * Clock time (ms since midnight) `m` trading minutes after the 09:30 open (0..240): the morning
 * holds minutes 0..120 (09:30..11:30), the afternoon 120..240 (13:00..15:00); minute 120 reads as
 * 11:30.
 */
export function tradingMinuteClock(m: number): number {
  const half = SESSION.morningClose - SESSION.morningOpen;
  return m * 60_000 <= half ? SESSION.morningOpen + m * 60_000 : SESSION.afternoonOpen + m * 60_000 - half;
}
