/**
 * Cross-sectional correlation of one date: Pearson IC and Spearman RankIC between scores and
 * returns, over the pairs where both are finite. NaN when fewer than 3 pairs or either side is
 * constant. (`@hfq/metrics` has the full evaluation toolkit; these are what training needs.)
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      n++;
      sa += x;
      sb += y;
    }
  }
  if (n < 3) return Number.NaN;
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      cov += (x - ma) * (y - mb);
      va += (x - ma) * (x - ma);
      vb += (y - mb) * (y - mb);
    }
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Number.NaN;
}

/** Average ranks (1-based, ties averaged) of `v`; NaN stays NaN. */
export function ranks(v: ArrayLike<number>): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) idx.push(i);
  idx.sort((x, y) => v[x]! - v[y]!);
  const out = new Float64Array(v.length).fill(Number.NaN);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]!] === v[idx[i]!]) j++;
    for (let k = i; k <= j; k++) out[idx[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman rank correlation over the pairs where both are finite. */
export function rankIC(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ai: number[] = [];
  const bi: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i]!) && Number.isFinite(b[i]!)) {
      ai.push(a[i]!);
      bi.push(b[i]!);
    }
  }
  return pearson(ranks(ai), ranks(bi));
}

/** Mean of the finite values (NaN if none). */
export function finiteMean(v: ArrayLike<number>): number {
  let n = 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isFinite(v[i]!)) {
      n++;
      s += v[i]!;
    }
  }
  return n > 0 ? s / n : Number.NaN;
}
