import { Calendar, HfqError, Panel, type RebalanceRule, rebalanceIndices } from '@hfq/core';
import { checkIndexReturns, checkPanelShape } from '../checks.js';
import { checkIndustryIndex, MAX_INDUSTRIES } from '../enhanced-index/problem.js';
import { styleExposures } from '../exposures/style-exposures.js';
import type { BacktestMarket, StylePanels } from './market.js';

/**
 * When to rebalance: signal dates T (orders fill at T+1). The one rule of `@hfq/core`
 * (`RebalanceRule`): `'daily'`, `'weekly'` (last trading day of each calendar week, the
 * default), `'monthly'`, `{ every, offset }` (every N trading days of the market calendar from
 * index `offset`) or explicit dates (trading days of the market).
 */
export type RebalanceSchedule = RebalanceRule;

/**
 * Everything a scenario loop reads, as flat typed arrays (optionally on SharedArrayBuffers so that
 * worker threads read them without a copy). Day 0 is the first signal date (NAV 1, all cash).
 */
export interface PreparedBacktest {
  n: number;
  nStyles: number;
  /** Industries K (including an "unclassified" bucket when any industry was NaN). */
  k: number;
  assets: string[];
  styleNames: string[];
  /** NAV days (`yyyymmdd`): from the first signal date to the last day. */
  days: Int32Array;
  /** days x n adjusted close, carried forward over missing days (NaN before the first price). */
  px: Float64Array;
  /** Index return of each day (close to close); day 0 unused. */
  benchRet: Float64Array;
  /** Number of rebalances R. */
  r: number;
  /** Day index of each rebalance's signal date T (its fill is day T + 1). */
  signalDay: Int32Array;
  /** R x n adjusted VWAP of the fill day (NaN when it cannot trade). */
  fillPx: Float64Array;
  /** R x n tradability on the fill day (1 = allowed). */
  canBuy: Uint8Array;
  canSell: Uint8Array;
  /** R x n LP inputs of each rebalance. */
  scores: Float64Array;
  benchmark: Float64Array;
  constituent: Uint8Array;
  industry: Int32Array;
  /** R x nStyles x n style exposures (NaN filled with 0). */
  styles: Float64Array;
  /** Per rebalance: stocks without a signal (never bought), style cells filled with 0. */
  missingSignal: Int32Array;
  missingStyle: Int32Array;
}

export interface PrepareOptions {
  schedule?: RebalanceSchedule | undefined;
  /** First / last date (`yyyymmdd`, inclusive) of the backtest; default the whole overlap. */
  start?: number | undefined;
  end?: number | undefined;
  /** Put the arrays on SharedArrayBuffers (for worker threads). */
  shared?: boolean;
}

/**
 * Aligns the signal, the market and the exposures into `PreparedBacktest`. Time alignment: the
 * LP of signal date T reads scores, benchmark weights, constituents, industries and exposures of
 * T (close) and the tradability of T+1 (suspended, limit-up, limit-down, listed, a VWAP), which
 * is the execution constraint of the order, not information used to rank stocks.
 */
export function prepareBacktest(
  signal: Panel,
  market: BacktestMarket,
  options: PrepareOptions = {},
): PreparedBacktest {
  const { daily, index } = market;
  const cal = daily.close.dates;
  const assets = [...daily.close.assets];
  const n = assets.length;
  const nT = cal.length;
  for (const f of ['vwap', 'adjFactor', 'suspended', 'isLimitUp', 'isLimitDown', 'listed'] as const) {
    checkPanelShape(daily[f], f, nT, n);
  }
  checkPanelShape(index.constituent, 'index.constituent', nT, n);
  checkPanelShape(index.weight, 'index.weight', nT, n);
  checkIndexReturns(index.ret, nT, 'index.ret');
  if (signal.nAssets !== n || signal.assets.some((a, i) => a !== assets[i])) {
    throw new HfqError('OPT_BAD_INPUT', 'signal assets must be the market assets in the same order', {
      field: 'signal',
    });
  }

  // Rebalance dates: schedule, inside [start, end - 1 day], where the signal has a finite value.
  const lastIdx = options.end !== undefined ? new Calendar(cal).floorIndex(options.end) : nT - 1;
  const firstIdx = options.start !== undefined ? new Calendar(cal).ceilIndex(options.start) : 0;
  if (firstIdx < 0 || lastIdx < 0 || firstIdx >= lastIdx) {
    throw new HfqError('OPT_BAD_INPUT', 'the backtest range holds fewer than two trading days', {
      field: 'start',
    });
  }
  const candidates = rebalanceIndices(cal, options.schedule ?? 'weekly', 'schedule');
  const sigIdx: number[] = [];
  for (const t of candidates) {
    if (t < firstIdx || t >= lastIdx) continue;
    const s = signal.dateIndex(cal[t]!);
    if (s < 0) continue;
    const row = signal.row(s);
    if (row.some(Number.isFinite)) sigIdx.push(t);
  }
  if (sigIdx.length === 0) {
    throw new HfqError(
      'OPT_BAD_INPUT',
      'no rebalance date: the schedule and the signal dates do not overlap',
      {
        field: 'signal',
      },
    );
  }
  const t0 = sigIdx[0]!;
  const nDays = lastIdx - t0 + 1;
  const r = sigIdx.length;

  // Styles at each rebalance date.
  const styleSet = resolveStyles(
    market,
    sigIdx.map((t) => cal[t]!),
  );
  const nStyles = styleSet.panels.length;
  for (const p of styleSet.panels) {
    if (p.nAssets !== n || p.assets.some((a, i) => a !== assets[i])) {
      throw new HfqError('OPT_BAD_INPUT', 'style panels must use the market assets in the same order', {
        field: 'styles',
      });
    }
  }

  const alloc = (bytes: number) => (options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const f64 = (len: number) => new Float64Array(alloc(len * 8));
  const u8 = (len: number) => new Uint8Array(alloc(len));
  const i32 = (len: number) => new Int32Array(alloc(len * 4));

  const days = i32(nDays);
  const px = f64(nDays * n);
  const benchRet = f64(nDays);
  const close = daily.close.values;
  const adj = daily.adjFactor.values;
  const last = new Float64Array(n).fill(Number.NaN);
  for (let t = 0; t <= lastIdx; t++) {
    const base = t * n;
    for (let i = 0; i < n; i++) {
      const p = close[base + i]! * adj[base + i]!;
      if (p > 0 && Number.isFinite(p)) last[i] = p;
    }
    if (t >= t0) {
      const d = t - t0;
      days[d] = cal[t]!;
      px.set(last, d * n);
      benchRet[d] = index.ret[t]!;
    }
  }

  const signalDay = i32(r);
  const fillPx = f64(r * n);
  const canBuy = u8(r * n);
  const canSell = u8(r * n);
  const scores = f64(r * n);
  const benchmark = f64(r * n);
  const constituent = u8(r * n);
  const industry = i32(r * n);
  const styles = f64(r * nStyles * n);
  const missingSignal = i32(r);
  const missingStyle = i32(r);
  const staticIndustry = market.industry instanceof Panel ? undefined : market.industry;
  if (staticIndustry && staticIndustry.length !== n) {
    throw new HfqError('OPT_BAD_INPUT', `industry has ${staticIndustry.length} entries, expected ${n}`, {
      field: 'industry',
    });
  }
  if (market.industry instanceof Panel) checkPanelShape(market.industry, 'industry', nT, n);
  let maxIndustry = -1;
  let unclassified = false;
  const rawIndustry = new Float64Array(r * n);

  for (let j = 0; j < r; j++) {
    const t = sigIdx[j]!;
    const tf = t + 1;
    const date = cal[t]!;
    signalDay[j] = t - t0;
    const sRow = signal.row(signal.dateIndex(date));
    const base = t * n;
    const fbase = tf * n;
    const o = j * n;
    const mean = neutralFill(sRow, n);
    let bSum = 0;
    for (let i = 0; i < n; i++) {
      // Fill-day tradability.
      const q = daily.vwap.values[fbase + i]! * adj[fbase + i]!;
      const dead =
        !(q > 0 && Number.isFinite(q)) ||
        daily.suspended?.values[fbase + i] === 1 ||
        (daily.listed !== undefined && daily.listed.values[fbase + i] !== 1);
      fillPx[o + i] = dead ? Number.NaN : q;
      let buy = dead ? 0 : 1;
      const sell = dead || daily.isLimitDown?.values[fbase + i] === 1 ? 0 : 1;
      if (daily.isLimitUp?.values[fbase + i] === 1) buy = 0;
      const s = sRow[i]!;
      if (Number.isFinite(s)) scores[o + i] = s;
      else {
        scores[o + i] = mean; // neutral in the objective...
        buy = 0; // ...and never bought without a signal
        missingSignal[j] = missingSignal[j]! + 1;
      }
      const ind = staticIndustry ? staticIndustry[i]! : (market.industry as Panel).values[base + i]!;
      rawIndustry[o + i] = ind;
      if (Number.isFinite(ind)) {
        checkIndustryIndex(ind, 'industry', assets[i]!, date);
        if (ind > maxIndustry) maxIndustry = ind;
      } else {
        unclassified = true;
        buy = 0;
      }
      canBuy[o + i] = buy;
      canSell[o + i] = sell;
      const c = index.constituent.values[base + i] === 1 ? 1 : 0;
      const w = index.weight.values[base + i]!;
      const b = Number.isFinite(w) && w > 0 ? w : 0;
      if (b > 0 && c === 0) {
        throw new HfqError('OPT_BAD_INPUT', `index weight ${b} on a non-constituent`, {
          field: 'index.weight',
          asset: assets[i]!,
          date,
        });
      }
      constituent[o + i] = c;
      benchmark[o + i] = b;
      bSum += b;
    }
    if (!(Math.abs(bSum - 1) <= 1e-3)) {
      throw new HfqError('OPT_BAD_INPUT', `index weights sum to ${bSum} on ${date}, expected 1`, {
        field: 'index.weight',
        date,
      });
    }
    for (let i = 0; i < n; i++) benchmark[o + i] = benchmark[o + i]! / bSum;
    for (let s = 0; s < nStyles; s++) {
      const panel = styleSet.panels[s]!;
      const row = panel.dateIndex(date);
      if (row < 0) {
        throw new HfqError('OPT_BAD_INPUT', `style ${styleSet.names[s]} has no exposures for ${date}`, {
          field: 'styles',
          date,
        });
      }
      const src = panel.row(row);
      const dst = (j * nStyles + s) * n;
      for (let i = 0; i < n; i++) {
        const x = src[i]!;
        if (Number.isFinite(x)) styles[dst + i] = x;
        else missingStyle[j] = missingStyle[j]! + 1; // 0: the cap-weighted mean, i.e. neutral
      }
    }
  }
  const k = maxIndustry + 1 + (unclassified ? 1 : 0);
  if (k > MAX_INDUSTRIES) {
    throw new HfqError(
      'OPT_BAD_INPUT',
      `${k} industries with the unclassified bucket, at most ${MAX_INDUSTRIES}`,
      {
        field: 'industry',
      },
    );
  }
  for (let x = 0; x < r * n; x++) {
    const ind = rawIndustry[x]!;
    industry[x] = Number.isFinite(ind) ? ind : maxIndustry + 1;
  }

  return {
    n,
    nStyles,
    k,
    assets,
    styleNames: styleSet.names,
    days,
    px,
    benchRet,
    r,
    signalDay,
    fillPx,
    canBuy,
    canSell,
    scores,
    benchmark,
    constituent,
    industry,
    styles,
    missingSignal,
    missingStyle,
  };
}

/**
 * The neutral value a missing score (or predicted return) gets in the objective: the mean of the
 * finite values among `row[0..n)`, summed in index order; NaN when there are none.
 * @internal
 */
export function neutralFill(row: ArrayLike<number>, n: number): number {
  let sum = 0;
  let cnt = 0;
  for (let i = 0; i < n; i++) {
    const v = row[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      cnt++;
    }
  }
  return sum / cnt;
}

function resolveStyles(market: BacktestMarket, dates: number[]): { names: string[]; panels: Panel[] } {
  const s: StylePanels | undefined = market.styles;
  if (s === undefined) {
    const { marketCap, turnover } = market.daily;
    if (!marketCap || !turnover) {
      throw new HfqError(
        'OPT_BAD_INPUT',
        'market.styles is absent, and computing exposures needs daily.marketCap and daily.turnover',
        { field: 'styles' },
      );
    }
    const e = styleExposures(
      {
        close: market.daily.close,
        adjFactor: market.daily.adjFactor,
        marketCap,
        turnover,
        ...(market.daily.bookToPrice ? { bookToPrice: market.daily.bookToPrice } : {}),
        ...(market.daily.listed ? { listed: market.daily.listed } : {}),
        ...(market.daily.suspended ? { suspended: market.daily.suspended } : {}),
      },
      market.index,
      { dates },
    );
    return { names: e.names, panels: e.panels };
  }
  if (Array.isArray(s)) return { names: s.map((_, j) => `style${j}`), panels: [...(s as Panel[])] };
  const obj = s as Readonly<Record<string, unknown>>;
  if (Array.isArray(obj.panels) && Array.isArray(obj.names)) {
    // This package's StyleExposures: names[] beside panels[].
    return { names: [...(obj.names as string[])], panels: [...(obj.panels as Panel[])] };
  }
  if (Array.isArray(obj.names)) {
    // { names, [name]: Panel } (the shape of @hfq/sim's styles()).
    const names = obj.names as string[];
    return {
      names: [...names],
      panels: names.map((name) => {
        const p = obj[name];
        if (!(p instanceof Panel)) {
          throw new HfqError('OPT_BAD_INPUT', `styles.${name} is listed in styles.names but is not a Panel`, {
            field: 'styles',
          });
        }
        return p;
      }),
    };
  }
  const names = Object.keys(obj);
  return {
    names,
    panels: names.map((name) => {
      const p = obj[name];
      if (!(p instanceof Panel)) {
        throw new HfqError('OPT_BAD_INPUT', `styles.${name} is not a Panel`, { field: 'styles' });
      }
      return p;
    }),
  };
}
