import { describe, expect, it } from 'vitest';
import { createMarket } from '../market.js';
import { limitPrice } from '../universe/stock-path.js';

/** A small market with every kind of event made frequent. */
const market = createMarket({
  seed: 9,
  nStocks: 50,
  nDays: 120,
  suspensionRate: 0.01,
  newListingFraction: 0.2,
  delistingPerYear: 0.6,
  stPerYear: 0.5,
  dividendsPerYear: 3,
  splitsPerYear: 1,
});
const daily = market.daily();
const N = market.assets.length;
const D = market.calendar.length;
const onGrid = (x: number) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-9;

describe('daily bars', () => {
  it('are exactly the aggregation of the minute bars on every traded stock-day', { timeout: 30_000 }, () => {
    const bad: string[] = [];
    let traded = 0;
    for (let a = 0; a < N; a++) {
      for (let t = 0; t < D; t++) {
        const bars = market.minuteBars(a, t);
        if (!bars) continue;
        traded++;
        let hi = -Infinity;
        let lo = Infinity;
        let vol = 0;
        let amt = 0;
        for (let j = 0; j < 240; j++) {
          hi = Math.max(hi, bars.high[j]!);
          lo = Math.min(lo, bars.low[j]!);
          vol += bars.volume[j]!;
          amt += bars.amount[j]!;
        }
        const ok =
          daily.open.get(t, a) === bars.open[0] &&
          daily.high.get(t, a) === hi &&
          daily.low.get(t, a) === lo &&
          daily.close.get(t, a) === bars.close[239] &&
          daily.volume.get(t, a) === vol &&
          daily.amount.get(t, a) === amt &&
          daily.vwap.get(t, a) === amt / vol;
        if (!ok && bad.length < 5) bad.push(`asset ${a} day ${t}`);
      }
    }
    expect(traded).toBeGreaterThan(4000);
    expect(bad).toEqual([]);
  });

  it('respect price limits (10% main, 20% growth boards, 5% ST), the 0.01 grid and 100-share lots', () => {
    const bad: string[] = [];
    const seen = { main: 0, growth: 0, st: 0, up: 0, down: 0 };
    for (let a = 0; a < N; a++) {
      for (let t = 0; t < D; t++) {
        const close = daily.close.get(t, a);
        if (!Number.isFinite(close)) continue;
        const pre = daily.preClose.get(t, a);
        const up = daily.upLimit.get(t, a);
        const down = daily.downLimit.get(t, a);
        const st = daily.st.get(t, a) === 1;
        const pct = st ? 5 : market.board[a] === 'main' ? 10 : 20;
        if (st) seen.st++;
        else if (pct === 10) seen.main++;
        else seen.growth++;
        const preC = Math.round(pre * 100);
        const fields = ['open', 'high', 'low', 'close', 'preClose', 'upLimit', 'downLimit'] as const;
        const ok =
          up === limitPrice(preC, pct) / 100 &&
          down === limitPrice(preC, -pct) / 100 &&
          fields.every((f) => onGrid(daily[f].get(t, a))) &&
          down <= daily.low.get(t, a) &&
          daily.low.get(t, a) <= Math.min(daily.open.get(t, a), close) &&
          Math.max(daily.open.get(t, a), close) <= daily.high.get(t, a) &&
          daily.high.get(t, a) <= up &&
          daily.volume.get(t, a) % 100 === 0 &&
          daily.isLimitUp.get(t, a) === (close === up ? 1 : 0) &&
          daily.isLimitDown.get(t, a) === (close === down ? 1 : 0);
        seen.up += daily.isLimitUp.get(t, a);
        seen.down += daily.isLimitDown.get(t, a);
        if (!ok && bad.length < 5) bad.push(`asset ${a} day ${t}`);
      }
    }
    expect(bad).toEqual([]);
    expect(seen.main).toBeGreaterThan(100);
    expect(seen.growth).toBeGreaterThan(100);
    expect(seen.st).toBeGreaterThan(50);
    expect(seen.up).toBeGreaterThan(0);
    expect(seen.down).toBeGreaterThan(0);
    // Minute prices respect the same limits and lots.
    const t = 5;
    const a = Array.from(daily.close.row(t)).findIndex((c) => c > 0);
    const bars = market.minuteBars(a, t)!;
    for (let j = 0; j < 240; j++) {
      const fields = [bars.open[j]!, bars.high[j]!, bars.low[j]!, bars.close[j]!];
      expect(fields.every(onGrid) && bars.volume[j]! % 100 === 0).toBe(true);
      expect(bars.high[j]!).toBeLessThanOrEqual(daily.upLimit.get(t, a));
      expect(bars.low[j]!).toBeGreaterThanOrEqual(daily.downLimit.get(t, a));
    }
  });

  it('suspended days have no bars, NaN prices and volumes, flags set, valuations carried', () => {
    let suspended = 0;
    for (let a = 0; a < N; a++) {
      for (let t = 0; t < D; t++) {
        if (daily.suspended.get(t, a) !== 1) continue;
        suspended++;
        expect(market.minuteBars(a, t)).toBeNull();
        expect(market.ticks(a, t)).toBeNull();
        expect(daily.listed.get(t, a)).toBe(1);
        for (const f of [
          'open',
          'high',
          'low',
          'close',
          'preClose',
          'vwap',
          'volume',
          'amount',
          'turnover',
        ] as const) {
          expect(daily[f].get(t, a)).toBeNaN();
        }
        expect(daily.isLimitUp.get(t, a)).toBe(0);
        expect(Number.isFinite(daily.adjFactor.get(t, a))).toBe(true);
        expect(daily.marketCap.get(t, a)).toBeGreaterThan(0);
      }
    }
    expect(suspended).toBeGreaterThan(20);
  });

  it('lists and delists stocks inside the span: NaN and flags 0 outside, ST before delisting', () => {
    const truth = market.truth();
    const ipo = Array.from(truth.listDay).findIndex((d) => d > 0 && d < D);
    const gone = Array.from(truth.delistDay).findIndex((d) => d > 45 && d < D);
    expect(ipo).toBeGreaterThanOrEqual(0);
    expect(gone).toBeGreaterThanOrEqual(0);
    const l = truth.listDay[ipo]!;
    expect(daily.listed.get(l - 1, ipo)).toBe(0);
    expect(daily.close.get(l - 1, ipo)).toBeNaN();
    expect(daily.marketCap.get(l - 1, ipo)).toBeNaN();
    expect(market.minuteBars(ipo, l - 1)).toBeNull();
    expect(daily.listed.get(l, ipo)).toBe(1);
    expect(daily.close.get(l, ipo)).toBeGreaterThan(0);
    const g = truth.delistDay[gone]!;
    expect(daily.listed.get(g - 1, gone)).toBe(1);
    expect(daily.st.get(g - 1, gone)).toBe(1);
    expect(daily.st.get(g - 40, gone)).toBe(1);
    for (let t = g; t < D; t++) {
      expect(daily.listed.get(t, gone)).toBe(0);
      expect(daily.close.get(t, gone)).toBeNaN();
      expect(daily.st.get(t, gone)).toBe(0);
    }
  });

  it('adjusts for dividends and splits: preClose * adj[T] equals close * adj[T-1] across consecutive trading days', () => {
    let actions = 0;
    let checked = 0;
    for (let a = 0; a < N; a++) {
      for (let t = 1; t < D; t++) {
        const c0 = daily.close.get(t - 1, a);
        const pre = daily.preClose.get(t, a);
        if (!Number.isFinite(c0) || !Number.isFinite(pre)) continue;
        checked++;
        const lhs = pre * daily.adjFactor.get(t, a);
        const rhs = c0 * daily.adjFactor.get(t - 1, a);
        expect(Math.abs(lhs / rhs - 1)).toBeLessThan(1e-12);
        if (pre !== c0) actions++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
    expect(actions).toBeGreaterThan(10);
  });

  it('caps, turnover and book-to-price are consistent with prices and volumes', () => {
    for (let a = 0; a < N; a += 7) {
      for (let t = 0; t < D; t += 11) {
        const c = daily.close.get(t, a);
        if (!Number.isFinite(c)) continue;
        const fcap = daily.floatMarketCap.get(t, a);
        expect(daily.marketCap.get(t, a)).toBeGreaterThanOrEqual(fcap);
        expect(daily.turnover.get(t, a)).toBeCloseTo(daily.volume.get(t, a) / (fcap / c), 12);
        expect(daily.bookToPrice.get(t, a)).toBeGreaterThan(0);
      }
    }
  });
});

describe('stylised facts', () => {
  it('daily returns have fat tails and volatility clustering', { timeout: 30_000 }, () => {
    const m = createMarket({ seed: 3, nStocks: 30, nDays: 300 });
    const d = m.daily();
    const truth = m.truth();
    const rets: number[] = [];
    let acf = 0;
    let nAcf = 0;
    for (let a = 0; a < 30; a++) {
      const series: number[] = [];
      for (let t = 1; t < 300; t++) {
        const r = Math.log(
          (d.close.get(t, a) * d.adjFactor.get(t, a)) / (d.close.get(t - 1, a) * d.adjFactor.get(t - 1, a)),
        );
        const idio = r - truth.beta[a]! * truth.marketReturn[t]!;
        if (Number.isFinite(idio) && d.isLimitUp.get(t, a) === 0 && d.isLimitDown.get(t, a) === 0)
          series.push(idio);
      }
      const mu = series.reduce((x, y) => x + y, 0) / series.length;
      const abs = series.map((x) => Math.abs(x - mu));
      const ma = abs.reduce((x, y) => x + y, 0) / abs.length;
      let num = 0;
      let den = 0;
      for (let i = 0; i < abs.length; i++) {
        den += (abs[i]! - ma) ** 2;
        if (i > 0) num += (abs[i]! - ma) * (abs[i - 1]! - ma);
      }
      acf += num / den;
      nAcf++;
      for (const x of series) rets.push((x - mu) / (ma * Math.sqrt(Math.PI / 2)));
    }
    const m2 = rets.reduce((x, y) => x + y * y, 0) / rets.length;
    const m4 = rets.reduce((x, y) => x + y ** 4, 0) / rets.length;
    expect(m4 / (m2 * m2)).toBeGreaterThan(4); // a normal has kurtosis 3
    expect(acf / nAcf).toBeGreaterThan(0.04); // |returns| are autocorrelated
  });
});
