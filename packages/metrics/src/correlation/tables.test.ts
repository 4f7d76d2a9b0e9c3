import type { Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, panelOf, reference } from '../test-utils/reference.js';
import { factorCorrelation, riskFactorCorrelation } from './tables.js';

const ref = reference.correlationTables;
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const panels = (o: any): Record<string, Panel> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, panelOf(v as never)]));
const factors = panels(ref.factors);
const risks = panels(ref.risks);

describe('correlation tables match the scipy reference', () => {
  it('factor x factor, spearman', () => {
    const t = factorCorrelation(factors, { method: 'spearman' });
    expect(t.rows).toEqual(ref.factorSpearman.rows);
    expect(t.columns).toEqual(ref.factorSpearman.columns);
    expectAllClose(t.values, ref.factorSpearman.values, 1e-9, 'values');
    expect(Array.from(t.counts)).toEqual(ref.factorSpearman.counts);
  });
  it('factor x factor, pearson (pairs given as a list)', () => {
    const t = factorCorrelation(Object.entries(factors), { method: 'pearson' });
    expectAllClose(t.values, ref.factorPearson.values, 1e-9, 'values');
    expect(t.method).toBe('pearson');
  });
  it('factor x risk factor (other asset order, missing dates)', () => {
    const t = riskFactorCorrelation(factors, risks, { method: 'spearman' });
    expect(t.columns).toEqual(['size', 'momentum']);
    expectAllClose(t.values, ref.riskSpearman.values, 1e-9, 'values');
    expect(Array.from(t.counts)).toEqual(ref.riskSpearman.counts);
  });
  it('is symmetric with a unit diagonal, and rejects repeated names', () => {
    const t = factorCorrelation(factors, { method: 'spearman' });
    const k = t.rows.length;
    for (let i = 0; i < k; i++) {
      expect(t.values[i * k + i]).toBeCloseTo(1, 12);
      for (let j = 0; j < k; j++) expect(t.values[i * k + j]).toBe(t.values[j * k + i]);
    }
    expect(() =>
      factorCorrelation(
        [
          ['a', factors.alpha!],
          ['a', factors.beta!],
        ],
        { method: 'spearman' },
      ),
    ).toThrow(/twice/);
  });
});
