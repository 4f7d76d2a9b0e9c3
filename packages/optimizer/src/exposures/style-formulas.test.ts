/**
 * The style exposures are formulas of the daily factor language (`@hfq/factor-dsl` `styleFactors`):
 * on a @hfq/sim market with suspensions, IPOs inside the span and delistings, evaluating the
 * formulas gives what the hand-written rolling loops gave (`__fixtures__/style-exposures-loops.ts`,
 * the code `styleExposures` ran before), to 1e-12.
 */
import { type Panel, STYLE_NAMES } from '@hfq/core';
import { broadcastDaily, evaluateDaily, STYLE_FACTORS } from '@hfq/factor-dsl';
import { createMarket } from '@hfq/sim';
import { describe, expect, it } from 'vitest';
import { styleExposuresLoops } from './__fixtures__/style-exposures-loops.js';
import { type StyleExposureOptions, styleExposures } from './style-exposures.js';

const sim = createMarket({
  nStocks: 40,
  nDays: 330,
  nIndustries: 4,
  indexSize: 16,
  indexSkipLargest: 3,
  seed: 9,
});
const daily = sim.daily();
const index = sim.index();
const T = daily.close.nDates;
const N = daily.close.nAssets;
// A book-to-price with gaps (the sim has none): book value = 0.4 x cap at the first close.
const bookToPrice = daily.marketCap.map((c, t, a) => (t % 17 === a % 5 ? Number.NaN : (0.4 * 1e9) / c));

/** Largest |a - b| over the panels, and whether NaN sits at the same places. */
function compare(a: Panel, b: Panel): { maxAbs: number; nanMismatch: number; finite: number } {
  let maxAbs = 0;
  let nanMismatch = 0;
  let finite = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = b.values[i]!;
    if (Number.isNaN(x) !== Number.isNaN(y)) nanMismatch++;
    else if (!Number.isNaN(x)) {
      finite++;
      maxAbs = Math.max(maxAbs, Math.abs(x - y));
    }
  }
  return { maxAbs, nanMismatch, finite };
}

describe('the style formulas against the hand-written loops, on a @hfq/sim market', () => {
  it('the market has what the rules are about: suspensions, IPOs inside the span, unlisted days', () => {
    let suspended = 0;
    let unlisted = 0;
    for (let i = 0; i < T * N; i++) {
      if (daily.suspended.values[i] === 1) suspended++;
      if (daily.listed.values[i] !== 1) unlisted++;
    }
    expect(suspended).toBeGreaterThan(20);
    expect(unlisted).toBeGreaterThan(20);
  });

  it('evaluateDaily(STYLE_FACTORS) equals the loops with the default windows to 1e-12, NaN at the same places', async () => {
    const out = await evaluateDaily(STYLE_FACTORS, {
      close: daily.close,
      adjFactor: daily.adjFactor,
      marketCap: daily.marketCap,
      turnover: daily.turnover,
      bookToPrice,
      listed: daily.listed,
      suspended: daily.suspended,
      indexRet: broadcastDaily(index.ret, daily.close),
    });
    const ref = styleExposuresLoops({ ...daily, bookToPrice }, index);
    expect(ref.names).toEqual([...STYLE_NAMES]);
    for (const [s, name] of ref.names.entries()) {
      const c = compare(out[name]!, ref.panels[s]!);
      expect(c.nanMismatch, name).toBe(0);
      expect(c.finite, name).toBeGreaterThan(N * 20);
      expect(c.maxAbs, name).toBeLessThanOrEqual(1e-12);
    }
  });

  const every = daily.close.dates;
  const cases: [string, StyleExposureOptions][] = [
    ['the defaults', {}],
    [
      "the workflow's risk factors (6-month windows)",
      {
        styles: ['size', 'beta', 'momentum', 'value'],
        momentumWindow: 126,
        momentumMinObs: 63,
        betaWindow: 126,
        betaMinObs: 63,
      },
    ],
    [
      'short windows, no skip, no clip, some dates',
      {
        dates: [every[40]!, every[150]!, every[300]!, every[329]!],
        betaWindow: 30,
        betaMinObs: 10,
        momentumWindow: 20,
        momentumSkip: 0,
        momentumMinObs: 5,
        liquidityWindow: 3,
        clip: Number.POSITIVE_INFINITY,
      },
    ],
    ['a clip of 2', { clip: 2, styles: ['liquidity', 'size', 'residualVolatility'] }],
  ];
  for (const [label, options] of cases) {
    it(`styleExposures (the formulas) equals the loops to 1e-12: ${label}`, () => {
      const input = { ...daily, bookToPrice };
      const got = styleExposures(input, index, options);
      const ref = styleExposuresLoops(input, index, options);
      expect(got.names).toEqual(ref.names);
      for (const [s, name] of ref.names.entries()) {
        expect(got.panels[s]!.dates).toEqual(ref.panels[s]!.dates);
        const c = compare(got.panels[s]!, ref.panels[s]!);
        expect(c.nanMismatch, name).toBe(0);
        expect(c.finite, name).toBeGreaterThan(0);
        expect(c.maxAbs, name).toBeLessThanOrEqual(1e-12);
      }
    });
  }

  it('without the listed and suspended flags, every stock counts as listed and traded (as the loops)', () => {
    const { listed: _l, suspended: _s, ...rest } = daily;
    const options = { betaWindow: 60, betaMinObs: 20, momentumWindow: 60, momentumMinObs: 20 };
    const got = styleExposures(rest, index, options);
    const ref = styleExposuresLoops(rest, index, options);
    for (const [s, name] of ref.names.entries()) {
      const c = compare(got.panels[s]!, ref.panels[s]!);
      expect(c.nanMismatch, name).toBe(0);
      expect(c.maxAbs, name).toBeLessThanOrEqual(1e-12);
    }
  });
});
