import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_CONFIG, mergeWorkflowConfig } from './config.js';
import { type WorkflowSummary, workflowChecks } from './run.js';

const err = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return HfqError.is(e) ? { code: e.code, field: e.context.field } : e;
  }
  return undefined;
};

describe('models.perModel', () => {
  it('sets knobs for one model over the shared ones, merging repeated overrides', () => {
    const a = mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, {
      models: { perModel: { 'all-crossformer': { seeds: 3 } } },
    });
    const b = mergeWorkflowConfig(a, {
      models: { perModel: { 'all-crossformer': { learningRate: 0.002 } } },
    });
    expect(b.models.perModel).toEqual({
      'all-transformer': { seeds: 2 },
      'all-itransformer': { seeds: 2 },
      'all-crossformer': { seeds: 3, learningRate: 0.002 },
    });
    expect(b.models.seeds).toBe(1);
  });

  it('lets a shared knob set in a config replace the per-model values it inherits', () => {
    expect(DEFAULT_WORKFLOW_CONFIG.models.perModel).toEqual({
      'all-transformer': { seeds: 2 },
      'all-itransformer': { seeds: 2 },
    });
    const three = mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, { models: { seeds: 3 } });
    expect(three.models.perModel).toEqual({});
    const mixed = mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, {
      models: { seeds: 3, perModel: { 'all-transformer': { seeds: 5 } } },
    });
    expect(mixed.models.perModel).toEqual({ 'all-transformer': { seeds: 5 } });
    // other knobs leave the per-model seeds alone
    expect(mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, { models: { epochs: 3 } }).models.perModel).toEqual(
      DEFAULT_WORKFLOW_CONFIG.models.perModel,
    );
  });

  it('rejects an unknown model, an unknown knob and a value out of range, naming the field', () => {
    const m = (perModel: unknown) => () =>
      mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, { models: { perModel } });
    expect(err(m({ 'all-lstm': { seeds: 2 } }))).toEqual({
      code: 'WORKFLOW_CONFIG',
      field: 'models.perModel.all-lstm',
    });
    expect(err(m({ 'all-transformer': { window: 20 } }))).toEqual({
      code: 'WORKFLOW_CONFIG',
      field: 'models.perModel.all-transformer.window',
    });
    expect(err(m({ 'all-transformer': { seeds: 0 } }))).toEqual({
      code: 'WORKFLOW_CONFIG',
      field: 'models.perModel.all-transformer.seeds',
    });
    expect(err(m({ 'all-transformer': { learningRate: '0.1' } }))).toEqual({
      code: 'WORKFLOW_CONFIG',
      field: 'models.perModel.all-transformer.learningRate',
    });
    expect(err(m([1]))).toEqual({ code: 'WORKFLOW_CONFIG', field: 'models.perModel' });
  });
});

describe('workflowChecks', () => {
  const summary = {
    plantedAlphaRankIC: 0.1,
    bestAchievableRankIC: 0.16,
    oracleRankIC: 0.1,
    rankIC: { composite: 0.1, 'all-transformer': 0.07 },
  } as unknown as WorkflowSummary;

  it('checks the composite against the best achievable RankIC', () => {
    const c = workflowChecks({ checkBestShare: 0.6, checkOracleShare: 0 }, summary);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ score: 'composite', share: 0.625, needs: 0.6, ok: true });
    expect(c[0]!.message).toBe('composite (3 models) RankIC is 63% of the best achievable (needs >= 60%)');
    expect(workflowChecks({ checkBestShare: 0.65, checkOracleShare: 0 }, summary)[0]!.ok).toBe(false);
  });

  it('keeps the deprecated planted-alpha check for both scores while it is set, and none at 0', () => {
    const c = workflowChecks({ checkBestShare: 0, checkOracleShare: 0.75 }, summary);
    expect(c.map((x) => [x.score, x.share, x.ok])).toEqual([
      ['composite', 1, true],
      ['all-transformer', 0.7000000000000001, false],
    ]);
    expect(workflowChecks({ checkBestShare: 0, checkOracleShare: 0 }, summary)).toEqual([]);
    // a score that was not trained is not checked
    expect(workflowChecks({ checkBestShare: 0.5, checkOracleShare: 0 }, { ...summary, rankIC: {} })).toEqual(
      [],
    );
  });
});
