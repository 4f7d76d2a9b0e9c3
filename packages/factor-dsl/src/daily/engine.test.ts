import { describe, expect, it } from 'vitest';
import { ALPHA158 } from '../library/alpha158.js';
import { checkDaily } from './check.js';
import { planDaily, runDailyBlock } from './engine.js';
import { DAILY_LIBRARY } from './library.js';
import { testDailyMarket } from './test-market.js';

describe('runDailyBlock tiles', () => {
  it('gives bit-identical values whatever the tile size (1 asset, 7, the whole block)', () => {
    const T = 75;
    const N = 23;
    const { inputs } = testDailyMarket(T, N, 3);
    const names = Object.keys(inputs);
    const formulas = [...ALPHA158.map((d) => d.formula), ...DAILY_LIBRARY.map((d) => d.formula)]
      .map((f) => checkDaily(f, names))
      .filter((c) => !c.needsIndustry && !/cs_|group_/.test(c.text));
    expect(formulas.length).toBeGreaterThan(158);
    const plan = planDaily(formulas.map((c) => c.ast));
    expect(plan.crossSection).toBe(false);
    const run = (tileAssets: number, a0: number, a1: number) => {
      const outs = formulas.map(() => new Float64Array(T * N).fill(-7));
      runDailyBlock(plan, {
        T,
        nAll: N,
        a0,
        a1,
        dates: inputs.close!.dates,
        field: (name) => inputs[name]!.values,
        industry: undefined,
        minWindow: false,
        outs,
        tileAssets,
      });
      return outs;
    };
    const whole = run(N, 0, N);
    let finite = 0;
    for (const tile of [1, 7]) {
      const got = run(tile, 0, N);
      formulas.forEach((c, k) => {
        for (let i = 0; i < T * N; i++) {
          if (!Object.is(got[k]![i], whole[k]![i]))
            expect([c.text, i, got[k]![i]]).toEqual([c.text, i, whole[k]![i]]);
        }
      });
    }
    for (const o of whole) for (const v of o) if (Number.isFinite(v)) finite++;
    expect(finite).toBeGreaterThan(formulas.length * T * N * 0.5);
    // A block of columns [5, 16) in tiles of 4 writes exactly those columns.
    const part = run(4, 5, 16);
    formulas.forEach((c, k) => {
      for (let t = 0; t < T; t++)
        for (let a = 0; a < N; a++) {
          const want = a >= 5 && a < 16 ? whole[k]![t * N + a] : -7;
          const i = t * N + a;
          if (!Object.is(part[k]![i], want))
            expect([c.text, t, a, part[k]![i]]).toEqual([c.text, t, a, want]);
        }
    });
  });

  it('computes quantiles / rank and slope / R squared / residual of one series and window in one pass, bit for bit as alone', () => {
    const T = 90;
    const N = 9;
    const { inputs } = testDailyMarket(T, N, 5);
    const names = Object.keys(inputs);
    const texts = [
      'ts_quantile(close, 20, 0.8)',
      'ts_rank(close, 20) + 1',
      'ts_quantile(close, 20, 0.2) / close',
      'ts_median(close, 20)',
      'ts_rank(close, 5)',
      'ts_slope(volume, 10)',
      'ts_resi(volume, 10) / volume',
      'ts_rsquare(volume, 10)',
      'ts_rsquare(volume, 30)',
    ];
    const asts = texts.map((t) => checkDaily(t, names).ast);
    for (const minWindow of [false, true]) {
      const run = (list: typeof asts) => {
        const outs = list.map(() => new Float64Array(T * N));
        runDailyBlock(planDaily(list), {
          T,
          nAll: N,
          a0: 0,
          a1: N,
          dates: inputs.close!.dates,
          field: (name) => inputs[name]!.values,
          industry: undefined,
          minWindow,
          outs,
          tileAssets: 4,
        });
        return outs;
      };
      const together = run(asts);
      asts.forEach((ast, k) => {
        const alone = run([ast])[0]!;
        let finite = 0;
        for (let i = 0; i < T * N; i++) {
          if (!Object.is(together[k]![i], alone[i]))
            expect([texts[k], i, together[k]![i]]).toEqual([texts[k], i, alone[i]]);
          if (Number.isFinite(alone[i]!)) finite++;
        }
        expect(finite, texts[k]).toBeGreaterThan(T * N * 0.3);
      });
    }
    const plan = planDaily(asts);
    const grouped = (plan.roots[0] as unknown as { group?: unknown[] }).group;
    expect(grouped).toHaveLength(4); // the three quantiles and the rank over 20 days
  });

  it('writes a last + - * / straight into the output with the values of the operator computed as a panel', () => {
    const T = 40;
    const N = 6;
    const { inputs } = testDailyMarket(T, N, 9);
    const names = Object.keys(inputs);
    const texts = [
      'ts_mean(close, 5) / close',
      'close / 0',
      '0 / (close - close)',
      '2 / close',
      'close / 4',
      'ts_max(high, 5) - ts_min(low, 5)',
      '1 - close',
      'volume * 1e-3',
      'open + close',
    ];
    const run = (list: string[]) => {
      const outs = list.map(() => new Float64Array(T * N));
      runDailyBlock(planDaily(list.map((t) => checkDaily(t, names).ast)), {
        T,
        nAll: N,
        a0: 0,
        a1: N,
        dates: inputs.close!.dates,
        field: (name) => inputs[name]!.values,
        industry: undefined,
        minWindow: false,
        outs,
        tileAssets: 4,
      });
      return outs;
    };
    const fused = run(texts);
    // With a second consumer (abs of it), each formula is an ordinary panel, then copied out.
    const panels = run(texts.flatMap((t) => [t, `abs(${t})`]));
    texts.forEach((t, k) => {
      for (let i = 0; i < T * N; i++) {
        if (!Object.is(fused[k]![i], panels[2 * k]![i]))
          expect([t, i, fused[k]![i]]).toEqual([t, i, panels[2 * k]![i]]);
      }
    });
    expect(fused[1]!.every(Number.isNaN)).toBe(true);
    expect(fused[3]![0]).toBe(2 / inputs.close!.values[0]!);
  });
});
