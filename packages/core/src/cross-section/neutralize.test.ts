import { describe, expect, it } from 'vitest';
import { HfqError } from '../index.js';
import { dec, type Enc, expectClose, fixtures } from './__fixtures__/load.js';
import { industryCodes } from './industry.js';
import { neutralize, neutralizeWithStats } from './neutralize.js';

interface Case {
  y: Enc;
  industry?: Enc;
  cap?: Enc;
  styles?: Enc[];
  expected: Enc;
  dof: number;
}
const cases = fixtures.neutralize as Record<string, Case>;

function run(c: Case): { out: Float64Array; dof: number; kept: number } {
  const x = dec(c.y);
  const stats = neutralizeWithStats(x, {
    ...(c.industry && { industry: dec(c.industry) }),
    ...(c.cap && { marketCap: dec(c.cap) }),
    ...(c.styles && { covariates: c.styles.map(dec) }),
  });
  return { out: x, dof: stats.dof, kept: stats.covariatesKept };
}

describe('neutralize matches numpy lstsq residuals', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name} (dof ${c.dof})`, () => {
      const { out, dof } = run(c);
      expectClose(out, dec(c.expected), 1e-9, 1e-9);
      expect(dof).toBe(c.dof);
    });
  }

  it('drops a size column that is constant within every industry, and a duplicated style', () => {
    expect(run(cases.collinearSize!).kept).toBe(0);
    expect(run(cases.duplicateStyle!).kept).toBe(2); // size + one of the two styles
  });

  it('residuals have zero mean in every industry and zero correlation with log size', () => {
    const c = cases.industrySize!;
    const { out } = run(c);
    const ind = dec(c.industry!);
    const cap = dec(c.cap!);
    const sums = new Map<number, number>();
    let dot = 0;
    for (let i = 0; i < out.length; i++) {
      if (Number.isNaN(out[i]!)) continue;
      sums.set(ind[i]!, (sums.get(ind[i]!) ?? 0) + out[i]!);
      dot += out[i]! * Math.log(cap[i]!);
    }
    for (const s of sums.values()) expect(Math.abs(s)).toBeLessThan(1e-12);
    expect(Math.abs(dot)).toBeLessThan(1e-10);
  });

  it('gives NaN where the value, the industry or the size is missing, 0 for a lone industry member', () => {
    const c = cases.industrySize!;
    const { out } = run(c);
    for (const i of [2, 21, 4, 9, 17]) expect(out[i]).toBeNaN();
    expect(out[13]).toBe(0); // industry 7 has one member: its dummy absorbs it
  });

  it('sets the whole day to NaN when there are no residual degrees of freedom', () => {
    const { out } = run(cases.noDof!);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    const relaxed = neutralize(dec(cases.noDof!.y), {
      industry: dec(cases.noDof!.industry!),
      marketCap: dec(cases.noDof!.cap!),
      minDof: 0,
    });
    expectClose(relaxed, [0, 0, 0, 0], 0, 1e-12);
  });

  it('with nothing to regress on, demeans (intercept only)', () => {
    expectClose(neutralize([1, 2, NaN, 6], {}), [-2, -1, NaN, 3], 0, 1e-15);
  });

  it('rejects bad exposures with typed errors', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return HfqError.is(e) ? e : undefined;
      }
      return undefined;
    };
    const e1 = err(() => neutralize([1, 2, 3], { marketCap: [1, 0, 3] }));
    expect(e1?.code).toBe('DSL_PREPROCESS_BAD_EXPOSURE');
    expect(e1?.context.asset).toBe(1);
    expect(err(() => neutralize([1, 2], { marketCap: [1] }))?.code).toBe('DSL_PREPROCESS_SHAPE');
    expect(err(() => neutralize([1, 2], { industry: [0, 1.5] }))?.code).toBe('DSL_PREPROCESS_BAD_EXPOSURE');
    expect(err(() => neutralize([1, 2], { minDof: -1 }))?.code).toBe('DSL_PREPROCESS_OPTION');
  });
});

describe('industryCodes', () => {
  it('codes labels by first appearance, empty = unknown', () => {
    expect(Array.from(industryCodes(['bank', 'tech', 'bank', '', undefined, 'oil']))).toEqual([
      0,
      1,
      0,
      NaN,
      NaN,
      2,
    ]);
  });
});
