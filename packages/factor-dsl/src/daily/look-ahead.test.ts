import { Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { OPERATORS } from '../ops/table.js';
import { evaluateDaily } from './evaluate.js';
import { DAILY_LIBRARY } from './library.js';
import { testDailyMarket } from './test-market.js';

/**
 * The perturb-the-future test: every daily operator (its documented example) and every shipped
 * daily factor is evaluated twice, on a market and on the same market with every input (and the
 * industry codes) changed after date T0. Values up to T0 must be identical, bit for bit: time-series
 * operators read only earlier days, cross-sectional and group operators only their own date.
 */
const T = 90;
const N = 9;
const T0 = 60;

function perturbAfter(p: Panel, t0: number, salt: number): Panel {
  const v = Float64Array.from(p.values);
  for (let i = (t0 + 1) * p.nAssets; i < v.length; i++) {
    v[i] = i % 17 === salt % 17 ? NaN : v[i]! * (1.3 + 0.2 * Math.sin(i + salt)) + (i % 5);
  }
  return new Panel(p.dates, p.assets, v);
}

describe('no look-ahead at the daily level', () => {
  const { inputs, industry } = testDailyMarket(T, N);
  const future: Record<string, Panel> = {};
  let salt = 0;
  for (const [k, p] of Object.entries(inputs)) future[k] = perturbAfter(p, T0, salt++);
  const futureIndustry = new Panel(
    industry.dates,
    industry.assets,
    Float64Array.from(industry.values, (c, i) => (i >= (T0 + 1) * N ? (c + 1) % 3 : c)),
  );
  const defs = [
    ...OPERATORS.filter((o) => o.level === 'daily').map((o) => ({
      name: `op:${o.name}`,
      formula: o.example,
    })),
    ...DAILY_LIBRARY.map((f) => ({ name: `lib:${f.name}`, formula: f.formula })),
    { name: 'qlib:cntd', formula: 'Mean($close>Ref($close, 1), 20)-Mean($close<Ref($close, 1), 20)' },
    { name: 'qlib:rsv', formula: '($close-Min($low, 20))/(Max($high, 20)-Min($low, 20)+1e-12)' },
    { name: 'qlib:ema', formula: 'EMA($close, 10) / $close' },
  ];

  for (const minPeriods of ['qlib', 'window'] as const) {
    it(`holds for every daily operator and shipped daily factor (minPeriods '${minPeriods}')`, async () => {
      const a = await evaluateDaily(defs, inputs, { groups: { industry }, minPeriods });
      const b = await evaluateDaily(defs, future, { groups: { industry: futureIndustry }, minPeriods });
      const leaks: string[] = [];
      let finite = 0;
      for (const d of defs) {
        const x = a[d.name]!.values;
        const y = b[d.name]!.values;
        for (let i = 0; i < (T0 + 1) * N; i++) {
          if (!Object.is(x[i], y[i])) {
            leaks.push(`${d.name} at day ${Math.floor(i / N)}: ${x[i]} vs ${y[i]}`);
            break;
          }
          if (Number.isFinite(x[i]!)) finite++;
        }
        // The perturbation reaches the factor after T0 (so the test would see a leak).
        let changed = false;
        for (let i = (T0 + 1) * N; i < x.length && !changed; i++) changed = !Object.is(x[i], y[i]);
        expect(changed, `${d.name} does not depend on its inputs`).toBe(true);
      }
      expect(leaks).toEqual([]);
      expect(finite).toBeGreaterThan(defs.length * N * 20);
    });
  }
});
