import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { slurmForTest } from '../../../test-support/slurm.js';
import { compareFactorOutputs, readFactorOutput, verifyFactorOutput } from './factor-output.js';
import { type CliCapture, captureCli, factorsArgs } from './test-utils/capture-cli.js';

// A real array job on a single-node Slurm: scripts/slurm/up.sh starts one (it does not install
// Slurm here: .ci/run does, optionally), sbatch runs three `hfq factors` tasks that take their shard
// from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, and the merged output must equal a one-process
// run value for value. Where Slurm cannot be started the test skips and says why.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'packages/dataset/bin/hfq.js');
const JOB = join(REPO, 'scripts/slurm/factors.sbatch');

const whyNot = slurmForTest('Slurm array-job');

const hfq = (...args: string[]): Promise<CliCapture> => captureCli(args, {});

let root: string | undefined;
afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(whyNot !== null)('hfq factors as a Slurm array job', () => {
  it('sbatch --wait --array=0-2: three tasks write their shards; merged, they equal a one-process run exactly', async () => {
    root = mkdtempSync(join(tmpdir(), 'hfq-slurm-'));
    chmodSync(root, 0o755);
    const ds = join(root, 'ds');
    expect(
      (await hfq('sim', 'export', ds, '--stocks', '6', '--days', '6', '--seed', '15', '--no-ticks')).code,
    ).toBe(0);
    const one = join(root, 'one');
    const single = await hfq(...factorsArgs(ds, 'minute', one));
    expect(single.code, single.err).toBe(0);

    const out = join(root, 'sharded');
    const sb = spawnSync(
      'sbatch',
      [
        '--wait',
        '--array=0-2',
        `--output=${join(root, 'task-%a.log')}`,
        `--chdir=${root}`,
        JOB,
        '--data',
        ds,
        '--set',
        'minute',
        '--out',
        out,
      ],
      {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, HFQ_BIN: BIN, HFQ_NODE: process.execPath },
      },
    );
    const logs = readdirSync(root)
      .filter((f) => f.startsWith('task-'))
      .sort()
      .map((f) => `--- ${f}\n${readFileSync(join(root!, f), 'utf8')}`)
      .join('\n');
    expect(sb.status, `sbatch: ${sb.stdout}${sb.stderr}\n${logs}`).toBe(0);
    // each task said which shard the array variables gave it
    for (const i of [0, 1, 2]) expect(logs).toContain(`shard ${i}/3 (from slurm): 2 dates written`);

    const v = await verifyFactorOutput(out);
    expect(v).toEqual({ ok: true, missing: [], duplicated: [], unexpected: [], broken: [] });
    const parts = readdirSync(out)
      .filter((d) => d.startsWith('date='))
      .sort()
      .map((d) => readdirSync(join(out, d)).join());
    expect(parts).toEqual([
      'part-0.parquet',
      'part-0.parquet',
      'part-1.parquet',
      'part-1.parquet',
      'part-2.parquet',
      'part-2.parquet',
    ]);
    const merged = await readFactorOutput(out);
    const reference = await readFactorOutput(one);
    expect(compareFactorOutputs(merged, reference)).toEqual({
      equal: true,
      shapeMismatch: null,
      differing: 0,
      first: [],
    });
    for (const f of reference.factors) expect(merged.panels[f]!.values).toEqual(reference.panels[f]!.values);
    expect((await hfq('factors', '--verify', out, '--against', one)).code).toBe(0);
  }, 180_000);
});
