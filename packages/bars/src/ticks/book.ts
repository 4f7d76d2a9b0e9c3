import { checkOption } from '../errors.js';
import type { TickLevelField, TickSnapshots } from '../types.js';

/**
 * Order-book fields derived from tick snapshots, one value per snapshot (`Float64Array(n)`).
 * These are the tick-factor building blocks of the study ("sum over levels, difference between
 * levels, ...").
 *
 * NaN rules, the same everywhere:
 * - A level is **empty** when its price is 0 or NaN (exchanges send 0 or a blank). Quantities
 *   (volume, order count) at an empty level count as 0: the book really holds nothing there.
 *   Prices at an empty level are NaN: there is no price.
 * - A quantity reported as NaN (not in the feed) stays NaN and makes sums over it NaN.
 * - mid, spread and micro-price need both best levels: NaN when either side is empty (a stock at
 *   its limit price has no ask or no bid) and NaN when the book is **crossed** (best bid > best
 *   ask, a feed error or a call-auction display). A locked book (bid = ask, the call-auction
 *   indicative price) gives spread 0 and mid = that price.
 * - Ratios with a zero denominator (imbalance of an empty book) are NaN.
 * Levels are 1-based (1 = best).
 */

export type BookSide = 'bid' | 'ask';

function checkLevel(t: TickSnapshots, level: number, name = 'level'): void {
  checkOption(
    Number.isInteger(level) && level >= 1 && level <= t.levels,
    name,
    `must be an integer in [1, ${t.levels}], got ${level}`,
  );
}

/** (best bid + best ask) / 2, yuan. NaN for an empty side or a crossed book. */
export function midPrice(t: TickSnapshots): Float64Array {
  const n = t.time.length;
  const L = t.levels;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = t.bidPrice[i * L]!;
    const a = t.askPrice[i * L]!;
    out[i] = b > 0 && a > 0 && b <= a ? (a + b) / 2 : NaN;
  }
  return out;
}

/**
 * best ask - best bid: yuan (`relative: false`, default), or a fraction of the mid price
 * (`relative: true`; 0.001 = 10 bp, not percent). NaN for an empty side or a crossed book.
 */
export function spread(t: TickSnapshots, options: { relative?: boolean } = {}): Float64Array {
  const n = t.time.length;
  const L = t.levels;
  const out = new Float64Array(n);
  const rel = options.relative ?? false;
  for (let i = 0; i < n; i++) {
    const b = t.bidPrice[i * L]!;
    const a = t.askPrice[i * L]!;
    out[i] = b > 0 && a > 0 && b <= a ? (rel ? (a - b) / ((a + b) / 2) : a - b) : NaN;
  }
  return out;
}

/**
 * Micro-price (volume-weighted mid): (bid1 * askVolume1 + ask1 * bidVolume1) / (bidVolume1 +
 * askVolume1), yuan. It leans towards the side with less volume (the side about to be taken).
 * NaN for an empty side, a crossed book, or zero volume on both best levels.
 */
export function microPrice(t: TickSnapshots): Float64Array {
  const n = t.time.length;
  const L = t.levels;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = t.bidPrice[i * L]!;
    const a = t.askPrice[i * L]!;
    const bv = t.bidVolume[i * L]!;
    const av = t.askVolume[i * L]!;
    out[i] = b > 0 && a > 0 && b <= a && bv + av > 0 ? (b * av + a * bv) / (bv + av) : NaN;
  }
  return out;
}

/**
 * Depth-weighted price of levels 1..k on both sides: sum(price x volume) / sum(volume) over the
 * non-empty levels, yuan. NaN when the k levels hold no volume or a used volume is NaN.
 */
export function depthWeightedPrice(t: TickSnapshots, k: number): Float64Array {
  checkLevel(t, k, 'k');
  const n = t.time.length;
  const L = t.levels;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let pv = 0;
    let v = 0;
    for (let l = 0; l < k; l++) {
      const j = i * L + l;
      const bp = t.bidPrice[j]!;
      if (bp > 0) {
        pv += bp * t.bidVolume[j]!;
        v += t.bidVolume[j]!;
      }
      const ap = t.askPrice[j]!;
      if (ap > 0) {
        pv += ap * t.askVolume[j]!;
        v += t.askVolume[j]!;
      }
    }
    out[i] = v > 0 ? pv / v : NaN;
  }
  return out;
}

/**
 * A per-level field at one level, normalised by the empty-level rule: prices NaN and quantities 0
 * at an empty level. `field` is e.g. `'bidVolume'` (shares), `'askOrders'` (count), `'bidPrice'`.
 */
export function levelValues(t: TickSnapshots, field: TickLevelField, level: number): Float64Array {
  checkLevel(t, level);
  const n = t.time.length;
  const L = t.levels;
  const src = t[field];
  const price = field.startsWith('bid') ? t.bidPrice : t.askPrice;
  const isPrice = field === 'bidPrice' || field === 'askPrice';
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = i * L + level - 1;
    out[i] = price[j]! > 0 ? src[j]! : isPrice ? NaN : 0;
  }
  return out;
}

/** Volume (shares) resting at one level of one side; 0 at an empty level. */
export function depth(t: TickSnapshots, side: BookSide, level: number): Float64Array {
  return levelValues(t, side === 'bid' ? 'bidVolume' : 'askVolume', level);
}

/**
 * Sum of a per-level field over levels `from..to` (1-based, inclusive). For quantities this is
 * cumulative depth; for prices it sums the non-empty levels' prices and is NaN if any level in the
 * range is empty (a price sum over a missing price has no meaning).
 */
export function levelSum(t: TickSnapshots, field: TickLevelField, from: number, to: number): Float64Array {
  checkLevel(t, from, 'from');
  checkLevel(t, to, 'to');
  checkOption(from <= to, 'from', `must be <= to (${from} > ${to})`);
  const n = t.time.length;
  const L = t.levels;
  const src = t[field];
  const price = field.startsWith('bid') ? t.bidPrice : t.askPrice;
  const isPrice = field === 'bidPrice' || field === 'askPrice';
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let l = from - 1; l < to; l++) {
      const j = i * L + l;
      s += price[j]! > 0 ? src[j]! : isPrice ? NaN : 0;
    }
    out[i] = s;
  }
  return out;
}

/**
 * `field` at level `a` minus `field` at level `b` (1-based), with the empty-level rule (a price
 * difference involving an empty level is NaN; a quantity there counts 0). E.g.
 * `levelDiff(t, 'askPrice', 5, 1)` is the ask-side price span of the first five levels (yuan).
 */
export function levelDiff(t: TickSnapshots, field: TickLevelField, a: number, b: number): Float64Array {
  const x = levelValues(t, field, a);
  const y = levelValues(t, field, b);
  for (let i = 0; i < x.length; i++) x[i]! -= y[i]!;
  return x;
}

/** Cumulative depth of one side over levels 1..k (shares). */
export function cumulativeDepth(t: TickSnapshots, side: BookSide, k: number): Float64Array {
  return levelSum(t, side === 'bid' ? 'bidVolume' : 'askVolume', 1, k);
}

/**
 * Order imbalance at level k: (bidVolume_k - askVolume_k) / (bidVolume_k + askVolume_k), a
 * fraction in [-1, 1] (+1 = only bids). NaN when both are 0 (empty levels).
 */
export function orderImbalance(t: TickSnapshots, level: number): Float64Array {
  const b = depth(t, 'bid', level);
  const a = depth(t, 'ask', level);
  for (let i = 0; i < b.length; i++) {
    const s = b[i]! + a[i]!;
    b[i] = s > 0 ? (b[i]! - a[i]!) / s : NaN;
  }
  return b;
}

/**
 * Order imbalance over levels 1..k: (sum bid volume - sum ask volume) / (sum of both), a fraction
 * in [-1, 1]. NaN when the k levels of both sides are empty.
 */
export function cumulativeOrderImbalance(t: TickSnapshots, k: number): Float64Array {
  const b = cumulativeDepth(t, 'bid', k);
  const a = cumulativeDepth(t, 'ask', k);
  for (let i = 0; i < b.length; i++) {
    const s = b[i]! + a[i]!;
    b[i] = s > 0 ? (b[i]! - a[i]!) / s : NaN;
  }
  return b;
}
