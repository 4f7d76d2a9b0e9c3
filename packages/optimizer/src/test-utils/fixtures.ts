import { readFileSync } from 'node:fs';
import type { EnhancedIndexLimits, EnhancedIndexProblem } from '../enhanced-index/problem.js';

/** One scipy-referenced LP (see `src/__fixtures__/lp_fixtures.py`). */
export interface LpFixture {
  name: string;
  problem: EnhancedIndexProblem;
  reference: {
    status: 'optimal' | 'relaxed' | 'infeasible';
    relaxed: string[];
    limits: { [K in keyof EnhancedIndexLimits]-?: number | null };
    held: number[];
    weights?: number[];
    objective?: number;
    turnover?: number;
  };
  referenceNoRelax: { status: string };
}

/** Loads the committed fixtures as typed-array problems. */
export function loadLpFixtures(): LpFixture[] {
  const path = new URL('../__fixtures__/lp-fixtures.json', import.meta.url);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as {
    fixtures: {
      name: string;
      problem: Record<string, unknown>;
      reference: LpFixture['reference'];
      referenceNoRelax: { status: string };
    }[];
  };
  return doc.fixtures.map((f) => {
    const p = f.problem as {
      scores: number[];
      benchmark: number[];
      previous: number[];
      constituent: number[];
      industry: number[];
      styles: number[][];
      canBuy: number[];
      canSell: number[];
      limits: EnhancedIndexLimits;
    };
    return {
      name: f.name,
      problem: {
        scores: Float64Array.from(p.scores),
        benchmark: Float64Array.from(p.benchmark),
        previous: Float64Array.from(p.previous),
        constituent: Uint8Array.from(p.constituent),
        industry: Int32Array.from(p.industry),
        styles: p.styles.map((s) => Float64Array.from(s)),
        canBuy: Uint8Array.from(p.canBuy),
        canSell: Uint8Array.from(p.canSell),
        limits: { ...p.limits },
      },
      reference: f.reference,
      referenceNoRelax: f.referenceNoRelax,
    };
  });
}
