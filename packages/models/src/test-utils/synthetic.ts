import { FactorCube, Panel, Rng } from '@hfq/core';

/** A tiny synthetic market with a planted, known signal (tests only). */
export interface SyntheticMarket {
  factors: FactorCube;
  close: Panel<Float64Array>;
  /** The planted signal s(t, a) the returns load on (dates x assets). */
  signal: Panel<Float64Array>;
}

/** `n` consecutive weekdays from 2020-01-01 as yyyymmdd (a stand-in trading calendar). */
export function tradingDays(n: number): Int32Array {
  const out = new Int32Array(n);
  const d = new Date(Date.UTC(2020, 0, 1));
  for (let i = 0; i < n; ) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) {
      out[i++] = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
    }
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/**
 * Factors and prices with a planted signal. Per stock, factor `f0` is a persistent AR(1)
 * (rho 0.9), `f1` is white noise whose 5-day mean also matters (so models must use the window),
 * the others are noise. The signal is `s(t) = f0(t) + mean(f1(t-4..t))`; the return of day
 * t+1 is `strength * s(t) + noise(1%)`. `missing` is the share of factor values set to NaN.
 */
export function syntheticMarket(options: {
  nAssets: number;
  nDates: number;
  nFactors: number;
  seed?: number;
  strength?: number;
  missing?: number;
}): SyntheticMarket {
  const { nAssets: na, nDates: nd, nFactors: nf } = options;
  const seed = options.seed ?? 7;
  const strength = options.strength ?? 0.004;
  const missing = options.missing ?? 0.01;
  const dates = tradingDays(nd);
  const assets = Array.from({ length: na }, (_, a) => `S${String(a).padStart(4, '0')}`);
  const factorNames = Array.from({ length: nf }, (_, f) => `f${f}`);
  const days: Float32Array[] = [];
  const signal = Panel.alloc(dates, assets, 'float64', 0);
  const close = Panel.alloc(dates, assets, 'float64', 0);
  const f0 = new Float64Array(na);
  const f1Hist: Float64Array[] = [];
  const rng = new Rng(seed, 'market');
  for (let a = 0; a < na; a++) f0[a] = rng.normal();
  for (let t = 0; t < nd; t++) {
    const day = new Float32Array(na * nf);
    const f1 = new Float64Array(na);
    for (let a = 0; a < na; a++) {
      f0[a] = 0.9 * f0[a]! + Math.sqrt(1 - 0.81) * rng.normal();
      f1[a] = rng.normal();
      for (let f = 0; f < nf; f++) {
        const v = f === 0 ? f0[a]! : f === 1 ? f1[a]! : rng.normal();
        day[a * nf + f] = rng.uniform() < missing ? Number.NaN : v;
      }
    }
    f1Hist.push(f1);
    if (f1Hist.length > 5) f1Hist.shift();
    for (let a = 0; a < na; a++) {
      let m = 0;
      for (const h of f1Hist) m += h[a]!;
      signal.set(t, a, f0[a]! + m / f1Hist.length);
      const prev = t === 0 ? 10 : close.get(t - 1, a);
      const r = t === 0 ? 0 : strength * signal.get(t - 1, a) + 0.01 * rng.normal();
      close.set(t, a, prev * (1 + r));
    }
    days.push(day);
  }
  return { factors: new FactorCube(dates, assets, factorNames, days), close, signal };
}
