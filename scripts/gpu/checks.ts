/**
 * Correctness checks of the GPU path, and the files the Python side checks against:
 *
 * - Loss curves: every architecture (and the toy block) trained for a few Adam steps from the same
 *   initial weights on the same data on each backend named (webgpu and wasm on a GPU machine);
 *   the curves and the final weights must agree within float32 tolerance.
 * - Forward parity at paper shape (40 x 300, d 64): the inference output of each backend, and
 *   the ONNX export of the model, written for `reference/check.py` (onnxruntime and the PyTorch
 *   reference on the same weights).
 *
 * Everything goes under `dir` with a `manifest.json` that lists, per case, its configuration,
 * parameters (name, shape, raw float32 file) and data files.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BackendName, exportOnnx, Model, type ModelConfig, useBackend } from '@hfq/models';
import * as tf from '@tensorflow/tfjs-core';
import { ARCHITECTURES, type BenchCase, type CaseKind, caseConfig, curveCase, parityCase } from './cases.js';
import { makeNet, round, syntheticBatch, weightsOf, writeJson, writeRaw } from './data.js';
import { trainStep } from './step.js';
import { TOY_KIND } from './toy.js';

/** Options of `runChecks`. */
export interface ChecksOptions {
  /** Directory for the manifest and the data files. */
  dir: string;
  /** Backends to compare, the reference first (e.g. `['wasm', 'webgpu']`). */
  backends: readonly BackendName[];
  /** Options for `useBackend` per backend (e.g. the webgpu importer of a bundle). */
  backendOptions: Parameters<typeof useBackend>[1];
  /** Adam steps of the loss curves [6]. */
  steps: number;
  /** Tolerance on every step's loss between backends [2e-3] (losses are minus an IC, |loss| <= 1). */
  lossTolerance: number;
  /** Architectures to check (default: the toy block and every model). */
  kinds?: readonly CaseKind[];
  /** Write the ONNX exports and parity data for the Python side [true]. */
  export: boolean;
  /** Shape of the parity cases: `paper` (the GPU run) or `small` [paper]. */
  parityShape?: 'paper' | 'small';
  /** Progress lines [stderr]. */
  log?: (line: string) => void;
}

/** One loss-curve comparison. */
export interface CurveResult {
  id: string;
  kind: string;
  steps: number;
  /** Loss per step and backend. */
  losses: Record<string, number[]>;
  /** Largest |loss difference| of any backend against the first. */
  maxLossDiff: number;
  /** Largest |weight difference| after the last step, relative to the largest |weight|. */
  maxWeightRelDiff: number;
  ok: boolean;
  error?: string;
}

async function readAll(vars: readonly tf.Variable[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const v of vars) out.push(new Float32Array((await v.data()) as Float32Array));
  return out;
}

function saveParams(dir: string, specs: { name: string; shape: number[] }[], values: Float32Array[]) {
  return specs.map((s, i) => {
    const file = `w${String(i).padStart(3, '0')}.f32`;
    writeRaw(join(dir, file), values[i]!);
    return { name: s.name, shape: s.shape, file };
  });
}

function specsOf(c: BenchCase): { name: string; shape: number[] }[] {
  const cfg = caseConfig(c);
  const net = makeNet(cfg, weightsOf(cfg, 0));
  const names = net.variables().map((v) => v.name);
  const shapes = net.variables().map((v) => [...v.shape]);
  net.dispose();
  // Variable names carry a per-model prefix (`hfq3/enc/...`, `toy/...`): strip it.
  return names.map((n, i) => ({ name: n.slice(n.indexOf('/') + 1), shape: shapes[i]! }));
}

/** Trains `c` for `steps` Adam steps on one backend; losses and final weights. */
async function curveOn(backend: BackendName, c: BenchCase, steps: number, o: ChecksOptions) {
  await useBackend(backend, o.backendOptions);
  const cfg = caseConfig(c);
  const net = makeNet(cfg, weightsOf(cfg, 3));
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const batch = syntheticBatch(c, net.outputSize, 7, 2);
  const aux = c.kind === 'seq2seq' ? 0.1 : 0;
  const losses: number[] = [];
  try {
    for (let i = 0; i < steps; i++) losses.push(await trainStep(net, optimizer, batch, batch.n, i, aux));
    return { losses, weights: await readAll(net.variables()), batch };
  } finally {
    optimizer.dispose();
    net.dispose();
  }
}

/** Loss curves on every backend of `o.backends`, compared with the first. */
export async function curveCheck(
  kind: CaseKind,
  o: ChecksOptions,
): Promise<{ result: CurveResult; files: object }> {
  const c = curveCase(kind);
  const result: CurveResult = {
    id: c.id,
    kind,
    steps: o.steps,
    losses: {},
    maxLossDiff: 0,
    maxWeightRelDiff: 0,
    ok: false,
  };
  const caseDir = join(o.dir, c.id);
  let files: object = {};
  try {
    const runs = [];
    for (const b of o.backends) {
      const run = await curveOn(b, c, o.steps, o);
      runs.push(run);
      result.losses[b] = run.losses.map((l) => round(l, 7));
    }
    const ref = runs[0]!;
    let wmax = 0;
    for (const w of ref.weights) for (const v of w) wmax = Math.max(wmax, Math.abs(v));
    for (const run of runs.slice(1)) {
      run.losses.forEach((l, i) => {
        result.maxLossDiff = Math.max(result.maxLossDiff, Math.abs(l - ref.losses[i]!));
      });
      run.weights.forEach((w, i) => {
        for (let j = 0; j < w.length; j++) {
          result.maxWeightRelDiff = Math.max(
            result.maxWeightRelDiff,
            Math.abs(w[j]! - ref.weights[i]![j]!) / wmax,
          );
        }
      });
    }
    result.maxLossDiff = Number(result.maxLossDiff.toPrecision(3));
    result.maxWeightRelDiff = Number(result.maxWeightRelDiff.toPrecision(3));
    const allFinite = runs.every((r) => r.losses.every((l) => Number.isFinite(l)));
    result.ok = allFinite && result.maxLossDiff <= o.lossTolerance;
    if (o.export) {
      const cfg = caseConfig(c);
      const specs = specsOf(c);
      const params = saveParams(join(caseDir, 'init'), specs, [...weightsOf(cfg, 3).values()]);
      const b = ref.batch;
      writeRaw(join(caseDir, 'x.f32'), b.x);
      writeRaw(join(caseDir, 'y.f32'), b.y);
      writeRaw(join(caseDir, 'mask.f32'), b.mask);
      writeRaw(join(caseDir, 'segments.i32'), b.segments);
      files = {
        id: c.id,
        kind,
        config: cfg,
        params: params.map((p) => ({ ...p, file: `init/${p.file}` })),
        batch: {
          n: b.n,
          nDates: b.nDates,
          k: b.k,
          x: 'x.f32',
          y: 'y.f32',
          mask: 'mask.f32',
          segments: 'segments.i32',
        },
        steps: o.steps,
        adam: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
        auxMseWeight: kind === 'seq2seq' ? 0.1 : 0,
        losses: result.losses,
        referenceBackend: o.backends[0],
      };
    }
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
  }
  return { result, files };
}

/** Inference outputs at paper shape on every backend, plus the ONNX export, for the Python side. */
export async function parityExport(kind: CaseKind, o: ChecksOptions): Promise<object> {
  const c = parityCase(kind, o.parityShape ?? 'paper');
  const cfg = caseConfig(c);
  const caseDir = join(o.dir, c.id);
  mkdirSync(caseDir, { recursive: true });
  const weights = weightsOf(cfg, 5);
  const batch = syntheticBatch(c, 1, 11);
  writeRaw(join(caseDir, 'x.f32'), batch.x);
  const outputs: Record<string, string> = {};
  const errors: Record<string, string> = {};
  let outShape: number[] = [];
  for (const b of o.backends) {
    try {
      await useBackend(b, o.backendOptions);
      const net =
        kind === TOY_KIND
          ? makeNet(cfg, weights)
          : new Model(
              cfg as ModelConfig,
              weights,
              Array.from({ length: c.features }, (_, i) => `f${i}`),
            );
      const y = tf.tidy(() => net.forward(tf.tensor3d(batch.x, [c.stocks, c.window, c.features]), {}));
      outShape = [...y.shape];
      const file = `out-${b}.f32`;
      writeRaw(join(caseDir, file), new Float32Array((await y.data()) as Float32Array));
      outputs[b] = file;
      y.dispose();
      if (b === o.backends[0] && kind !== TOY_KIND && o.export) {
        writeFileSync(join(caseDir, 'model.onnx'), exportOnnx(net as Model));
      }
      net.dispose();
    } catch (e) {
      errors[b] = e instanceof Error ? e.message : String(e);
    }
  }
  const specs = specsOf(c);
  const params = saveParams(join(caseDir, 'weights'), specs, [...weights.values()]);
  return {
    id: c.id,
    kind,
    config: cfg as ModelConfig,
    params: params.map((p) => ({ ...p, file: `weights/${p.file}` })),
    x: { file: 'x.f32', shape: [c.stocks, c.window, c.features] },
    outShape,
    outputs,
    errors,
    onnx: existsSync(join(caseDir, 'model.onnx')) ? 'model.onnx' : null,
  };
}

/** Runs the loss-curve checks and the parity export; writes `dir/manifest.json`; returns the curve results. */
export async function runChecks(o: ChecksOptions): Promise<CurveResult[]> {
  const kinds = o.kinds ?? [TOY_KIND, ...ARCHITECTURES];
  const curves: CurveResult[] = [];
  const manifest = {
    format: 'hfq-gpu-checks/1',
    backends: o.backends,
    curves: [] as object[],
    parity: [] as object[],
  };
  for (const kind of kinds) {
    const { result, files } = await curveCheck(kind, o);
    curves.push(result);
    if (o.export) manifest.curves.push(files);
    (o.log ?? ((line: string) => console.error(line)))(
      `[gpu-checks] ${result.id}: max |loss diff| ${result.maxLossDiff} (${result.ok ? 'ok' : 'MISMATCH'})${result.error ? ` error: ${result.error}` : ''}`,
    );
  }
  if (o.export) {
    for (const kind of kinds) manifest.parity.push(await parityExport(kind, o));
    writeJson(join(o.dir, 'manifest.json'), manifest);
  }
  return curves;
}
