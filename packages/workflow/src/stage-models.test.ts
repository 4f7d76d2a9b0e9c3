/**
 * The study's combined signals (no training: score panels made up here). The combination rule
 * itself (`combineScorePanels`, per-date z-scores averaged) is tested in @hfq/models; this checks
 * which panels each signal combines.
 */
import { Panel } from '@hfq/core';
import { combineScorePanels } from '@hfq/models';
import { describe, expect, it } from 'vitest';
import { combineSignals } from './stage-models.js';

const dates = [20240102, 20240109];
const assets = ['a', 'b', 'c', 'd', 'e'];
/** A panel whose scores differ by `seed` (so every combination is distinguishable). */
const panel = (seed: number) =>
  new Panel(
    dates,
    assets,
    Float32Array.from({ length: dates.length * assets.length }, (_, i) =>
      Math.sin(seed * 1.7 + i * (seed + 0.3)),
    ),
  );
const rows = (p: Panel) => dates.map((_, t) => Array.from(p.row(t)));

const TOTAL = ['all-transformer', 'all-itransformer', 'all-crossformer'];
const SEQ = ['all-seq2seq', 'all-seq2seq-itransformer', 'all-seq2seq-crossformer'];

function allScores(): Record<string, Panel<Float32Array>> {
  const s: Record<string, Panel<Float32Array>> = {};
  TOTAL.forEach((k, j) => {
    s[k] = panel(j + 1);
  });
  SEQ.forEach((k, j) => {
    s[`${k}:sum`] = panel(10 + j);
    s[`${k}:validIC`] = panel(20 + j);
  });
  return s;
}

describe('combineSignals', () => {
  it('return-sequence = the three sequence models, composite prediction = 3-model composite + return-sequence', () => {
    const s = allScores();
    const c = combineSignals(s);
    expect(Object.keys(c).sort()).toEqual(
      ['composite', 'composite-prediction', 'return-sequence:sum', 'return-sequence:validIC'].sort(),
    );
    expect(rows(c.composite!)).toEqual(rows(combineScorePanels(TOTAL.map((k) => s[k]!))));
    const seqSum = combineScorePanels(SEQ.map((k) => s[`${k}:sum`]!));
    expect(rows(c['return-sequence:sum']!)).toEqual(rows(seqSum));
    expect(rows(c['return-sequence:validIC']!)).toEqual(
      rows(combineScorePanels(SEQ.map((k) => s[`${k}:validIC`]!))),
    );
    expect(rows(c['composite-prediction']!)).toEqual(rows(combineScorePanels([c.composite!, seqSum])));
    // not the old composite prediction (all-300 Transformer + the Transformer sequence model)
    expect(rows(c['composite-prediction']!)).not.toEqual(
      rows(combineScorePanels([s['all-transformer']!, s['all-seq2seq:sum']!])),
    );
  });

  it('combines the sequence models that were trained; the Transformer alone stands in for a missing composite', () => {
    const s = allScores();
    const one = {
      'all-transformer': s['all-transformer']!,
      'all-seq2seq:sum': s['all-seq2seq:sum']!,
      'all-seq2seq:validIC': s['all-seq2seq:validIC']!,
    };
    const c = combineSignals(one);
    expect(c.composite).toBeUndefined();
    expect(rows(c['return-sequence:sum']!)).toEqual(rows(combineScorePanels([one['all-seq2seq:sum']])));
    expect(rows(c['composite-prediction']!)).toEqual(
      rows(combineScorePanels([one['all-transformer'], c['return-sequence:sum']!])),
    );
    expect(combineSignals({ 'all-transformer': s['all-transformer']! })).toEqual({});
  });
});
