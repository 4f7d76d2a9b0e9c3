import { addCalendarDays, Calendar, Panel, Rng, weekdays } from '@hfq/core';
import type { BacktestMarket } from '../backtest/market.js';

/** Builds a float64 panel from rows (dates x assets). */
export function panelOf(
  dates: ArrayLike<number>,
  assets: readonly string[],
  rows: number[][],
): Panel<Float64Array> {
  return Panel.fromRows(dates, assets, rows);
}

/** A panel with every cell `v`. */
export function constPanel(
  dates: ArrayLike<number>,
  assets: readonly string[],
  v: number,
): Panel<Float64Array> {
  return Panel.alloc(dates, assets, 'float64', v);
}

/** Shape of a random daily market (tests and benchmarks only). */
export interface RandomMarketSpec {
  n: number;
  days: number;
  constituents?: number;
  industries?: number;
  styles?: number;
  /** Probability a stock-day is suspended (default 0.003). */
  suspendRate?: number;
  /**
   * Give style panels (random normal, dated at week ends only, to keep N = 4000 markets small)
   * instead of letting the backtest compute them.
   */
  randomStyles?: boolean;
  seed?: number;
}

/**
 * A random market with a factor structure (index return plus idiosyncratic noise, +-10% price
 * limits), suspensions, a cap-weighted index over the first `constituents` stocks, and a signal
 * that knows the next week's return a little (so an enhanced portfolio should beat the index).
 */
export function randomMarket(spec: RandomMarketSpec): {
  market: BacktestMarket;
  signal: Panel<Float64Array>;
} {
  const { n, days: nT } = spec;
  const nc = spec.constituents ?? Math.min(n, Math.max(3, Math.floor(n / 2)));
  const k = spec.industries ?? 5;
  const rng = new Rng(spec.seed ?? 7, 'optimizer-random-market', n, nT);
  const dates = weekdays(20170102, addCalendarDays(20170102, Math.ceil(nT * 1.5) + 10)).subarray(0, nT);
  const assets = Array.from({ length: n }, (_, i) => `S${String(i).padStart(5, '0')}`);
  const size = nT * n;
  const close = new Float64Array(size);
  const vwap = new Float64Array(size);
  const adj = new Float64Array(size).fill(1);
  const susp = new Float64Array(size);
  const up = new Float64Array(size);
  const down = new Float64Array(size);
  const cap = new Float64Array(size);
  const turn = new Float64Array(size);
  const cons = new Float64Array(size);
  const weight = new Float64Array(size);
  const ret = new Float64Array(nT);
  const industry = new Int32Array(n);
  const beta = new Float64Array(n);
  const shares = new Float64Array(n);
  const price = new Float64Array(n);
  const r = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    industry[i] = i % k;
    beta[i] = 0.6 + 0.8 * rng.uniform();
    price[i] = 5 + 20 * rng.uniform();
    shares[i] = 1e8 * Math.exp(rng.normal());
  }
  const suspendRate = spec.suspendRate ?? 0.003;
  for (let t = 0; t < nT; t++) {
    const m = 0.0003 + 0.012 * rng.normal();
    const base = t * n;
    for (let i = 0; i < n; i++) {
      let x = beta[i]! * m + 0.02 * rng.normal();
      x = Math.max(-0.1, Math.min(0.1, x));
      const suspended = t > 0 && rng.uniform() < suspendRate;
      r[base + i] = suspended ? 0 : x;
      if (suspended) {
        susp[base + i] = 1;
        close[base + i] = Number.NaN;
        vwap[base + i] = Number.NaN;
        turn[base + i] = 0;
      } else {
        const prev = price[i]!;
        price[i] = t === 0 ? prev : prev * (1 + x);
        close[base + i] = price[i]!;
        vwap[base + i] = prev + (price[i]! - prev) * (0.3 + 0.4 * rng.uniform());
        up[base + i] = t > 0 && x >= 0.0999 ? 1 : 0;
        down[base + i] = t > 0 && x <= -0.0999 ? 1 : 0;
        turn[base + i] = 0.01 * Math.exp(0.5 * rng.normal());
      }
      cap[base + i] = price[i]! * shares[i]!;
    }
    let capSum = 0;
    for (let i = 0; i < nc; i++) capSum += cap[base + i]!;
    for (let i = 0; i < nc; i++) {
      cons[base + i] = 1;
      weight[base + i] = cap[base + i]! / capSum;
    }
    if (t === 0) ret[t] = Number.NaN;
    else {
      let acc = 0;
      for (let i = 0; i < nc; i++) acc += weight[base - n + i]! * r[base + i]!;
      ret[t] = acc;
    }
  }
  // Signal: a little of the next 5 days' return plus noise.
  const sig = new Float64Array(size);
  for (let t = 0; t < nT; t++) {
    for (let i = 0; i < n; i++) {
      let fwd = 0;
      for (let h = 1; h <= 5 && t + h < nT; h++) fwd += r[(t + h) * n + i]!;
      sig[t * n + i] = fwd + 0.05 * rng.normal();
    }
  }
  const P = (v: Float64Array) => new Panel(dates, assets, v);
  const market: BacktestMarket = {
    daily: {
      close: P(close),
      vwap: P(vwap),
      adjFactor: P(adj),
      suspended: P(susp),
      isLimitUp: P(up),
      isLimitDown: P(down),
      marketCap: P(cap),
      turnover: P(turn),
    },
    index: { name: 'random', constituent: P(cons), weight: P(weight), ret },
    industry,
  };
  if (spec.randomStyles) {
    const ns = spec.styles ?? 10;
    const weekEnds = Array.from(new Calendar(dates).weekEndIndices(), (t) => dates[t]!);
    const styles: Record<string, Panel> = {};
    for (let s = 0; s < ns; s++) {
      const v = new Float64Array(weekEnds.length * n);
      for (let x = 0; x < v.length; x++) v[x] = rng.normal();
      styles[`s${s}`] = new Panel(weekEnds, assets, v);
    }
    market.styles = styles;
  }
  return { market, signal: P(sig) };
}

/** A deep copy of a market (panels re-created, values copied). */
export function cloneMarket(m: BacktestMarket): BacktestMarket {
  const cp = (p: Panel) => p.clone() as Panel<Float64Array>;
  const daily = Object.fromEntries(
    Object.entries(m.daily).map(([k, v]) => [k, v instanceof Panel ? cp(v) : v]),
  ) as unknown as BacktestMarket['daily'];
  const out: BacktestMarket = {
    daily,
    index: {
      ...m.index,
      constituent: cp(m.index.constituent),
      weight: cp(m.index.weight),
      ret: m.index.ret.slice(),
    },
    industry: m.industry instanceof Panel ? cp(m.industry) : Int32Array.from(m.industry as ArrayLike<number>),
  };
  if (m.styles) {
    out.styles = Array.isArray(m.styles)
      ? (m.styles as Panel[]).map(cp)
      : Object.fromEntries(Object.entries(m.styles as Record<string, Panel>).map(([k, v]) => [k, cp(v)]));
  }
  return out;
}
