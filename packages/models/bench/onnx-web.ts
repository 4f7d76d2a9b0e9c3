/**
 * Benchmark: ONNX scoring on onnxruntime-web (WebAssembly, the default without the optional peer)
 * against onnxruntime-node (native) on the demo's model sizes: 200 stocks, 40-day windows,
 * d_model 32; 300 factors (24 for the token-per-factor models, as the demo's `variableTokens`).
 *
 *   npm run bench:onnx-web -w @hfq/models      (HFQ_BENCH_QUICK=1 for a short run)
 *
 * onnxruntime-web fixes its thread count at its first session, so each thread count runs in a
 * child process of its own, which also times onnxruntime-node (same thread count, and its default)
 * on the same inputs: every ratio is between runs of one process. Prints JSON and writes
 * bench/results/onnx-web.json.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Rng } from '@hfq/core';
import {
  defaultConfig,
  exportOnnx,
  initialWeights,
  Model,
  type ModelKind,
  OnnxScorer,
  timeIt,
  useBackend,
} from './support.js';

const quick = process.env.HFQ_BENCH_QUICK === '1';
const STOCKS = 200;
const WINDOW = 40;
const D = 32;

function config(kind: ModelKind, F: number) {
  if (kind === 'gru') return defaultConfig(kind, F, { window: WINDOW, hidden: 2 * D });
  return defaultConfig(kind, F, { window: WINDOW, dModel: D, nHeads: 4, dFF: 2 * D });
}

async function child(threads: number) {
  await useBackend('wasm');
  const reps = quick ? 3 : 9;
  const rows = [];
  const cases: [ModelKind, number][] = [
    ['gru', 300],
    ['transformer', 300],
    ['seq2seq', 300],
    ['itransformer', 24],
    ['crossformer', 24],
  ];
  for (const [kind, F] of cases) {
    const cfg = config(kind, F);
    const model = new Model(
      cfg,
      initialWeights(cfg, 1),
      Array.from({ length: F }, (_, i) => `f${i}`),
    );
    const bytes = exportOnnx(model);
    model.dispose();
    const rng = new Rng(9, kind);
    const x = Float32Array.from({ length: STOCKS * WINDOW * F }, () => rng.normal());
    const wasm = await OnnxScorer.load(bytes, { backend: 'wasm', wasm: { numThreads: threads } });
    const nativeSame = await OnnxScorer.load(bytes, {
      backend: 'native',
      sessionOptions: { intraOpNumThreads: threads },
    });
    const nativeDefault = await OnnxScorer.load(bytes, { backend: 'native' });
    const wasmMs = await timeIt(() => wasm.run(x, STOCKS), reps);
    const nativeMs = await timeIt(() => nativeSame.run(x, STOCKS), reps);
    const nativeDefaultMs = await timeIt(() => nativeDefault.run(x, STOCKS), reps);
    // The same scores (the parity test checks this too; a benchmark of wrong numbers is no use).
    const a = (await wasm.run(x, STOCKS)).score;
    const b = (await nativeSame.run(x, STOCKS)).score;
    let maxDiff = 0;
    for (let i = 0; i < STOCKS; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    for (const s of [wasm, nativeSame, nativeDefault]) await s.release();
    const row = {
      kind,
      stocks: STOCKS,
      window: WINDOW,
      features: F,
      dModel: D,
      threads,
      wasmMs: +wasmMs.toFixed(2),
      nativeMs: +nativeMs.toFixed(2),
      nativeDefaultThreadsMs: +nativeDefaultMs.toFixed(2),
      wasmOverNative: +(wasmMs / nativeMs).toFixed(2),
      wasmStocksPerSecond: Math.round((STOCKS / wasmMs) * 1000),
      nativeStocksPerSecond: Math.round((STOCKS / nativeMs) * 1000),
      maxScoreDiff: maxDiff,
    };
    console.error(JSON.stringify(row));
    rows.push(row);
  }
  return rows;
}

const childArg = process.argv.indexOf('--child');
if (childArg >= 0) {
  const rows = await child(Number(process.argv[childArg + 1]));
  console.log(JSON.stringify(rows));
} else {
  const started = new Date().toISOString();
  const loadBefore = os.loadavg();
  const rows = [];
  for (const threads of [1, 2]) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--child', String(threads)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    rows.push(...(JSON.parse(out.trim().split('\n').at(-1)!) as unknown[]));
  }
  const result = {
    benchmark: '@hfq/models onnxruntime-web vs onnxruntime-node',
    started,
    node: process.version,
    cpus: os.cpus().length,
    loadavgBefore: loadBefore.map((v) => +v.toFixed(2)),
    loadavgAfter: os.loadavg().map((v) => +v.toFixed(2)),
    notes: [
      'median ms of one scorer.run over all stocks (one session.run), after a warm-up',
      'threads: onnxruntime-web env.wasm.numThreads and onnxruntime-node intraOpNumThreads, set alike; nativeDefaultThreadsMs: onnxruntime-node with its default thread count',
      'each thread count in its own child process (onnxruntime-web fixes threads at its first session); ratios within one process',
    ],
    rows,
  };
  const json = JSON.stringify(result, null, 2).replace(
    /\[\s+([-\d.,\s]+?)\s+\]/g,
    (_, items: string) => `[${items.split(/,\s*/).join(', ')}]`,
  );
  console.log(json);
  writeFileSync(new URL('./results/onnx-web.json', import.meta.url), `${json}\n`);
}
