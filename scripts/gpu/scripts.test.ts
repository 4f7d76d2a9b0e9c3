/**
 * Tests of the GPU measurement scripts (scripts/gpu, issue 9) that need no GPU: the parameter
 * lists the PyTorch reference is held to, the benchmark's training step against the package's
 * own, and the PyTorch reference models' forward and loss against tfjs (through a numpy stand-in
 * for PyTorch, skipped visibly where python3 with numpy and scipy is missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialWeights, Model, type ModelConfig, useBackend } from '@hfq/models';
import { batchGradients } from '@hfq/models/internal';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseConfig, caseParams, smokeCases } from './cases.js';
import { runChecks } from './checks.js';
import { syntheticBatch } from './data.js';
import { batchGradients as scriptGradients } from './step.js';
import { ToyBlock, toyWeights } from './toy.js';
import { paramsDocument } from './train-bench.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hfq-gpu-test-'));
  await useBackend('wasm');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('params.json (what the PyTorch reference must match)', () => {
  it("lists every case's parameters with the count of the model the package builds", () => {
    const doc = paramsDocument() as {
      cases: {
        id: string;
        kind: string;
        config: ModelConfig;
        parameterCount: number;
        params: { name: string; shape: number[] }[];
      }[];
    };
    const ids = doc.cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every architecture at both paper widths and all three cross-sections, and the toy block.
    for (const kind of ['gru', 'transformer', 'itransformer', 'crossformer', 'seq2seq']) {
      for (const d of [64, 128]) {
        for (const n of [1000, 2048, 4096]) expect(ids).toContain(`${kind}-d${d}-n${n}`);
      }
    }
    expect(ids).toContain('toy-d64-n4096');
    const counted = new Map<string, number>();
    for (const c of doc.cases) {
      const key = JSON.stringify(c.config);
      let n = counted.get(key);
      if (n === undefined) {
        const net =
          c.kind === 'toy'
            ? new ToyBlock(c.config as never, toyWeights(c.config as never, 0))
            : new Model(c.config, initialWeights(c.config, 0));
        n = net.parameterCount;
        // The listed shapes are the variables' shapes, in order.
        expect(c.params.map((p) => p.shape)).toEqual(net.variables().map((v) => v.shape));
        net.dispose();
        counted.set(key, n);
      }
      expect(c.parameterCount, c.id).toBe(n);
      expect(c.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0)).toBe(n);
    }
    // The README's figures for the paper-shape Transformer and Crossformer at d 64.
    expect(doc.cases.find((c) => c.id === 'transformer-d64-n4096')!.parameterCount).toBe(86_273);
    expect(doc.cases.find((c) => c.id === 'crossformer-d64-n4096')!.parameterCount).toBe(848_772);
    expect(doc.cases.find((c) => c.id === 'toy-d64-n4096')!.parameterCount).toBe(
      300 * 64 + 64 + 4 * (64 * 64 + 64) + 2 * 64 + 64 + 1,
    );
  });
});

describe("the benchmark's training step", () => {
  it("computes the package's gradients, in one pass and in chunks (async reads only)", async () => {
    for (const kind of ['seq2seq', 'gru'] as const) {
      const c = smokeCases().find((x) => x.kind === kind)!;
      const cfg = caseConfig(c) as ModelConfig;
      const model = new Model(cfg, initialWeights(cfg, 2));
      const batch = syntheticBatch(c, model.outputSize, 3, 2);
      const aux = kind === 'seq2seq' ? 0.1 : 0;
      for (const chunk of [batch.n, 10]) {
        const ours = await scriptGradients(model, batch, chunk, 17, aux);
        const theirs = batchGradients(model, batch, chunk, 17, aux);
        expect(ours.loss).toBe(theirs.loss);
        for (const v of model.variables()) {
          expect(ours.grads[v.name]!.dataSync(), `${kind} ${v.name} chunk ${chunk}`).toEqual(
            theirs.grads[v.name]!.dataSync(),
          );
        }
        tf.dispose([...Object.values(ours.grads), ...Object.values(theirs.grads)]);
      }
      model.dispose();
    }
  });

  it('gives the same gradient from a resident input tensor as from host arrays', async () => {
    const c = smokeCases().find((x) => x.kind === 'transformer')!;
    const cfg = caseConfig(c) as ModelConfig;
    const model = new Model(cfg, initialWeights(cfg, 2));
    const batch = syntheticBatch(c, 1, 4);
    const x = tf.tensor3d(batch.x, [batch.n, c.window, c.features]);
    const host = await scriptGradients(model, batch, 10, 5, 0);
    const resident = await scriptGradients(model, batch, 10, 5, 0, { kind: 'resident', x });
    expect(resident.loss).toBe(host.loss);
    for (const v of model.variables())
      expect(resident.grads[v.name]!.dataSync()).toEqual(host.grads[v.name]!.dataSync());
    tf.dispose([x, ...Object.values(host.grads), ...Object.values(resident.grads)]);
    model.dispose();
  });
});

const python = spawnSync('python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8' });
const hasNumpy = python.status === 0;
if (!hasNumpy)
  console.warn(
    '[hfq tests] python3 with numpy and scipy not found: the reference-model self-test is not run',
  );

describe.runIf(hasNumpy)('the PyTorch reference models (numpy stand-in)', () => {
  it('have the TypeScript parameters and reproduce tfjs outputs and losses', async () => {
    const paramsFile = join(dir, 'params.json');
    execFileSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'scripts/gpu/train-bench.ts', 'params', '--out', paramsFile],
      { cwd: repo },
    );
    const curves = await runChecks({
      dir: join(dir, 'checks'),
      backends: ['wasm'],
      backendOptions: {},
      steps: 2,
      lossTolerance: 2e-3,
      export: true,
      parityShape: 'small',
      log: () => {},
    });
    expect(curves.every((c) => c.ok)).toBe(true);
    const out = join(dir, 'selftest.json');
    const run = spawnSync(
      'python3',
      [
        join(repo, 'scripts/gpu/reference/selftest.py'),
        '--params',
        paramsFile,
        '--checks',
        join(dir, 'checks'),
        '--out',
        out,
      ],
      { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
    );
    expect(run.status, run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      ok: boolean;
      parameters: { cases: number; ok: boolean };
      parity: { id: string; relError: Record<string, number> }[];
      firstLoss: { id: string; diff: number }[];
    };
    expect(doc.ok).toBe(true);
    expect(doc.parameters.cases).toBeGreaterThanOrEqual(50);
    expect(doc.parity.map((p) => p.id).sort()).toEqual(
      ['crossformer', 'gru', 'itransformer', 'seq2seq', 'toy', 'transformer'].map((k) => `${k}-parity-small`),
    );
    for (const p of doc.parity) expect(p.relError.wasm).toBeLessThan(1e-5);
    for (const l of doc.firstLoss) expect(l.diff).toBeLessThan(1e-5);
  });

  it('would notice a reference model with a parameter of the wrong shape', () => {
    const c = smokeCases().find((x) => x.kind === 'gru')!;
    const params = caseParams(c).map((p) =>
      p.name === 'gru0/wh' ? { ...p, shape: [p.shape[0]! + 1, p.shape[1]!] } : p,
    );
    const script = [
      'import json, sys',
      "sys.path.insert(0, 'scripts/gpu/reference')",
      'import numpy_torch; numpy_torch.install()',
      'import models',
      'c = json.loads(sys.argv[1])',
      'try:',
      "    models.check_parameters(models.build(c['config']), c['params'])",
      "    print('no error')",
      'except AssertionError as e:',
      '    print(e)',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, JSON.stringify({ config: caseConfig(c), params })], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.stdout).toMatch(/wrong shape \[\('gru0\/wh', \[16, 48\], \[17, 48\]\)\]/);
  });
});
