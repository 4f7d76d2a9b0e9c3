/**
 * Benchmark: rankICSeries (spearman) over 5000 assets x 3000 dates, against a straightforward
 * sort-per-date implementation run in the same process, and scipy's spearmanr per date (run via
 * python3, for the record). Prints JSON and writes bench/results/latest.json.
 *
 *   npm run bench -w @hfq/metrics            (HFQ_BENCH_ASSETS / HFQ_BENCH_DATES to resize)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, Rng, weekdays } from '@hfq/core';
import { icSeries, rankICSeries } from '../src/index.js';

const nAssets = Number(process.env.HFQ_BENCH_ASSETS ?? 5000);
const nDates = Number(process.env.HFQ_BENCH_DATES ?? 3000);
const here = dirname(fileURLToPath(import.meta.url));

function makePanels(): [Panel<Float64Array>, Panel<Float64Array>] {
  const dates = weekdays(20100101, 20301231).subarray(0, nDates);
  const assets = Array.from({ length: nAssets }, (_, a) => `S${String(a).padStart(5, '0')}`);
  const rng = new Rng(7, 'metrics-bench');
  const f = new Float64Array(nDates * nAssets);
  const r = new Float64Array(nDates * nAssets);
  for (let i = 0; i < f.length; i++) {
    const x = rng.uniform() - 0.5;
    f[i] = rng.uniform() < 0.05 ? Number.NaN : x;
    // Returns on a price grid: many ties, as real returns rounded to the tick have.
    const y = Math.round((0.1 * x + 0.3 * (rng.uniform() - 0.5)) * 1e4) / 1e4;
    r[i] = rng.uniform() < 0.03 ? Number.NaN : y;
  }
  return [new Panel(dates, assets, f), new Panel(dates, assets, r)];
}

/** The straightforward way: per date, sort index arrays with a comparator, average ties, Pearson. */
function naiveSpearmanSeries(factor: Panel, forward: Panel): Float64Array {
  const out = new Float64Array(factor.nDates).fill(Number.NaN);
  const n = factor.nAssets;
  const avgRanks = (v: number[]): number[] => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
    const ranks = new Array<number>(v.length);
    let i = 0;
    while (i < idx.length) {
      let j = i + 1;
      while (j < idx.length && v[idx[j]!] === v[idx[i]!]) j++;
      for (let k = i; k < j; k++) ranks[idx[k]!] = (i + 1 + j) / 2;
      i = j;
    }
    return ranks;
  };
  for (let t = 0; t < factor.nDates; t++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let a = 0; a < n; a++) {
      const x = factor.values[t * n + a]!;
      const y = forward.values[t * n + a]!;
      if (Number.isFinite(x) && Number.isFinite(y)) {
        xs.push(x);
        ys.push(y);
      }
    }
    if (xs.length < 2) continue;
    const rx = avgRanks(xs);
    const ry = avgRanks(ys);
    const m = xs.length;
    const mean = (m + 1) / 2;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < m; i++) {
      sxy += (rx[i]! - mean) * (ry[i]! - mean);
      sxx += (rx[i]! - mean) ** 2;
      syy += (ry[i]! - mean) ** 2;
    }
    out[t] = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
  }
  return out;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!) !== Number.isNaN(b[i]!)) return Number.POSITIVE_INFINITY;
    if (!Number.isNaN(a[i]!)) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  }
  return m;
}

const loadBefore = loadavg();
const [factor, forward] = makePanels();
// Warm-up on a slice so both implementations run JIT-compiled code.
rankICSeries(factor.sliceDates(0, 50), forward.sliceDates(0, 50));
naiveSpearmanSeries(factor.sliceDates(0, 50), forward.sliceDates(0, 50));
// Interleave runs (fast, naive, fast, naive) and keep each one's best, to damp machine noise.
let fastMs = Number.POSITIVE_INFINITY;
let naiveMs = Number.POSITIVE_INFINITY;
let ours: Float64Array = new Float64Array(0);
let naive: Float64Array = new Float64Array(0);
for (let rep = 0; rep < 2; rep++) {
  const [a, ta] = time(() => rankICSeries(factor, forward));
  const [b, tb] = time(() => naiveSpearmanSeries(factor, forward));
  ours = a;
  naive = b;
  fastMs = Math.min(fastMs, ta);
  naiveMs = Math.min(naiveMs, tb);
}
const [, pearsonMs] = time(() => icSeries(factor, forward));

let scipy: Record<string, unknown> = { skipped: 'python3 with scipy not available' };
const dir = mkdtempSync(join(tmpdir(), 'hfq-metrics-bench-'));
try {
  const fPath = join(dir, 'factor.f64');
  const rPath = join(dir, 'forward.f64');
  const oPath = join(dir, 'ours.f64');
  writeFileSync(fPath, new Uint8Array(factor.values.buffer));
  writeFileSync(rPath, new Uint8Array(forward.values.buffer));
  writeFileSync(oPath, new Uint8Array(ours.buffer));
  const py = execFileSync(
    'python3',
    [join(here, 'scipy_ic_series.py'), fPath, rPath, oPath, String(nDates), String(nAssets)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const res = JSON.parse(py) as { seconds: number };
  scipy = { ...res, ms: res.seconds * 1000, ratioToOurs: (res.seconds * 1000) / fastMs };
} catch (e) {
  scipy = { skipped: String(e) };
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const result = {
  benchmark: 'icSeries spearman',
  date: new Date().toISOString(),
  assets: nAssets,
  dates: nDates,
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadavgBefore: loadBefore,
    loadavgAfter: loadavg(),
  },
  icSeriesMs: fastMs,
  baselineSortPerDateMs: naiveMs,
  speedupVsBaseline: naiveMs / fastMs,
  maxAbsDiffVsBaseline: maxAbsDiff(ours, naive),
  pearsonIcSeriesMs: pearsonMs,
  perDateUs: (1000 * fastMs) / nDates,
  scipySpearmanrPerDate: scipy,
};
const json = JSON.stringify(result, null, 2);
console.log(json);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), `${json}\n`);
