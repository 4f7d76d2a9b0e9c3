import { readFileSync } from 'node:fs';
import { HfqError, Panel, STYLE_NAMES } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { checkDaily } from './check.js';
import { evaluateDaily } from './evaluate.js';
import {
  broadcastDaily,
  evaluateStyleFactors,
  STYLE_FACTORS,
  STYLE_INPUTS,
  STYLE_WINDOWS,
  styleFactors,
} from './styles.js';

/** The market and cases of `__fixtures__/risk.json` (made by make_risk_fixtures.py). */
interface Fixture {
  dates: number[];
  assets: string[];
  inputs: Record<string, (number | null)[]>;
  indexRet: (number | null)[];
  cases: { formula: string; minPeriods: 'qlib' | 'window'; expected: (number | null)[] }[];
  styleOptions: typeof STYLE_WINDOWS;
  styles: Record<string, (number | null)[]>;
}
const fx = JSON.parse(readFileSync(new URL('./__fixtures__/risk.json', import.meta.url), 'utf8')) as Fixture;
const toF64 = (a: (number | null)[]) => Float64Array.from(a, (x) => x ?? NaN);
const inputs: Record<string, Panel> = {};
for (const [k, v] of Object.entries(fx.inputs)) inputs[k] = new Panel(fx.dates, fx.assets, toF64(v));

/** Equal to 1e-9 relative (absolute below 1), NaN exactly where the reference has NaN. */
function expectClose(got: ArrayLike<number>, want: Float64Array, label: string): void {
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

describe('risk operators against the numpy reference (__fixtures__/make_risk_fixtures.py)', () => {
  for (const mode of ['qlib', 'window'] as const) {
    it(`computes ts_beta, ts_resid_std, ffill and cs_standardize (minPeriods '${mode}')`, async () => {
      const cases = fx.cases.filter((c) => c.minPeriods === mode);
      const out = await evaluateDaily(
        cases.map((c, i) => ({ name: `f${i}`, formula: c.formula })),
        inputs,
        { minPeriods: mode },
      );
      cases.forEach((c, i) => {
        expectClose(out[`f${i}`]!.values, toF64(c.expected), c.formula);
      });
    });
  }

  it('covers every risk operator', () => {
    const used = new Set<string>();
    const walk = (a: ReturnType<typeof checkDaily>['ast']): void => {
      if (a.kind !== 'call') return;
      used.add(a.op);
      a.args.forEach(walk);
    };
    for (const c of fx.cases) walk(checkDaily(c.formula).ast);
    for (const name of ['ts_beta', 'ts_resid_std', 'ffill', 'cs_standardize'])
      expect(used.has(name), name).toBe(true);
  });

  it('checks the literal arguments', () => {
    const fields = ['close', 'indexRet'];
    expect(() => checkDaily('ts_beta(close, indexRet, 10, 11)', fields)).toThrow(
      /min_obs \(11\) must be <= the window/,
    );
    expect(() => checkDaily('ts_resid_std(close, indexRet, 10, 2)', fields)).toThrow(
      /min_obs of .* must be >= 3/,
    );
    expect(() => checkDaily('cs_standardize(close, close, 0)', fields)).toThrow(/clip must be > 0/);
    expect(checkDaily('ts_beta(close, indexRet, 10)', fields).text).toBe('ts_beta(close, indexRet, 10, 2)');
    expect(checkDaily('cs_standardize(close, close)', fields).text).toBe('cs_standardize(close, close, 3)');
  });
});

describe('the style formulas', () => {
  it('equal the styles computed from their description (numpy) on a market with suspensions and a late listing', () => {
    const withIndex = { ...inputs, indexRet: broadcastDaily(toF64(fx.indexRet), inputs.close!) };
    const out = evaluateStyleFactors(withIndex, { windows: fx.styleOptions });
    expect(Object.keys(out)).toEqual([...STYLE_NAMES]);
    for (const name of STYLE_NAMES) expectClose(out[name]!.values, toF64(fx.styles[name]!), name);
  });

  it('are named as STYLE_NAMES, read only STYLE_INPUTS and check with the default limits', () => {
    expect(STYLE_FACTORS.map((f) => f.name)).toEqual([...STYLE_NAMES]);
    for (const f of STYLE_FACTORS) {
      const c = checkDaily(f.formula, STYLE_INPUTS);
      expect(c.fields).toEqual(f.inputs);
      expect(c.crossSectional).toBe(true);
    }
    // The momentum formula reads 252 days back: 251 days of the window, and the day before it.
    expect(checkDaily(STYLE_FACTORS[2]!.formula).lookback).toBe(STYLE_WINDOWS.momentumWindow);
  });

  it('evaluate the requested styles in order, and refuse bad windows and unknown styles with typed errors', () => {
    const withIndex = { ...inputs, indexRet: broadcastDaily(toF64(fx.indexRet), inputs.close!) };
    const out = evaluateStyleFactors(withIndex, { styles: ['value', 'size'], windows: fx.styleOptions });
    expect(Object.keys(out)).toEqual(['value', 'size']);
    const bad: [Partial<typeof STYLE_WINDOWS>, string][] = [
      [{ betaWindow: 2.5 }, 'betaWindow'],
      [{ betaMinObs: 2 }, 'betaMinObs'],
      [{ betaWindow: 20, betaMinObs: 21 }, 'betaMinObs'],
      [{ momentumSkip: 252 }, 'momentumSkip'],
      [{ momentumWindow: 30, momentumSkip: 5, momentumMinObs: 26 }, 'momentumMinObs'],
      [{ liquidityWindow: 0 }, 'liquidityWindow'],
      [{ clip: 0 }, 'clip'],
      [{ clip: Number.NaN }, 'clip'],
    ];
    for (const [windows, field] of bad) {
      let err: unknown;
      try {
        styleFactors(windows);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(HfqError);
      expect((err as HfqError).code).toBe('DSL_INPUT');
      expect((err as HfqError).context.field).toBe(field);
    }
    expect(() => evaluateStyleFactors(withIndex, { styles: ['sizes' as never] })).toThrow(
      /unknown style 'sizes'/,
    );
    const { indexRet: _, ...noIndex } = withIndex;
    expect(() => evaluateStyleFactors(noIndex, { styles: ['beta'] })).toThrow(/unknown field 'indexRet'/);
  });

  it('with clip Infinity do not clip (the same as a clip no z-score reaches)', () => {
    const withIndex = { ...inputs, indexRet: broadcastDaily(toF64(fx.indexRet), inputs.close!) };
    const a = evaluateStyleFactors(withIndex, { styles: ['size'], windows: { clip: Infinity } });
    const b = evaluateStyleFactors(withIndex, { styles: ['size'], windows: { clip: 1e6 } });
    expect(a.size!.values).toEqual(b.size!.values);
    const clipped = evaluateStyleFactors(withIndex, { styles: ['size'], windows: { clip: 1.5 } });
    let beyond = 0;
    for (let i = 0; i < a.size!.values.length; i++) {
      const v = a.size!.values[i]!;
      if (Math.abs(v) > 1.5 * (1 + 1e-6)) beyond++;
      expect(Math.abs(clipped.size!.values[i]!) <= 1.5 * (1 + 1e-3) || Number.isNaN(v)).toBe(true);
    }
    expect(beyond).toBeGreaterThan(10);
  });
});

describe('no look-ahead in the style formulas', () => {
  it('gives the same values up to T0 when every input (the index return too) changes after T0', () => {
    const T0 = 45;
    const N = fx.assets.length;
    const perturb = (p: Panel, salt: number) => {
      const v = Float64Array.from(p.values);
      for (let i = (T0 + 1) * N; i < v.length; i++) {
        v[i] = i % 11 === salt % 11 ? NaN : v[i]! * (1.3 + 0.2 * Math.sin(i + salt)) + (i % 3);
      }
      return new Panel(p.dates, p.assets, v);
    };
    const now = { ...inputs, indexRet: broadcastDaily(toF64(fx.indexRet), inputs.close!) };
    const future: Record<string, Panel> = {};
    let salt = 0;
    for (const [k, p] of Object.entries(now)) future[k] = perturb(p, salt++);
    const a = evaluateStyleFactors(now, { windows: fx.styleOptions });
    const b = evaluateStyleFactors(future, { windows: fx.styleOptions });
    for (const name of STYLE_NAMES) {
      const x = a[name]!.values;
      const y = b[name]!.values;
      let finite = 0;
      for (let i = 0; i < (T0 + 1) * N; i++) {
        expect(Object.is(x[i], y[i]), `${name} at day ${Math.floor(i / N)}`).toBe(true);
        if (Number.isFinite(x[i]!)) finite++;
      }
      expect(finite, name).toBeGreaterThan(N * 5);
      let changed = false;
      for (let i = (T0 + 1) * N; i < x.length && !changed; i++) changed = !Object.is(x[i], y[i]);
      expect(changed, name).toBe(true);
    }
  });
});

describe('broadcastDaily', () => {
  it('repeats one value per date over every asset, and refuses a series of another length', () => {
    const like = new Panel([20240102, 20240103], ['a', 'b', 'c'], new Float64Array(6));
    expect(Array.from(broadcastDaily([0.01, Number.NaN], like).values)).toEqual([
      0.01,
      0.01,
      0.01,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    expect(() => broadcastDaily([1, 2, 3], like)).toThrow(HfqError);
  });
});
