/**
 * Barra-style cross-sectional standardisation of one descriptor in place: subtract the
 * cap-weighted mean, divide by the equal-weighted standard deviation (population, around the
 * equal-weighted mean); then, while some |value| exceeds `clip`, clip at +-`clip` and standardise
 * again (one pass is not enough: clipping shrinks the std, which pushes the outlier back out; at
 * most 50 passes, each pulling outliers toward the bulk). The result has cap-weighted mean 0 and
 * unit std exactly, and |value| <= clip up to 1e-6 after convergence. NaN entries stay NaN and
 * take no part; a stock with no (or a non-positive) cap gets a value but adds no weight to the
 * mean. Fewer than 2 finite values, or zero dispersion, leave every entry NaN.
 */
export function standardizeCapWeighted(x: Float64Array, cap: ArrayLike<number>, clip: number): void {
  if (!standardizeOnce(x, cap)) return;
  if (!Number.isFinite(clip)) return;
  for (let pass = 0; pass < 50; pass++) {
    let clipped = false;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v > clip * (1 + 1e-6)) {
        x[i] = clip;
        clipped = true;
      } else if (v < -clip * (1 + 1e-6)) {
        x[i] = -clip;
        clipped = true;
      }
    }
    if (!clipped) return;
    if (!standardizeOnce(x, cap)) return;
  }
}

function standardizeOnce(x: Float64Array, cap: ArrayLike<number>): boolean {
  let n = 0;
  let sum = 0;
  let wSum = 0;
  let wxSum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    const c = cap[i]!;
    if (c > 0 && Number.isFinite(c)) {
      wSum += c;
      wxSum += c * v;
    }
  }
  let ss = 0;
  const mean = n > 0 ? sum / n : 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  const sd = n > 1 ? Math.sqrt(ss / n) : 0;
  if (n < 2 || !(sd > 0)) {
    x.fill(Number.NaN);
    return false;
  }
  const centre = wSum > 0 ? wxSum / wSum : mean;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) x[i] = (v - centre) / sd;
  }
  return true;
}
