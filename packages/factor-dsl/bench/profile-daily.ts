/**
 * Where the daily engine's time goes on Alpha158 (issue 16's profile): the 158 formulas over a
 * synthetic stocks x days market (`syntheticDaily`, the benchmark's data), on the calling thread
 * with per-operator timing (`DailyBlock.timing`), and end to end with `evaluateDaily`.
 * Prints JSON: per operator milliseconds, output writing, reading inputs, a fresh-output first-touch
 * baseline (allocating and filling the same number of output arrays, no computing), and wall / CPU
 * time (`process.cpuUsage`, all threads of the process) of `evaluateDaily` per thread count.
 *
 * `node --conditions=source --import tsx bench/profile-daily.ts [--stocks 1000 --days 800 --reps 3 --workers 2]`
 * (`--no-e2e`: the per-operator part only; `--float32`: float32 outputs).
 */
import { loadavg } from 'node:os';
import { checkDaily } from '../src/daily/check.js';
import { planDaily, runDailyBlock } from '../src/daily/engine.js';
import { evaluateDaily } from '../src/daily/evaluate.js';
import { ALPHA158 } from '../src/library/alpha158.js';
import { syntheticDaily } from './alpha158.js';

const arg = (n: string, d: number) => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const STOCKS = arg('stocks', 1000);
const DAYS = arg('days', 800);
const REPS = arg('reps', 3);
const WORKERS = arg('workers', 2);
const DTYPE = process.argv.includes('--float32') ? 'float32' : 'float64';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function measure(f: () => unknown): Promise<{ wall: number; cpu: number; sys: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, sys: c.system / 1000 };
}

const data = syntheticDaily(STOCKS, DAYS);
const fields = Object.keys(data);
const T = DAYS;
const N = STOCKS;
const plan = planDaily(ALPHA158.map((d) => checkDaily(d.formula, fields).ast));
const alloc = () =>
  ALPHA158.map(() =>
    DTYPE === 'float32'
      ? new Float32Array(new SharedArrayBuffer(T * N * 4))
      : new Float64Array(new SharedArrayBuffer(T * N * 8)),
  );

// 1. Fresh outputs alone: allocate and touch every output once (what any evaluation pays first).
const touch = [] as { wall: number; cpu: number; sys: number }[];
for (let r = 0; r < (process.argv.includes('--no-e2e') ? 0 : REPS); r++) {
  touch.push(
    await measure(() => {
      for (const o of alloc()) o.fill(0);
    }),
  );
}

// 2. Per operator, calling thread; outputs touched beforehand so (outputs) is the writing alone.
const perRep: Map<string, number>[] = [];
const single = [] as { wall: number; cpu: number; sys: number }[];
for (let r = 0; r < REPS + 1; r++) {
  const outs = alloc();
  for (const o of outs) o.fill(0);
  const timing = new Map<string, number>();
  const m = await measure(() =>
    runDailyBlock(plan, {
      T,
      nAll: N,
      a0: 0,
      a1: N,
      dates: data.close.dates,
      field: (name) => data[name as keyof typeof data].values,
      industry: undefined,
      minWindow: false,
      outs,
      timing,
    }),
  );
  if (r > 0) {
    perRep.push(timing);
    single.push(m);
  }
}
const ops: Record<string, number> = {};
for (const k of perRep[0]!.keys()) ops[k] = Math.round(median(perRep.map((m) => m.get(k) ?? 0)));
const sorted = Object.fromEntries(Object.entries(ops).sort((a, b) => b[1] - a[1]));

// 3. End to end: evaluateDaily on 1 and `WORKERS` threads (fresh outputs each call).
const e2e: Record<string, { wall: number; cpu: number; sys: number }> = {};
for (const w of process.argv.includes('--no-e2e') ? [] : [1, WORKERS]) {
  await evaluateDaily(ALPHA158, data, { workers: w });
  const xs = [] as { wall: number; cpu: number; sys: number }[];
  for (let r = 0; r < REPS; r++) xs.push(await measure(() => evaluateDaily(ALPHA158, data, { workers: w })));
  e2e[`workers${w}`] = {
    wall: median(xs.map((x) => x.wall)),
    cpu: median(xs.map((x) => x.cpu)),
    sys: median(xs.map((x) => x.sys)),
  };
}
const med = (xs: { wall: number; cpu: number; sys: number }[]) => ({
  wall: Math.round(median(xs.map((x) => x.wall))),
  cpu: Math.round(median(xs.map((x) => x.cpu))),
  sys: Math.round(median(xs.map((x) => x.sys))),
});
console.log(
  JSON.stringify(
    {
      stocks: STOCKS,
      days: DAYS,
      reps: REPS,
      outputDtype: DTYPE,
      loadavg: loadavg(),
      freshOutputsTouchMs: med(touch),
      calledThreadComputeMs: med(single),
      perOperatorMs: sorted,
      evaluateDailyMs: e2e,
    },
    null,
    1,
  ),
);
