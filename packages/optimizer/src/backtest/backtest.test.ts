import type { Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { cloneMarket, constPanel, panelOf, randomMarket } from '../test-utils/markets.js';
import { backtestEnhancedIndex, type EnhancedIndexBacktestInput } from './backtest.js';
import type { BacktestMarket } from './market.js';

// A 3-stock market, Mon 1 Jan .. Tue 9 Jan 2024. C has a 2-for-1 split on D4 (adjFactor 1 -> 2).
const D = [20240101, 20240102, 20240103, 20240104, 20240105, 20240108, 20240109];
const S = ['A', 'B', 'C'];
const closeRows = [
  [10, 20, 5],
  [11, 20, 5],
  [12, 19, 5.5],
  [12, 19, 6],
  [13, 18, 3],
  [12, 18, 3.1],
  [12, 19, 3.2],
];
const vwapRows = [
  [10, 20, 5],
  [10.5, 20.2, 5.1],
  [11.5, 19.5, 5.3],
  [12, 19, 5.8],
  [12.5, 18.5, 3.05],
  [12.2, 18, 3.05],
  [12, 18.8, 3.15],
];
const adjRows = D.map((_, t) => [1, 1, t >= 4 ? 2 : 1]);
const bench = [0.5, 0.3, 0.2];

function tinyMarket(
  edit?: (m: {
    close: number[][];
    vwap: number[][];
    up: number[][];
    down: number[][];
    susp: number[][];
  }) => void,
): BacktestMarket {
  const m = {
    close: closeRows.map((r) => [...r]),
    vwap: vwapRows.map((r) => [...r]),
    up: D.map(() => [0, 0, 0]),
    down: D.map(() => [0, 0, 0]),
    susp: D.map(() => [0, 0, 0]),
  };
  edit?.(m);
  // Adjusted close, carried over a suspension (a NaN close).
  const adjClose = (t: number, i: number): number => {
    const p = m.close[t]![i]! * adjRows[t]![i]!;
    return Number.isFinite(p) ? p : adjClose(t - 1, i);
  };
  const ret = new Float64Array(D.length);
  ret[0] = Number.NaN;
  for (let t = 1; t < D.length; t++) {
    ret[t] = bench.reduce((acc, b, i) => acc + b * (adjClose(t, i) / adjClose(t - 1, i) - 1), 0);
  }
  return {
    daily: {
      close: panelOf(D, S, m.close),
      vwap: panelOf(D, S, m.vwap),
      adjFactor: panelOf(D, S, adjRows),
      isLimitUp: panelOf(D, S, m.up),
      isLimitDown: panelOf(D, S, m.down),
      suspended: panelOf(D, S, m.susp),
    },
    index: {
      constituent: constPanel(D, S, 1),
      weight: panelOf(
        D,
        S,
        D.map(() => [...bench]),
      ),
      ret,
    },
    industry: new Int32Array([0, 0, 0]),
    styles: {},
  };
}

const nan = Number.NaN;
const signal = panelOf(D, S, [
  [3, 2, 1],
  [nan, nan, nan],
  [nan, nan, nan],
  [1, 2, 3],
  [nan, nan, nan],
  [nan, nan, nan],
  [nan, nan, nan],
]);

function input(market: BacktestMarket, costs = { buy: 0.001, sell: 0.003 }): EnhancedIndexBacktestInput {
  return {
    signal,
    market,
    schedule: [D[0]!, D[3]!],
    limits: { maxDeviation: 0.1, industryBand: 0.02, styleBand: 0.3, maxTurnover: 0.2 },
    scenarios: { only: {} },
    costs,
    parallel: false,
  };
}

describe('backtestEnhancedIndex on a 3-stock market, by hand', { timeout: 60_000 }, () => {
  it('fills at T+1 VWAP with costs per side, drifts weights, marks NAV at adjusted closes', async () => {
    const res = await backtestEnhancedIndex(input(tinyMarket()));
    const sc = res.scenarios.only!;
    expect(Array.from(res.dates)).toEqual(D);
    expect(Array.from(res.rebalanceDates)).toEqual([D[0], D[3]]);
    expect(Array.from(res.tradeDates)).toEqual([D[1], D[4]]);

    // Rebalance 1 (D0, from cash): max 3wA + 2wB + wC in the 10% bands around (0.5, 0.3, 0.2).
    const w1 = Array.from(sc.weights.row(0));
    for (const [i, w] of [0.6, 0.3, 0.1].entries()) expect(w1[i]!).toBeCloseTo(w, 12);
    // Fill on D1 at VWAP (10.5, 20.2, 5.1); 0.1% buy cost on top of each purchase.
    let sA = w1[0]! / 1.001 / 10.5;
    const sB = w1[1]! / 1.001 / 20.2;
    let sC = w1[2]! / 1.001 / 5.1;
    const nav = [1, sA * 11 + sB * 20 + sC * 5, sA * 12 + sB * 19 + sC * 5.5, sA * 12 + sB * 19 + sC * 6];
    // Rebalance 2 (D3): scores reversed, turnover 0.2 binds: sell 0.1 of A, buy 0.1 of C.
    const w0 = [(sA * 12) / nav[3]!, (sB * 19) / nav[3]!, (sC * 6) / nav[3]!];
    for (const [i, w] of Array.from(sc.previous.row(1)).entries()) expect(w).toBeCloseTo(w0[i]!, 14);
    const t2 = Array.from(sc.trades.row(1));
    expect(t2[0]!).toBeCloseTo(-0.1, 10);
    expect(t2[1]!).toBeCloseTo(0, 10);
    expect(t2[2]!).toBeCloseTo(0.1, 10);
    // Fill on D4 at VWAP: sell the fraction 0.1 / w0A of A at 12.5 (0.3% cost); buy C at the
    // adjusted VWAP 3.05 x 2 with the proceeds (0.1% cost).
    const f = -t2[0]! / w0[0]!;
    const vFill = sA * 12.5 + sB * 18.5 + sC * 6.1;
    const gross = f * sA * 12.5;
    const bought = (gross * 0.997) / 1.001;
    sA *= 1 - f;
    sC += bought / 6.1;
    nav.push(sA * 13 + sB * 18 + sC * 6, sA * 12 + sB * 18 + sC * 6.2, sA * 12 + sB * 19 + sC * 6.4);
    for (const [d, v] of nav.entries()) expect(sc.nav[d]!).toBeCloseTo(v, 13);
    for (let d = 1; d < D.length; d++) expect(sc.returns[d]!).toBeCloseTo(nav[d]! / nav[d - 1]! - 1, 13);
    expect(sc.rebalances.turnover[1]!).toBeCloseTo((gross + bought) / vFill, 13);
    expect(sc.rebalances.cost[1]!).toBeCloseTo((gross * 0.003 + bought * 0.001) / vFill, 14);
    expect(sc.rebalances.turnover[0]!).toBeCloseTo(1 / 1.001, 13); // the first purchase, from cash
    expect(sc.summary.turnover).toBeCloseTo((gross + bought) / vFill, 13); // first purchase excluded
    // Benchmark: the index's own daily return.
    for (let d = 1; d < D.length; d++) {
      const ret = bench.reduce(
        (acc, b, i) =>
          acc +
          b * ((closeRows[d]![i]! * adjRows[d]![i]!) / (closeRows[d - 1]![i]! * adjRows[d - 1]![i]!) - 1),
        0,
      );
      expect(res.benchmark.returns[d]!).toBeCloseTo(ret, 15);
      expect(sc.relativeNav[d]!).toBeCloseTo(sc.nav[d]! / res.benchmark.nav[d]!, 14);
    }
    expect(sc.stats.count).toBe(D.length - 1);
    expect(sc.stats.totalReturn).toBeCloseTo(nav[6]! - 1, 13);
  });

  it('costs appear only on fill days: without costs, only D1 and D4 change', async () => {
    const withCosts = (await backtestEnhancedIndex(input(tinyMarket()))).scenarios.only!;
    const free = (await backtestEnhancedIndex(input(tinyMarket(), { buy: 0, sell: 0 }))).scenarios.only!;
    for (const d of [2, 3]) expect(withCosts.returns[d]!).toBeCloseTo(free.returns[d]!, 14);
    expect(free.returns[1]! - withCosts.returns[1]!).toBeGreaterThan(1e-4);
    expect(Math.abs(free.returns[4]! - withCosts.returns[4]!)).toBeGreaterThan(1e-5);
    expect(free.rebalances.cost[0]).toBe(0);
  });

  it('uses the T+1 VWAP, not a close: moving only the D1 VWAP of A changes the D1 NAV as computed', async () => {
    const res = await backtestEnhancedIndex(
      input(
        tinyMarket((m) => {
          m.vwap[1]![0] = 11; // A bought at 11 instead of 10.5
        }),
      ),
    );
    const sc = res.scenarios.only!;
    const nav1 = (0.6 / 1.001 / 11) * 11 + (0.3 / 1.001 / 20.2) * 20 + (0.1 / 1.001 / 5.1) * 5;
    expect(sc.nav[1]!).toBeCloseTo(nav1, 12);
  });

  it('limit-down on the fill day: A cannot be sold, so B (next lowest score) is sold down to its band', async () => {
    const sc = (await backtestEnhancedIndex(input(tinyMarket((m) => (m.down[4]![0] = 1))))).scenarios.only!;
    const t = Array.from(sc.trades.row(1));
    const w0 = Array.from(sc.previous.row(1));
    expect(t[0]).toBe(0);
    expect(w0[1]! + t[1]!).toBeCloseTo(0.2, 9); // B at the bottom of its band
    expect(t[2]!).toBeCloseTo(-t[1]!, 9);
  });

  it('limit-up on the fill day: C cannot be bought, so the 0.1 sold from A goes to B', async () => {
    const sc = (await backtestEnhancedIndex(input(tinyMarket((m) => (m.up[4]![2] = 1))))).scenarios.only!;
    const t = Array.from(sc.trades.row(1));
    expect(t[0]!).toBeCloseTo(-0.1, 9);
    expect(t[1]!).toBeCloseTo(0.1, 9);
    expect(t[2]).toBe(0);
  });

  it('suspended on the fill day: A is held (above its band: reported), valued at its last close', async () => {
    const res = await backtestEnhancedIndex(
      input(
        tinyMarket((m) => {
          m.susp[4]![0] = 1;
          m.close[4]![0] = Number.NaN;
          m.vwap[4]![0] = Number.NaN;
        }),
      ),
    );
    const sc = res.scenarios.only!;
    // w0 of A (0.63) is above its band (0.6) and A cannot trade: held at w0, reported as relaxed.
    expect(sc.rebalances.status[1]).toBe('relaxed');
    expect(sc.rebalances.relaxed[1]).toEqual(['untradableBand']);
    expect(sc.rebalances.held[1]).toBe(1);
    expect(sc.trades.get(1, 0)).toBe(0);
    // B (middle score) is sold to the bottom of its band and C bought with it.
    const w0 = Array.from(sc.previous.row(1));
    const t = Array.from(sc.trades.row(1));
    expect(w0[1]! + t[1]!).toBeCloseTo(0.2, 9);
    // By hand from D3: shares = w0 * NAV3 / close3; sell B at 18.5, buy C at 3.05 x 2.
    const nav3 = sc.nav[3]!;
    const sA = (w0[0]! * nav3) / 12;
    let sB = (w0[1]! * nav3) / 19;
    let sC = (w0[2]! * nav3) / 6;
    const f = -t[1]! / w0[1]!;
    const gross = f * sB * 18.5;
    sB *= 1 - f;
    sC += (gross * 0.997) / 1.001 / 6.1;
    expect(sc.nav[4]!).toBeCloseTo(sA * 12 + sB * 18 + sC * 6, 13); // A at its D3 close
    expect(sc.nav[5]!).toBeCloseTo(sA * 12 + sB * 18 + sC * 6.2, 13);
  });
});

describe('backtestEnhancedIndex on a random market', { timeout: 60_000 }, () => {
  it('has no look-ahead: perturbing prices after T leaves the weights chosen up to T unchanged', async () => {
    const { market, signal: sig } = randomMarket({ n: 30, days: 300, constituents: 20, seed: 3 });
    const run = (m: BacktestMarket) =>
      backtestEnhancedIndex({ signal: sig, market: m, parallel: false, costs: { buy: 0.002, sell: 0.002 } });
    const base = await run(market);
    const j = 40; // rebalance index whose signal date is T
    const T = base.rebalanceDates[j]!;
    const tIdx = market.daily.close.dateIndex(T);
    const perturbed = cloneMarket(market);
    for (const p of [
      perturbed.daily.close,
      perturbed.daily.vwap,
      perturbed.daily.marketCap!,
      perturbed.daily.turnover!,
    ]) {
      const v = (p as Panel).values;
      for (let x = (tIdx + 1) * 30; x < v.length; x++) v[x] = v[x]! * (1.5 + 0.01 * (x % 7));
    }
    // Flags of T+1 are the order's execution constraints; everything from T+2 on may change.
    for (let x = (tIdx + 2) * 30; x < perturbed.daily.suspended!.values.length; x++) {
      perturbed.daily.suspended!.values[x] = x % 11 === 0 ? 1 : 0;
    }
    for (let t = tIdx + 1; t < perturbed.index.ret.length; t++) perturbed.index.ret[t] = 0.01;
    const after = await run(perturbed);
    for (const name of Object.keys(base.scenarios)) {
      const a = base.scenarios[name]!;
      const b = after.scenarios[name]!;
      for (let r = 0; r <= j; r++) expect(Array.from(b.weights.row(r))).toEqual(Array.from(a.weights.row(r)));
      expect(Array.from(b.nav.subarray(0, tIdx - market.daily.close.dateIndex(base.dates[0]!) + 1))).toEqual(
        Array.from(a.nav.subarray(0, tIdx - market.daily.close.dateIndex(base.dates[0]!) + 1)),
      );
      // ...and the perturbation did reach later decisions.
      expect(Array.from(b.weights.row(j + 2))).not.toEqual(Array.from(a.weights.row(j + 2)));
    }
  });

  it('beats the index with an informative signal, respects the limits, and reports the study row', async () => {
    const { market, signal: sig } = randomMarket({
      n: 40,
      days: 260,
      constituents: 25,
      seed: 5,
      randomStyles: true,
      styles: 3,
    });
    const res = await backtestEnhancedIndex({ signal: sig, market, parallel: false });
    expect(Object.keys(res.scenarios)).toEqual(['floor80', 'noFloor']);
    for (const sc of Object.values(res.scenarios)) {
      expect(sc.summary.excessAnnualReturn).toBeGreaterThan(0);
      expect(sc.stats.yearly.years.length).toBeGreaterThan(0);
      for (let r = 1; r < res.rebalanceDates.length; r++) {
        if (sc.rebalances.status[r] === 'optimal')
          expect(sc.rebalances.plannedTurnover[r]!).toBeLessThanOrEqual(0.3 + 1e-7);
      }
    }
    const fl = res.scenarios.floor80!;
    for (let r = 0; r < res.rebalanceDates.length; r++) {
      if (fl.rebalances.status[r] !== 'optimal') continue;
      let c = 0;
      for (let i = 0; i < 25; i++) c += fl.weights.get(r, i);
      expect(c).toBeGreaterThanOrEqual(0.8 - 1e-7);
    }
  });

  it('stops with ABORTED when the task signal fires', async () => {
    const { market, signal: sig } = randomMarket({
      n: 20,
      days: 120,
      constituents: 12,
      seed: 4,
      randomStyles: true,
      styles: 2,
    });
    const ctrl = new AbortController();
    const run = backtestEnhancedIndex(
      { signal: sig, market, parallel: false },
      // Progress events are throttled (one per 100 ms), so a warm run may emit only its first and
      // last: abort on the first one, and the next rebalance must see it.
      { signal: ctrl.signal, onProgress: () => ctrl.abort() },
    );
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('runs scenarios in worker threads with results identical to the in-process run', async () => {
    const { market, signal: sig } = randomMarket({
      n: 30,
      days: 120,
      constituents: 20,
      seed: 9,
      randomStyles: true,
      styles: 2,
    });
    const seen: string[] = [];
    const inProcess = await backtestEnhancedIndex({ signal: sig, market, parallel: false });
    const threaded = await backtestEnhancedIndex(
      { signal: sig, market, parallel: true },
      { onProgress: (e) => seen.push(String(e.done)) },
    );
    for (const name of Object.keys(inProcess.scenarios)) {
      const a = inProcess.scenarios[name]!;
      const b = threaded.scenarios[name]!;
      expect(Array.from(b.weights.values)).toEqual(Array.from(a.weights.values));
      expect(Array.from(b.nav)).toEqual(Array.from(a.nav));
      expect(b.rebalances.status).toEqual(a.rebalances.status);
    }
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('HiGHS warm start across rebalances', { timeout: 60_000 }, () => {
  it('reaches the same optimum every week as cold solves (the basis carried by column key)', async () => {
    const { createEnhancedIndexOptimizer } = await import('../enhanced-index/optimize.js');
    const { prepareBacktest } = await import('./prepare.js');
    const { runScenario } = await import('./run-scenario.js');
    const { market, signal: sig } = randomMarket({
      n: 60,
      days: 200,
      constituents: 35,
      seed: 13,
      randomStyles: true,
      styles: 4,
    });
    const prep = prepareBacktest(sig, market, {});
    const limits = {
      maxDeviation: 0.02,
      industryBand: 0.02,
      styleBand: 0.3,
      maxTurnover: 0.3,
      minConstituentWeight: 0.8,
    };
    const warm = runScenario(prep, limits, await createEnhancedIndexOptimizer({ numIndustries: prep.k }));
    const cold = runScenario(
      prep,
      limits,
      await createEnhancedIndexOptimizer({ numIndustries: prep.k, highs: { warmStart: false } }),
    );
    for (let j = 0; j < prep.r; j++) {
      expect(Math.abs(warm.objective[j]! - cold.objective[j]!)).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(cold.objective[j]!)),
      );
    }
    expect(Math.abs(warm.nav[warm.nav.length - 1]! - cold.nav[cold.nav.length - 1]!)).toBeLessThan(1e-9);
  });
});
