/**
 * Binning of one cross-section into quantiles or bins, as alphalens' `quantize_factor` (which uses
 * pandas `qcut` / `cut`). Labels are 1-based; 0 means "could not be binned" (a binning loss).
 */

import { lowerBound } from '@hfq/core';

/** How a cross-section is binned (see `AlignOptions`). */
export interface BinSpec {
  /** Equal-count buckets (an integer >= 1), or quantile edges in [0, 1] (increasing). */
  quantiles?: number | readonly number[];
  /** Equal-width buckets (an integer >= 1), or bin edges in factor units (increasing). */
  bins?: number | readonly number[];
  /** Bin positive (>= 0) and negative values separately, half the buckets each (integers only). */
  zeroAware?: boolean;
}

/** numpy's `quantile(sorted, q)` with the default linear method (lerp as numpy writes it). */
function quantileLinear(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const v = (n - 1) * q;
  const lo = Math.floor(v);
  const hi = Math.min(lo + 1, n - 1);
  const g = v - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

/** `np.linspace(start, stop, num)` as numpy computes it. */
function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const step = (stop - start) / div;
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

/**
 * Labels `x[k]` by right-closed intervals `(e[i], e[i+1]]` (the first closed on the left too when
 * `includeLowest`), 1-based + `offset`; 0 outside the edges. pandas' `cut` with `right=True`.
 */
function cutByEdges(
  x: ArrayLike<number>,
  idx: readonly number[],
  edges: readonly number[],
  includeLowest: boolean,
  offset: number,
  out: Int32Array,
): void {
  const nE = edges.length;
  for (const k of idx) {
    const v = x[k]!;
    // first i with edges[i] >= v (numpy searchsorted side='left')
    let id = lowerBound(edges, v);
    if (includeLowest && v === edges[0]) id = 1;
    out[k] = id === 0 || id === nE ? 0 : id + offset;
  }
}

/** Bins the values `x[k]`, k in `idx`; false (labels untouched) when the binning fails. */
function binOne(
  x: ArrayLike<number>,
  idx: readonly number[],
  spec: { quantiles?: number | readonly number[]; bins?: number | readonly number[] },
  offset: number,
  out: Int32Array,
): boolean {
  const n = idx.length;
  if (n === 0) return false; // pandas: qcut/cut of an empty array fails
  if (spec.quantiles !== undefined) {
    const sorted = Float64Array.from(idx, (k) => x[k]!).sort();
    const qs = typeof spec.quantiles === 'number' ? linspace(0, 1, spec.quantiles + 1) : [...spec.quantiles];
    const edges = qs.map((q) => quantileLinear(sorted, q));
    for (let i = 1; i < edges.length; i++) if (edges[i] === edges[i - 1]) return false; // "Bin edges must be unique"
    cutByEdges(x, idx, edges, true, offset, out);
    return true;
  }
  const bins = spec.bins!;
  if (typeof bins !== 'number') {
    cutByEdges(x, idx, bins, false, offset, out);
    return true;
  }
  let mn = Number.POSITIVE_INFINITY;
  let mx = Number.NEGATIVE_INFINITY;
  for (const k of idx) {
    const v = x[k]!;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  let edges: number[];
  if (mn === mx) {
    mn -= mn !== 0 ? 0.001 * Math.abs(mn) : 0.001;
    mx += mx !== 0 ? 0.001 * Math.abs(mx) : 0.001;
    edges = linspace(mn, mx, bins + 1);
  } else {
    edges = linspace(mn, mx, bins + 1);
    edges[0] = edges[0]! - (mx - mn) * 0.001;
  }
  cutByEdges(x, idx, edges, false, offset, out);
  return true;
}

/**
 * Bins the cross-section `x[k]`, k in `idx`, into `out[k]` (1-based labels; 0 = not binned).
 * Returns false when the whole cross-section fails (duplicate quantile edges from ties, an empty
 * side with `zeroAware`): every label of it stays 0, as alphalens' `no_raise` gives NaN.
 */
export function binCrossSection(
  x: ArrayLike<number>,
  idx: readonly number[],
  spec: BinSpec,
  out: Int32Array,
): boolean {
  for (const k of idx) out[k] = 0;
  if (!spec.zeroAware) return binOne(x, idx, spec, 0, out);
  const n = (spec.quantiles ?? spec.bins) as number;
  const half = Math.floor(n / 2);
  const sub = spec.quantiles !== undefined ? { quantiles: half } : { bins: half };
  const pos = idx.filter((k) => x[k]! >= 0);
  const neg = idx.filter((k) => x[k]! < 0);
  // alphalens computes both sides inside one try: either failing fails the date.
  if (!binOne(x, pos, sub, half, out) || !binOne(x, neg, sub, 0, out)) {
    for (const k of idx) out[k] = 0;
    return false;
  }
  return true;
}

/** The largest label a spec can produce. */
export function labelCount(spec: BinSpec): number {
  const q = spec.quantiles ?? spec.bins!;
  if (typeof q !== 'number') return q.length - 1;
  return spec.zeroAware ? 2 * Math.floor(q / 2) : q;
}
