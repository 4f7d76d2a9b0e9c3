import { Panel, STYLE_NAMES, zscoreInPlace } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { cloneMarket, randomMarket } from '../test-utils/markets.js';
import { industryOneHot, type StyleDailyInput, styleColumnsAt, styleExposures } from './style-exposures.js';

/** Direct (windowed, non-rolling) computation of the raw descriptors, as an independent reference. */
function bruteRaw(
  daily: StyleDailyInput,
  ret: Float64Array,
  t: number,
  i: number,
  o: { W: number; minB: number; MW: number; skip: number; minM: number; L: number },
): Record<string, number> {
  const n = daily.close.nAssets;
  const px = (d: number) => {
    if (d < 0 || daily.suspended?.values[d * n + i] === 1) return Number.NaN;
    const p = daily.close.values[d * n + i]! * daily.adjFactor.values[d * n + i]!;
    return p > 0 ? p : Number.NaN;
  };
  const xs: number[] = [];
  const ys: number[] = [];
  for (let d = Math.max(0, t - o.W + 1); d <= t; d++) {
    const y = px(d) / px(d - 1) - 1;
    if (Number.isFinite(y) && Number.isFinite(ret[d]!)) {
      xs.push(ret[d]!);
      ys.push(y);
    }
  }
  let beta = Number.NaN;
  let resid = Number.NaN;
  if (xs.length >= o.minB) {
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    for (let k = 0; k < xs.length; k++) {
      sxy += (xs[k]! - mx) * (ys[k]! - my);
      sxx += (xs[k]! - mx) ** 2;
    }
    beta = sxy / sxx;
    let ss = 0;
    for (let k = 0; k < xs.length; k++) ss += (ys[k]! - my - beta * (xs[k]! - mx)) ** 2;
    resid = Math.sqrt(ss / (xs.length - 2));
  }
  // Momentum: log returns since the last traded close, for days t-MW+1 .. t-skip.
  let mom = 0;
  let cnt = 0;
  for (let d = Math.max(0, t - o.MW + 1); d <= t - o.skip; d++) {
    const p = px(d);
    if (!Number.isFinite(p)) continue;
    let prev = Number.NaN;
    for (let e = d - 1; e >= 0 && !Number.isFinite(prev); e--) prev = px(e);
    if (Number.isFinite(prev)) {
      mom += Math.log(p / prev);
      cnt++;
    }
  }
  let tv = 0;
  let tvc = 0;
  for (let d = Math.max(0, t - o.L + 1); d <= t; d++) {
    if (daily.suspended?.values[d * n + i] === 1) continue;
    const v = daily.turnover.values[d * n + i]!;
    if (Number.isFinite(v)) {
      tv += v;
      tvc++;
    }
  }
  const cap = daily.marketCap.values[t * n + i]!;
  return {
    size: cap > 0 ? Math.log(cap) : Number.NaN,
    beta,
    momentum: cnt >= o.minM ? mom : Number.NaN,
    residualVolatility: resid,
    liquidity: tvc > 0 && tv > 0 ? Math.log(tv / tvc) : Number.NaN,
    value: daily.bookToPrice!.values[t * n + i]!,
  };
}

/** The style exposures' standardisation rule (see `styleExposures`), without a clip. */
const BARRA = { ddof: 0, constant: 'nan' } as const;

describe('styleExposures', () => {
  const { market } = randomMarket({ n: 25, days: 140, constituents: 15, seed: 11, suspendRate: 0.02 });
  const d = market.daily;
  const bp = new Panel(
    d.close.dates,
    d.close.assets,
    d.close.values.map((c, x) => (x % 9 === 0 ? Number.NaN : 1 / (c || 1))),
  );
  const daily: StyleDailyInput = {
    close: d.close,
    adjFactor: d.adjFactor,
    marketCap: d.marketCap!,
    turnover: d.turnover!,
    bookToPrice: bp,
    suspended: d.suspended!,
  };
  const o = { W: 60, minB: 20, MW: 50, skip: 5, minM: 25, L: 10 };
  const options = {
    betaWindow: o.W,
    betaMinObs: o.minB,
    momentumWindow: o.MW,
    momentumSkip: o.skip,
    momentumMinObs: o.minM,
    liquidityWindow: o.L,
    clip: Number.POSITIVE_INFINITY,
  };
  const dates = [d.close.dates[70]!, d.close.dates[100]!, d.close.dates[139]!];

  it('equals a direct windowed computation, standardised, for all six styles', () => {
    const e = styleExposures(daily, market.index, { ...options, dates });
    expect(e.names).toEqual([...STYLE_NAMES]);
    for (const date of dates) {
      const t = d.close.dateIndex(date);
      const cols = styleColumnsAt(e, date);
      e.names.forEach((name, s) => {
        const ref = new Float64Array(25);
        for (let i = 0; i < 25; i++) ref[i] = bruteRaw(daily, market.index.ret, t, i, o)[name]!;
        zscoreInPlace(ref, { ...BARRA, weights: d.marketCap!.row(t) });
        for (let i = 0; i < 25; i++) {
          if (Number.isNaN(ref[i]!)) expect(cols[s]![i], `${name} ${date} ${i}`).toBeNaN();
          else expect(cols[s]![i]!, `${name} ${date} ${i}`).toBeCloseTo(ref[i]!, 9);
        }
        // Cap-weighted mean 0 and unit std over the stocks that have the style.
        let w = 0;
        let wx = 0;
        let m = 0;
        let c = 0;
        for (let i = 0; i < 25; i++) {
          const x = cols[s]![i]!;
          if (!Number.isFinite(x)) continue;
          const cap = d.marketCap!.get(t, i);
          w += cap;
          wx += cap * x;
          m += x;
          c++;
        }
        expect(wx / w).toBeCloseTo(0, 10);
        let ss = 0;
        for (let i = 0; i < 25; i++) if (Number.isFinite(cols[s]![i]!)) ss += (cols[s]![i]! - m / c) ** 2;
        expect(Math.sqrt(ss / c)).toBeCloseTo(1, 10);
      });
    }
  });

  it('has no look-ahead: changing data after T leaves the exposures of T bit-identical', () => {
    const T = d.close.dateIndex(dates[1]!);
    const before = styleExposures(daily, market.index, { ...options, dates: [dates[1]!] });
    const m2 = cloneMarket(market);
    for (const p of [m2.daily.close, m2.daily.marketCap!, m2.daily.turnover!]) {
      for (let x = (T + 1) * 25; x < p.values.length; x++) p.values[x] = p.values[x]! * 3;
    }
    for (let t = T + 1; t < m2.index.ret.length; t++) m2.index.ret[t] = -0.05;
    const after = styleExposures(
      { ...daily, close: m2.daily.close, marketCap: m2.daily.marketCap!, turnover: m2.daily.turnover! },
      m2.index,
      { ...options, dates: [dates[1]!] },
    );
    for (const [s, p] of before.panels.entries()) {
      expect(Array.from(after.panels[s]!.values)).toEqual(Array.from(p.values));
    }
  });

  it('industryOneHot builds one dummy column per industry; bad input throws', () => {
    const cols = industryOneHot(new Int32Array([0, 2, 1, 2]));
    expect(cols.map((c) => Array.from(c))).toEqual([
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 1],
    ]);
    expect(() => styleExposures(daily, market.index, { dates: [20990101] })).toThrow(
      /not in the daily panels/,
    );
    expect(() => styleExposures(daily, market.index, { momentumSkip: 300 })).toThrow(/momentumSkip/);
    // Minimums that no window can meet (they used to give all-NaN styles silently).
    expect(() => styleExposures(daily, market.index, { betaWindow: 40, betaMinObs: 41 })).toThrow(
      /betaMinObs \(41\) must be <= betaWindow \(40\)/,
    );
    expect(() =>
      styleExposures(daily, market.index, { momentumWindow: 50, momentumSkip: 5, momentumMinObs: 46 }),
    ).toThrow(/momentumMinObs \(46\) must be <= momentumWindow - momentumSkip \(45\)/);
  });
});
