/**
 * Independent cross-check with GLPK (glpk.js, a root devDependency used only in tests): the LP is
 * written here again in weight space (w, and t >= |w - w0| for turnover), not in the optimiser's
 * trade variables, and GLPK's exact simplex must find the same optimum as HiGHS.
 */
import GLPK from 'glpk.js/node';
import { describe, expect, it } from 'vitest';
import { randomProblem } from '../test-utils/random-problem.js';
import { optimizeEnhancedIndex } from './optimize.js';
import type { EnhancedIndexProblem } from './problem.js';

type Glpk = Awaited<ReturnType<typeof GLPK>>;

function glpkOptimum(glpk: Glpk, p: EnhancedIndexProblem): { status: number; z: number } {
  const n = p.scores.length;
  const l = p.limits;
  const w = (i: number) => `w${i}`;
  const t = (i: number) => `t${i}`;
  const subjectTo: Parameters<Glpk['solve']>[0]['subjectTo'] = [];
  const bnd = (type: number, lb: number, ub: number) => ({ type, lb, ub });
  subjectTo.push({
    name: 'budget',
    vars: Array.from({ length: n }, (_, i) => ({ name: w(i), coef: 1 })),
    bnds: bnd(glpk.GLP_FX, 1, 1),
  });
  let k = 0;
  for (const ind of p.industry) k = Math.max(k, ind + 1);
  for (let j = 0; j < k; j++) {
    let bk = 0;
    const vars = [];
    for (let i = 0; i < n; i++) {
      if (p.industry[i] !== j) continue;
      vars.push({ name: w(i), coef: 1 });
      bk += p.benchmark[i]!;
    }
    if (vars.length)
      subjectTo.push({
        name: `ind${j}`,
        vars,
        bnds: bnd(glpk.GLP_DB, bk - l.industryBand, bk + l.industryBand),
      });
  }
  p.styles.forEach((x, s) => {
    let bx = 0;
    for (let i = 0; i < n; i++) bx += p.benchmark[i]! * x[i]!;
    subjectTo.push({
      name: `sty${s}`,
      vars: Array.from({ length: n }, (_, i) => ({ name: w(i), coef: x[i]! })),
      bnds: bnd(glpk.GLP_DB, bx - l.styleBand, bx + l.styleBand),
    });
  });
  if (l.minConstituentWeight !== undefined) {
    const vars = [];
    for (let i = 0; i < n; i++) if (p.constituent[i] === 1) vars.push({ name: w(i), coef: 1 });
    subjectTo.push({ name: 'floor', vars, bnds: bnd(glpk.GLP_LO, l.minConstituentWeight, 0) });
  }
  const bounds = [];
  for (let i = 0; i < n; i++) {
    const b = p.benchmark[i]!;
    const w0 = p.previous[i]!;
    let lo = Math.max(0, b - l.maxDeviation);
    let hi = b + l.maxDeviation;
    if (p.canBuy?.[i] === 0) hi = Math.min(hi, w0);
    if (p.canSell?.[i] === 0) lo = Math.max(lo, w0);
    bounds.push(
      lo === hi ? { name: w(i), ...bnd(glpk.GLP_FX, lo, hi) } : { name: w(i), ...bnd(glpk.GLP_DB, lo, hi) },
    );
  }
  if (l.maxTurnover !== undefined) {
    for (let i = 0; i < n; i++) {
      const w0 = p.previous[i]!;
      subjectTo.push({
        name: `tu${i}`,
        vars: [
          { name: w(i), coef: 1 },
          { name: t(i), coef: -1 },
        ],
        bnds: bnd(glpk.GLP_UP, 0, w0),
      });
      subjectTo.push({
        name: `tl${i}`,
        vars: [
          { name: w(i), coef: 1 },
          { name: t(i), coef: 1 },
        ],
        bnds: bnd(glpk.GLP_LO, w0, 0),
      });
      bounds.push({ name: t(i), ...bnd(glpk.GLP_LO, 0, 0) });
    }
    subjectTo.push({
      name: 'turnover',
      vars: Array.from({ length: n }, (_, i) => ({ name: t(i), coef: 1 })),
      bnds: bnd(glpk.GLP_UP, 0, l.maxTurnover),
    });
  }
  const res = glpk.solve(
    {
      name: 'enhanced-index',
      objective: {
        direction: glpk.GLP_MAX,
        name: 'score',
        vars: Array.from({ length: n }, (_, i) => ({ name: w(i), coef: p.scores[i]! })),
      },
      subjectTo,
      bounds,
    },
    { msglev: glpk.GLP_MSG_OFF, presol: false },
  );
  return { status: res.result.status, z: res.result.z };
}

describe('optimizeEnhancedIndex against GLPK (independent weight-space model)', {
  timeout: 60_000,
}, async () => {
  const glpk = await GLPK();
  const cases = [
    { name: 'N=300, study limits', spec: { n: 300, constituents: 200, styles: 6, industries: 12, seed: 21 } },
    {
      name: 'N=500, 10% untradable',
      spec: { n: 500, constituents: 300, styles: 8, industries: 20, untradable: 0.1, seed: 22 },
    },
    {
      name: 'N=400, no floor, loose turnover',
      spec: {
        n: 400,
        constituents: 250,
        styles: 5,
        industries: 15,
        seed: 23,
        limits: { minConstituentWeight: undefined, maxTurnover: 0.6 },
      },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: same optimum to 1e-7 relative`, async () => {
      const p = randomProblem(c.spec);
      const ref = glpkOptimum(glpk, p);
      expect(ref.status).toBe(glpk.GLP_OPT);
      for (const engine of ['highs', 'jsLPSolver'] as const) {
        const r = await optimizeEnhancedIndex(p, { engine });
        expect(r.status).toBe('optimal');
        expect(Math.abs(r.objective - ref.z) / Math.max(1, Math.abs(ref.z)), engine).toBeLessThan(1e-7);
      }
    });
  }
});
