/**
 * The workflow's trainings as a real Slurm array job: scripts/slurm/up.sh starts a single-node
 * Slurm (it does not install Slurm here: .ci/run does, optionally), the factors stage runs once,
 * `sbatch --wait --array=0-1 scripts/slurm/run.sbatch <wf> --stage models` runs two tasks that take
 * their share of the 4 trainings from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, and the final
 * `hfq run` must find every training cached and write the same scores.parquet, byte for byte, as a
 * one-process run. Where Slurm cannot be started the test skips and says why.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { slurmForTest } from '../../../test-support/slurm.js';
import { tinyStudy } from './test-utils/tiny-study.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'packages/dataset/bin/hfq.js');
const JOB = join(REPO, 'scripts/slurm/run.sbatch');
/** A tiny study: 25 stocks x 120 days, one model, 2 seeds x 2 folds = 4 trainings of seconds each. */
const TINY = tinyStudy({ include: ['all-transformer'], seeds: 2, threads: 1 });

const whyNot = slurmForTest('Slurm training-array');

/** `hfq` as a child process (the bin re-runs the sources under tsx). */
function hfq(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

let root: string | undefined;
afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(whyNot !== null)('hfq run --stage models as a Slurm array job', () => {
  it('sbatch --wait --array=0-1: two tasks train their shares; the final run equals one process byte for byte', () => {
    root = mkdtempSync(join(tmpdir(), 'hfq-slurm-train-'));
    chmodSync(root, 0o755);
    const wf = join(root, 'wf.yaml');
    writeFileSync(wf, stringify(TINY));
    const one = join(root, 'one');
    const single = hfq(['run', wf, '--out', one]);
    expect(single.code, single.err).toBe(0);

    const out = join(root, 'array');
    const factors = hfq(['run', wf, '--out', out, '--stage', 'factors']);
    expect(factors.code, factors.err).toBe(0);
    const sb = spawnSync(
      'sbatch',
      [
        '--wait',
        '--array=0-1',
        `--output=${join(root, 'task-%a.log')}`,
        `--chdir=${root}`,
        JOB,
        wf,
        '--out',
        out,
        '--stage',
        'models',
      ],
      {
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, HFQ_BIN: BIN, HFQ_NODE: process.execPath },
      },
    );
    const logs = readdirSync(root)
      .filter((f) => f.startsWith('task-'))
      .sort()
      .map((f) => `--- ${f}\n${readFileSync(join(root!, f), 'utf8')}`)
      .join('\n');
    expect(sb.status, `sbatch: ${sb.stdout}${sb.stderr}\n${logs}`).toBe(0);
    // each task took its share from the array variables and trained 2 of the 4
    for (const i of [0, 1]) expect(logs).toContain(`stopped after shard ${i}/2 of the models`);
    expect(logs.match(/fold \d seed \d:/g)).toHaveLength(4);
    expect(readdirSync(join(out, 'cache', 'model-jobs')).filter((d) => !d.startsWith('.'))).toHaveLength(4);

    const final = hfq(['run', wf, '--out', out]);
    expect(final.code, final.err).toBe(0);
    expect(final.out).toContain('4 of 4 trainings found in the cache');
    expect(final.out).not.toMatch(/fold \d seed \d:/);
    expect(readFileSync(join(out, 'scores.parquet')).equals(readFileSync(join(one, 'scores.parquet')))).toBe(
      true,
    );
  }, 600_000);
});
