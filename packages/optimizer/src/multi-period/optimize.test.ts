import { readFileSync } from 'node:fs';
import { HfqError, Rng } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { createEnhancedIndexOptimizer } from '../enhanced-index/optimize.js';
import type { EnhancedIndexProblem } from '../enhanced-index/problem.js';
import { randomProblem } from '../test-utils/random-problem.js';
import { createMultiPeriodOptimizer, type MultiPeriodProblem, multiPeriodEnhancedIndex } from './optimize.js';

/** A random path of H steps: daily-like returns (sd 2%) as fractions per step. */
function randomPath(n: number, h: number, seed: number): Float64Array[] {
  const rng = new Rng(seed, 'mpo-path', n, h);
  return Array.from({ length: h }, () => Float64Array.from({ length: n }, () => 0.02 * rng.normal()));
}

function withPath(p: EnhancedIndexProblem, path: Float64Array[], costs?: MultiPeriodProblem['costs']) {
  const { scores: _s, ...rest } = p;
  return { ...rest, path, ...(costs ? { costs } : {}) };
}

describe('multiPeriodEnhancedIndex', { timeout: 60_000 }, () => {
  it('H = 1 with zero costs is the single-period LP: the same weights', async () => {
    for (const previous of ['benchmark', 'cash'] as const) {
      const p = randomProblem({
        n: 200,
        constituents: 120,
        industries: 8,
        styles: 4,
        previous,
        untradable: 0.05,
        seed: 3,
      });
      const single = (await createEnhancedIndexOptimizer()).solve(p);
      const multi = await multiPeriodEnhancedIndex(withPath(p, [p.scores], { buy: 0, sell: 0 }));
      expect(multi.status).toBe(single.status);
      expect(multi.plan.length).toBe(1);
      let worst = 0;
      for (let i = 0; i < 200; i++) worst = Math.max(worst, Math.abs(multi.weights[i]! - single.weights[i]!));
      expect(worst, previous).toBeLessThan(1e-9);
      let sb = 0;
      for (let i = 0; i < 200; i++) sb += p.scores[i]! * p.benchmark[i]!;
      expect(multi.objective).toBeCloseTo(single.objective - sb, 10);
      expect(multi.turnover[0]).toBeCloseTo(single.turnover, 10);
    }
  });

  it('holds every limit at every step of the plan (exposures, band, floor, turnover, tradability)', async () => {
    const n = 150;
    const p = randomProblem({ n, constituents: 100, industries: 6, styles: 3, untradable: 0.05, seed: 9 });
    const path = randomPath(n, 3, 9);
    const res = await multiPeriodEnhancedIndex(withPath(p, path));
    expect(res.status === 'optimal' || res.status === 'relaxed').toBe(true);
    const held = new Set(res.heldStocks ?? []);
    const l = res.limits;
    let prev = p.previous;
    res.plan.forEach((w, h) => {
      let sum = 0;
      let floor = 0;
      let turn = 0;
      const ind = new Float64Array(6);
      const sty = new Float64Array(3);
      for (let i = 0; i < n; i++) {
        const a = w[i]! - p.benchmark[i]!;
        sum += w[i]!;
        expect(w[i]!).toBeGreaterThanOrEqual(-1e-9);
        if (held.has(i)) expect(Math.abs(w[i]! - p.previous[i]!)).toBeLessThan(1e-9);
        else expect(Math.abs(a), `step ${h} stock ${i}`).toBeLessThanOrEqual(l.maxDeviation + 1e-9);
        if (h === 0 && p.canBuy![i] === 0) expect(w[i]!).toBeLessThanOrEqual(p.previous[i]! + 1e-9);
        if (h === 0 && p.canSell![i] === 0) expect(w[i]!).toBeGreaterThanOrEqual(p.previous[i]! - 1e-9);
        if (p.constituent[i] === 1) floor += w[i]!;
        turn += Math.abs(w[i]! - prev[i]!);
        ind[p.industry[i]!]! += a;
        for (let s = 0; s < 3; s++) sty[s]! += a * p.styles[s]![i]!;
      }
      expect(sum).toBeCloseTo(1, 9);
      expect(floor).toBeGreaterThanOrEqual(0.8 - 1e-9);
      expect(turn, `turnover of step ${h}`).toBeLessThanOrEqual(l.maxTurnover! + 1e-9);
      expect(turn).toBeCloseTo(res.turnover[h]!, 9);
      for (const a of ind) expect(Math.abs(a)).toBeLessThanOrEqual(l.industryBand + 1e-9);
      for (const a of sty) expect(Math.abs(a)).toBeLessThanOrEqual(l.styleBand + 1e-9);
      prev = w;
    });
    // The reported objective is what the plan earns by the path, net of the priced costs.
    let obj = 0;
    prev = p.previous;
    res.plan.forEach((w, h) => {
      for (let i = 0; i < n; i++) {
        const d = w[i]! - prev[i]!;
        obj += path[h]![i]! * (w[i]! - p.benchmark[i]!) - 0.002 * Math.abs(d);
      }
      prev = w;
    });
    expect(res.objective).toBeCloseTo(obj, 10);
  });

  // Four stocks, one industry, no styles: A is predicted up then down, B the reverse. A myopic
  // optimiser buys A / sells B, then trades back; priced costs (1.5% a side, above the 1% a step can earn) keep the plan where it is.
  it('with high costs the plan trades less than repeated single-period steps', async () => {
    const benchmark = Float64Array.from([0.25, 0.25, 0.25, 0.25]);
    const base: Omit<EnhancedIndexProblem, 'scores'> = {
      benchmark,
      previous: benchmark.slice(),
      constituent: Uint8Array.from([1, 1, 1, 1]),
      industry: new Int32Array(4),
      styles: [],
      limits: { maxDeviation: 0.1, industryBand: 1, styleBand: 1, maxTurnover: 1 },
    };
    const path = [Float64Array.from([0.01, -0.01, 0, 0]), Float64Array.from([-0.01, 0.01, 0, 0])];
    const single = await createEnhancedIndexOptimizer();
    let prev = base.previous;
    let myopic = 0;
    for (const r of path) {
      const w = single.solve({ ...base, previous: prev, scores: r }).weights;
      for (let i = 0; i < 4; i++) myopic += Math.abs(w[i]! - prev[i]!);
      prev = w;
    }
    expect(myopic).toBeCloseTo(0.6, 9); // 0.2 in, 0.4 back
    const mpo = await createMultiPeriodOptimizer();
    const high = mpo.solve({ ...base, path, costs: { buy: 0.015, sell: 0.015 } });
    const planned = high.turnover.reduce((a, b) => a + b, 0);
    expect(planned).toBeLessThan(1e-9);
    // Without costs the plan follows the path like the myopic steps do.
    const free = mpo.solve({ ...base, path, costs: { buy: 0, sell: 0 } });
    expect(free.turnover.reduce((a, b) => a + b, 0)).toBeCloseTo(0.6, 9);
  });

  it('relaxes an infeasible first step as the single-period optimiser does, for every step', async () => {
    const p = randomProblem({
      n: 80,
      constituents: 60,
      industries: 4,
      styles: 2,
      seed: 2,
      limits: { maxTurnover: 0.01 },
    });
    // Start far from the band: everything in the last (non-constituent) stock.
    const previous = new Float64Array(80);
    previous[79] = 1;
    const q = { ...p, previous };
    const single = (await createEnhancedIndexOptimizer()).solve({ ...q, scores: p.scores });
    const res = await multiPeriodEnhancedIndex(withPath(q, [p.scores, p.scores], { buy: 0, sell: 0 }));
    expect(single.status).toBe('relaxed');
    expect(res.status).toBe('relaxed');
    expect(res.relaxed).toEqual(single.relaxed);
    expect(res.limits.maxTurnover).toBeCloseTo(single.limits.maxTurnover!, 12);
    expect(res.turnover[1]!).toBeLessThanOrEqual(res.limits.maxTurnover! + 1e-9);
    const off = await multiPeriodEnhancedIndex(withPath(q, [p.scores]), { relax: false });
    expect(off.status).toBe('infeasible');
    expect(Number.isNaN(off.weights[0]!)).toBe(true);
  });

  it('throws typed errors for bad shapes and options', async () => {
    const p = randomProblem({ n: 10, constituents: 10, industries: 2, styles: 1, seed: 1 });
    const cases: [MultiPeriodProblem, string, string][] = [
      [withPath(p, []), 'OPT_BAD_INPUT', 'path'],
      [withPath(p, [p.scores, new Float64Array(9)]), 'OPT_BAD_INPUT', 'path[1]'],
      [
        withPath(p, [p.scores, Float64Array.from({ length: 10 }, (_, i) => (i === 4 ? Number.NaN : 0))]),
        'OPT_BAD_INPUT',
        'path[1]',
      ],
      [withPath(p, [new Float64Array(9)]), 'OPT_BAD_INPUT', 'benchmark'],
      [withPath(p, [p.scores], { buy: -0.1 }), 'OPT_BAD_OPTION', 'costs.buy'],
      [withPath(p, [p.scores], { sell: 1 }), 'OPT_BAD_OPTION', 'costs.sell'],
      [
        withPath(
          p,
          Array.from({ length: 65 }, () => p.scores),
        ),
        'OPT_BAD_INPUT',
        'path',
      ],
    ];
    const mpo = await createMultiPeriodOptimizer();
    for (const [problem, code, field] of cases) {
      let err: unknown;
      try {
        mpo.solve(problem);
      } catch (e) {
        err = e;
      }
      expect(HfqError.is(err), field).toBe(true);
      expect((err as HfqError).code, field).toBe(code);
      expect((err as HfqError).context.field, field).toBe(field);
    }
  });
});

describe('multiPeriodEnhancedIndex against scipy linprog(highs)', () => {
  it('plans the same three steps as an independent weight-space model (mpo_fixture.py)', async () => {
    const doc = JSON.parse(
      readFileSync(new URL('../__fixtures__/mpo-fixture.json', import.meta.url), 'utf8'),
    );
    const p = doc.problem;
    const f64 = (a: number[]) => Float64Array.from(a);
    const res = await multiPeriodEnhancedIndex({
      path: p.path.map(f64),
      benchmark: f64(p.benchmark),
      previous: f64(p.previous),
      constituent: Uint8Array.from(p.constituent),
      industry: Int32Array.from(p.industry),
      styles: p.styles.map(f64),
      canBuy: Uint8Array.from(p.canBuy),
      canSell: Uint8Array.from(p.canSell),
      limits: p.limits,
      costs: p.costs,
    });
    expect(res.status).toBe('optimal');
    expect(Math.abs(res.objective - doc.reference.objective)).toBeLessThan(1e-9);
    res.plan.forEach((w, h) => {
      const ref: number[] = doc.reference.plan[h];
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(w[i]! - ref[i]!));
      expect(worst, `step ${h + 1}`).toBeLessThan(1e-7);
    });
  });
});
