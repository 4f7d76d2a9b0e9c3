import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError } from '@hfq/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareFactorOutputs,
  readFactorOutput,
  resolveFactorSet,
  writeFactorShard,
} from './factor-output.js';
import { openDataset } from './reader.js';
import { exportSimMarket } from './sim-export.js';
import { type CliCapture, captureCli, factorsArgs } from './test-utils/capture-cli.js';

const hfqHere = (env: Record<string, string>, ...args: string[]): Promise<CliCapture> =>
  captureCli(args, env);

let root: string;
let ds: string;
let whole: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-fread-'));
  ds = join(root, 'ds');
  await exportSimMarket(ds, { config: { nStocks: 3, nDays: 5, seed: 7 }, ticks: false });
  whole = join(root, 'whole');
  const r = openDataset(ds, { loadOnDemand: true });
  await writeFactorShard(r, resolveFactorSet('minute'), whole).finally(() => r.close());
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('reading a sharded factor output back as one', () => {
  it('shards taken from the array-job variables read back equal to the one-process run, in both formats', async () => {
    const one = await readFactorOutput(whole);
    expect(one.dates.length).toBe(5);
    expect(one.assets.length).toBe(3);
    expect(one.factors.length).toBeGreaterThan(0);
    // the one-process run holds real numbers, not only NaN
    const first = one.panels[one.factors[0]!]!.values;
    expect(Array.from(first).some((v) => Number.isFinite(v))).toBe(true);

    const sharded = join(root, 'sharded');
    for (const id of ['0', '1', '2']) {
      const r = await hfqHere(
        { SLURM_ARRAY_TASK_ID: id, SLURM_ARRAY_TASK_COUNT: '3' },
        ...factorsArgs(ds, 'minute', sharded),
      );
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`^shard ${id}/3 \\(from slurm\\)`));
    }
    const v = await hfqHere({}, 'factors', '--verify', sharded, '--against', whole);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toContain('value for value');
    const back = await readFactorOutput(sharded);
    expect(compareFactorOutputs(back, one)).toEqual({
      equal: true,
      shapeMismatch: null,
      differing: 0,
      first: [],
    });
    for (const f of one.factors) expect(back.panels[f]!.values).toEqual(one.panels[f]!.values);

    // CSV holds shortest round-trip text: read back, the values are the same doubles
    const csv = join(root, 'csv');
    for (const id of ['0', '1'])
      expect(
        (
          await hfqHere(
            { JOB_COMPLETION_INDEX: id },
            ...factorsArgs(ds, 'minute', csv),
            '--format',
            'csv',
            '--shards',
            '2',
          )
        ).code,
      ).toBe(0);
    expect(compareFactorOutputs(await readFactorOutput(csv), one).equal).toBe(true);
  }, 60_000);

  it('a differing value, a missing date and conflicting sources are reported', async () => {
    const copy = join(root, 'copy');
    const r = openDataset(ds, { loadOnDemand: true });
    await writeFactorShard(r, resolveFactorSet('minute'), copy, { format: 'csv' }).finally(() => r.close());
    const one = await readFactorOutput(whole);
    const d = one.dates[2]!;
    const file = join(copy, `date=${d}`, 'part-0.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    const cells = lines[2]!.split(',');
    cells[2] = '12345.5';
    lines[2] = cells.join(',');
    writeFileSync(file, lines.join('\n'));
    const c = compareFactorOutputs(await readFactorOutput(copy), one);
    expect(c.equal).toBe(false);
    expect(c.differing).toBe(1);
    expect(c.first[0]).toMatchObject({ factor: one.factors[0], date: d, asset: one.assets[1], a: 12345.5 });
    const v = await hfqHere({}, 'factors', '--verify', copy, '--against', whole);
    expect(v.code).toBe(1);
    expect(v.out).toContain(`differs: ${one.factors[0]} ${d} ${one.assets[1]}: 12345.5 vs`);
    expect(v.out).toMatch(/1 value\(s\) differ/);

    cells[2] = 'abc';
    lines[2] = cells.join(',');
    writeFileSync(file, lines.join('\n'));
    await expect(readFactorOutput(copy)).rejects.toThrow(/"abc" is not a number/);

    renameSync(join(copy, `date=${d}`), join(root, 'moved'));
    let err: unknown;
    try {
      await readFactorOutput(copy);
    } catch (e) {
      err = e;
    }
    expect(HfqError.is(err) && err.code).toBe('DATASET_FACTORS');
    expect((err as Error).message).toContain(`date ${d} has no file`);

    const conflict = await hfqHere(
      { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' },
      ...factorsArgs(ds, 'minute', join(root, 'never')),
      '--shard',
      '0/1',
    );
    expect(conflict.code).toBe(2);
    expect(conflict.err).toMatch(/conflicts with the scheduler's task 1\/3/);
    expect((await hfqHere({}, 'factors', '--against', whole)).code).toBe(2);
  }, 60_000);
});
