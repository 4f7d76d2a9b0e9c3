/**
 * The study's combined signals (no training: score panels made up here). The combination rule
 * itself (`combineScorePanels`, per-date z-scores averaged) is tested in @hfq/models; this checks
 * which panels each signal combines.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Panel } from '@hfq/core';
import { combineScorePanels } from '@hfq/models';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_CONFIG, mergeWorkflowConfig } from './config.js';
import { runWorkflow } from './run.js';
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

describe('a run of sequence models only (tiny market)', () => {
  it('trains the sequence label T+1..T+10, combines the return-sequence factor and writes the report without the other sections’ models', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hfq-seq-'));
    try {
      const cfg = mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, {
        checkOracleShare: 0,
        data: { sim: { seed: 3, nStocks: 25, nDays: 120, indexSize: 10, startDate: 20230103 } },
        factors: { threads: 1 },
        models: {
          include: ['all-seq2seq-itransformer'],
          epochs: 1,
          window: 5,
          dModel: 4,
          variableTokens: 4,
          retrainEvery: 30,
          maxStocksPerDate: 0,
          threads: 1,
        },
      });
      const r = await runWorkflow(cfg, { out: join(root, 'out') });
      expect(r.complete).toBe(true);
      const rankIC = r.summary!.rankIC;
      for (const k of [
        'all-seq2seq-itransformer:sum',
        'all-seq2seq-itransformer:validIC',
        'return-sequence:sum',
      ])
        expect(Number.isFinite(rankIC[k]), k).toBe(true);
      // no total-return model: no composite, no composite prediction
      expect(rankIC.composite).toBeUndefined();
      expect(rankIC['composite-prediction']).toBeUndefined();
      const md = readFileSync(join(root, 'out', 'report.md'), 'utf8');
      expect(md).toContain('Label side beside the study');
      expect(md).toContain('days T+1..T+10');
      expect(md).toContain('1 trained on this run');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 600_000);
});
