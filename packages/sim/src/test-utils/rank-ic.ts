import type { DailyBars } from '@hfq/bars';

/** Average ranks (1-based, ties share their mean rank) of `x`. */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]!] === x[idx[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]!] = avg;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation of two equal-length arrays (NaN when either has no variance). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]! - mx;
    const b = y[i]! - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman correlation over the pairs where both values are finite (NaN with fewer than 3 pairs). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  if (xs.length < 3) return NaN;
  return pearson(ranks(xs), ranks(ys));
}

/** Adjusted close-to-close return from calendar index `from` to `to` for every asset (NaN if either close is missing). */
export function forwardReturns(daily: DailyBars, from: number, to: number): Float64Array {
  const n = daily.close.nAssets;
  const out = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    out[a] =
      (daily.close.get(to, a) * daily.adjFactor.get(to, a)) /
        (daily.close.get(from, a) * daily.adjFactor.get(from, a)) -
      1;
  }
  return out;
}

/**
 * RankIC every 5th trading day (`@hfq/core` rule `{ every: 5, offset: start }`; about weekly, but
 * not the calendar-week rule `'weekly'`): at calendar index T = start, start + 5, ..., the
 * cross-sectional Spearman correlation of `factor(T)` with the close T+1 -> close T+6 return, over
 * stocks that trade on T and T+1, are not ST on T, and are not limit-up on T+1. Returns the series.
 */
export function every5thDayRankIC(
  daily: DailyBars,
  factor: (t: number) => ArrayLike<number>,
  start = 0,
): Float64Array {
  const D = daily.close.nDates;
  const n = daily.close.nAssets;
  const out: number[] = [];
  for (let t = start; t + 6 < D; t += 5) {
    const f = Float64Array.from(factor(t));
    const r = forwardReturns(daily, t + 1, t + 6);
    for (let a = 0; a < n; a++) {
      const ok =
        Number.isFinite(daily.close.get(t, a)) &&
        Number.isFinite(daily.close.get(t + 1, a)) &&
        daily.st.get(t, a) === 0 &&
        daily.isLimitUp.get(t + 1, a) === 0;
      if (!ok) f[a] = NaN;
    }
    out.push(spearman(f, r));
  }
  return Float64Array.from(out);
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

export function sd(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - m) ** 2;
  return Math.sqrt(s / (x.length - 1));
}
