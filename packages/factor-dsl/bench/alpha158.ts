/**
 * The Alpha158 part of the benchmark: qlib's 158 daily features on stocks x days of daily data,
 * computed by nodejs-polars (`alpha158-polars.ts`) and by the hfq daily engine (`evaluateDaily`,
 * skipped with a message where the package does not export it yet), in the same process.
 *
 * 1. Parity: both are first run on the fixture market (src/__fixtures__/alpha158) and compared
 *    with the numpy reference feature by feature (max relative difference, mismatches at 1e-6).
 * 2. Timing: a synthetic daily panel (`syntheticDaily`: 1,000 stocks x 800 days by default, with
 *    suspensions and late listings as NaN), a warm-up then `reps` interleaved rounds; the median
 *    wall and CPU time of each; the load / convert step (typed arrays -> polars frame) timed apart.
 *
 * The hfq engine is timed with float64 outputs (the default) and with `dtype: 'float32'`.
 *
 * Run alone: `npm run bench:alpha158 -w @hfq/factor-dsl [-- --alpha158-stocks 1000 --alpha158-days 800
 * --alpha158-reps 3]`; `--alpha158-skip-polars` times the hfq engine alone.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Panel, Rng } from '@hfq/core';
import { diffFeature, loadAlpha158Fixture } from '../src/__fixtures__/alpha158/fixture.js';
import type { DailyFactorDef } from '../src/daily/evaluate.js';
import { ALPHA158 } from '../src/library/alpha158.js';
import {
  alpha158PolarsExprs,
  collectAlpha158Polars,
  fromPolarsFrame,
  POLARS_FIELDS,
  toPolarsFrame,
} from './alpha158-polars.js';

type Field = (typeof POLARS_FIELDS)[number];
type EvaluateDaily = (
  defs: readonly DailyFactorDef[],
  inputs: Readonly<Record<string, Panel>>,
  options?: Record<string, unknown>,
) => Promise<Record<string, Panel>>;

export interface Alpha158BenchOptions {
  stocks: number;
  days: number;
  reps: number;
  /** Untimed runs before the timed rounds (default 1; polars has no JIT to warm, the hfq engine does). */
  warmup?: number;
  /** Threads for the hfq engine (`evaluateDaily`'s `workers`; default: the machine's parallelism). */
  workers?: number;
  /** Skip polars (parity and timing): the hfq engine alone, when polars' minutes are not affordable. */
  skipPolars?: boolean;
  log: (line: string) => void;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function measure(f: () => unknown | Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/**
 * A fast synthetic daily market (the simulator builds daily bars from minutes: minutes per
 * stock-day, too slow at 800k stock-days): log-normal random-walk closes on the 0.01 grid,
 * open/high/low/vwap around them, log-normal volumes in lots of 100; about 1% of stock-days
 * suspended and 5% of stocks listed part-way through (NaN in every field before listing).
 */
export function syntheticDaily(stocks: number, days: number, seed = 158): Record<Field, Panel<Float64Array>> {
  const dates: number[] = [];
  const d0 = Date.UTC(2020, 0, 2);
  for (let k = 0; dates.length < days; k++) {
    const day = new Date(d0 + k * 86_400_000);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    dates.push(day.getUTCFullYear() * 10000 + (day.getUTCMonth() + 1) * 100 + day.getUTCDate());
  }
  const assets = Array.from({ length: stocks }, (_, a) => `${String(600000 + a)}.SH`);
  const out = {} as Record<Field, Panel<Float64Array>>;
  for (const f of POLARS_FIELDS) out[f] = Panel.alloc(dates, assets);
  const tick = (x: number) => Math.max(0.01, Math.round(x * 100) / 100);
  for (let a = 0; a < stocks; a++) {
    const rng = new Rng(seed, a);
    const listAt = rng.uniform() < 0.05 ? rng.int(days) : 0;
    let price = 5 + 45 * rng.uniform();
    const baseVol = Math.exp(rng.normal(14, 1));
    for (let t = listAt; t < days; t++) {
      const i = t * stocks + a;
      price = Math.max(0.5, price * Math.exp(rng.normal(0, 0.025)));
      if (rng.uniform() < 0.01) continue; // suspended: NaN everywhere
      const close = tick(price);
      const open = tick(price * Math.exp(rng.normal(0, 0.01)));
      const high = Math.max(open, close, tick(Math.max(open, close) * (1 + Math.abs(rng.normal(0, 0.01)))));
      const low = Math.min(open, close, tick(Math.min(open, close) * (1 - Math.abs(rng.normal(0, 0.01)))));
      out.open.values[i] = open;
      out.high.values[i] = high;
      out.low.values[i] = low;
      out.close.values[i] = close;
      out.vwap.values[i] = low + (high - low) * (0.25 + 0.5 * rng.uniform());
      out.volume.values[i] = Math.max(100, Math.round((baseVol * Math.exp(rng.normal(0, 0.5))) / 100) * 100);
    }
  }
  return out;
}

/** Max relative difference and mismatch summary of named dates x assets arrays against the fixture. */
function parity(fixture: ReturnType<typeof loadAlpha158Fixture>, got: Record<string, ArrayLike<number>>) {
  const perFeature: Record<string, { maxRelDiff: number; mismatches: number; nanMismatches: number }> = {};
  const failing: string[] = [];
  let worst = 0;
  for (const name of fixture.names) {
    const d = diffFeature(name, got[name]!, fixture.expected.get(name)!);
    perFeature[name] = { maxRelDiff: d.maxRelDiff, mismatches: d.mismatches, nanMismatches: d.nanMismatches };
    worst = Math.max(worst, d.maxRelDiff);
    if (d.first !== null) {
      failing.push(
        `${name} (${d.mismatches}, first ${d.first.date} ${d.first.asset}: ${d.first.expected} vs ${d.first.actual})`,
      );
    }
  }
  return { maxRelDiffOverall: worst, featuresWithMismatches: failing.length, failing, perFeature };
}

export async function runAlpha158Bench(opts: Alpha158BenchOptions) {
  const { log } = opts;
  const loadavgStart = loadavg();
  const workers = opts.workers ?? availableParallelism();
  const hfqOptions = { workers };
  const pl = (await import('nodejs-polars')).default;
  const pkg = (await import('../src/index.js')) as Record<string, unknown>;
  const evaluateDaily = typeof pkg.evaluateDaily === 'function' ? (pkg.evaluateDaily as EvaluateDaily) : null;
  const exprs = alpha158PolarsExprs(pl);
  const names = ALPHA158.map((d) => d.name);

  // ---- 1. parity on the fixture market
  const fixture = loadAlpha158Fixture();
  const T0 = fixture.dates.length;
  const A0 = fixture.assets.length;
  const skipPolars = opts.skipPolars === true;
  const polarsParity = skipPolars
    ? 'skipped (--alpha158-skip-polars)'
    : parity(
        fixture,
        fromPolarsFrame(collectAlpha158Polars(pl, toPolarsFrame(pl, fixture.inputs), exprs), names, T0, A0),
      );
  if (typeof polarsParity !== 'string') {
    log(
      `[alpha158] polars vs numpy reference: ${polarsParity.featuresWithMismatches} of 158 features differ beyond 1e-6; max relative difference ${polarsParity.maxRelDiffOverall.toExponential(2)}`,
    );
  }
  let hfqParity: ReturnType<typeof parity> | string =
    'skipped: evaluateDaily is not exported by @hfq/factor-dsl';
  if (evaluateDaily !== null) {
    const out = await evaluateDaily(ALPHA158, fixture.inputs);
    hfqParity = parity(
      fixture,
      Object.fromEntries(names.map((n) => [n, out[n]?.values ?? new Float64Array(T0 * A0).fill(Number.NaN)])),
    );
    log(
      `[alpha158] hfq vs numpy reference: ${hfqParity.featuresWithMismatches} of 158 features differ beyond 1e-6; max relative difference ${hfqParity.maxRelDiffOverall.toExponential(2)}`,
    );
  } else {
    log(`[alpha158] hfq engine ${hfqParity}`);
  }

  // ---- 2. timing on stocks x days
  let t0 = performance.now();
  const data = syntheticDaily(opts.stocks, opts.days);
  const genMs = performance.now() - t0;
  const rows = opts.stocks * opts.days;
  log(
    `[alpha158] ${opts.stocks} stocks x ${opts.days} days (${rows} stock-days) generated in ${genMs.toFixed(0)} ms`,
  );
  const loads: number[] = [];
  let frame = skipPolars ? null : toPolarsFrame(pl, data);
  for (let r = 0; r < (skipPolars ? 0 : opts.reps); r++) {
    loads.push(
      (
        await measure(() => {
          frame = toPolarsFrame(pl, data);
        })
      ).wall,
    );
  }
  const runPolars = () => collectAlpha158Polars(pl, frame!, exprs);
  const runs = {
    polars: [] as { wall: number; cpu: number }[],
    hfq: [] as { wall: number; cpu: number }[],
    hfqFloat32: [] as { wall: number; cpu: number }[],
  };
  const hfqFloat32Options = { ...hfqOptions, dtype: 'float32' };
  const warmup = opts.warmup ?? 1;
  let polarsFirstMs: number | null = null;
  let hfqFirstMs: number | null = null;
  if (warmup > 0 && !skipPolars) {
    t0 = performance.now();
    runPolars();
    polarsFirstMs = performance.now() - t0;
    log(`[alpha158] polars warm-up ${polarsFirstMs.toFixed(0)} ms`);
  }
  if (evaluateDaily !== null && warmup > 0) {
    t0 = performance.now();
    await evaluateDaily(ALPHA158, data, hfqOptions);
    hfqFirstMs = performance.now() - t0;
  }
  for (let r = 0; r < opts.reps; r++) {
    if (!skipPolars) runs.polars.push(await measure(runPolars));
    if (evaluateDaily !== null) {
      runs.hfq.push(await measure(() => evaluateDaily(ALPHA158, data, hfqOptions)));
      runs.hfqFloat32.push(await measure(() => evaluateDaily(ALPHA158, data, hfqFloat32Options)));
    }
    log(
      `[alpha158] round ${r + 1}/${opts.reps}: polars ${skipPolars ? 'skipped' : `${runs.polars[r]!.wall.toFixed(0)} ms`}${
        evaluateDaily !== null
          ? `, hfq ${runs.hfq[r]!.wall.toFixed(0)} ms wall / ${runs.hfq[r]!.cpu.toFixed(0)} ms CPU, hfq float32 ${runs.hfqFloat32[r]!.wall.toFixed(0)} ms wall / ${runs.hfqFloat32[r]!.cpu.toFixed(0)} ms CPU`
          : ''
      }`,
    );
  }
  const med = (xs: { wall: number; cpu: number }[]) =>
    xs.length === 0 ? null : { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) };
  const polarsMs = med(runs.polars);
  const hfqMs = med(runs.hfq);
  const hfqFloat32Ms = med(runs.hfqFloat32);
  const speedup =
    hfqMs === null || polarsMs === null
      ? null
      : median(runs.polars.map((p, k) => p.wall / runs.hfq[k]!.wall));
  log(
    `[alpha158] polars ${polarsMs === null ? 'skipped' : `${polarsMs.wall.toFixed(0)} ms wall (${polarsMs.cpu.toFixed(0)} ms CPU), load/convert ${median(loads).toFixed(0)} ms`}; hfq ${
      hfqMs === null
        ? 'skipped (no evaluateDaily)'
        : `${hfqMs.wall.toFixed(0)} ms wall, ${hfqMs.cpu.toFixed(0)} ms CPU${speedup === null ? '' : `, x${speedup.toFixed(2)} vs polars`}; float32 outputs ${hfqFloat32Ms!.wall.toFixed(0)} ms wall, ${hfqFloat32Ms!.cpu.toFixed(0)} ms CPU`
    }`,
  );
  const goals = {
    speedupAtLeast: 2,
    hfqWallMsUnder: 3000,
    note: 'the issue asks for >= 2x polars and under 3 s on 2 cores at 1000 stocks x 800 days; the machine is shared, so loadavg says how loaded it was while measuring, and CPU time (process.cpuUsage, every thread of the process) is what the load changes least: under 6 s of CPU is what 3 s on 2 idle cores would allow',
  };
  const met =
    hfqMs === null
      ? null
      : {
          speedup: speedup === null ? 'polars skipped' : speedup >= goals.speedupAtLeast,
          wallUnder3s: hfqMs.wall < goals.hfqWallMsUnder,
          wallUnder3sFloat32: hfqFloat32Ms!.wall < goals.hfqWallMsUnder,
          cpuUnder6s: hfqMs.cpu < 2 * goals.hfqWallMsUnder,
          cpuUnder6sFloat32: hfqFloat32Ms!.cpu < 2 * goals.hfqWallMsUnder,
          sizeIsTheGoalsSize: opts.stocks === 1000 && opts.days === 800,
        };
  return {
    features: 158,
    hfqWorkers: workers,
    goals,
    goalsMet: met,
    loadavgStart,
    stocks: opts.stocks,
    days: opts.days,
    stockDays: rows,
    reps: opts.reps,
    warmup,
    cpus: cpus().length,
    loadavgEnd: loadavg(),
    polarsVersion: 'nodejs-polars 0.26.1',
    polarsThreads: process.env.POLARS_MAX_THREADS ?? 'default',
    dataGenerationMs: genMs,
    polarsLoadConvertMs: median(loads),
    polarsFirstRunMs: polarsFirstMs,
    polarsMs,
    polarsWallMsPerRep: runs.polars.map((x) => x.wall),
    polarsSkipped: skipPolars,
    hfqFirstRunMs: hfqFirstMs,
    hfqMs: hfqMs ?? 'skipped: evaluateDaily is not exported by @hfq/factor-dsl',
    hfqWallMsPerRep: runs.hfq.map((x) => x.wall),
    hfqCpuMsPerRep: runs.hfq.map((x) => x.cpu),
    hfqFloat32Ms: hfqFloat32Ms,
    hfqFloat32CpuMsPerRep: runs.hfqFloat32.map((x) => x.cpu),
    speedupHfqVsPolars: speedup,
    parity: { polars: polarsParity, hfq: hfqParity },
  };
}
