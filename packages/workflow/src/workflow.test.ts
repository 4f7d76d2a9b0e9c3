/**
 * The workflow on a tiny market (25 stocks x 120 days, one model, 2 seeds x 2 folds = 4
 * trainings): the stage cache (changing only the optimizer's limits re-runs only the optimizer and
 * the report), resume after a kill (between stages and between trainings), the trainings as array
 * tasks (two shards, then a final run, equal to the one-process run byte for byte), and the same
 * study from an exported dataset directory equal to the one in memory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  DEFAULT_WORKFLOW_CONFIG,
  loadWorkflowConfig,
  mergeWorkflowConfig,
  type WorkflowConfig,
} from './config.js';
import { runWorkflow, type WorkflowRunResult } from './run.js';
import { TINY_SIM, tinyStudy } from './test-utils/tiny-study.js';

const BIN = fileURLToPath(new URL('../../dataset/bin/hfq.js', import.meta.url));
const TINY = tinyStudy({ include: ['all-transformer'], seeds: 2, threads: 2 });

let root: string;
let one: WorkflowRunResult;
const config = (override: unknown = {}): WorkflowConfig =>
  mergeWorkflowConfig(mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, TINY), override);
const scores = (out: string) => readFileSync(join(out, 'scores.parquet'));

/** `hfq` as a child process (the bin re-runs the sources under tsx). */
function hfq(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Starts `hfq run` in its own process group and kills the group when stdout matches `when`. */
function runAndKill(args: string[], when: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { detached: true });
    let out = '';
    let killed = false;
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (!killed && when.test(out)) {
        killed = true;
        process.kill(-child.pid!, 'SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', () => (killed ? resolve(out) : reject(new Error(`never matched ${when}:\n${out}`))));
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-workflow-'));
  writeFileSync(join(root, 'wf.yaml'), stringify(TINY));
  one = await runWorkflow(config(), { out: join(root, 'one') });
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('stage cache', () => {
  it('a first run executes every stage', () => {
    expect(one.complete).toBe(true);
    expect(one.executed).toEqual(['factors', 'models', 'evaluate', 'portfolio', 'report']);
    expect(one.loaded).toEqual([]);
    expect(Number.isFinite(one.summary!.rankIC['all-transformer'])).toBe(true);
  });

  it("changing only the optimizer's limits re-runs only the optimizer and the report", async () => {
    const r = await runWorkflow(config({ backtest: { maxTurnover: 0.2 } }), { out: join(root, 'one') });
    expect(r.executed).toEqual(['portfolio', 'report']);
    expect(r.loaded).toEqual(['factors', 'models', 'evaluate']);
    expect(r.summary!.rankIC).toEqual(one.summary!.rankIC);
    // the same config again: everything loaded, the same numbers
    const again = await runWorkflow(config(), { out: join(root, 'one') });
    expect(again.executed).toEqual(['report']);
    expect(again.summary!.enhancedIndex).toEqual(one.summary!.enhancedIndex);
    expect(scores(again.out).equals(scores(one.out))).toBe(true);
  }, 120_000);

  it('a third seed trains only the new seed: the trainings done are reused', async () => {
    const lines: string[] = [];
    const out = join(root, 'seeds3');
    cpSync(join(one.out, 'cache'), join(out, 'cache'), { recursive: true });
    const r = await runWorkflow(config({ models: { seeds: 3 } }), {
      out,
      log: (l) => lines.push(l),
    });
    expect(r.executed).toEqual(['models', 'evaluate', 'portfolio', 'report']);
    expect(lines).toContain('  4 of 6 trainings found in the cache');
    // trainings run in parallel and report in the order they finish
    expect(lines.filter((l) => /fold \d seed \d:/.test(l)).sort()).toEqual([
      expect.stringMatching(/^ {2}all-transformer fold 1 seed 2:/),
      expect.stringMatching(/^ {2}all-transformer fold 2 seed 2:/),
    ]);
  }, 120_000);
});

describe('hfq run', () => {
  it('resumes after a kill between stages and after a kill between trainings', async () => {
    const out = join(root, 'killed');
    const wf = join(root, 'wf.yaml');
    // killed once the models stage starts: the factors are cached
    await runAndKill(['run', wf, '--out', out], /\[3\/6\]/);
    // killed after the first training: it is cached on its own
    const second = await runAndKill(['run', wf, '--out', out], /fold \d seed \d:/);
    expect(second).toContain('factors: 327 per stock-day (cached)');
    const r = hfq(['run', wf, '--out', out]);
    expect(r.err).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.out).toContain('factors: 327 per stock-day (cached)');
    expect(r.out).toMatch(/[1-3] of 4 trainings found in the cache/);
    expect(r.out).toContain('ran models, evaluate, portfolio, report; loaded factors from the cache');
    expect(scores(out).equals(scores(one.out))).toBe(true);
  }, 300_000);

  it('runs the trainings as array tasks: two shards, then a final run equal to one process', () => {
    const out = join(root, 'sharded');
    const wf = join(root, 'wf.yaml');
    // the factors of the one-process run (same hash) spare the shards a recomputation
    mkdirSync(join(out, 'cache'), { recursive: true });
    cpSync(join(one.out, 'cache', 'factors'), join(out, 'cache', 'factors'), { recursive: true });
    const a = hfq(['run', wf, '--out', out, '--stage', 'models', '--shard', '0/2']);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toContain('stopped after shard 0/2 of the models');
    expect(a.out.match(/fold \d seed \d:/g)).toHaveLength(2);
    // the second task takes its share from Slurm's array variables
    const b = hfq(['run', wf, '--out', out, '--stage', 'models'], {
      SLURM_ARRAY_TASK_ID: '1',
      SLURM_ARRAY_TASK_COUNT: '2',
    });
    expect(b.code, b.err).toBe(0);
    expect(b.out.match(/fold \d seed \d:/g)).toHaveLength(2);
    const final = hfq(['run', wf, '--out', out]);
    expect(final.code, final.err).toBe(0);
    expect(final.out).toContain('4 of 4 trainings found in the cache');
    expect(final.out).not.toMatch(/fold \d seed \d:/);
    expect(scores(out).equals(scores(one.out))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.rankIC).toEqual(one.summary!.rankIC);
  }, 300_000);

  it('says what is wrong: usage (exit 2), a bad workflow file (exit 2), --help (exit 0)', () => {
    expect(hfq(['run', '--help']).out).toContain('Usage: hfq run <workflow.yaml|json>');
    const noFile = hfq(['run']);
    expect(noFile.code).toBe(2);
    expect(noFile.err).toContain('run needs exactly one <workflow.yaml>');
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, 'models:\n  seedz: 3\n');
    const r = hfq(['run', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown knob models.seedz');
    const shardless = hfq(['run', join(root, 'wf.yaml'), '--shard', '0/2']);
    expect(shardless.code).toBe(2);
    expect(shardless.err).toContain('--shard and --shards go with --stage models');
  }, 120_000);
});

describe('the same study from a dataset directory', () => {
  it("examples/workflows/demo.yaml is the demo's default config on a dataset directory", () => {
    const file = fileURLToPath(new URL('../../../examples/workflows/demo.yaml', import.meta.url));
    const { data, out, ...rest } = loadWorkflowConfig(file);
    const { data: simData, out: _out, ...defaults } = DEFAULT_WORKFLOW_CONFIG;
    expect(rest).toEqual(defaults);
    expect(data).toEqual({ dir: join(process.cwd(), 'out/demo-market') });
    expect(out).toBe('out/workflow-demo');
    expect(simData.sim).toEqual({
      seed: 1,
      nStocks: 200,
      nDays: 480,
      startDate: 20230103,
      indexSize: 80,
      tickIntervalMs: 60_000,
    });
  });

  it('refuses a data section that names both or neither clearly', () => {
    expect(() => mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, { data: { dir: 'x', sim: {} } })).toThrow(
      'data takes sim or dir, not both',
    );
    expect(() => mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, { data: { url: 'x' } })).toThrow(
      'unknown knob data.url',
    );
    expect(() => mergeWorkflowConfig(DEFAULT_WORKFLOW_CONFIG, { data: { sim: { nStocks: 5 } } })).toThrow(
      'data.sim.nStocks must be an integer in [20',
    );
  });

  it('hfq sim export, then data.dir: the RankIC table and the scores equal the in-memory run', async () => {
    const dir = join(root, 'market');
    const e = hfq([
      'sim',
      'export',
      dir,
      '--stocks',
      String(TINY_SIM.nStocks),
      '--days',
      String(TINY_SIM.nDays),
      '--seed',
      String(TINY_SIM.seed),
      '--start-date',
      String(TINY_SIM.startDate),
      '--tick-interval-ms',
      String(TINY_SIM.tickIntervalMs),
    ]);
    expect(e.code, e.err).toBe(0);
    const r = await runWorkflow(mergeWorkflowConfig(config(), { data: { dir } }), {
      out: join(root, 'disk'),
    });
    expect(r.executed).toEqual(['factors', 'models', 'evaluate', 'portfolio', 'report']);
    expect(r.summary!.oracleRankIC).toBe(one.summary!.oracleRankIC);
    // the best achievable yardstick comes back from sim/truth.parquet value for value
    expect(r.summary!.bestAchievableRankIC).toBe(one.summary!.bestAchievableRankIC);
    expect(r.summary!.plantedAlphaRankIC).toBe(one.summary!.plantedAlphaRankIC);
    expect(r.summary!.rankIC).toEqual(one.summary!.rankIC);
    expect(r.summary!.bestSingleFactor).toEqual(one.summary!.bestSingleFactor);
    expect(r.summary!.topExcess).toEqual(one.summary!.topExcess);
    expect(r.summary!.enhancedIndex).toEqual(one.summary!.enhancedIndex);
    expect(scores(r.out).equals(scores(one.out))).toBe(true);
  }, 300_000);
});
