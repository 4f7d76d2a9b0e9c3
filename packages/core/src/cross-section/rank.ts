/**
 * Average ranks ("fractional" ranks, scipy's `rankdata(method='average')`): the smallest value
 * gets rank 1, the largest rank n, and tied values share the mean of the positions they occupy.
 *
 * How it is fast: each value is turned into a 64-bit key whose high 32 bits are an order-preserving
 * image of the value's high 32 bits (sign, exponent, 20 mantissa bits) and whose low 32 bits are
 * the value's index; one native `BigUint64Array.prototype.sort` (C++, no comparator calls) then
 * orders values and carries their indices along. Values that agree in the high 32 bits (ties, or
 * values within ~1e-6 relative of each other) end up adjacent but ordered by index, so those short
 * runs are re-sorted by the full value afterwards. About 4-5x faster than sorting an index array
 * with a comparator; see `packages/metrics/bench/ic-series.ts`.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the high / low 32-bit word of a 64-bit element in a `Uint32Array` view. */
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

/** Runs longer than this are re-sorted with a comparator sort instead of insertion sort. */
const INSERTION_LIMIT = 24;

/** Reusable memory for ranking up to `capacity` values; grows on demand. */
export class RankWorkspace {
  private keys = new BigUint64Array(0);
  /** The keys as 32-bit words: written unsigned, read back signed (int32 reads stay small integers in V8). */
  private words = new Uint32Array(0);
  private wordsI = new Int32Array(0);
  private readonly f64 = new Float64Array(1);
  private readonly f64Words = new Uint32Array(this.f64.buffer);

  constructor(capacity = 0) {
    if (capacity > 0) this.grow(capacity);
  }

  private grow(n: number): void {
    this.keys = new BigUint64Array(Math.max(n, this.keys.length * 2, 64));
    this.words = new Uint32Array(this.keys.buffer);
    this.wordsI = new Int32Array(this.keys.buffer);
  }

  /**
   * Writes the average ranks (1-based) of `values[0..n)` to `out[0..n)`. Every value must be
   * finite (callers filter NaN first; not checked here). `-0` and `+0` tie.
   */
  rank(values: ArrayLike<number>, n: number, out: Float64Array): void {
    if (n === 0) return;
    if (this.keys.length < n) this.grow(n);
    const w = this.words;
    const f = this.f64;
    const fw = this.f64Words;
    for (let i = 0; i < n; i++) {
      f[0] = values[i]! + 0; // + 0 turns -0 into +0, so both get one key
      const hi = fw[HI]!;
      // Order-preserving map of IEEE-754 bits to unsigned: flip negatives, set the sign of positives.
      w[2 * i + HI] = hi & 0x80000000 ? ~hi >>> 0 : (hi | 0x80000000) >>> 0;
      w[2 * i + LO] = i;
    }
    const keys = n === this.keys.length ? this.keys : this.keys.subarray(0, n);
    keys.sort();

    // Walk runs of equal high words. A run of one is a value with a unique rank; a longer run
    // (ties, or values equal in their top 32 bits) is put in full-value order, then ranked.
    const wi = this.wordsI;
    let start = 0;
    while (start < n) {
      const key = wi[2 * start + HI]!;
      let end = start + 1;
      while (end < n && wi[2 * end + HI] === key) end++;
      if (end - start === 1) {
        out[wi[2 * start + LO]!] = start + 1;
      } else {
        this.sortRun(values, start, end);
        let i = start;
        while (i < end) {
          const v = values[wi[2 * i + LO]!]!;
          let j = i + 1;
          while (j < end && values[wi[2 * j + LO]!] === v) j++;
          const r = (i + 1 + j) / 2; // mean of positions i+1 .. j
          for (let k = i; k < j; k++) out[wi[2 * k + LO]!] = r;
          i = j;
        }
      }
      start = end;
    }
  }

  /** Sorts the index words of positions `[start, end)` by `values` (stable; runs are usually ties). */
  private sortRun(values: ArrayLike<number>, start: number, end: number): void {
    const w = this.words;
    let sorted = true;
    for (let k = start + 1; k < end && sorted; k++) {
      if (values[w[2 * k + LO]!]! < values[w[2 * (k - 1) + LO]!]!) sorted = false;
    }
    if (sorted) return;
    if (end - start <= INSERTION_LIMIT) {
      for (let k = start + 1; k < end; k++) {
        const idx = w[2 * k + LO]!;
        const v = values[idx]!;
        let m = k - 1;
        while (m >= start && values[w[2 * m + LO]!]! > v) {
          w[2 * (m + 1) + LO] = w[2 * m + LO]!;
          m--;
        }
        w[2 * (m + 1) + LO] = idx;
      }
      return;
    }
    const idx = new Uint32Array(end - start);
    for (let k = start; k < end; k++) idx[k - start] = w[2 * k + LO]!;
    idx.sort((a, b) => values[a]! - values[b]! || a - b);
    for (let k = start; k < end; k++) w[2 * k + LO] = idx[k - start]!;
  }
}

const shared = new RankWorkspace();

/**
 * Average ranks of `x` (1 = smallest; ties share the mean rank), as scipy's
 * `rankdata(x, method='average', nan_policy='omit')`: NaN (and +-Infinity) are not ranked and
 * come out as NaN; the finite values are ranked among themselves. O(n log n) time, O(n) scratch.
 */
export function averageRank(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const vals = new Float64Array(n);
  const pos = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      vals[m] = v;
      pos[m++] = i;
    }
  }
  const r = new Float64Array(m);
  shared.rank(vals, m, r);
  for (let k = 0; k < m; k++) out[pos[k]!] = r[k]!;
  return out;
}
