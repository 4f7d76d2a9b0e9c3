/**
 * What the benchmarks need from the package: its public entry, plus the training step and the
 * kernel switch from the measurement subpath (`@hfq/models/internal`); and the benchmarks' one
 * timing helper.
 */
export {
  type BackendName,
  defaultConfig,
  exportOnnx,
  initialWeights,
  Model,
  type ModelKind,
  OnnxScorer,
  useBackend,
} from '../src/index.js';
export { batchGradients as batchGradientsForBench, chooseChunk, setFastKernels } from '../src/internal.js';

/** Median wall milliseconds of `reps` runs of `f` after one warm-up run. */
export async function timeIt(f: () => unknown | Promise<unknown>, reps: number): Promise<number> {
  await f();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
