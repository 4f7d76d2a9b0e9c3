import { RankWorkspace } from '@hfq/core';
import { rescaleFactor } from '../internal/scale.js';

/**
 * Pearson correlation of the first `n` entries of two compact arrays (all finite; callers filter
 * pairs first). NaN when `n < 2` or either side is constant (every value equal to its first, the
 * rule scipy's `pearsonr` applies). Two passes (means, then centred sums) for accuracy; the result
 * is clamped to [-1, 1] against rounding, as scipy does. Values of any finite magnitude work: a
 * side whose largest |value| is outside [2^-400, 2^400] is first multiplied by a power of two
 * (exact), so that the sums of squares neither overflow (1e200) nor underflow (1e-200); other
 * inputs take the plain path unchanged.
 */
export function pearsonCompact(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  if (n < 2) return Number.NaN;
  const x0 = x[0]!;
  const y0 = y[0]!;
  let sx = 0;
  let sy = 0;
  let ax = 0;
  let ay = 0;
  let xConst = true;
  let yConst = true;
  for (let i = 0; i < n; i++) {
    const a = x[i]!;
    const b = y[i]!;
    sx += a;
    sy += b;
    const aa = a < 0 ? -a : a;
    const bb = b < 0 ? -b : b;
    if (aa > ax) ax = aa;
    if (bb > ay) ay = bb;
    if (a !== x0) xConst = false;
    if (b !== y0) yConst = false;
  }
  if (xConst || yConst) return Number.NaN;
  const kx = rescaleFactor(ax);
  const ky = rescaleFactor(ay);
  if (kx !== 1 || ky !== 1) {
    // Means of x * kx and y * ky (powers of two: exact), without writing to the inputs.
    sx = 0;
    sy = 0;
    for (let i = 0; i < n; i++) {
      sx += x[i]! * kx;
      sy += y[i]! * ky;
    }
  }
  return centredCorrelation(x, y, n, sx / n, sy / n, kx, ky);
}

/**
 * Second pass of every Pearson kernel here: centred sums of `x * kx - mx`, `y * ky - my` over the
 * first `n` entries, then {@link clampCorrelation}. `kx`, `ky` are powers of two (1 on the plain
 * paths, where `v * 1` is exactly `v`), so the scaled and plain paths give the numbers they gave
 * with separate loops. NaN when either centred sum of squares is 0 (a constant side).
 */
function centredCorrelation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  mx: number,
  my: number,
  kx: number,
  ky: number,
): number {
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! * kx - mx;
    const dy = y[i]! * ky - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return clampCorrelation(sxy, sxx, syy);
}

/**
 * Pearson correlation of two average-rank vectors of length `n` (ranks 1..n, ties averaged).
 * Centred ranks are multiples of 1/2, so the sums are exact in float64 for n below ~10^5.
 * NaN when `n < 2` or either side is all ties.
 */
export function pearsonOfRanks(rx: Float64Array, ry: Float64Array, n: number): number {
  if (n < 2) return Number.NaN;
  const m = (n + 1) / 2;
  return centredCorrelation(rx, ry, n, m, m, 1, 1);
}

/** `sxy / sqrt(sxx * syy)` clamped to [-1, 1]; NaN when the denominator is 0 or not finite. */
function clampCorrelation(sxy: number, sxx: number, syy: number): number {
  let d = Math.sqrt(sxx * syy); // exact 1 for perfect rank agreement; split if the product over/underflows
  if (!(d > 0) || !Number.isFinite(d)) d = Math.sqrt(sxx) * Math.sqrt(syy);
  if (!(d > 0) || !Number.isFinite(d)) return Number.NaN;
  const r = sxy / d;
  return Math.min(1, Math.max(-1, r));
}

/** Buffers for Spearman on up to `capacity` pairs: two rank outputs and a rank workspace. */
export class SpearmanWorkspace {
  readonly ranker: RankWorkspace;
  private rx = new Float64Array(0);
  private ry = new Float64Array(0);

  constructor(capacity = 0) {
    this.ranker = new RankWorkspace(capacity);
    if (capacity > 0) this.grow(capacity);
  }

  private grow(n: number): void {
    const size = Math.max(n, this.rx.length * 2, 64);
    this.rx = new Float64Array(size);
    this.ry = new Float64Array(size);
  }

  /** Spearman correlation of compact finite pairs `x[0..n)`, `y[0..n)`. */
  spearman(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
    if (n < 2) return Number.NaN;
    if (this.rx.length < n) this.grow(n);
    this.ranker.rank(x, n, this.rx);
    this.ranker.rank(y, n, this.ry);
    return pearsonOfRanks(this.rx, this.ry, n);
  }
}
