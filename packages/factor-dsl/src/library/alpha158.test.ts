import { createMarket } from '@hfq/sim';
import { describe, expect, it } from 'vitest';
import { diffFeature, loadAlpha158Fixture } from '../__fixtures__/alpha158/fixture.js';
import { ALPHA158_FIELDS, ALPHA158_FIXTURE_MARKET } from '../__fixtures__/alpha158/market.js';
import { evaluateDaily } from '../daily/evaluate.js';
import { ALPHA158, ALPHA158_WINDOWS } from './alpha158.js';

const fixture = loadAlpha158Fixture();

describe('ALPHA158 definitions', () => {
  it("has qlib's 158 unique names in qlib's order (the fixture generator writes the same list independently)", () => {
    const names = ALPHA158.map((d) => d.name);
    expect(names).toHaveLength(158);
    expect(new Set(names).size).toBe(158);
    expect(names).toEqual(fixture.names);
    expect(names.slice(0, 14)).toEqual([
      'KMID',
      'KLEN',
      'KMID2',
      'KUP',
      'KUP2',
      'KLOW',
      'KLOW2',
      'KSFT',
      'KSFT2',
      'OPEN0',
      'HIGH0',
      'LOW0',
      'VWAP0',
      'ROC5',
    ]);
    expect(names.at(-1)).toBe('VSUMD60');
    expect(ALPHA158_WINDOWS).toEqual([5, 10, 20, 30, 60]);
  });

  it("keeps qlib's formula strings verbatim", () => {
    const byName = new Map(ALPHA158.map((d) => [d.name, d.formula]));
    expect(byName.get('KUP2')).toBe('($high-Greater($open, $close))/($high-$low+1e-12)');
    expect(byName.get('VWAP0')).toBe('$vwap/$close');
    expect(byName.get('QTLD20')).toBe('Quantile($close, 20, 0.2)/$close');
    expect(byName.get('RSV10')).toBe('($close-Min($low, 10))/(Max($high, 10)-Min($low, 10)+1e-12)');
    expect(byName.get('IMXD30')).toBe('(IdxMax($high, 30)-IdxMin($low, 30))/30');
    expect(byName.get('CORD5')).toBe('Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 5)');
    expect(byName.get('CNTD60')).toBe('Mean($close>Ref($close, 1), 60)-Mean($close<Ref($close, 1), 60)');
    expect(byName.get('WVMA5')).toBe(
      'Std(Abs($close/Ref($close, 1)-1)*$volume, 5)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 5)+1e-12)',
    );
    expect(byName.get('VSUMD10')).toBe(
      '(Sum(Greater($volume-Ref($volume, 1), 0), 10)-Sum(Greater(Ref($volume, 1)-$volume, 0), 10))/(Sum(Abs($volume-Ref($volume, 1)), 10)+1e-12)',
    );
    for (const d of ALPHA158) expect(d.formula, d.name).not.toMatch(/Ref\([^)]*,\s*-/);
  });
});

describe('the Alpha158 fixture (make_alpha158_fixtures.py)', () => {
  const { inputs, expected, dates, assets } = fixture;
  const T = dates.length;
  const A = assets.length;
  const close = inputs.close.values;
  const high = inputs.high.values;
  /** Non-NaN values of `x` for asset `a` in the window of row `t` (rows max(0, t-d+1) .. t). */
  const validInWindow = (x: Float64Array, t: number, a: number, d: number) => {
    let n = 0;
    for (let s = Math.max(0, t - d + 1); s <= t; s++) if (!Number.isNaN(x[s * A + a]!)) n++;
    return n;
  };

  it("was made from this repository's built-in market, with suspended and unlisted days in it", () => {
    expect(fixture.market).toEqual(ALPHA158_FIXTURE_MARKET);
    const daily = createMarket(ALPHA158_FIXTURE_MARKET).daily();
    expect(Array.from(daily.close.dates)).toEqual(dates);
    expect(daily.close.assets).toEqual(assets);
    for (const f of ALPHA158_FIELDS) {
      const same = daily[f].values.every((v, i) => Object.is(v, inputs[f].values[i]));
      expect(same, `input.json ${f} differs from the market: rerun make_input.ts and the generator`).toBe(
        true,
      );
    }
    const suspended = daily.suspended.values.reduce((s, v) => s + v, 0);
    const unlisted = daily.listed.values.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
    expect(suspended).toBeGreaterThanOrEqual(20);
    expect(unlisted).toBeGreaterThan(0);
    expect(expected.size).toBe(158);
  });

  it('has NaN where min_periods = 1 puts it, for every window', () => {
    const bad: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && bad.length < 20) bad.push(what);
    };
    for (const d of ALPHA158_WINDOWS) {
      const std = expected.get(`STD${d}`)!.values;
      const ma = expected.get(`MA${d}`)!.values;
      const imax = expected.get(`IMAX${d}`)!.values;
      const cntp = expected.get(`CNTP${d}`)!.values;
      const roc = expected.get(`ROC${d}`)!.values;
      for (let t = 0; t < T; t++) {
        for (let a = 0; a < A; a++) {
          const i = t * A + a;
          const c = close[i]!;
          const where = `d=${d} t=${t} a=${a}`;
          // Mean skips NaN and needs one value; divided by today's close.
          check(Number.isNaN(ma[i]!) === Number.isNaN(c), `MA ${where}`);
          // Std (ddof 1) needs two values in the window.
          check(
            Number.isNaN(std[i]!) === (Number.isNaN(c) || validInWindow(close, t, a, d) < 2),
            `STD ${where}`,
          );
          // IdxMax is NaN only for a window without any value; otherwise a 1-based position in it.
          const n = validInWindow(high, t, a, d);
          check(Number.isNaN(imax[i]!) === (n === 0), `IMAX NaN ${where}`);
          if (n > 0) {
            const pos = Math.round(imax[i]! * d * 1e9) / 1e9;
            check(Number.isInteger(pos) && pos >= 1 && pos <= Math.min(d, t + 1), `IMAX ${where}: ${pos}`);
          }
          // Comparisons are 0/1, never NaN, so their Mean is never NaN.
          check(cntp[i]! >= 0 && cntp[i]! <= 1, `CNTP ${where}`);
          // Ref(close, d) / close: NaN in the first d rows.
          if (t < d) check(Number.isNaN(roc[i]!), `ROC ${where}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('holds the values of a few features that follow from their definitions by hand', () => {
    const row = 70;
    // An asset that traded on every day of the last 20 rows.
    const a = fixture.assets.findIndex((_, k) => validInWindow(close, row, k, 20) === 20);
    expect(a).toBeGreaterThanOrEqual(0);
    const i = row * A + a;
    const c = close[i]!;
    const o = inputs.open.values[i]!;
    expect(expected.get('KMID')!.values[i]).toBeCloseTo((c - o) / o, 14);
    expect(expected.get('ROC5')!.values[i]).toBeCloseTo(close[(row - 5) * A + a]! / c, 14);
    let lo = Number.POSITIVE_INFINITY;
    for (let s = row - 9; s <= row; s++) {
      const v = inputs.low.values[s * A + a]!;
      if (!Number.isNaN(v)) lo = Math.min(lo, v);
    }
    expect(expected.get('MIN10')!.values[i]).toBeCloseTo(lo / c, 14);
    const sump = expected.get('SUMP20')!.values[i]!;
    const sumn = expected.get('SUMN20')!.values[i]!;
    expect(sump + sumn).toBeCloseTo(1, 9);
    expect(expected.get('SUMD20')!.values[i]).toBeCloseTo(sump - sumn, 12);
  });
});

describe('Alpha158 through the daily engine', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`equals the numpy reference to 1e-6 relative, NaN exactly where it has NaN (${dtype} outputs)`, async () => {
      const out = await evaluateDaily(ALPHA158, fixture.inputs, { dtype });
      const failures: string[] = [];
      for (const def of ALPHA158) {
        const got = out[def.name];
        if (got === undefined) {
          failures.push(`${def.name}: missing from the result`);
          continue;
        }
        expect(got.values).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
        const diff = diffFeature(def.name, got.values, fixture.expected.get(def.name)!);
        if (diff.first !== null) {
          const f = diff.first;
          failures.push(
            `${def.name}: ${diff.mismatches} mismatches (${diff.nanMismatches} NaN), first at ${f.date} ${f.asset}: expected ${f.expected}, got ${f.actual}`,
          );
        }
      }
      expect(failures, failures.slice(0, 10).join('\n')).toEqual([]);
    });
  }
});
