import { checkLength } from './options.js';

/**
 * Scratch buffers reused across the days and factors of one preprocessing run, so the hot loops
 * allocate nothing per cross-section. Grows on demand; never shrinks.
 */
export class Workspace {
  a = new Float64Array(0);
  b = new Float64Array(0);
  /** Dense group index per asset (-1 = unknown). */
  groups = new Int32Array(0);
  /** Asset indices of a regression sample. */
  idx = new Int32Array(0);
  /** Column-major `n x m` matrix of demeaned covariates for neutralisation. */
  mat = new Float64Array(0);

  /** Makes `a`, `b`, `groups` and `idx` at least `n` long, `mat` at least `n * m`. */
  reserve(n: number, m = 0): this {
    if (this.a.length < n) {
      this.a = new Float64Array(n);
      this.b = new Float64Array(n);
      this.groups = new Int32Array(n);
      this.idx = new Int32Array(n);
    }
    if (this.mat.length < n * m) this.mat = new Float64Array(n * m);
    return this;
  }
}

/** Copies the finite values of `x` into `buf` (from index 0); returns how many. */
export function gatherFinite(x: ArrayLike<number>, buf: Float64Array): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) buf[n++] = v;
  }
  return n;
}

/**
 * Median of the first `n` entries of `buf` (NaN when `n = 0`; the mean of the two middle values
 * for even `n`), reordering them in place. Expected O(n) by quickselect; falls back to a sort when
 * partitioning stops shrinking (so never worse than O(n log n)). Entries must not be NaN.
 */
export function medianInPlace(buf: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const h = n >> 1;
  selectInPlace(buf, n, h);
  if (n % 2 === 1) return buf[h]!;
  // After selection every entry left of h is <= buf[h]: the largest of them is order statistic h-1.
  let lo = buf[0]!;
  for (let i = 1; i < h; i++) if (buf[i]! > lo) lo = buf[i]!;
  return 0.5 * (lo + buf[h]!);
}

/** Rearranges `a[0..n)` so that `a[k]` is the k-th smallest, smaller-or-equal before it, larger-or-equal after. */
function selectInPlace(a: Float64Array, n: number, k: number): void {
  let left = 0;
  let right = n - 1;
  let budget = 2 * Math.ceil(Math.log2(n + 1)) + 8;
  while (right > left) {
    if (budget-- === 0) {
      a.subarray(left, right + 1).sort();
      return;
    }
    // Median of three as the pivot, Hoare partition.
    const mid = (left + right) >>> 1;
    let x = a[left]!;
    let y = a[mid]!;
    let z = a[right]!;
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/**
 * A float64 copy of `values`, written into `out` when given.
 * @throws `DSL_PREPROCESS_SHAPE` when `out` has another length than `values`.
 */
export function toFloat64(values: ArrayLike<number>, out?: Float64Array): Float64Array {
  if (out === undefined) return Float64Array.from(values);
  checkLength(out.length, values.length, 'out');
  if (out !== values) for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}
