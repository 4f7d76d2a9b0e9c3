/**
 * The multi-period comparison on a tiny market (25 stocks x 120 days; the sequence model and the
 * Transformer, one seed, two folds): the stage runs and fills its table, the sequence model's
 * path is written beside the scores, a cache hit does not re-run it, a `multiPeriod` knob re-runs
 * only it, and a one-step plan without priced costs is the single-period LP on the same sum.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPanelsParquet } from '@hfq/bars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_CONFIG, mergeWorkflowConfig, type WorkflowConfig } from './config.js';
import { loadMarket } from './market.js';
import { multiPeriodSections } from './report-multi-period.js';
import { runWorkflow, type WorkflowRunResult } from './run.js';
import { compareMultiPeriod } from './stage-multi-period.js';
import { tinyStudy } from './test-utils/tiny-study.js';

const TINY = tinyStudy(
  { include: ['all-transformer', 'all-seq2seq'], threads: 2 },
  { multiPeriod: { minCalibrationDates: 2 } },
);
const config = (override: unknown = {}): WorkflowConfig =>
  mergeWorkflowConfig(mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, TINY), override);

let root: string;
let first: WorkflowRunResult;
const lines: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-multi-period-'));
  first = await runWorkflow(config(), { out: join(root, 'run'), log: (l) => lines.push(l) });
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('multi-period comparison in the workflow', () => {
  it('runs the three backtests from one date and fills the table with finite numbers', () => {
    const mp = first.summary!.multiPeriod!;
    expect(mp.ran).toBe(true);
    expect(mp.models).toEqual(['all-seq2seq']);
    expect(mp.reference).toBe('all-transformer');
    expect(mp.steps).toBe(2);
    // the sequence covers days T+1..T+10 and orders fill at T+1: day 1 falls before the fill,
    // step 1 holds days T+2..T+6, step 2 the four days T+7..T+10
    expect(mp.stepDays['all-seq2seq']).toEqual([
      [2, 3, 4, 5, 6],
      [7, 8, 9, 10],
    ]);
    expect(mp.rows.map((r) => r.run)).toEqual(['summed', 'multiPeriod', 'reference']);
    expect(mp.rebalances).toBeGreaterThan(2);
    for (const r of mp.rows) {
      for (const k of [
        'annualReturn',
        'excessAnnualReturn',
        'trackingError',
        'informationRatio',
        'turnover',
        'annualCost',
        'secondsPerRebalance',
      ] as const) {
        expect(Number.isFinite(r[k]), `${r.run} ${k}`).toBe(true);
      }
      expect(r.annualCost).toBeGreaterThan(0);
    }
    expect(mp.lastSlopes['all-seq2seq']).toHaveLength(10);
    const json = JSON.parse(readFileSync(join(first.out, 'summary.json'), 'utf8'));
    expect(json.multiPeriod.rows).toHaveLength(3);
    const md = readFileSync(join(first.out, 'report.md'), 'utf8');
    expect(md).toContain('Using the predicted path: multi-period plan vs its sum');
    expect(md).toContain('multi-period LP, 2-step plan on the calibrated path');
    expect(lines.some((l) => /multi-period plan vs summed path: \d+ rebalances/.test(l))).toBe(true);
  });

  it('writes the predicted path beside the scores: 10 days, out of sample', async () => {
    expect(existsSync(join(first.out, 'paths.parquet'))).toBe(true);
    const p = await readPanelsParquet(join(first.out, 'paths.parquet'));
    expect(Object.keys(p).sort()).toEqual(
      Array.from({ length: 10 }, (_, k) => `all_seq2seq_d${k + 1}`).sort(),
    );
    const scores = await readPanelsParquet(join(first.out, 'scores.parquet'));
    expect(Array.from(p.all_seq2seq_d1!.dates)).toEqual(Array.from(scores.all_seq2seq_sum!.dates));
    expect(p.all_seq2seq_d3!.values.some(Number.isFinite)).toBe(true);
  });

  it('a cache hit does not re-run it; a multiPeriod knob re-runs only it', async () => {
    const again: string[] = [];
    const r = await runWorkflow(config(), { out: join(root, 'run'), log: (l) => again.push(l) });
    expect(r.executed).toEqual(['report']);
    expect(again.some((l) => l.includes('multi-period plan vs summed path (cached)'))).toBe(true);
    expect(r.summary!.multiPeriod).toEqual(first.summary!.multiPeriod);
    const one: string[] = [];
    const s = await runWorkflow(config({ multiPeriod: { steps: 1 } }), {
      out: join(root, 'run'),
      log: (l) => one.push(l),
    });
    expect(s.executed).toEqual(['report']);
    expect(one.some((l) => /multi-period plan vs summed path: \d+ rebalances/.test(l))).toBe(true);
    expect(s.summary!.multiPeriod!.steps).toBe(1);
    // the summed path's run does not depend on the steps (wall times aside)
    const { secondsPerRebalance: _x, ...summed } = s.summary!.multiPeriod!.rows[0]!;
    const { secondsPerRebalance: _y, ...before } = first.summary!.multiPeriod!.rows[0]!;
    expect(summed).toEqual(before);
    const off = await runWorkflow(config({ multiPeriod: { enabled: false } }), { out: join(root, 'run') });
    expect(off.summary!.multiPeriod).toBeUndefined();
  }, 120_000);

  it('a one-step path without costs: the plan is the single-period LP on the same sum', async () => {
    const cfg = config({ backtest: { costPerSide: 0 } });
    const market = await loadMarket(cfg.data);
    const p = await readPanelsParquet(join(first.out, 'paths.parquet'));
    // five days after the T+1 fill: one rebalance step, the whole path
    const days = [1, 2, 3, 4, 5].map((k) => p[`all_seq2seq_d${k}`]!);
    const res = await compareMultiPeriod({
      paths: { 'all-seq2seq': { entryLag: 1, days: days as never } },
      scores: {},
      daily: market.daily,
      index: market.index,
      industry: market.industry,
      backtest: cfg.backtest,
      multiPeriod: { ...cfg.multiPeriod, steps: 4 },
    });
    expect(res.steps).toBe(1);
    const [a, b] = res.rows;
    expect(a!.run).toBe('summed');
    expect(b!.run).toBe('multiPeriod');
    for (const k of ['annualReturn', 'excessAnnualReturn', 'trackingError', 'turnover'] as const)
      expect(b![k], k).toBeCloseTo(a![k], 6);
    expect(b!.annualCost).toBe(0);
  }, 60_000);

  it('says why when it cannot run: no sequence model, or too short a history to calibrate', async () => {
    const cfg = config();
    const market = await loadMarket(cfg.data);
    const p = await readPanelsParquet(join(first.out, 'paths.parquet'));
    const days = Array.from({ length: 10 }, (_, k) => p[`all_seq2seq_d${k + 1}`]!);
    const input = {
      scores: {},
      daily: market.daily,
      index: market.index,
      industry: market.industry,
      backtest: cfg.backtest,
    };
    const none = await compareMultiPeriod({ ...input, paths: {}, multiPeriod: cfg.multiPeriod });
    expect(none.ran).toBe(false);
    expect(none.reason).toMatch(/no sequence model was trained/);
    const short = await compareMultiPeriod({
      ...input,
      paths: { 'all-seq2seq': { entryLag: 1, days: days as never } },
      multiPeriod: { ...cfg.multiPeriod, minCalibrationDates: 50 },
    });
    expect(short.ran).toBe(false);
    expect(short.reason).toMatch(/needs 50 earlier ones/);
    const [section] = multiPeriodSections({ config: cfg, multiPeriod: short } as never);
    expect(section!.blocks[0]).toMatch(/^Not run: no calibrated path/);
  }, 60_000);
});
