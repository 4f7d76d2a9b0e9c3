/**
 * The training benchmark: per case, step time with the batch resident on the device (median
 * after warm-up), what a step asks of the backend (kernels, dispatches, host readbacks, host
 * tensors), and a mini-epoch with a fresh host batch per step (uploads included) plus the
 * validation pass. Runs on whatever backend is active; writes its JSON after every case so a run
 * cut off by its time limit keeps what it measured.
 */
import os from 'node:os';
import { activeBackend, inferenceChunk, type ModelConfig } from '@hfq/models';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchCase, caseConfig } from './cases.js';
import { makeNet, median, round, syntheticBatch, weightsOf, writeJson } from './data.js';
import { BackendCounter, type Counts } from './instrument.js';
import { batchGradients, chooseChunk, type HostBatch, type Net, trainStep } from './step.js';
import { TOY_KIND } from './toy.js';

/** Options of `runBench`. */
export interface BenchOptions {
  /** Where the JSON goes (rewritten after every case). */
  out: string;
  /** Wall-clock deadline (ms since epoch): cases that would not finish by then are skipped. */
  deadline: number;
  /** Most timed steps per case after the two warm-up steps [5]. */
  reps: number;
  /**
   * Wall time one case may take [15000 ms]: after the first step (always run), each further
   * phase (second warm-up, timed steps, counted step, dropout-0 variant, mini-epoch) runs only if
   * the time its steps are expected to take (the last step's time each) is left.
   */
  caseBudgetMs: number;
  /** Steps of the mini-epoch (a fresh host batch each) [3]. */
  epochSteps: number;
  /** Memory for one training pass when choosing stocks per pass [768 MB on CPUs; pass more on a GPU]. */
  memoryMB: number;
  /** Cases also timed with dropout 0 (to price dropout's host-generated masks). */
  noDropoutIds: readonly string[];
  /** Only the first step (timed) and one counted step: what a step asks of the backend, cheaply. */
  countOnly?: boolean;
  /** Free-form facts to record (command line, git commit). */
  meta?: Record<string, unknown>;
}

/** The totals of `Counts` (without the per-kernel tables). */
type CountsCore = Omit<Counts, 'byKernel' | 'dispatchesByKernel'>;

/** What one case measured (fields absent when the case was cut short). */
export interface CaseResult {
  id: string;
  kind: string;
  stocks: number;
  window: number;
  features: number;
  dModel: number;
  dropout: number;
  parameters?: number;
  stocksPerPass?: number;
  peakMBPerStock?: number;
  largestTensorMBPerStock?: number;
  firstStepMs?: number;
  /** Median of the timed steps (batch resident on the device; loss read back every step). */
  stepMs?: number;
  stepMsAll?: number[];
  /** Set when only the first step ran (a slow case): `stepMs` then includes shader compilation. */
  stepMsIsFirstStep?: boolean;
  stepMsNoDropout?: number;
  /** Per step: kernels, readbacks, host tensors (and GPU dispatches/submits/uploads). */
  counts?: CountsCore & {
    topKernels: Record<string, number>;
    topDispatchKernels: Record<string, number>;
    /** The same counts for the optimizer update alone (Adam), part of the step's. */
    optimizer: CountsCore;
  };
  /** Mini-epoch: `steps` fresh host batches (uploaded as training does) + one validation pass. */
  epoch?: { steps: number; trainMs: number; perStepMs: number; validMs: number; totalMs: number };
  losses?: number[];
  lossesFinite?: boolean;
  /** Phases left out because the case's time budget would not cover them. */
  leftOut?: string[];
  /** WebGPU errors raised during the case (out of memory, limits). */
  gpuErrors?: string[];
  /** `tf.memory()` after the timed steps (on webgpu: bytes in GPU buffers, allocated and pooled). */
  memory?: Record<string, number>;
  error?: string;
  skipped?: string;
}

const now = () => performance.now();

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = now();
  await f();
  return now() - t0;
}

/** Median ms of a 512^3 float32 matMul on the active backend (result read back): the in-process baseline. */
export async function baselineMs(): Promise<number> {
  const a = tf.randomNormal([512, 512], 0, 1, 'float32', 1);
  const b = tf.randomNormal([512, 512], 0, 1, 'float32', 2);
  const run = async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  };
  await run();
  const ts: number[] = [];
  for (let i = 0; i < 7; i++) ts.push(await timed(run));
  tf.dispose([a, b]);
  return median(ts);
}

/** Rough ms of one step of `c` from an already measured case of the same kind. */
function predictStepMs(c: BenchCase, done: readonly CaseResult[]): number | undefined {
  const same = done.filter((r) => r.kind === c.kind && r.stepMs !== undefined);
  if (same.length === 0) return undefined;
  const ref = same.reduce((a, b) => (Math.abs(b.stocks - c.stocks) < Math.abs(a.stocks - c.stocks) ? b : a));
  const scale = (c.stocks / ref.stocks) * (c.dModel / ref.dModel) ** 1.5;
  return Math.max(ref.firstStepMs ?? 0, ref.stepMs!) * Math.max(1, scale);
}

/** The validation pass of the mini-epoch: inference forward over a host batch, in chunks, read back. */
async function validationPass(net: Net, batch: HostBatch): Promise<void> {
  const { window: L, nFeatures: F } = net.config;
  const chunk =
    net.config.kind === TOY_KIND ? batch.n : inferenceChunk(net.config as unknown as ModelConfig, 2048);
  for (let s = 0; s < batch.n; s += chunk) {
    const m = Math.min(chunk, batch.n - s);
    const out = tf.tidy(() =>
      net.forward(tf.tensor3d(batch.x.subarray(s * L * F, (s + m) * L * F), [m, L, F]), {}),
    );
    await out.data();
    out.dispose();
  }
}

/**
 * Destroys the GPU buffers tfjs's webgpu backend keeps for reuse. Its buffer manager never frees
 * a released buffer (it pools them by exact size and usage), so cases of other shapes would pile
 * up pools until the device runs out of memory. Keys stay (an empty pool map makes tfjs stop
 * pooling at all). No-op on other backends.
 */
export function releasePooledGpuBuffers(): void {
  const bm = (tf.backend() as unknown as { bufferManager?: Record<string, unknown> }).bufferManager;
  const pools = bm?.freeBuffers;
  if (!(pools instanceof Map)) return;
  for (const list of pools.values() as Iterable<{ size: number; destroy(): void }[]>) {
    for (const b of list) {
      b.destroy();
      (bm as { numBytesAllocated: number }).numBytesAllocated -= b.size;
    }
    list.length = 0;
  }
  (bm as { numFreeBuffers: number }).numFreeBuffers = 0;
}

function gpuErrorsSoFar(): string[] {
  return activeBackend()?.device?.uncapturedErrors ?? [];
}

/** Measures one case on the active backend. */
export async function measureCase(c: BenchCase, o: BenchOptions): Promise<CaseResult> {
  const r: CaseResult = {
    id: c.id,
    kind: c.kind,
    stocks: c.stocks,
    window: c.window,
    features: c.features,
    dModel: c.dModel,
    dropout: c.dropout,
  };
  const errorsBefore = gpuErrorsSoFar().length;
  const cfg = caseConfig(c);
  const net = makeNet(cfg, weightsOf(cfg, 1));
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const aux = c.kind === 'seq2seq' ? 0.1 : 0;
  const k = net.outputSize;
  const batches: HostBatch[] = [];
  let resident: tf.Tensor3D | undefined;
  const losses: number[] = [];
  const overDeadline = () => Date.now() > o.deadline;
  try {
    r.parameters = net.parameterCount;
    const maxTensor = activeBackend()?.device?.limits.maxStorageBufferBindingSize ?? 2 ** 31;
    const sizing = await chooseChunk(net, o.memoryMB, maxTensor, aux, Math.min(16, c.stocks));
    const chunk = sizing.chunk;
    r.stocksPerPass = Math.min(chunk, c.stocks);
    r.peakMBPerStock = round(sizing.peakBytesPerStock / 1e6, 3);
    r.largestTensorMBPerStock = round(sizing.largestTensorBytesPerStock / 1e6, 3);
    for (let i = 0; i <= o.epochSteps; i++) batches.push(syntheticBatch(c, k, 100 + i));
    const b0 = batches[0]!;
    resident = tf.tensor3d(b0.x, [b0.n, c.window, c.features]);
    const source = { kind: 'resident', x: resident } as const;
    let seed = 0;
    const step = async () => {
      losses.push(await trainStep(net, optimizer, b0, chunk, seed++, aux, source));
    };
    // A mini-epoch: fresh host batches (uploaded per pass, as training does), then validation.
    const miniEpoch = async () => {
      const t0 = now();
      for (let i = 1; i <= o.epochSteps; i++) {
        losses.push(await trainStep(net, optimizer, batches[i]!, chunk, seed++, aux));
      }
      const trainMs = now() - t0;
      const validMs = await timed(() => validationPass(net, batches[0]!));
      r.epoch = {
        steps: o.epochSteps,
        trainMs: round(trainMs),
        perStepMs: round(trainMs / o.epochSteps),
        validMs: round(validMs),
        totalMs: round(trainMs + validMs),
      };
    };
    const caseStart = now();
    let last = await timed(step);
    r.firstStepMs = round(last);
    if (overDeadline()) throw new Error('deadline reached after the first step');
    const leftOut: string[] = [];
    const budgetLeft = () => o.caseBudgetMs - (now() - caseStart);
    // Whether `steps` more steps of the last step's time fit in the case's budget.
    const fits = (steps: number, phase: string) => {
      const ok = budgetLeft() >= steps * last;
      if (!ok) leftOut.push(phase);
      return ok;
    };
    // Second warm-up: anything compiled lazily after the first pass.
    if (!o.countOnly && fits(3, 'second warm-up')) last = await timed(step);
    if (o.countOnly || fits(2, 'counted step')) {
      // One more step, counted, with the optimizer's share apart.
      const counter = new BackendCounter();
      try {
        const { loss, grads } = await batchGradients(net, b0, chunk, seed++, aux, source);
        const before = counter.counts();
        (optimizer as tf.Optimizer).applyGradients(grads);
        tf.dispose(Object.values(grads));
        losses.push(loss);
        const { byKernel, dispatchesByKernel, ...rest } = counter.stop();
        const top = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).slice(0, 15));
        const optimizerPart = Object.fromEntries(
          Object.entries(rest).map(([k, v]) => [k, v - (before as unknown as Record<string, number>)[k]!]),
        ) as unknown as CountsCore;
        r.counts = {
          ...rest,
          topKernels: top(byKernel),
          topDispatchKernels: top(dispatchesByKernel),
          optimizer: optimizerPart,
        };
      } finally {
        counter.stop();
      }
    }
    if (o.countOnly) return r;
    const ts: number[] = [];
    // At least two timed steps if they fit, then more while the mini-epoch still fits after them.
    while (
      ts.length < o.reps &&
      !overDeadline() &&
      budgetLeft() >= last * (ts.length < 2 ? 1 : o.epochSteps + 2)
    ) {
      last = await timed(step);
      ts.push(last);
    }
    if (ts.length < o.reps) leftOut.push(`timed steps after ${ts.length}`);
    if (ts.length === 0) {
      // Too slow to time more than once: the first step (shader compilation included) stands in.
      r.stepMs = r.firstStepMs;
      r.stepMsIsFirstStep = true;
    }
    r.leftOut = leftOut;
    if (ts.length > 0) {
      r.stepMs = round(median(ts));
      r.stepMsAll = ts.map((t) => round(t));
    }
    r.memory = Object.fromEntries(
      Object.entries(tf.memory()).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    if (overDeadline()) throw new Error('deadline reached while timing steps');
    if (fits(o.epochSteps + 1, 'mini-epoch')) await miniEpoch();
    if (o.noDropoutIds.includes(c.id) && c.dropout > 0 && !overDeadline() && fits(4, 'dropout-0 variant')) {
      const cfg0 = caseConfig({ ...c, dropout: 0 });
      const net0 = makeNet(cfg0, weightsOf(cfg0, 1));
      const opt0 = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
      const ts0: number[] = [];
      for (let i = 0; i < 4 && !overDeadline(); i++) {
        ts0.push(await timed(() => trainStep(net0, opt0, b0, chunk, i, aux, source)));
      }
      if (ts0.length > 2) r.stepMsNoDropout = round(median(ts0.slice(2)));
      opt0.dispose();
      net0.dispose();
    }
    return r;
  } catch (e) {
    r.error = e instanceof Error ? e.message : String(e);
  } finally {
    r.losses = losses.map((l) => round(l, 6));
    r.lossesFinite = losses.length > 0 && losses.every((l) => Number.isFinite(l));
    const errs = gpuErrorsSoFar().slice(errorsBefore);
    if (errs.length > 0) r.gpuErrors = errs.slice(0, 5).map((s) => s.slice(0, 400));
    resident?.dispose();
    optimizer.dispose();
    net.dispose();
  }
  return r;
}

/** Runs `cases` in order on the active backend, skipping those that would overrun the deadline. */
export async function runBench(
  cases: readonly BenchCase[],
  o: BenchOptions,
): Promise<{ cases: CaseResult[] }> {
  const started = new Date().toISOString();
  const loadBefore = os.loadavg();
  const base = await baselineMs();
  const results: CaseResult[] = [];
  const write = () =>
    writeJson(o.out, {
      task: 'bench',
      started,
      finished: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadavgBefore: loadBefore.map((v) => round(v)),
      loadavgNow: os.loadavg().map((v) => round(v)),
      backend: activeBackend(),
      baseline: {
        what: '512x512 @ 512x512 float32 matMul on the same backend, result read back, median ms',
        ms: round(base, 3),
      },
      options: {
        reps: o.reps,
        caseBudgetMs: o.caseBudgetMs,
        epochSteps: o.epochSteps,
        memoryMB: o.memoryMB,
        countOnly: o.countOnly ?? false,
      },
      meta: o.meta ?? {},
      notes: [
        'stepMs: one Adam step (forward, IC loss, backward, update, loss read back) on one date, batch resident on the device; median after 2 warm-up steps',
        'epoch: fresh host batches (uploaded per pass, as trainModel does) plus one validation forward over the same stocks',
        'counts: one step, after warm-up; kernels = tfjs engine kernel calls; readbacks = device->host reads; hostTensors = tensors created from host values (constants, dropout masks, inputs)',
        'ratioToBaseline = stepMs / baseline.ms',
      ],
      cases: results.map((r) => ({
        ...r,
        ...(r.stepMs === undefined ? {} : { ratioToBaseline: round(r.stepMs / base, 1) }),
      })),
    });
  for (const c of cases) {
    const remaining = o.deadline - Date.now();
    const predicted = predictStepMs(c, results);
    const needed = predicted === undefined ? 0 : predicted * (5 + o.epochSteps);
    if (remaining < 5000 || needed > remaining) {
      results.push({
        id: c.id,
        kind: c.kind,
        stocks: c.stocks,
        window: c.window,
        features: c.features,
        dModel: c.dModel,
        dropout: c.dropout,
        skipped: `time budget: ${Math.round(remaining / 1000)} s left${predicted === undefined ? '' : `, ~${Math.round(needed / 1000)} s predicted`}`,
      });
      write();
      continue;
    }
    releasePooledGpuBuffers();
    const r = await measureCase(c, o);
    results.push(r);
    console.error(
      `[gpu-bench] ${r.id}: ${r.stepMs ?? '-'} ms/step (first ${r.firstStepMs ?? '-'}), ${r.counts?.kernels ?? '-'} kernels, ${r.counts?.readbacks ?? '-'} readbacks${r.error ? `, error: ${r.error}` : ''}`,
    );
    write();
  }
  write();
  return { cases: results };
}

/**
 * Host floats per stock per step: tensors made from host values (dropout masks, constants,
 * broadcast zeros) by one step of each case, at 1 and 2 stocks, with the configured dropout and
 * with dropout 0; the difference is what every further stock adds (on a GPU: built on the CPU and
 * uploaded every step). Input batch resident (not counted).
 */
export async function hostFloatsPerStock(cases1: readonly BenchCase[], cases2: readonly BenchCase[]) {
  const measure = async (c: BenchCase) => {
    releasePooledGpuBuffers();
    const cfg = caseConfig(c);
    const net = makeNet(cfg, weightsOf(cfg, 1));
    const optimizer = tf.train.adam(1e-3);
    const batch = syntheticBatch(c, net.outputSize, 1);
    const x = tf.tensor3d(batch.x, [c.stocks, c.window, c.features]);
    const aux = c.kind === 'seq2seq' ? 0.1 : 0;
    try {
      await trainStep(net, optimizer, batch, c.stocks, 0, aux, { kind: 'resident', x });
      const counter = new BackendCounter();
      await trainStep(net, optimizer, batch, c.stocks, 1, aux, { kind: 'resident', x });
      return counter.stop();
    } finally {
      tf.dispose(x);
      optimizer.dispose();
      net.dispose();
    }
  };
  const rows = [];
  for (let i = 0; i < cases1.length; i++) {
    for (const dropout of [...new Set([cases1[i]!.dropout, 0])]) {
      const a = await measure({ ...cases1[i]!, dropout });
      const b = await measure({ ...cases2[i]!, dropout });
      const perStock = (b.hostTensorValues - a.hostTensorValues) / (cases2[i]!.stocks - cases1[i]!.stocks);
      rows.push({
        kind: cases1[i]!.kind,
        dModel: cases1[i]!.dModel,
        dropout,
        hostFloatsPerStock: perStock,
        hostFloatsFixed: a.hostTensorValues - perStock * cases1[i]!.stocks,
        hostTensorsPerStep: a.hostTensors,
        at4096Stocks: { floats: perStock * 4096, gigabytes: round((perStock * 4096 * 4) / 1e9, 3) },
      });
    }
  }
  return rows;
}
