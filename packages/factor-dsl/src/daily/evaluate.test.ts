import { readFileSync } from 'node:fs';
import { HfqError, Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { checkDaily } from './check.js';
import { type DailyEvaluateOptions, evaluateDaily } from './evaluate.js';

/** The market and cases of `__fixtures__/daily.json` (made by make_daily_fixtures.py). */
interface Fixture {
  dates: number[];
  assets: string[];
  inputs: Record<string, (number | null)[]>;
  industry: (number | null)[];
  cases: { formula: string; minPeriods: 'qlib' | 'window'; expected: (number | null)[] }[];
}
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/daily.json', import.meta.url), 'utf8')) as Fixture;
const toF64 = (a: (number | null)[]) => Float64Array.from(a, (x) => x ?? NaN);
const inputs: Record<string, Panel> = {};
for (const [k, v] of Object.entries(fx.inputs)) inputs[k] = new Panel(fx.dates, fx.assets, toF64(v));
const industry = toF64(fx.industry);

/** Equal to 1e-9 relative (absolute below 1), NaN exactly where the reference has NaN. */
function expectClose(got: Float64Array, want: Float64Array, label: string): void {
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const same = Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= 1e-9 * Math.max(1, Math.abs(w));
    if (!same && bad.length < 5)
      bad.push(`[${Math.floor(i / fx.assets.length)},${i % fx.assets.length}] ${g} vs ${w}`);
  }
  expect(bad, label).toEqual([]);
}

describe('evaluateDaily against the numpy reference (__fixtures__/make_daily_fixtures.py)', () => {
  for (const mode of ['qlib', 'window'] as const) {
    it(`computes every case with minPeriods '${mode}' in one call (shared subexpressions)`, async () => {
      const cases = fx.cases.filter((c) => c.minPeriods === mode);
      const defs = cases.map((c, i) => ({ name: `f${i}`, formula: c.formula }));
      const options: DailyEvaluateOptions = { minPeriods: mode, groups: { industry } };
      const out = await evaluateDaily(defs, inputs, options);
      cases.forEach((c, i) => {
        const p = out[`f${i}`]!;
        expect(p.dates).toEqual(Int32Array.from(fx.dates));
        expect(p.assets).toEqual(fx.assets);
        expectClose(p.values as Float64Array, toF64(c.expected), c.formula);
      });
    });
  }

  it('covers every daily operator', () => {
    const used = new Set<string>();
    const walk = (a: ReturnType<typeof checkDaily>['ast']): void => {
      if (a.kind !== 'call') return;
      used.add(a.op);
      a.args.forEach(walk);
    };
    for (const c of fx.cases) walk(checkDaily(c.formula).ast);
    for (const name of [
      'delay',
      'diff',
      'ts_sum',
      'ts_mean',
      'ts_std',
      'ts_var',
      'ts_skew',
      'ts_kurt',
      'ts_max',
      'ts_min',
      'ts_argmax',
      'ts_argmin',
      'ts_quantile',
      'ts_median',
      'ts_mad',
      'ts_rank',
      'ts_count',
      'ts_slope',
      'ts_rsquare',
      'ts_resi',
      'ts_wma',
      'ema',
      'ts_corr',
      'ts_cov',
      'cs_rank',
      'cs_zscore',
      'cs_demean',
      'cs_winsorize',
      'cs_neutralize',
      'cs_neutralize_by',
      'cs_resid',
      'group_mean',
      'group_demean',
      'group_rank',
      'group_zscore',
    ]) {
      expect(used.has(name), name).toBe(true);
    }
  });

  it('takes the industry from an input panel named industry, and from a dates x assets panel', async () => {
    const perDate = new Panel(fx.dates, fx.assets, new Float64Array(fx.dates.length * fx.assets.length));
    for (let t = 0; t < fx.dates.length; t++) perDate.row(t).set(industry);
    const a = await evaluateDaily([{ name: 'g', formula: 'group_rank(turnover)' }], {
      ...inputs,
      industry: perDate,
    });
    const b = await evaluateDaily([{ name: 'g', formula: 'group_rank(turnover)' }], inputs, {
      groups: { industry },
    });
    expect(a.g!.values).toEqual(b.g!.values);
  });

  it('never hands out an input array or one array twice', async () => {
    const out = await evaluateDaily(
      [
        { name: 'a', formula: 'close' },
        { name: 'b', formula: '$close' },
      ],
      inputs,
    );
    expect(out.a!.values).not.toBe(inputs.close!.values);
    expect(out.a!.values).not.toBe(out.b!.values);
    expect(out.a!.values).toEqual(inputs.close!.values);
  });

  it('refuses bad inputs with typed errors', async () => {
    const err = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        expect(e).toBeInstanceOf(HfqError);
        return e as HfqError;
      }
      throw new Error('expected an error');
    };
    expect((await err(evaluateDaily([{ name: 'x', formula: 'ts_mean(clos, 5)' }], inputs))).message).toMatch(
      /unknown field 'clos'; did you mean 'close'/,
    );
    expect((await err(evaluateDaily([{ name: 'x', formula: 'delay(close, -1)' }], inputs))).code).toBe(
      'DSL_ARGUMENT',
    );
    expect((await err(evaluateDaily([{ name: 'x', formula: 'cs_neutralize(close)' }], inputs))).code).toBe(
      'DSL_INPUT',
    );
    const other = new Panel([20240102], ['s0'], new Float64Array(1));
    expect((await err(evaluateDaily([{ name: 'x', formula: 'close' }], { ...inputs, other }))).code).toBe(
      'DSL_INPUT',
    );
    expect(
      (
        await err(
          evaluateDaily(
            [
              { name: 'x', formula: 'close' },
              { name: 'x', formula: 'high' },
            ],
            inputs,
          ),
        )
      ).message,
    ).toMatch(/duplicate/);
    expect((await err(evaluateDaily([{ name: 'x', formula: 'mean(close)' }], inputs))).code).toBe(
      'DSL_UNKNOWN_NAME',
    );
    expect((await err(evaluateDaily([{ name: 'x', formula: 'first(close)' }], inputs))).message).toMatch(
      /intraday operator/,
    );
  });
});

describe('evaluateDaily on worker threads', () => {
  it('gives bit-identical values with workers: 2 (blocks of assets) and on the calling thread', async () => {
    const { testDailyMarket } = await import('./test-market.js');
    const { ALPHA158 } = await import('../library/alpha158.js');
    const { inputs: market } = testDailyMarket(70, 150, 11);
    const defs = ALPHA158.slice(0, 60).concat(ALPHA158.slice(-20));
    const one = await evaluateDaily(defs, market);
    const two = await evaluateDaily(defs, market, { workers: 2 });
    let finite = 0;
    for (const d of defs) {
      const a = one[d.name]!.values;
      const b = two[d.name]!.values;
      expect(b.length, d.name).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        if (!Object.is(a[i], b[i])) expect([d.name, i, b[i]]).toEqual([d.name, i, a[i]]);
        if (Number.isFinite(a[i]!)) finite++;
      }
    }
    expect(finite).toBeGreaterThan(defs.length * 70 * 150 * 0.5);
  });

  it('runs cross-sectional formulas on the calling thread whatever workers says', async () => {
    const { testDailyMarket } = await import('./test-market.js');
    const { inputs: market, industry: ind } = testDailyMarket(30, 140, 5);
    const defs = [{ name: 'r', formula: 'cs_rank(close / delay(close, 5))' }];
    const one = await evaluateDaily(defs, market, { groups: { industry: ind } });
    const two = await evaluateDaily(defs, market, { groups: { industry: ind }, workers: 2 });
    expect(Array.from(two.r!.values)).toEqual(Array.from(one.r!.values));
  });
});

describe("evaluateDaily's dtype", () => {
  it('stores float32 outputs: each value the float64 result rounded once, NaN where it is NaN', async () => {
    const { testDailyMarket } = await import('./test-market.js');
    const { inputs: market } = testDailyMarket(30, 5, 2);
    const defs = [
      { name: 'm', formula: 'ts_mean(close, 5) / close' },
      { name: 'q', formula: 'ts_quantile(close, 10, 0.8)' },
    ];
    const f64 = await evaluateDaily(defs, market);
    const f32 = await evaluateDaily(defs, market, { dtype: 'float32' });
    for (const d of defs) {
      expect(f32[d.name]!.values).toBeInstanceOf(Float32Array);
      expect(Array.from(f32[d.name]!.values)).toEqual(Array.from(f64[d.name]!.values, Math.fround));
    }
    expect(Number.isNaN(f32.q!.values[2 * 5 + 1])).toBe(true); // asset 1 is listed on day 10
    await expect(evaluateDaily(defs, market, { dtype: 'int8' as never })).rejects.toThrow(/dtype/);
  });

  it('names the factor, asset and date of a value beyond float32 (on the calling thread and on workers)', async () => {
    const { testDailyMarket } = await import('./test-market.js');
    const { inputs: market } = testDailyMarket(12, 130, 2);
    const defs = [
      { name: 'ok', formula: 'close' },
      { name: 'huge', formula: 'volume * 1e36' },
    ];
    for (const workers of [1, 2]) {
      const err = await evaluateDaily(defs, market, { dtype: 'float32', workers }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HfqError);
      expect((err as HfqError).code).toBe('OUT_OF_RANGE');
      expect((err as HfqError).context.field).toBe('huge');
      expect((err as HfqError).context.asset).toMatch(/^A\d+$/);
      expect((err as HfqError).context.date).toBeGreaterThan(20230101);
    }
    const f64 = await evaluateDaily(defs, market);
    expect(f64.huge!.values[0]).toBe(market.volume!.values[0]! * 1e36);
  });
});
