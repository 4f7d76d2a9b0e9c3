/**
 * Entry point of the GPU measurement (also the esbuild bundle's entry, see bundle.ts):
 *
 *   node --conditions=source --import tsx scripts/gpu/train-bench.ts <task> [--option value ...]
 *
 * Tasks (each writes JSON to `--out`, or to `--dir` for `checks`):
 *   params   every case's configuration and parameter list (the PyTorch reference asserts it matches)
 *   probe    the backend and device, kernel overhead, readback latency, upload, matMul, a custom WGSL kernel
 *   bench    the training benchmark (`--cases paper|smoke|counts[:N]|id,id`, `--deadline-s`, `--memory-mb`,
 *            `--count-only`: one timed and one counted step per case)
 *   checks   loss curves on each of `--backends` (webgpu vs wasm) + parity files for reference/check.py
 *            (`--parity small` for a quick run without a GPU)
 *   hostfloats  floats per stock per step made on the host (dropout masks, constants), paper shape
 *   summary  combines the run's JSON files (`--dir`) into summary.json and prints a table
 *
 * Backend options: `--backend webgpu|wasm|cpu|auto` (default auto), `--dawn-backend null|vulkan|...`,
 * `--adapter <name or index>`, `--power high-performance|low-power`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BackendName, type BackendOptions, useBackend } from '@hfq/models';
import { hostFloatsPerStock, runBench } from './bench.js';
import {
  ARCHITECTURES,
  caseConfig,
  caseParameterCount,
  caseParams,
  countCases,
  curveCase,
  paperCases,
  parityCase,
  selectCases,
  smokeCases,
} from './cases.js';
import { runChecks } from './checks.js';
import { writeJson } from './data.js';
import { runProbe } from './probe.js';
import { summarise } from './summary.js';
import { TOY_KIND } from './toy.js';

/** `--key value` pairs (a key without a value is `true`). */
export function parseArgs(argv: readonly string[]): { task: string; opts: Map<string, string> } {
  const [task = 'help', ...rest] = argv;
  const opts = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const next = rest[i + 1];
    if (next === undefined || next.startsWith('--')) opts.set(a.slice(2), 'true');
    else {
      opts.set(a.slice(2), next);
      i++;
    }
  }
  return { task, opts };
}

type DawnBackend = NonNullable<NonNullable<BackendOptions['webgpu']>['dawnBackend']>;

/** Literal imports, so that a bundle carries tfjs-backend-webgpu and leaves `webgpu` (native) outside. */
const importer = (specifier: string): Promise<unknown> =>
  specifier === 'webgpu' ? import('webgpu') : import('@tensorflow/tfjs-backend-webgpu');

/** The backend options of the command line (and the bundle's wasm files, when beside it). */
export function backendOptions(opts: Map<string, string>): BackendOptions {
  const here = dirname(fileURLToPath(import.meta.url));
  const adapter = opts.get('adapter');
  return {
    ...(existsSync(join(here, 'tfjs-backend-wasm-simd.wasm')) ? { wasmPaths: `${here}/` } : {}),
    webgpu: {
      importer,
      ...(opts.has('dawn-backend') ? { dawnBackend: opts.get('dawn-backend') as DawnBackend } : {}),
      ...(adapter === undefined ? {} : { adapter: /^\d+$/.test(adapter) ? Number(adapter) : adapter }),
      ...(opts.has('power')
        ? { powerPreference: opts.get('power') as 'high-performance' | 'low-power' }
        : {}),
    },
  };
}

/** Every case's configuration and parameter list. */
export function paramsDocument(): Record<string, unknown> {
  const kinds = [TOY_KIND, ...ARCHITECTURES];
  const cases = [
    ...paperCases(),
    ...smokeCases(),
    ...kinds.map(curveCase),
    ...kinds.map((k) => parityCase(k)),
    ...kinds.map((k) => parityCase(k, 'small')),
  ];
  return {
    format: 'hfq-gpu-params/1',
    notes:
      'parameters in the models order: name, shape ([in, out] for every dense weight); the PyTorch reference asserts its own list equals this',
    cases: cases.map((c) => ({
      ...c,
      config: caseConfig(c),
      parameterCount: caseParameterCount(c),
      params: caseParams(c),
    })),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const { task, opts } = parseArgs(argv);
  const need = (k: string) => {
    const v = opts.get(k);
    if (v === undefined) throw new Error(`${task} needs --${k}`);
    return v;
  };
  const bo = backendOptions(opts);
  const backend = (opts.get('backend') ?? 'auto') as BackendName | 'auto';
  switch (task) {
    case 'params':
      writeJson(need('out'), paramsDocument());
      return 0;
    case 'probe': {
      let info: Record<string, unknown>;
      try {
        await useBackend(backend, bo);
        info = await runProbe(() => importer('@tensorflow/tfjs-backend-webgpu'));
      } catch (e) {
        info = { task: 'probe', error: e instanceof Error ? e.message : String(e) };
      }
      writeJson(need('out'), info);
      console.error(`[gpu-probe] ${JSON.stringify(info).slice(0, 600)}`);
      return info.error === undefined ? 0 : 1;
    }
    case 'bench': {
      const info = await useBackend(backend, bo);
      console.error(`[gpu-bench] backend ${info.name}: ${info.detail}`);
      const onGpu = info.name === 'webgpu' || info.name === 'tensorflow-gpu';
      await runBench(selectCases(opts.get('cases') ?? 'smoke'), {
        out: need('out'),
        deadline: Date.now() + 1000 * Number(opts.get('deadline-s') ?? 3600),
        reps: Number(opts.get('reps') ?? 5),
        caseBudgetMs: Number(opts.get('case-budget-ms') ?? 15_000),
        epochSteps: Number(opts.get('epoch-steps') ?? 3),
        memoryMB: Number(opts.get('memory-mb') ?? (onGpu ? 16_000 : 768)),
        noDropoutIds: (opts.get('no-dropout') ?? 'transformer-d64-n4096').split(','),
        countOnly: opts.get('count-only') === 'true',
        meta: { argv: [...argv], commit: opts.get('commit') ?? null },
      });
      return 0;
    }
    case 'hostfloats': {
      const info = await useBackend(backend, bo);
      writeJson(need('out'), {
        task: 'hostfloats',
        backend: info,
        notes:
          'tensors made from host values per training step (paper shape 40 x 300, d 64), per stock and fixed; on a GPU each is built on the CPU and uploaded every step',
        rows: await hostFloatsPerStock(countCases(1), countCases(2)),
      });
      return 0;
    }
    case 'checks': {
      const backends = (opts.get('backends') ?? 'wasm,cpu').split(',') as BackendName[];
      const curves = await runChecks({
        dir: need('dir'),
        backends,
        backendOptions: bo,
        steps: Number(opts.get('steps') ?? 6),
        lossTolerance: Number(opts.get('tolerance') ?? 2e-3),
        export: opts.get('export') !== 'false',
        parityShape: opts.get('parity') === 'small' ? 'small' : 'paper',
        ...(opts.has('kinds')
          ? { kinds: opts.get('kinds')!.split(',') as (typeof ARCHITECTURES)[number][] }
          : {}),
      });
      writeJson(opts.get('out') ?? join(need('dir'), 'curves.json'), {
        task: 'checks',
        backends,
        tolerance: Number(opts.get('tolerance') ?? 2e-3),
        notes:
          'same initial weights and data on every backend, dropout 0, one pass per step; maxLossDiff against the first backend',
        curves,
      });
      return curves.every((c) => c.ok) ? 0 : 2;
    }
    case 'summary': {
      const dir = need('dir');
      const { summary, table } = summarise({
        probe: join(dir, 'probe.json'),
        bench: join(dir, 'bench-webgpu.json'),
        reference: join(dir, 'reference.json'),
        curves: join(dir, 'curves.json'),
        pyChecks: join(dir, 'checks-python.json'),
      });
      writeJson(opts.get('out') ?? join(dir, 'summary.json'), summary);
      console.log(table);
      return 0;
    }
    default:
      console.error(
        'tasks: params, probe, bench, checks, summary (see the header of scripts/gpu/train-bench.ts)',
      );
      return task === 'help' ? 0 : 1;
  }
}

// Run only as a program (tests import the helpers). Dawn keeps Node alive while a GPU object
// exists, so exit explicitly.
const self = fileURLToPath(import.meta.url);
if (
  process.argv[1] !== undefined &&
  (process.argv[1] === self || process.argv[1].endsWith('train-bench.mjs'))
) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}
