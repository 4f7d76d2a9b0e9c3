/**
 * Dropout masks from a counter-based hash: element `i` of a dropout call with seed `s` is kept
 * when `hash(s, i) >= rate * 2^32`. The mask is a pure function of (seed, index): the backward
 * pass regenerates it instead of storing it, and any kernel (JS or wasm) can draw the same mask.
 *
 * The hash is two rounds of a 32-bit integer mixer (xor-shift / multiply, constants of Chris
 * Wellons' "lowbias32"), keyed by both 32-bit halves of the seed.
 */

/** One round of the 32-bit mixer. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The two 32-bit keys of a dropout seed (any finite number; integers are the norm). */
export function dropoutKeys(seed: number): [number, number] {
  const s = Math.floor(Math.abs(seed));
  const lo = s % 0x100000000;
  const hi = Math.floor(s / 0x100000000) % 0x100000000;
  const k1 = mix32(lo ^ mix32(hi + 0x9e3779b9));
  const k2 = mix32(k1 + 0x632be5ab);
  return [k1, k2];
}

/** The hash of element `i` under keys `k1`, `k2` (uint32). */
export function dropoutHash(k1: number, k2: number, i: number): number {
  return mix32((mix32((i ^ k1) >>> 0) + k2) | 0);
}

/** Elements whose hash is below this are dropped (`rate` in [0, 1)). */
export function dropoutThreshold(rate: number): number {
  return Math.min(0xffffffff, Math.floor(rate * 0x100000000));
}
