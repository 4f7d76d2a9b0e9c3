import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { resolveShard } from './shard.js';

function fails(input: Parameters<typeof resolveShard>[0], message: RegExp): void {
  let err: unknown;
  try {
    resolveShard(input);
  } catch (e) {
    err = e;
  }
  expect(HfqError.is(err), String(err)).toBe(true);
  expect((err as HfqError).code).toBe('DATASET_INPUT');
  expect((err as Error).message).toMatch(message);
}

describe('resolveShard', () => {
  it('no flag and no variable: the whole run; --shard i/N: that shard', () => {
    expect(resolveShard({})).toEqual({ index: 0, count: 1, source: 'default' });
    expect(resolveShard({ env: { PATH: '/bin' } })).toEqual({ index: 0, count: 1, source: 'default' });
    expect(resolveShard({ shard: '2/3', env: {} })).toEqual({ index: 2, count: 3, source: 'flag' });
    expect(resolveShard({ shard: '2/3', shards: '3' })).toEqual({ index: 2, count: 3, source: 'flag' });
    fails({ shard: '3/3' }, /0 <= i < N/);
  });

  it('Slurm: task id minus SLURM_ARRAY_TASK_MIN, divided by the step, of SLURM_ARRAY_TASK_COUNT', () => {
    const env = { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' };
    expect(resolveShard({ env })).toEqual({ index: 1, count: 3, source: 'slurm' });
    expect(resolveShard({ shard: 'auto', env })).toEqual({ index: 1, count: 3, source: 'slurm' });
    // --array=5-7
    expect(
      resolveShard({
        env: { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '5' },
      }),
    ).toEqual({ index: 2, count: 3, source: 'slurm' });
    // --array=10-20:5 -> tasks 10, 15, 20
    expect(
      resolveShard({
        env: {
          SLURM_ARRAY_TASK_ID: '15',
          SLURM_ARRAY_TASK_COUNT: '3',
          SLURM_ARRAY_TASK_MIN: '10',
          SLURM_ARRAY_TASK_STEP: '5',
        },
      }),
    ).toEqual({ index: 1, count: 3, source: 'slurm' });
    // an explicit flag that agrees is fine; --shards that agrees too
    expect(resolveShard({ shard: '1/3', env })).toEqual({ index: 1, count: 3, source: 'flag' });
    expect(resolveShard({ shards: '3', env })).toEqual({ index: 1, count: 3, source: 'slurm' });
    // empty variables count as unset
    expect(resolveShard({ env: { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '' } }).source).toBe(
      'default',
    );
  });

  it('Slurm: a missing count, a sparse array or a task outside the count is an error', () => {
    fails({ env: { SLURM_ARRAY_TASK_ID: '1' } }, /SLURM_ARRAY_TASK_COUNT is not/);
    fails(
      { env: { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '3' } },
      /outside SLURM_ARRAY_TASK_COUNT 3/,
    );
    fails(
      {
        env: {
          SLURM_ARRAY_TASK_ID: '11',
          SLURM_ARRAY_TASK_COUNT: '3',
          SLURM_ARRAY_TASK_MIN: '10',
          SLURM_ARRAY_TASK_STEP: '5',
        },
      },
      /multiple of the step 5/,
    );
    fails({ env: { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '3' } }, /SLURM_ARRAY_TASK_ID must be/);
    fails(
      { shards: '4', env: { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' } },
      /--shards 4 disagrees/,
    );
  });

  it('Kubernetes and AWS Batch: the index with --shards N', () => {
    expect(resolveShard({ shards: '4', env: { JOB_COMPLETION_INDEX: '3' } })).toEqual({
      index: 3,
      count: 4,
      source: 'kubernetes',
    });
    expect(resolveShard({ shard: 'auto', shards: '10', env: { AWS_BATCH_JOB_ARRAY_INDEX: '0' } })).toEqual({
      index: 0,
      count: 10,
      source: 'aws-batch',
    });
    fails(
      { env: { JOB_COMPLETION_INDEX: '3' } },
      /JOB_COMPLETION_INDEX is set: give the number of tasks with --shards N/,
    );
    fails(
      { shards: '4', env: { AWS_BATCH_JOB_ARRAY_INDEX: '4' } },
      /AWS_BATCH_JOB_ARRAY_INDEX 4 is outside --shards 4/,
    );
    fails({ shards: '0', env: { AWS_BATCH_JOB_ARRAY_INDEX: '0' } }, /at least 1/);
  });

  it('conflicting sources are errors', () => {
    fails(
      { env: { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2', JOB_COMPLETION_INDEX: '0' } },
      /SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are both set/,
    );
    fails({ shards: '2', env: { JOB_COMPLETION_INDEX: '0', AWS_BATCH_JOB_ARRAY_INDEX: '1' } }, /conflicting/);
    fails(
      { shard: '0/1', env: { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' } },
      /--shard 0\/1 conflicts with the scheduler's task 1\/3 \(slurm\)/,
    );
    fails({ shard: '0/2', shards: '3' }, /--shards 3 disagrees with --shard 0\/2/);
    fails({ shard: 'auto' }, /--shard auto needs/);
    fails({ shards: '3' }, /--shards N needs a task index/);
  });
});
