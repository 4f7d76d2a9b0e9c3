/**
 * Kernel profile of one training step (forward, IC loss, backward; no optimiser update), with the
 * fused wasm kernels on or off, on wasm:
 *
 *   KIND=crossformer F=30 B=200 [IMPL=composed] [CHUNK=n] [TOP=25] [SCALES=2] [LAYERS=1] \
 *     node --conditions=source --import tsx bench/profile.ts
 *
 * Prints the warm step time (median of REPS, default 3) and the kernels by total time, grouped by
 * name and by name + input shapes.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { type Impl, makeStepCase, setImpl } from './step.js';
import { type ModelKind, useBackend } from './support.js';

const kind = (process.env.KIND ?? 'crossformer') as ModelKind;
const F = Number(process.env.F ?? 30);
const B = Number(process.env.B ?? 200);
const impl = (process.env.IMPL ?? 'fused') as Impl;
const top = Number(process.env.TOP ?? 25);
const reps = Number(process.env.REPS ?? 3);

await useBackend((process.env.BACKEND ?? 'wasm') as 'wasm');
const overrides: Record<string, unknown> = {};
if (process.env.SCALES) overrides.nScales = Number(process.env.SCALES);
if (process.env.LAYERS) overrides[kind === 'seq2seq' ? 'encLayers' : 'nLayers'] = Number(process.env.LAYERS);
if (process.env.DMODEL) overrides.dModel = Number(process.env.DMODEL);
const c = await makeStepCase({ kind, stocks: B, window: 40, features: F, overrides });
const chunk = process.env.CHUNK ? Number(process.env.CHUNK) : await c.chooseChunk(impl);
setImpl(impl);
c.step(impl, chunk);
const times: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  c.step(impl, chunk);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const info = await tf.profile(() => {
  c.step(impl, chunk);
});
const byName = new Map<string, { n: number; ms: number }>();
const byShape = new Map<string, { n: number; ms: number }>();
for (const k of info.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const a = byName.get(k.name) ?? { n: 0, ms: 0 };
  a.n++;
  a.ms += ms;
  byName.set(k.name, a);
  const key = `${k.name} ${k.inputShapes.map((s) => `[${s?.join(',')}]`).join(' ')}`;
  const b = byShape.get(key) ?? { n: 0, ms: 0 };
  b.n++;
  b.ms += ms;
  byShape.set(key, b);
}
const fmt = (m: Map<string, { n: number; ms: number }>) =>
  [...m.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([k, v]) => `  ${v.ms.toFixed(1).padStart(8)} ms ${String(v.n).padStart(5)}x  ${k}`)
    .join('\n');
const total = info.kernels.reduce((s, k) => s + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0), 0);
console.log(
  `${kind} ${impl} F=${F} B=${B} chunk=${chunk} step ms (median of ${reps}): ${times[Math.floor(reps / 2)]!.toFixed(0)} [${times.map((t) => t.toFixed(0)).join(', ')}]`,
);
console.log(
  `kernels ${info.kernels.length}, kernel ms ${total.toFixed(0)}, peak MB ${(info.peakBytes / 1e6).toFixed(0)}, load ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
console.log(`by kernel:\n${fmt(byName)}`);
console.log(`by kernel and input shapes:\n${fmt(byShape)}`);
c.dispose();
