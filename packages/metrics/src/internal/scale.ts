const LOW = 2 ** -400;
const HIGH = 2 ** 400;

/**
 * The factor that makes sums of squares safe for values whose largest magnitude is `maxAbs`:
 * exactly 1 when `maxAbs` is within [2^-400, 2^400] (then no sum of squares of fewer than 2^200
 * such values can overflow or underflow to 0, so ordinary data is computed exactly as before);
 * otherwise a power of two that brings `maxAbs` near 1. Multiplying by a power of two is exact
 * (no rounding), so correlations and standardised statistics are unchanged by it.
 */
export function rescaleFactor(maxAbs: number): number {
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs) || (maxAbs >= LOW && maxAbs <= HIGH)) return 1;
  return 2 ** Math.min(1022, -Math.floor(Math.log2(maxAbs)));
}
