/**
 * `hfq run <workflow.yaml>`: the whole study from one workflow file, through `@hfq/workflow`.
 *
 * `@hfq/workflow` depends on this package (it reads datasets through it), so this package cannot
 * depend on it back: it is an optional peer dependency, imported here only when `hfq run` runs,
 * through a specifier TypeScript does not resolve (no build-order cycle; `hfq` without it still
 * does everything else). Missing, `hfq run` says which package to install and exits 1.
 */
import { parseArgs } from 'node:util';
import { HfqError, type ProgressCallback } from '@hfq/core';
import { resolveShard } from '../shard.js';
import type { CliIo } from './main.js';

/** `hfq run --help`. */
export const RUN_HELP = `Usage: hfq run <workflow.yaml|json> [--out DIR] [--stage STAGE] [--shard i/N|auto] [--shards N]

Runs the whole study of a workflow file (docs/workflow.md): the market (data.sim: the built-in
simulator; data.dir: a dataset directory), factors, walk-forward models, single-factor tests, the
enhanced-index optimizer and the report. Each stage's outputs are cached under <out>/cache by a
hash of their inputs: a second run loads what did not change, and a killed run resumes.

  --out DIR       output folder (default: the file's "out")
  --stage STAGE   stop after this stage: factors, models, evaluate, portfolio, report (default)
  --shard i/N     with --stage models: run only the i-th (0-based) of N shares of the trainings
                  (model x seed x fold) into the cache; then a plain hfq run finds them all
  --shard auto    take the share from the array-job scheduler; error if none is set
  --shards N      the number of tasks, for schedulers that set only an index

Array tasks (with --stage models): Slurm SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, Kubernetes
JOB_COMPLETION_INDEX with --shards N, AWS Batch AWS_BATCH_JOB_ARRAY_INDEX with --shards N. All
tasks need the same --out (a shared file system).

Needs the @hfq/workflow package (npm install @hfq/workflow).
Exit codes: 0 ok, 1 data or run failed (or @hfq/workflow missing), 2 usage or invalid workflow file.`;

/** The part of `@hfq/workflow` that `hfq run` uses. */
interface WorkflowModule {
  WORKFLOW_STAGES: readonly string[];
  loadWorkflowConfig(path: string): unknown;
  runWorkflow(
    cfg: unknown,
    options: {
      out?: string;
      stage?: string;
      shard?: { index: number; count: number };
      onProgress?: ProgressCallback;
      log?: (line: string) => void;
    },
  ): Promise<{
    out: string;
    complete: boolean;
    executed: string[];
    loaded: string[];
    summary?: { plantedAlphaRankIC: number; bestAchievableRankIC: number; rankIC: Record<string, number> };
  }>;
}

function usage(message: string): never {
  throw new HfqError('INVALID_ARGUMENT', message, { field: 'run' });
}

/** Runs `hfq run` (`args` after the verb). Returns the exit code. */
export async function runWorkflowCli(
  args: string[],
  io: CliIo,
  onProgress: ProgressCallback,
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: {
        help: { type: 'boolean', short: 'h' },
        out: { type: 'string' },
        stage: { type: 'string' },
        shard: { type: 'string' },
        shards: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    usage(`${(e as Error).message} (see hfq run --help)`);
  }
  if (values.help) {
    io.stdout.write(`${RUN_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) usage('run needs exactly one <workflow.yaml> (see hfq run --help)');
  let wf: WorkflowModule;
  const name = '@hfq/workflow';
  try {
    wf = (await import(name)) as WorkflowModule;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw e;
    io.stderr.write(`hfq: hfq run needs the ${name} package: npm install ${name}\n`);
    return 1;
  }
  const stage = values.stage as string | undefined;
  if (stage !== undefined && !wf.WORKFLOW_STAGES.includes(stage))
    usage(`--stage must be one of ${wf.WORKFLOW_STAGES.join(', ')}, got ${stage}`);
  let shard: { index: number; count: number } | undefined;
  if (stage === 'models') {
    const r = resolveShard({
      shard: values.shard as string | undefined,
      shards: values.shards as string | undefined,
      env: io.env ?? {},
    });
    if (r.source !== 'default') shard = { index: r.index, count: r.count };
  } else if (values.shard !== undefined || values.shards !== undefined) {
    usage('--shard and --shards go with --stage models (a share of the trainings)');
  }
  let cfg: unknown;
  try {
    cfg = wf.loadWorkflowConfig(positionals[0]!);
  } catch (e) {
    if (HfqError.is(e) && e.code === 'WORKFLOW_CONFIG') {
      io.stderr.write(`hfq: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const r = await wf.runWorkflow(cfg, {
    ...(values.out !== undefined ? { out: values.out as string } : {}),
    ...(stage !== undefined ? { stage } : {}),
    ...(shard ? { shard } : {}),
    onProgress,
    log: (line) => io.stdout.write(`${line}\n`),
  });
  io.stdout.write(
    `${r.complete ? 'done' : `stopped after ${shard ? `shard ${shard.index}/${shard.count} of the models` : stage}`}: ` +
      `${r.executed.length > 0 ? `ran ${r.executed.join(', ')}` : shard ? "the share's trainings are in the cache" : 'ran nothing new'}` +
      `${r.loaded.length > 0 ? `; loaded ${r.loaded.join(', ')} from the cache` : ''}; output in ${r.out}\n`,
  );
  if (r.summary) {
    const best = r.summary.bestAchievableRankIC;
    io.stdout.write(
      `best achievable RankIC ${(100 * best).toFixed(2)}% (expected return at T); ` +
        `planted alpha ${(100 * r.summary.plantedAlphaRankIC).toFixed(2)}%\n`,
    );
    for (const [k, v] of Object.entries(r.summary.rankIC))
      io.stdout.write(
        `  ${k.padEnd(24)} RankIC ${(100 * v).toFixed(2).padStart(6)}%  (${Math.round((100 * v) / best)}% of best achievable)\n`,
      );
  }
  return 0;
}
