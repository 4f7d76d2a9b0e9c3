import { SESSION } from '@hfq/bars';

/**
 * The fine print grid of a trading day: one slot every 3 s, the finest cadence of exchange
 * snapshots. Every trade of the synthetic market is printed in one of these slots, so the print
 * path never depends on the snapshot cadence. Layout (4803 slots):
 * - slot 0: 09:25:00, the opening call auction print;
 * - slots 1..2400: 09:30:00, 09:30:03, ..., 11:29:57 (continuous trading, 20 per minute);
 * - slot 2401: 11:30:00 (morning close, never a print);
 * - slots 2402..4741: 13:00:00 .. 14:56:57 (continuous trading);
 * - slots 4742..4801: 14:57:00 .. 14:59:57 (closing call auction, no prints);
 * - slot 4802: 15:00:00, the closing call auction print.
 * A slot's print at time `s` belongs to minute bar `minuteIndexOf(s)` (`[E - 60 s, E)`).
 */
export const SLOT_MS = 3000;
export const SLOTS_PER_MINUTE = 20;
export const N_SLOTS = 4803;
export const OPEN_AUCTION_SLOT = 0;
export const MORNING_CLOSE_SLOT = 2401;
export const AFTERNOON_FIRST_SLOT = 2402;
export const CLOSE_AUCTION_SLOT = 4802;
/** Minutes of continuous trading that can hold prints: bars 0..236 (09:31 .. 14:57). */
export const CONTINUOUS_MINUTES = 237;

/** Time (ms since midnight) of fine slot `s`. */
export function slotTime(s: number): number {
  if (s === OPEN_AUCTION_SLOT) return SESSION.openingAuctionMatch;
  if (s <= 2400) return SESSION.morningOpen + (s - 1) * SLOT_MS;
  if (s === MORNING_CLOSE_SLOT) return SESSION.morningClose;
  if (s < CLOSE_AUCTION_SLOT) return SESSION.afternoonOpen + (s - AFTERNOON_FIRST_SLOT) * SLOT_MS;
  return SESSION.close;
}

/** First fine slot of continuous minute `j` (0..236). */
export function minuteFirstSlot(j: number): number {
  return j < 120 ? 1 + SLOTS_PER_MINUTE * j : AFTERNOON_FIRST_SLOT + SLOTS_PER_MINUTE * (j - 120);
}

/**
 * The fine slots at which snapshots are taken for a cadence of `intervalMs` (a multiple of 3000
 * dividing 60000): the auction prints, the morning close, and the last 3 s slot of every
 * `intervalMs` window. Windows never straddle a minute boundary, so each minute's volume, amount
 * and trades are exactly the sum of its snapshots' increments at every allowed cadence.
 */
export function snapshotSlots(intervalMs: number): Int32Array {
  const m = intervalMs / SLOT_MS;
  const out: number[] = [OPEN_AUCTION_SLOT];
  for (let k = 0; k < 2400; k++) if ((k + 1) % m === 0) out.push(1 + k);
  out.push(MORNING_CLOSE_SLOT);
  for (let k = 0; k < 2400; k++) if ((k + 1) % m === 0) out.push(AFTERNOON_FIRST_SLOT + k);
  out.push(CLOSE_AUCTION_SLOT);
  return Int32Array.from(out);
}
