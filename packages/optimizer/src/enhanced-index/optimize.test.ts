import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { type LpFixture, loadLpFixtures } from '../test-utils/fixtures.js';
import { createEnhancedIndexOptimizer, type EnhancedIndexResult, optimizeEnhancedIndex } from './optimize.js';

const fixtures = loadLpFixtures();
const byName = (name: string): LpFixture => fixtures.find((f) => f.name === name)!;

function expectClose(actual: number, expected: number, rel: number, what: string): void {
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rel * scale);
}

function checkAgainstScipy(f: LpFixture, r: EnhancedIndexResult, compareWeights: boolean): void {
  const ref = f.reference;
  expect(r.status).toBe(ref.status);
  expect(r.relaxed ?? []).toEqual(ref.relaxed);
  expect(Array.from(r.heldStocks ?? [])).toEqual(ref.held);
  for (const key of [
    'maxDeviation',
    'industryBand',
    'styleBand',
    'minConstituentWeight',
    'maxTurnover',
  ] as const) {
    const want = ref.limits[key];
    const got = r.limits[key];
    if (want === null) expect(got).toBeUndefined();
    else expectClose(got!, want, 1e-7, `limit ${key}`);
  }
  // Optimum equal to scipy's to 1e-7 relative.
  expectClose(r.objective, ref.objective!, 1e-7, 'objective');
  expectClose(r.turnover, ref.turnover!, compareWeights ? 1e-7 : Number.POSITIVE_INFINITY, 'turnover');
  if (compareWeights) {
    let worst = 0;
    for (let i = 0; i < r.weights.length; i++)
      worst = Math.max(worst, Math.abs(r.weights[i]! - ref.weights![i]!));
    expect(worst, `max |w - w_scipy| in ${f.name}`).toBeLessThan(1e-7);
  }
}

describe.each(['highs', 'jsLPSolver'] as const)(
  'optimizeEnhancedIndex (%s) against scipy linprog(highs)',
  { timeout: 60_000 },
  (engine) => {
    for (const f of fixtures) {
      // Integer scores leave many optimal portfolios: only the optimum is unique there.
      const unique = f.name !== 'degenerate';
      it(`${f.name}: ${f.reference.status}${f.reference.relaxed.length ? ` (${f.reference.relaxed.join(', ')})` : ''}`, async () => {
        const r = await optimizeEnhancedIndex(f.problem, { engine });
        expect(r.engine).toBe(engine);
        checkAgainstScipy(f, r, unique);
      });
    }
  },
);

describe('optimizeEnhancedIndex behaviour', { timeout: 60_000 }, () => {
  it('reports infeasible (NaN weights) when relaxation is off, as scipy does', async () => {
    const f = byName('infeasible-turnover');
    expect(f.referenceNoRelax.status).toBe('infeasible');
    const r = await optimizeEnhancedIndex(f.problem, { relax: false });
    expect(r.status).toBe('infeasible');
    expect(r.weights.every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(r.objective)).toBe(true);
  });

  it('relaxes turnover to the smallest feasible value: a tighter bound is infeasible', async () => {
    const f = byName('infeasible-turnover');
    const r = await optimizeEnhancedIndex(f.problem);
    const widened = r.limits.maxTurnover!;
    expect(widened).toBeGreaterThan(0.3);
    const tighter = await optimizeEnhancedIndex(
      { ...f.problem, limits: { ...f.problem.limits, maxTurnover: widened - 1e-6 } },
      { relax: false },
    );
    expect(tighter.status).toBe('infeasible');
  });

  it('returns infeasible when even the relaxed problem has no portfolio (cash, nothing buyable)', async () => {
    const f = byName('small-cash');
    const r = await optimizeEnhancedIndex({ ...f.problem, canBuy: new Uint8Array(f.problem.scores.length) });
    expect(r.status).toBe('infeasible');
    expect(r.weights.every(Number.isNaN)).toBe(true);
  });

  it('does not apply the turnover bound to a first purchase from cash (turnover = 1)', async () => {
    const f = byName('small-cash');
    const r = await optimizeEnhancedIndex({
      ...f.problem,
      limits: { ...f.problem.limits, maxTurnover: 0.3 },
    });
    expect(r.status).toBe('optimal');
    expect(r.limits.maxTurnover).toBeUndefined();
    expectClose(r.turnover, 1, 1e-12, 'turnover');
  });

  it('respects tradability: no buy above w0 when canBuy = 0, no sale below w0 when canSell = 0', async () => {
    const f = byName('tradability');
    const r = await optimizeEnhancedIndex(f.problem);
    const { canBuy, canSell, previous } = f.problem;
    let bound = 0;
    for (let i = 0; i < r.weights.length; i++) {
      if (canBuy![i] === 0) expect(r.weights[i]!).toBeLessThanOrEqual(previous[i]! + 1e-9);
      if (canSell![i] === 0) expect(r.weights[i]!).toBeGreaterThanOrEqual(previous[i]! - 1e-9);
      if ((canBuy![i] === 0 || canSell![i] === 0) && Math.abs(r.weights[i]! - previous[i]!) < 1e-12) bound++;
    }
    expect(bound).toBeGreaterThan(0); // some flags actually bind
  });

  it('folds pinned trades out of the LP: with maxDeviation 0 every trade is fixed and w = b', async () => {
    const f = byName('medium');
    for (const engine of ['highs', 'jsLPSolver'] as const) {
      const r = await optimizeEnhancedIndex(
        { ...f.problem, limits: { ...f.problem.limits, maxDeviation: 0, maxTurnover: 2 } },
        { engine },
      );
      expect(r.status).toBe('optimal');
      let worst = 0;
      for (let i = 0; i < r.weights.length; i++)
        worst = Math.max(worst, Math.abs(r.weights[i]! - f.problem.benchmark[i]!));
      expect(worst).toBeLessThan(1e-15);
    }
  });

  it('gives the same portfolio whatever the scale of the scores', async () => {
    const f = byName('medium');
    const a = await optimizeEnhancedIndex(f.problem);
    const b = await optimizeEnhancedIndex({ ...f.problem, scores: f.problem.scores.map((s) => s * 1e-6) });
    let worst = 0;
    for (let i = 0; i < a.weights.length; i++)
      worst = Math.max(worst, Math.abs(a.weights[i]! - b.weights[i]!));
    expect(worst).toBeLessThan(1e-9);
  });

  it('reports exposures inside the limits and the time spent', async () => {
    const f = byName('medium');
    const r = await optimizeEnhancedIndex(f.problem);
    expect(r.exposures.industry.length).toBe(30);
    expect(r.exposures.style.length).toBe(10);
    for (const a of r.exposures.industry) expect(Math.abs(a)).toBeLessThanOrEqual(0.02 + 1e-7);
    for (const a of r.exposures.style) expect(Math.abs(a)).toBeLessThanOrEqual(0.3 + 1e-7);
    expect(r.exposures.constituentWeight).toBeGreaterThanOrEqual(0.8 - 1e-7);
    expect(r.exposures.maxAbsDeviation).toBeLessThanOrEqual(0.008 + 1e-7);
    expect(r.solveMs).toBeGreaterThan(0);
    expect(r.solves).toBe(1);
  });

  it('fails loudly when the engine returns weights that break a constraint', async () => {
    const f = byName('medium');
    const honest = await createEnhancedIndexOptimizer();
    // An engine that returns the right answer nudged by 1e-6 on one stock's buy.
    const liar = await createEnhancedIndexOptimizer();
    const solve = liar.solver.solve.bind(liar.solver);
    (liar.solver as { solve: typeof solve }).solve = (lp) => {
      const s = solve(lp);
      s.x[3] = s.x[3]! + 1e-6;
      return s;
    };
    expect(honest.solve(f.problem).status).toBe('optimal');
    let err: unknown;
    try {
      liar.solve(f.problem);
    } catch (e) {
      err = e;
    }
    expect(HfqError.is(err, 'OPT_VERIFY_FAILED')).toBe(true);
  });

  it('rejects malformed input with OPT_BAD_INPUT naming the field and the stock', async () => {
    const f = byName('small');
    const scores = f.problem.scores.slice();
    scores[4] = Number.NaN;
    await expect(optimizeEnhancedIndex({ ...f.problem, scores })).rejects.toMatchObject({
      code: 'OPT_BAD_INPUT',
      context: { field: 'scores', asset: 4 },
    });
    await expect(
      optimizeEnhancedIndex({ ...f.problem, benchmark: f.problem.benchmark.map((b) => b * 2) }),
    ).rejects.toMatchObject({ code: 'OPT_BAD_INPUT', context: { field: 'benchmark' } });
    await expect(
      optimizeEnhancedIndex({ ...f.problem, limits: { ...f.problem.limits, maxDeviation: -1 } }),
    ).rejects.toMatchObject({ code: 'OPT_BAD_OPTION' });
  });
});
