import { datasetError } from './errors.js';
import { parseShard, type Shard } from './factor-output.js';

/** The environment variables `resolveShard` reads (pass `process.env`, or a plain object in tests). */
export type ShardEnv = Readonly<Record<string, string | undefined>>;

/** Where a resolved shard came from. */
export type ShardSource = 'default' | 'flag' | 'slurm' | 'kubernetes' | 'aws-batch';

/** A shard and where it came from. */
export interface ResolvedShard extends Shard {
  /** `flag` (`--shard i/N`), a scheduler's variables, or `default` (neither: the whole run, 0/1). */
  source: ShardSource;
}

/** What `resolveShard` is given: the command-line values (absent = not given) and the environment. */
export interface ResolveShardInput {
  /** `--shard`: `i/N`, `auto`, or absent. */
  shard?: string | undefined;
  /** `--shards N`: the task count for schedulers that set only an index (Kubernetes, AWS Batch). */
  shards?: string | undefined;
  /** The environment (the library never reads `process.env` itself). */
  env?: ShardEnv;
}

function usage(message: string, field: string): never {
  throw datasetError('DATASET_INPUT', message, { field });
}

function nonNegInt(text: string, name: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
    usage(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`, name);
  return n;
}

function set(env: ShardEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** The shard the scheduler's array variables describe, or `undefined` when none is set. */
function fromScheduler(env: ShardEnv, shards: number | undefined): ResolvedShard | undefined {
  const slurmId = set(env, 'SLURM_ARRAY_TASK_ID');
  const k8s = set(env, 'JOB_COMPLETION_INDEX');
  const aws = set(env, 'AWS_BATCH_JOB_ARRAY_INDEX');
  const present = [
    slurmId !== undefined ? 'SLURM_ARRAY_TASK_ID' : '',
    k8s !== undefined ? 'JOB_COMPLETION_INDEX' : '',
    aws !== undefined ? 'AWS_BATCH_JOB_ARRAY_INDEX' : '',
  ].filter((s) => s !== '');
  if (present.length > 1)
    usage(
      `conflicting array-job variables: ${present.join(' and ')} are both set; unset all but one`,
      'shard',
    );
  let r: ResolvedShard | undefined;
  if (slurmId !== undefined) {
    const id = nonNegInt(slurmId, 'SLURM_ARRAY_TASK_ID');
    const countText = set(env, 'SLURM_ARRAY_TASK_COUNT');
    if (countText === undefined)
      usage('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not', 'SLURM_ARRAY_TASK_COUNT');
    const count = nonNegInt(countText, 'SLURM_ARRAY_TASK_COUNT');
    const minText = set(env, 'SLURM_ARRAY_TASK_MIN');
    const min = minText === undefined ? 0 : nonNegInt(minText, 'SLURM_ARRAY_TASK_MIN');
    const stepText = set(env, 'SLURM_ARRAY_TASK_STEP');
    const step = stepText === undefined ? 1 : nonNegInt(stepText, 'SLURM_ARRAY_TASK_STEP');
    if (step < 1) usage('SLURM_ARRAY_TASK_STEP must be at least 1', 'SLURM_ARRAY_TASK_STEP');
    if (id < min || (id - min) % step !== 0)
      usage(
        `SLURM_ARRAY_TASK_ID ${id} is not SLURM_ARRAY_TASK_MIN ${min} plus a multiple of the step ${step}`,
        'SLURM_ARRAY_TASK_ID',
      );
    const index = (id - min) / step;
    if (!(count >= 1) || index >= count)
      usage(
        `SLURM_ARRAY_TASK_ID ${id} (task ${index} from SLURM_ARRAY_TASK_MIN ${min}) is outside SLURM_ARRAY_TASK_COUNT ${count}: submit a dense array such as --array=0-${count - 1}`,
        'SLURM_ARRAY_TASK_ID',
      );
    if (shards !== undefined && shards !== count)
      usage(`--shards ${shards} disagrees with SLURM_ARRAY_TASK_COUNT ${count}`, 'shards');
    r = { index, count, source: 'slurm' };
  } else if (k8s !== undefined || aws !== undefined) {
    const name = k8s !== undefined ? 'JOB_COMPLETION_INDEX' : 'AWS_BATCH_JOB_ARRAY_INDEX';
    const index = nonNegInt((k8s ?? aws)!, name);
    if (shards === undefined)
      usage(`${name} is set: give the number of tasks with --shards N (the array size)`, 'shards');
    if (index >= shards) usage(`${name} ${index} is outside --shards ${shards}`, name);
    r = { index, count: shards, source: k8s !== undefined ? 'kubernetes' : 'aws-batch' };
  }
  return r;
}

/**
 * Decides which shard `hfq factors` evaluates, from `--shard`, `--shards` and the array-job
 * variables of the environment. The rule:
 *
 * 1. The scheduler's index: `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT` (task number
 *    `(ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP`, MIN 0 and STEP 1 when unset), or
 *    Kubernetes Indexed Jobs' `JOB_COMPLETION_INDEX`, or `AWS_BATCH_JOB_ARRAY_INDEX`; the last two
 *    need `--shards N` (they carry no count). More than one of the three set is a conflict.
 * 2. `--shard i/N` given: that shard. If a scheduler variable is also set it must say the same
 *    shard, else a conflict.
 * 3. `--shard auto`: the scheduler's shard; none set is an error.
 * 4. No `--shard`: the scheduler's shard if one is set, else everything (`0/1`).
 *
 * `--shards N` without a scheduler index (or disagreeing with `--shard i/N` or
 * `SLURM_ARRAY_TASK_COUNT`) is a conflict. Empty variables count as unset.
 *
 * @throws `DATASET_INPUT` (the CLI's exit 2) naming the flag or variable that is wrong or conflicts.
 */
export function resolveShard(input: ResolveShardInput): ResolvedShard {
  const env = input.env ?? {};
  const shards = input.shards === undefined ? undefined : nonNegInt(input.shards, 'shards');
  if (shards !== undefined && shards < 1) usage('--shards must be at least 1', 'shards');
  const sched = fromScheduler(env, shards);
  if (input.shard !== undefined && input.shard !== 'auto') {
    const flag = parseShard(input.shard);
    if (shards !== undefined && shards !== flag.count)
      usage(`--shards ${shards} disagrees with --shard ${input.shard}`, 'shards');
    if (sched !== undefined && (sched.index !== flag.index || sched.count !== flag.count))
      usage(
        `--shard ${input.shard} conflicts with the scheduler's task ${sched.index}/${sched.count} (${sched.source}); drop one`,
        'shard',
      );
    return { ...flag, source: 'flag' };
  }
  if (sched !== undefined) return sched;
  if (input.shard === 'auto')
    usage(
      '--shard auto needs SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX in the environment',
      'shard',
    );
  if (shards !== undefined)
    usage(
      '--shards N needs a task index: JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID',
      'shards',
    );
  return { index: 0, count: 1, source: 'default' };
}
