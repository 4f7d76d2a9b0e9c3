/**
 * The multi-period optimiser in the backtest loop (`backtestEnhancedIndex({ multiPeriod })`) on a
 * tiny @hfq/sim market: the same loop as the single-period runs, and no look-ahead.
 */
import { Panel } from '@hfq/core';
import { createMarket } from '@hfq/sim';
import { describe, expect, it } from 'vitest';
import { backtestEnhancedIndex, type EnhancedIndexBacktestInput } from '../backtest/backtest.js';

describe('backtestEnhancedIndex with multiPeriod', { timeout: 60_000 }, () => {
  const sim = createMarket({
    nStocks: 50,
    nDays: 90,
    nIndustries: 5,
    indexSize: 20,
    indexSkipLargest: 4,
    seed: 11,
  });
  const daily = sim.daily();
  const market = { daily, index: sim.index(), industry: sim.industry, styles: sim.styles() };
  // A two-step weekly path from the simulator's expected daily return (5 trading days a step),
  // the second step's view shrunk: a stand-in for a model's predicted path.
  const er = sim.truth().expectedReturn;
  const path = [er.map((v) => 5 * v), er.map((v) => 2.5 * v)];
  const signal = er.map((v) => 7.5 * v); // the summed path
  const base: EnhancedIndexBacktestInput = {
    signal,
    market,
    start: daily.close.dates[30]!,
    scenarios: { floor80: { minConstituentWeight: 0.8 } },
    parallel: false,
  };

  it('H = 1 on the signal with zero priced costs reproduces the single-period backtest', async () => {
    const single = await backtestEnhancedIndex(base);
    const multi = await backtestEnhancedIndex({
      ...base,
      multiPeriod: { path: [signal], costs: { buy: 0, sell: 0 } },
    });
    const a = single.scenarios.floor80!;
    const b = multi.scenarios.floor80!;
    expect(b.rebalances.status).toEqual(a.rebalances.status);
    let worst = 0;
    for (let x = 0; x < a.weights.values.length; x++)
      worst = Math.max(worst, Math.abs(a.weights.values[x]! - b.weights.values[x]!));
    expect(worst).toBeLessThan(1e-8);
    expect(b.nav.at(-1)!).toBeCloseTo(a.nav.at(-1)!, 8);
  });

  it('the decision at T reads only inputs given at T: changing every path row and signal after T leaves it', async () => {
    const run = await backtestEnhancedIndex({ ...base, multiPeriod: { path } });
    const sc = run.scenarios.floor80!;
    expect(sc.rebalances.status.every((s) => s !== 'infeasible')).toBe(true);
    const k = Math.floor(run.rebalanceDates.length / 2);
    const cut = run.rebalanceDates[k]!;
    const scramble = (p: Panel<Float64Array>, salt: number) =>
      new Panel(
        p.dates,
        p.assets,
        p.values.map((v, x) => (p.dates[Math.floor(x / p.nAssets)]! > cut ? Math.sin(x * salt) * 0.05 : v)),
      );
    const other = await backtestEnhancedIndex({
      ...base,
      signal: scramble(signal, 3),
      multiPeriod: { path: [scramble(path[0]!, 5), scramble(path[1]!, 7)] },
    });
    const sc2 = other.scenarios.floor80!;
    const n = sim.assets.length;
    for (let j = 0; j <= k; j++) {
      for (let i = 0; i < n; i++) expect(sc2.weights.get(j, i)).toBe(sc.weights.get(j, i));
    }
    // ...and the later decisions did change (the test would catch a path read after T).
    let diff = 0;
    for (let i = 0; i < n; i++) diff += Math.abs(sc2.weights.get(k + 1, i) - sc.weights.get(k + 1, i));
    expect(diff).toBeGreaterThan(1e-3);
  });

  it('worker threads give the same result as this thread', async () => {
    const two = { floor80: { minConstituentWeight: 0.8 }, noFloor: { minConstituentWeight: undefined } };
    const here = await backtestEnhancedIndex({ ...base, scenarios: two, multiPeriod: { path } });
    const there = await backtestEnhancedIndex({
      ...base,
      scenarios: two,
      parallel: true,
      multiPeriod: { path },
    });
    for (const s of Object.keys(two)) {
      expect(Array.from(there.scenarios[s]!.weights.values)).toEqual(
        Array.from(here.scenarios[s]!.weights.values),
      );
    }
  });

  it('rejects a path whose assets or dates do not match the market', async () => {
    const wrong = new Panel(er.dates, [...er.assets].reverse(), er.values);
    await expect(backtestEnhancedIndex({ ...base, multiPeriod: { path: [wrong] } })).rejects.toMatchObject({
      code: 'OPT_BAD_INPUT',
      context: { field: 'multiPeriod.path[0]' },
    });
    const short = er.sliceDates(0, 40);
    await expect(backtestEnhancedIndex({ ...base, multiPeriod: { path: [short] } })).rejects.toMatchObject({
      code: 'OPT_BAD_INPUT',
      context: { field: 'multiPeriod.path[0]' },
    });
    await expect(backtestEnhancedIndex({ ...base, multiPeriod: { path: [] } })).rejects.toMatchObject({
      code: 'OPT_BAD_OPTION',
    });
  });
});
