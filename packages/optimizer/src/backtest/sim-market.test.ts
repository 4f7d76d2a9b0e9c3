/**
 * End to end on a tiny @hfq/sim market: its DailyBars and IndexData pass straight into the
 * backtest (checked by the type checker), the planted alpha earns excess return, and the
 * exposures computed from its daily bars line up with the generator's true loadings.
 */
import { createMarket } from '@hfq/sim';
import { describe, expect, it } from 'vitest';
import { styleExposures } from '../exposures/style-exposures.js';
import { backtestEnhancedIndex } from './backtest.js';

describe('backtestEnhancedIndex on a tiny @hfq/sim market', { timeout: 60_000 }, () => {
  const sim = createMarket({
    nStocks: 70,
    nDays: 150,
    nIndustries: 6,
    indexSize: 28,
    indexSkipLargest: 6,
    seed: 5,
  });
  const daily = sim.daily();
  const index = sim.index();
  const truth = sim.truth();

  it('trades the planted alpha into excess return, within the limits and the tradability rules', async () => {
    const res = await backtestEnhancedIndex({
      signal: truth.alpha,
      market: { daily, index, industry: sim.industry, styles: sim.styles() },
      parallel: false,
    });
    expect(res.rebalanceDates.length).toBeGreaterThan(25);
    for (const [name, sc] of Object.entries(res.scenarios)) {
      expect(sc.summary.excessAnnualReturn, name).toBeGreaterThan(0);
      expect(sc.summary.informationRatio, name).toBeGreaterThan(1);
      for (let j = 0; j < res.rebalanceDates.length; j++) {
        const tf = daily.close.dateIndex(res.tradeDates[j]!);
        for (let i = 0; i < sim.assets.length; i++) {
          const trade = sc.trades.get(j, i);
          const suspended = daily.suspended.get(tf, i) === 1;
          if (suspended || daily.isLimitUp.get(tf, i) === 1)
            expect(trade, `no buy ${j} ${i}`).toBeLessThanOrEqual(1e-7);
          if (suspended || daily.isLimitDown.get(tf, i) === 1)
            expect(trade, `no sale ${j} ${i}`).toBeGreaterThanOrEqual(-1e-7);
        }
        if (name === 'floor80' && sc.rebalances.status[j] === 'optimal') {
          let c = 0;
          const t = daily.close.dateIndex(res.rebalanceDates[j]!);
          for (let i = 0; i < sim.assets.length; i++) c += index.constituent.get(t, i) * sc.weights.get(j, i);
          expect(c).toBeGreaterThanOrEqual(0.8 - 1e-7);
        }
      }
    }
  });

  it('styleExposures on its DailyBars: size and beta line up with the true loadings', () => {
    const t = 140;
    const e = styleExposures(daily, index, {
      dates: [daily.close.dates[t]!],
      betaWindow: 120,
      betaMinObs: 60,
      momentumWindow: 60,
      momentumSkip: 5,
      momentumMinObs: 30,
    });
    const truthStyles = sim.styles();
    const corr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < a.length; i++) {
        if (Number.isFinite(a[i]!) && Number.isFinite(b[i]!)) {
          x.push(a[i]!);
          y.push(b[i]!);
        }
      }
      const mx = x.reduce((s, v) => s + v, 0) / x.length;
      const my = y.reduce((s, v) => s + v, 0) / y.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      x.forEach((v, k) => {
        sxy += (v - mx) * (y[k]! - my);
        sxx += (v - mx) ** 2;
        syy += (y[k]! - my) ** 2;
      });
      return sxy / Math.sqrt(sxx * syy);
    };
    expect(corr(e.panels[e.names.indexOf('size')]!.row(0), truthStyles.size.row(t))).toBeGreaterThan(0.9);
    expect(corr(e.panels[e.names.indexOf('beta')]!.row(0), truth.beta)).toBeGreaterThan(0.3);
    expect(corr(e.panels[e.names.indexOf('value')]!.row(0), truthStyles.value.row(t))).toBeGreaterThan(0.9);
  });
});
