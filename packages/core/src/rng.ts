import { HfqError } from './errors.js';

/**
 * The one random number generator of hfq: sfc32 (Chris Doty-Humphrey's "small fast counting"
 * generator, 128-bit state, passes PractRand and BigCrush), seeded by hashing a key path.
 *
 * Streams are *splittable by key*: `Rng.stream(seed, stock, day)` gives the same numbers whatever
 * else was drawn before, in any order, on any thread. That is what lets a synthetic market generate
 * stock i, day t on its own and still be reproducible byte for byte.
 *
 * Keys are integers (|k| < 2^53) or strings. The key path is hashed with murmur3's 32-bit
 * finaliser into the four state words, and the first 16 outputs are discarded.
 */
export type RngKey = number | string;

const GOLDEN = 0x9e3779b9;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 32-bit words a key contributes to the hash (integers: low and high words plus a tag). */
function keyWords(k: RngKey, out: number[]): void {
  if (typeof k === 'number') {
    if (!Number.isSafeInteger(k)) {
      throw new HfqError('INVALID_ARGUMENT', `RNG keys must be safe integers or strings, got ${k}`, {
        field: 'key',
      });
    }
    const lo = k >>> 0;
    const hi = Math.floor(k / 4294967296) >>> 0;
    out.push(0x6e756d31, lo, hi);
  } else {
    out.push(0x73747231, k.length);
    for (let i = 0; i < k.length; i++) out.push(k.charCodeAt(i));
  }
}

function hashKeys(keys: readonly RngKey[], salt: number): number {
  const words: number[] = [];
  for (const k of keys) keyWords(k, words);
  let h = fmix32(salt ^ 0x5bd1e995);
  for (const w of words) {
    h = fmix32((h ^ w) + GOLDEN + (h << 6) + (h >>> 2));
  }
  return fmix32(h ^ words.length);
}

/** A seeded, splittable pseudo-random stream. Not for cryptography. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;
  /** The key path this stream was made from (seed first). */
  readonly path: readonly RngKey[];

  /** A stream for the key path `[seed, ...keys]`. Same path, same numbers. */
  constructor(seed: RngKey, ...keys: RngKey[]) {
    this.path = Object.freeze([seed, ...keys]);
    this.a = hashKeys(this.path, 0x243f6a88);
    this.b = hashKeys(this.path, 0x85a308d3);
    this.c = hashKeys(this.path, 0x13198a2e);
    this.d = 1;
    for (let i = 0; i < 16; i++) this.nextUint32();
  }

  /** Same as `new Rng(seed, ...keys)`. */
  static stream(seed: RngKey, ...keys: RngKey[]): Rng {
    return new Rng(seed, ...keys);
  }

  /**
   * A child stream keyed by this stream's path plus `keys`. Independent of how many numbers this
   * stream has drawn: `rng.fork(3)` is the same stream before and after `rng.uniform()`.
   */
  fork(...keys: RngKey[]): Rng {
    const [seed, ...rest] = this.path;
    return new Rng(seed!, ...rest, ...keys);
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n) without modulo bias (rejection of the top partial block). `n` in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new HfqError('INVALID_ARGUMENT', `int(n) needs an integer n in [1, 2^32], got ${n}`, {
        field: 'n',
      });
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal N(mean, sd^2) by Box-Muller (pairs cached). */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return mean + sd * z;
    }
    let u = 0;
    do u = this.uniform();
    while (u === 0);
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * v;
    this.spare = r * Math.sin(th);
    return mean + sd * r * Math.cos(th);
  }

  /** Exponential with rate `rate` (mean 1/rate). */
  exponential(rate = 1): number {
    let u = 0;
    do u = this.uniform();
    while (u === 0);
    return -Math.log(u) / rate;
  }

  /**
   * Poisson(`lambda`): Knuth's product method below 30, Hormann's PTRS transformed rejection
   * above (exact in distribution, O(1) expected time).
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new HfqError('INVALID_ARGUMENT', `poisson needs a finite lambda >= 0, got ${lambda}`, {
        field: 'lambda',
      });
    }
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }

  /** Fills `out` with uniforms on [0, 1). Returns `out`. */
  fillUniform<T extends Float64Array | Float32Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform();
    return out;
  }

  /** Fills `out` with N(mean, sd^2) draws. Returns `out`. */
  fillNormal<T extends Float64Array | Float32Array>(out: T, mean = 0, sd = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, sd);
    return out;
  }

  /** Shuffles `arr` in place (Fisher-Yates). Returns `arr`. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }
}

const LOG_FACT_TABLE: number[] = [0];
function logFactorial(k: number): number {
  if (k < 256) {
    while (LOG_FACT_TABLE.length <= k) {
      const n = LOG_FACT_TABLE.length;
      LOG_FACT_TABLE.push(LOG_FACT_TABLE[n - 1]! + Math.log(n));
    }
    return LOG_FACT_TABLE[k]!;
  }
  // Stirling series, error < 1e-12 for k >= 256.
  return (k + 0.5) * Math.log(k) - k + 0.9189385332046728 + 1 / (12 * k) - 1 / (360 * k * k * k);
}
