import { describe, expect, it } from 'vitest';
import { compileFactorSet } from '../eval/factor-set.js';
import { sampleQuality } from '../test-utils/library-sample.js';
import { BASELINE_FACTORS } from './baseline.js';
import { FACTOR_LIBRARY } from './index.js';
import { MINUTE_FACTORS } from './minute.js';
import { TICK_FACTORS } from './tick.js';
import { VBAR_FACTORS } from './vbar.js';

describe('the factor library', () => {
  it('has 27 baseline and 100 factors per source, unique ids, every one with a family and a meaning', () => {
    expect(BASELINE_FACTORS).toHaveLength(27);
    expect(MINUTE_FACTORS.every((f) => f.source === 'minute' && f.id.startsWith('min_'))).toBe(true);
    expect(VBAR_FACTORS.every((f) => f.source === 'vbar' && f.id.startsWith('vb_'))).toBe(true);
    expect(TICK_FACTORS.every((f) => f.source === 'tick' && f.id.startsWith('tk_'))).toBe(true);
    expect([MINUTE_FACTORS.length, VBAR_FACTORS.length, TICK_FACTORS.length]).toEqual([100, 100, 100]);
    expect(FACTOR_LIBRARY).toHaveLength(327);
    expect(new Set(FACTOR_LIBRARY.map((f) => f.id)).size).toBe(327);
    for (const f of FACTOR_LIBRARY) expect(f.meaning.length, f.id).toBeGreaterThan(10);
  });

  it('groups factors like the study', () => {
    const families = (list: typeof FACTOR_LIBRARY) => [...new Set(list.map((f) => f.family))].sort();
    expect(families(MINUTE_FACTORS)).toEqual([
      'intraday return',
      'price-volume correlation',
      'volatility',
      'volume distribution',
    ]);
    expect(families(VBAR_FACTORS)).toEqual(['return distribution', 'trend', 'volatility']);
    expect(families(TICK_FACTORS)).toEqual(['liquidity', 'order imbalance']);
    expect(families(BASELINE_FACTORS)).toEqual(['minute', 'order flow', 'trade flow']);
  });

  it('compiles as one set, with no two formulas the same (by AST hash)', () => {
    const set = compileFactorSet(FACTOR_LIBRARY);
    const hashes = new Set<string>();
    for (const part of set.parts.values())
      for (const f of part.program.factors) hashes.add(`${f.source}:${f.hash}`);
    expect(hashes.size).toBe(327);
  });

  // Coverage, cross-sectional variance and redundancy on the default synthetic market. The
  // correlation of two factors is the mean over dates of their cross-sectional Pearson correlation
  // (see `factorQuality` and `SAMPLE` in test-utils/library-sample.ts for the sample).
  it('covers >= 95% of traded stock-days, varies across stocks, and no two factors correlate above 0.95', async () => {
    const q = await sampleQuality(FACTOR_LIBRARY);
    const lowCoverage = q.ids.filter((id) => !(q.coverage.get(id)! >= 0.95));
    const noSpread = q.ids.filter((id) => !(q.spread.get(id)! > 0));
    expect(lowCoverage).toEqual([]);
    expect(noSpread).toEqual([]);
    let worst = { r: 0, a: '', b: '' };
    const tooClose: string[] = [];
    for (let i = 0; i < q.ids.length; i++) {
      for (let j = i + 1; j < q.ids.length; j++) {
        const r = q.corr(q.ids[i]!, q.ids[j]!);
        if (Math.abs(r) > Math.abs(worst.r)) worst = { r, a: q.ids[i]!, b: q.ids[j]! };
        if (!(Math.abs(r) <= 0.95)) tooClose.push(`${q.ids[i]} ~ ${q.ids[j]}: ${r.toFixed(3)}`);
      }
    }
    expect(tooClose).toEqual([]);
    // The most similar pair is still clearly distinct (and the measure is not degenerate).
    expect(Math.abs(worst.r)).toBeGreaterThan(0.5);
    expect(Math.abs(worst.r)).toBeLessThanOrEqual(0.95);
  }, 300_000);
});
