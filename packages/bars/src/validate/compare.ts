import type { MinuteBars } from '../types.js';

/** Agreement of one additive field (volume or amount) between two minute-bar sources. */
export interface FieldAgreement {
  /** Share of minutes (fraction, not percent) where the two agree within `tolerance`. */
  exactShare: number;
  /** Largest absolute difference over the minutes (shares or yuan). */
  maxAbsDiff: number;
  /** Mean absolute difference per minute (shares or yuan). */
  meanAbsDiff: number;
  /** Day totals of each source. */
  totalA: number;
  totalB: number;
  /**
   * Half the summed absolute differences over the larger day total: the share of the day's
   * volume (or amount) that one source puts in a different minute than the other.
   */
  misplacedShare: number;
}

/** Per-minute agreement of two minute-bar sources for one stock-day. */
export interface MinuteBarAgreement {
  /** Minutes compared (the union of both sources' bar times). */
  minutes: number;
  volume: FieldAgreement;
  amount: FieldAgreement;
  /**
   * Share of the minutes where both sources traded whose price equals exactly (within 1e-9):
   * open, high, low, close.
   */
  priceExactShare: { open: number; high: number; low: number; close: number };
  /** Minutes where both sources traded. */
  tradedInBoth: number;
}

/**
 * Compares two minute-bar frames of the same stock-day minute by minute, aligned on bar end
 * times (a bar missing from one source counts as volume 0, amount 0, no prices). Used to check
 * snapshot-derived bars against bars from trades; `amountTolerance` (yuan, default 0.01) absorbs
 * the float noise of differencing cumulative amounts. O(n log n).
 */
export function compareMinuteBars(
  a: MinuteBars,
  b: MinuteBars,
  options: { amountTolerance?: number } = {},
): MinuteBarAgreement {
  const tolA = options.amountTolerance ?? 0.01;
  const times = Array.from(new Set([...a.time, ...b.time])).sort((x, y) => x - y);
  const ia = new Map(Array.from(a.time, (t, i) => [t, i]));
  const ib = new Map(Array.from(b.time, (t, i) => [t, i]));
  const acc = () => ({ exact: 0, max: 0, sum: 0, totalA: 0, totalB: 0 });
  const vol = acc();
  const amt = acc();
  const px = { open: 0, high: 0, low: 0, close: 0 };
  let both = 0;
  for (const t of times) {
    const i = ia.get(t);
    const j = ib.get(t);
    const va = i === undefined ? 0 : a.volume[i]!;
    const vb = j === undefined ? 0 : b.volume[j]!;
    const aa = i === undefined ? 0 : a.amount[i]!;
    const ab = j === undefined ? 0 : b.amount[j]!;
    add(vol, va, vb, 0);
    add(amt, aa, ab, tolA);
    if (va > 0 && vb > 0) {
      both++;
      for (const k of ['open', 'high', 'low', 'close'] as const) {
        if (Math.abs(a[k][i!]! - b[k][j!]!) <= 1e-9) px[k]++;
      }
    }
  }
  const n = times.length;
  const done = (x: ReturnType<typeof acc>): FieldAgreement => ({
    exactShare: n > 0 ? x.exact / n : NaN,
    maxAbsDiff: x.max,
    meanAbsDiff: n > 0 ? x.sum / n : NaN,
    totalA: x.totalA,
    totalB: x.totalB,
    misplacedShare: x.sum / 2 / Math.max(x.totalA, x.totalB),
  });
  return {
    minutes: n,
    volume: done(vol),
    amount: done(amt),
    priceExactShare: {
      open: px.open / both,
      high: px.high / both,
      low: px.low / both,
      close: px.close / both,
    },
    tradedInBoth: both,
  };
}

function add(
  x: { exact: number; max: number; sum: number; totalA: number; totalB: number },
  p: number,
  q: number,
  tol: number,
) {
  const d = Math.abs(p - q);
  if (d <= tol) x.exact++;
  if (d > x.max) x.max = d;
  x.sum += d;
  x.totalA += p;
  x.totalB += q;
}
