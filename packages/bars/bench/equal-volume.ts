/**
 * Benchmark: equal-volume bars over 1000 stocks x 20 days x 240 minutes (4.8 M minute bars),
 * sizes from the 5 trailing days / 50 bars, as in the factor-bench harness.
 *
 * Three numbers, all measured in this process: the plain single-pass loop the harness uses
 * (baseline), `equalVolumeBarsBatch`, and the memory-bandwidth floor (the time to read the six
 * input columns at the speed of a sum over a large Float64Array). Prints JSON and writes it to
 * bench/results/latest.json.
 *
 *   npm run bench -w @hfq/bars            (STOCKS=200 DAYS=20 REPS=5 to change the size)
 */
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Rng } from '@hfq/core';
import { equalVolumeBarsBatch, MINUTE_BAR_END_TIMES } from '../src/index.js';
import { type HarnessMinuteBars, type HarnessVolBars, harnessVolumeBars } from './harness-adapter.js';

const S = Number(process.env.STOCKS ?? 1000);
const D = Number(process.env.DAYS ?? 20);
const M = 240;
const REPS = Number(process.env.REPS ?? 7);
const LOOKBACK = 5;
const BAR_NUM = 50;
const n = S * D * M;

function generate() {
  const cols = {
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    amount: new Float64Array(n),
    time: new Int32Array(n),
  };
  const profile = new Float64Array(M);
  for (let m = 0; m < M; m++) profile[m] = 1 + 3 * Math.exp(-m / 12) + 1.5 * Math.exp(-(M - 1 - m) / 15);
  for (let s = 0; s < S; s++) {
    const rng = new Rng(20240101, 'equal-volume-bench', s);
    let p = Math.exp(Math.log(15) + 0.8 * rng.normal());
    const level = Math.exp(Math.log(2e7 / 240) + rng.normal());
    for (let d = 0; d < D; d++) {
      const dayLevel = level * Math.exp(0.3 * rng.normal());
      for (let m = 0; m < M; m++) {
        const i = (s * D + d) * M + m;
        const o = p;
        p *= Math.exp(0.0012 * rng.normal());
        const v = 100 * Math.round((dayLevel * profile[m]! * Math.exp(0.5 * rng.normal())) / 100);
        cols.open[i] = o;
        cols.close[i] = p;
        cols.high[i] = Math.max(o, p) * (1 + 5e-4 * rng.uniform());
        cols.low[i] = Math.min(o, p) * (1 - 5e-4 * rng.uniform());
        cols.volume[i] = v;
        cols.amount[i] = v * (o + p) * 0.5;
        cols.time[i] = MINUTE_BAR_END_TIMES[m]!;
      }
    }
  }
  return cols;
}

type Cols = ReturnType<typeof generate>;

/** The harness's plain loop (factor-bench src/factors.ts jsVolumeBars), output into typed arrays. */
function baseline(c: Cols) {
  const dv = new Float64Array(S * D);
  for (let k = 0, base = 0; k < S * D; k++, base += M) {
    let s = 0;
    for (let i = base; i < base + M; i++) s += c.volume[i]!;
    dv[k] = s;
  }
  let cap = 1 << 16;
  let ob = {
    stock: new Int32Array(cap),
    day: new Int32Array(cap),
    bar: new Int32Array(cap),
    open: new Float64Array(cap),
    high: new Float64Array(cap),
    low: new Float64Array(cap),
    close: new Float64Array(cap),
    volume: new Float64Array(cap),
    vwap: new Float64Array(cap),
  };
  let nb = 0;
  const grow = () => {
    cap *= 2;
    const next = {} as typeof ob;
    for (const [k, a] of Object.entries(ob)) {
      const x = new (a.constructor as Float64ArrayConstructor)(cap);
      x.set(a as Float64Array);
      (next as Record<string, unknown>)[k] = x;
    }
    ob = next;
  };
  const { open, high, low, close, volume, amount } = c;
  for (let s = 0; s < S; s++) {
    for (let d = LOOKBACK; d < D; d++) {
      const k = s * D + d;
      const T = (dv[k - 5]! + dv[k - 4]! + dv[k - 3]! + dv[k - 2]! + dv[k - 1]!) / BAR_NUM;
      const base = k * M;
      let cum = 0;
      let cur = -1;
      let bo = 0;
      let bh = 0;
      let bl = 0;
      let bc = 0;
      let bv = 0;
      let ba = 0;
      for (let i = base; i < base + M; i++) {
        const id = Math.floor(cum / T);
        if (id !== cur) {
          if (cur >= 0) {
            if (nb === cap) grow();
            ob.stock[nb] = s;
            ob.day[nb] = d;
            ob.bar[nb] = cur;
            ob.open[nb] = bo;
            ob.high[nb] = bh;
            ob.low[nb] = bl;
            ob.close[nb] = bc;
            ob.volume[nb] = bv;
            ob.vwap[nb] = ba / bv;
            nb++;
          }
          cur = id;
          bo = open[i]!;
          bh = high[i]!;
          bl = low[i]!;
          bv = 0;
          ba = 0;
        } else {
          if (high[i]! > bh) bh = high[i]!;
          if (low[i]! < bl) bl = low[i]!;
        }
        bc = close[i]!;
        const v = volume[i]!;
        bv += v;
        ba += amount[i]!;
        cum += v;
      }
      if (nb === cap) grow();
      ob.stock[nb] = s;
      ob.day[nb] = d;
      ob.bar[nb] = cur;
      ob.open[nb] = bo;
      ob.high[nb] = bh;
      ob.low[nb] = bl;
      ob.close[nb] = bc;
      ob.volume[nb] = bv;
      ob.vwap[nb] = ba / bv;
      nb++;
    }
  }
  return { n: nb, ...ob };
}

function sum(a: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < a.length; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  for (; i < a.length; i++) s0 += a[i]!;
  return s0 + s1 + s2 + s3;
}

function timeIt(f: () => unknown, reps: number, warm = 2): number[] {
  for (let w = 0; w < warm; w++) f();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts;
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;

const load0 = os.loadavg();
const tGen = performance.now();
const cols = generate();
const genMs = performance.now() - tGen;
const dayStarts = Int32Array.from({ length: S * D + 1 }, (_, k) => k * M);
const stockStarts = Int32Array.from({ length: S + 1 }, (_, s) => s * D);
const ours = () =>
  equalVolumeBarsBatch(cols, dayStarts, { lookback: LOOKBACK, barNum: BAR_NUM / LOOKBACK, stockStarts }); // per day

// correctness first: the two must agree bar for bar
const ref = baseline(cols);
const got = ours();
if (got.n !== ref.n) throw new Error(`bar count ${got.n} != baseline ${ref.n}`);
for (let j = 0; j < ref.n; j++) {
  if (
    got.close[j] !== ref.close[j] ||
    got.high[j] !== ref.high[j] ||
    got.low[j] !== ref.low[j] ||
    got.volume[j] !== ref.volume[j] ||
    got.id[j] !== ref.bar[j]
  ) {
    throw new Error(`bar ${j} differs from the baseline`);
  }
}

// memory-bandwidth floor: a sum over a buffer much larger than the caches
const probe = new Float64Array((256 << 20) / 8);
for (let i = 0; i < probe.length; i++) probe[i] = i & 1023;
let sink = 0;
const bw0 = timeIt(() => (sink += sum(probe)), 5);

const order = ['baseline', 'ours'] as const;
const times: Record<(typeof order)[number], number[]> = { baseline: [], ours: [] };
for (let r = 0; r < REPS; r++) {
  // interleave so that machine load hits both alike
  times.baseline.push(...timeIt(() => baseline(cols), 1, r === 0 ? 2 : 0));
  times.ours.push(...timeIt(ours, 1, r === 0 ? 2 : 0));
}
const bw1 = timeIt(() => (sink += sum(probe)), 5);
const bestBwMs = Math.min(...bw0, ...bw1);
const bandwidthGBps = probe.byteLength / bestBwMs / 1e6;
const inputBytes = n * 6 * 8; // open, high, low, close, volume, amount
const floorMs = inputBytes / bandwidthGBps / 1e6;
// The machine is shared: the best of the interleaved repetitions is the closest to an
// uncontended run, so ratios use the minimum; medians are reported beside them.
const baseMs = Math.min(...times.baseline);
const oursMs = Math.min(...times.ours);

/**
 * The same on the factor-bench harness's own data and its own plain-JS `jsVolumeBars`, imported
 * from ../shared/bench/factor-bench when it exists: proves bar-for-bar identity with the harness
 * and times both on its data (the anchor: ~100 ms, ~6x the floor).
 */
async function harnessSection() {
  const shared = process.env.HFQ_SHARED_DIR ?? fileURLToPath(new URL('../../../../shared', import.meta.url));
  const src = `${shared}/bench/factor-bench/src`;
  if (!existsSync(`${src}/factors.ts`)) return { available: false, reason: `${src} not found` };
  const data = (await import(`${src}/data.ts`)) as { generate(S: number, D: number): HarnessMinuteBars };
  const factors = (await import(`${src}/factors.ts`)) as {
    jsVolumeBars(b: HarnessMinuteBars): HarnessVolBars;
  };
  const t0 = performance.now();
  const hb = data.generate(S, D);
  const genHarnessMs = performance.now() - t0;
  const ref = factors.jsVolumeBars(hb);
  const got = harnessVolumeBars(hb);
  let maxAbsDiff = 0;
  let sameIds = got.n === ref.n;
  for (let j = 0; j < Math.min(got.n, ref.n); j++) {
    if (got.stock[j] !== ref.stock[j] || got.day[j] !== ref.day[j] || got.bar[j] !== ref.bar[j])
      sameIds = false;
    for (const k of ['open', 'high', 'low', 'close', 'volume', 'vwap'] as const) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[k][j]! - ref[k][j]!));
    }
  }
  const th: number[] = [];
  const to: number[] = [];
  for (let r = 0; r < REPS; r++) {
    th.push(...timeIt(() => factors.jsVolumeBars(hb), 1, r === 0 ? 2 : 0));
    to.push(...timeIt(() => harnessVolumeBars(hb), 1, r === 0 ? 2 : 0));
  }
  return {
    available: true,
    source: src,
    generateMs: genHarnessMs,
    bars: got.n,
    sameBarsAndIds: sameIds,
    maxAbsDiff,
    ms: { harnessJsVolumeBars: Math.min(...th), harnessVolumeBars: Math.min(...to) },
    medianMs: { harnessJsVolumeBars: median(th), harnessVolumeBars: median(to) },
    allMs: { harnessJsVolumeBars: th, harnessVolumeBars: to },
  };
}
const harness = await harnessSection();
const floorOnHarness = harness.available ? floorMs : NaN;

const result = {
  bench: 'equal-volume-bars',
  date: new Date().toISOString(),
  size: { stocks: S, days: D, minutesPerDay: M, minuteBars: n, lookback: LOOKBACK, barNum: BAR_NUM },
  bars: got.n,
  barsPerStockDay: got.n / (S * (D - LOOKBACK)),
  inputMB: inputBytes / 2 ** 20,
  ms: { baseline: baseMs, equalVolumeBarsBatch: oursMs, floor: floorMs, generate: genMs },
  medianMs: { baseline: median(times.baseline), equalVolumeBarsBatch: median(times.ours) },
  timing: 'ratios use the best of REPS interleaved runs (min); the floor uses the best bandwidth probe',
  allMs: times,
  ratio: { vsBaseline: oursMs / baseMs, vsFloor: oursMs / floorMs, baselineVsFloor: baseMs / floorMs },
  goal: 'equalVolumeBarsBatch <= 3x the memory-bandwidth floor',
  bandwidthGBps,
  throughputMinuteBarsPerSec: n / (oursMs / 1e3),
  harnessData:
    'ms' in harness && harness.ms
      ? {
          ...harness,
          ratio: {
            oursVsHarnessJs: harness.ms.harnessVolumeBars / harness.ms.harnessJsVolumeBars,
            harnessJsVsFloor: harness.ms.harnessJsVolumeBars / floorOnHarness,
            oursVsFloor: harness.ms.harnessVolumeBars / floorOnHarness,
          },
        }
      : harness,
  machine: {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavgStart: load0,
    loadavgEnd: os.loadavg(),
  },
  sink: sink > 0,
};
const json = JSON.stringify(result, null, 2);
console.log(json);
writeFileSync(new URL('./results/latest.json', import.meta.url), `${json}\n`);
