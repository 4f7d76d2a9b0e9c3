/**
 * Inputs that size allocations (industry indices, industry counts, windows) are checked before
 * anything is allocated, and solver failures name the HiGHS status and what to check.
 */
import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { backtestEnhancedIndex } from './backtest/backtest.js';
import { optimizeEnhancedIndex } from './enhanced-index/optimize.js';
import { MAX_INDUSTRIES } from './enhanced-index/problem.js';
import { industryOneHot, styleExposures } from './exposures/style-exposures.js';
import { describeHighsStatus } from './lp/highs.js';
import { randomMarket } from './test-utils/markets.js';
import { randomProblem } from './test-utils/random-problem.js';

async function errorOf(f: () => unknown): Promise<HfqError | string> {
  try {
    await f();
  } catch (e) {
    return HfqError.is(e) ? e : `not an HfqError: ${String(e)}`;
  }
  return 'no error';
}

describe('industry indices are bounded before they size anything', () => {
  it('optimizeEnhancedIndex rejects an industry index of 2e9 (and of MAX_INDUSTRIES) with the asset', async () => {
    for (const bad of [2e9, MAX_INDUSTRIES, 1.5, -1]) {
      const p = randomProblem({ n: 12, industries: 3, styles: 1, seed: 3 });
      p.industry = Float64Array.from(p.industry) as never;
      (p.industry as unknown as Float64Array)[7] = bad;
      const e = await errorOf(() => optimizeEnhancedIndex(p));
      expect(e).toBeInstanceOf(HfqError);
      expect((e as HfqError).code).toBe('OPT_BAD_INPUT');
      expect((e as HfqError).context).toMatchObject({ field: 'industry', asset: 7 });
    }
  });

  it('numIndustries and industryOneHot k are bounded too', async () => {
    const p = randomProblem({ n: 12, industries: 3, styles: 1, seed: 3 });
    const e = await errorOf(() => optimizeEnhancedIndex(p, { numIndustries: 2e9 }));
    expect((e as HfqError).code).toBe('OPT_BAD_OPTION');
    expect((await errorOf(() => industryOneHot(Int32Array.of(0, 1), 2e9))) as HfqError).toMatchObject({
      code: 'OPT_BAD_OPTION',
    });
    expect((await errorOf(() => industryOneHot(Int32Array.of(0, 2e9)))) as HfqError).toMatchObject({
      code: 'OPT_BAD_INPUT',
      context: { asset: 1 },
    });
  });

  it('the backtest names the asset and date of a bad industry index', async () => {
    const { market, signal } = randomMarket({ n: 8, days: 30, constituents: 6, seed: 5 });
    const industry = Int32Array.from({ length: 8 }, (_, i) => i % 3);
    industry[2] = 2e9;
    const e = await errorOf(() =>
      backtestEnhancedIndex({
        signal,
        market: { ...market, industry },
        scenarios: { only: {} },
        parallel: false,
      }),
    );
    expect((e as HfqError).code).toBe('OPT_BAD_INPUT');
    expect((e as HfqError).context.field).toBe('industry');
    expect((e as HfqError).context.asset).toBe(signal.assets[2]);
    expect(typeof (e as HfqError).context.date).toBe('number');
  });
});

describe('window options are bounded before they size rolling buffers', () => {
  it('styleExposures rejects a betaWindow of 1e9', async () => {
    const { market } = randomMarket({ n: 6, days: 20, constituents: 4, seed: 2 });
    const e = await errorOf(() => styleExposures(market.daily as never, market.index, { betaWindow: 1e9 }));
    expect((e as HfqError).code).toBe('OPT_BAD_OPTION');
    expect((e as HfqError).context.field).toBe('betaWindow');
  });
});

describe('HiGHS statuses are named, with what to check', () => {
  const table = { optimal: 7, infeasible: 8, timeLimit: 13 };
  it('maps codes to names and advice', () => {
    expect(describeHighsStatus(8, table)).toMatch(
      /^HiGHS model status infeasible \(8\): the limits cannot all hold/,
    );
    expect(describeHighsStatus(13, table)).toMatch(/timeLimit \(13\).*raise it/);
    expect(describeHighsStatus(99, table)).toMatch(/unknown status 99/);
  });
});
