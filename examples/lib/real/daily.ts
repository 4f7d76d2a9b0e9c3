/**
 * Part (c) of the real-data study, the data side: point-in-time CSI 300 + CSI 500 membership as a
 * universe (and how much of it the survivorship-biased daily file misses), and simple daily
 * reversal / liquidity / volatility factors computed from the daily bars, each known at the close
 * of its date.
 */
import { readFileSync } from 'node:fs';
import type { DailyBars } from '@hfq/bars';
import { normalizeSymbol } from '@hfq/bars';
import { Panel } from '@hfq/core';
import { dailyReturns } from '@hfq/metrics';

/** Point-in-time membership of the union of the given index files on `dates` x `assets`. */
export interface Membership {
  /** 1 = member at the close of T (after `lastKnown`: membership of `lastKnown`, carried forward). */
  member: Panel<Float64Array>;
  /** Last date the membership files describe. */
  lastKnown: number;
  /** Per date up to `lastKnown`: members in the files, and those in the daily file's universe. */
  members: Int32Array;
  membersInData: Int32Array;
}

/**
 * Reads qlib-style membership intervals (`symbol,start_date,end_date`, inclusive) from each file
 * and marks, per date, the stocks that are in any of them. The daily data is survivorship-biased
 * (only stocks listed in 2026); the member counts say how many index members on each date are
 * missing from it (delisted, or never in the source). `fileSymbols` is the whole universe of the
 * daily file (a member on a date is listed then, so being in the file means having its rows).
 */
export function readMembership(
  files: readonly string[],
  dates: Int32Array,
  assets: readonly string[],
  fileSymbols: ReadonlySet<string>,
): Membership {
  const intervals: Array<{ symbol: string; start: number; end: number }> = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    for (const line of lines.slice(1)) {
      const [sym, start, end] = line.split(',');
      intervals.push({ symbol: normalizeSymbol(sym!), start: ymd(start!), end: ymd(end!) });
    }
  }
  const lastKnown = Math.max(...intervals.map((i) => i.end));
  const aIndex = new Map(assets.map((a, i) => [a, i]));
  const nA = assets.length;
  const member = Panel.alloc(dates, assets, 'float64', 0);
  const members = new Int32Array(dates.length);
  const membersInData = new Int32Array(dates.length);
  for (let t = 0; t < dates.length; t++) {
    const d = Math.min(dates[t]!, lastKnown);
    const seen = new Set<string>();
    for (const iv of intervals) {
      if (d < iv.start || d > iv.end || seen.has(iv.symbol)) continue;
      seen.add(iv.symbol); // a stock in both indices (a transfer day) counts once
      const a = aIndex.get(iv.symbol);
      if (a !== undefined) member.values[t * nA + a] = 1;
      if (dates[t]! <= lastKnown) {
        members[t]!++;
        if (fileSymbols.has(iv.symbol)) membersInData[t]!++;
      }
    }
  }
  return { member, lastKnown, members, membersInData };
}

function ymd(s: string): number {
  return Number(s.replaceAll('-', ''));
}

/** The daily factors: id, meaning (all known at the close of T). */
export const DAILY_FACTORS = [
  { id: 'ret5', meaning: '5-day return (reversal: expect a negative RankIC)' },
  { id: 'ret20', meaning: '20-day return' },
  { id: 'mom_240_20', meaning: '12-month momentum skipping the last month: return T-240 -> T-20' },
  { id: 'vol20', meaning: 'std of daily returns over 20 days' },
  { id: 'max_ret20', meaning: 'largest daily return over 20 days (lottery demand)' },
  { id: 'hl_range20', meaning: 'mean (high - low) / close over 20 days' },
  { id: 'amihud20', meaning: 'log mean |return| / traded value over 20 days (illiquidity)' },
  { id: 'log_amount20', meaning: 'log mean traded value over 20 days (liquidity; a size proxy)' },
  { id: 'volume_ratio_5_60', meaning: 'log mean volume 5 days / 60 days (abnormal volume)' },
] as const;

/**
 * The daily factor panels. Traded value is not in the data: it is estimated as volume x (open +
 * high + low + close) / 4 (yuan). Returns are adjusted (close x adjFactor); a suspension's move
 * lands on the resumption day. Window statistics need 3/4 of their days present, else NaN.
 */
export function dailyFactorPanels(d: DailyBars): Record<string, Panel<Float64Array>> {
  const { dates, assets } = d.close;
  const nD = dates.length;
  const nA = assets.length;
  const ret = dailyReturns(d.close, { adjFactor: d.adjFactor }).values;
  const price = new Float64Array(nD * nA);
  const amount = new Float64Array(nD * nA);
  const volume = new Float64Array(nD * nA);
  const range = new Float64Array(nD * nA);
  for (let i = 0; i < nD * nA; i++) {
    const c = d.close.values[i]!;
    price[i] = c * d.adjFactor.values[i]!;
    const v = d.volume.values[i]!;
    const typical = (d.open.values[i]! + d.high.values[i]! + d.low.values[i]! + c) / 4;
    amount[i] = v > 0 ? v * typical : Number.NaN;
    volume[i] = v > 0 ? v : Number.NaN;
    range[i] = (d.high.values[i]! - d.low.values[i]!) / c;
  }
  const out: Record<string, Panel<Float64Array>> = {};
  const make = (id: string, f: (t: number, a: number) => number) => {
    const p = Panel.alloc(dates, assets);
    for (let t = 0; t < nD; t++) for (let a = 0; a < nA; a++) p.values[t * nA + a] = f(t, a);
    out[id] = p;
  };
  const at = (x: Float64Array, t: number, a: number) => (t >= 0 ? x[t * nA + a]! : Number.NaN);
  // Window reducer over days t-w+1..t of series x (NaN-skipping), needing 3/4 of the days.
  const window = (
    x: Float64Array,
    t: number,
    a: number,
    w: number,
    kind: 'mean' | 'std' | 'max',
    g?: (v: number, k: number) => number,
  ) => {
    if (t < w - 1) return Number.NaN;
    let n = 0;
    let s = 0;
    let s2 = 0;
    let mx = -Infinity;
    for (let k = t - w + 1; k <= t; k++) {
      let v = x[k * nA + a]!;
      if (g) v = g(v, k);
      if (!Number.isFinite(v)) continue;
      n++;
      s += v;
      s2 += v * v;
      if (v > mx) mx = v;
    }
    if (n < Math.ceil(0.75 * w)) return Number.NaN;
    if (kind === 'mean') return s / n;
    if (kind === 'max') return mx;
    return Math.sqrt(Math.max(0, (s2 - (s * s) / n) / (n - 1)));
  };
  make('ret5', (t, a) => at(price, t, a) / at(price, t - 5, a) - 1);
  make('ret20', (t, a) => at(price, t, a) / at(price, t - 20, a) - 1);
  make('mom_240_20', (t, a) => at(price, t - 20, a) / at(price, t - 240, a) - 1);
  make('vol20', (t, a) => window(ret, t, a, 20, 'std'));
  make('max_ret20', (t, a) => window(ret, t, a, 20, 'max'));
  make('hl_range20', (t, a) => window(range, t, a, 20, 'mean'));
  make('amihud20', (t, a) =>
    Math.log(window(ret, t, a, 20, 'mean', (r, k) => (Math.abs(r) / amount[k * nA + a]!) * 1e9)),
  );
  make('log_amount20', (t, a) => Math.log(window(amount, t, a, 20, 'mean')));
  make('volume_ratio_5_60', (t, a) =>
    Math.log(window(volume, t, a, 5, 'mean') / window(volume, t, a, 60, 'mean')),
  );
  return out;
}

/** Elementwise product of two 1/0 masks on the same dates and assets. */
export function andMask(x: Panel, y: Panel): Panel<Float64Array> {
  const out = Panel.alloc(x.dates, x.assets, 'float64', 0);
  for (let i = 0; i < out.values.length; i++) out.values[i] = x.values[i] === 1 && y.values[i] === 1 ? 1 : 0;
  return out;
}
