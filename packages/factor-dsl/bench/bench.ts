/**
 * Benchmark of @hfq/factor-dsl (`npm run bench -w @hfq/factor-dsl [-- --stocks 1000 --days 20 --reps 7]`):
 *  1. the 12 factor-bench reference factors written in the DSL, over stocks x days of minute bars,
 *     against a hand-fused TypeScript loop (`hand-fused.ts`) run in the same process, interleaved;
 *     the DSL on one thread and on worker threads over shared memory; values checked bit for bit;
 *  2. the whole 327-factor library per stock-day (minute, equal-volume and tick programs).
 *  3. qlib's Alpha158 on daily data (`alpha158.ts`): nodejs-polars against the hfq daily engine,
 *     both first checked against the numpy fixture (`--alpha158-stocks 1000 --alpha158-days 800
 *     --alpha158-reps 3`).
 * `--only intraday` runs parts 1-2, `--only alpha158` part 3.
 * Data: the default synthetic market of @hfq/sim. Writes bench/results/bench-<date>.json and latest.json
 * (`alpha158-latest.json` for `--only alpha158`, `alpha158-hfq-latest.json` with `--alpha158-skip-polars`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { equalVolumeBars, type MinuteBars, type TickSnapshots, type VolumeBars } from '@hfq/bars';
import { createMarket } from '@hfq/sim';
// Frame packing and the daily-volume cache are internals of the package (not exported): the
// benchmark imports them from their modules.
import { type FrameBlock, packFrames } from '../src/eval/frames.js';
import { DailyVolumes } from '../src/eval/market.js';
import {
  compileFactorSet,
  compileFactors,
  DEFAULT_VOLUME_BAR_OPTIONS,
  FACTOR_LIBRARY,
  FactorWorkerPool,
} from '../src/index.js';
import { runAlpha158Bench } from './alpha158.js';
import { HAND_FUSED_NAMES, handFused, type MinuteColumns } from './hand-fused.js';
import { REFERENCE_FACTORS } from './reference-factors.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const STOCKS = arg('stocks', 1000);
const DAYS = arg('days', 20);
const REPS = arg('reps', 7);
const THREADS = arg('threads', availableParallelism());
const TICK_STOCKS = arg('tick-stocks', 20);
const TICK_DAYS = arg('tick-days', 3);
const FIRST_DAY = 10;
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : 'all';

async function alpha158Part() {
  return runAlpha158Bench({
    stocks: arg('alpha158-stocks', 1000),
    days: arg('alpha158-days', 800),
    reps: arg('alpha158-reps', 3),
    warmup: arg('alpha158-warmup', 1),
    workers: arg('alpha158-workers', availableParallelism()),
    skipPolars: process.argv.includes('--alpha158-skip-polars'),
    log: (line) => console.log(line),
  });
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

async function main() {
  const started = new Date().toISOString();
  if (ONLY === 'alpha158') {
    const result = {
      started,
      node: process.version,
      cpuModel: cpus()[0]?.model,
      alpha158: await alpha158Part(),
    };
    const dir = new URL('./results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const json = `${JSON.stringify(result, null, 2)}\n`;
    // Without polars, a file of its own: alpha158-latest.json keeps the last comparison with polars.
    const skip = process.argv.includes('--alpha158-skip-polars');
    writeFileSync(new URL(skip ? 'alpha158-hfq-latest.json' : 'alpha158-latest.json', dir), json);
    console.log(json);
    return;
  }
  const load0 = loadavg();
  console.log(
    `[bench] node ${process.version}, ${cpus().length} cpus, loadavg ${load0.map((x) => x.toFixed(2)).join(' ')}`,
  );
  const market = createMarket({ nStocks: STOCKS, nDays: FIRST_DAY + DAYS });

  // ---- 1. the 12 reference factors, stocks x days of minute bars
  let t0 = performance.now();
  const minuteFrames: (MinuteBars | null)[] = [];
  for (let a = 0; a < STOCKS; a++)
    for (let t = FIRST_DAY; t < FIRST_DAY + DAYS; t++) minuteFrames.push(market.minuteBars(a, t));
  const block = packFrames('minute', minuteFrames, true);
  const rows = block.offsets[block.offsets.length - 1]!;
  console.log(
    `[bench] ${minuteFrames.length} stock-days, ${rows} minute rows generated in ${(performance.now() - t0).toFixed(0)} ms`,
  );
  const names = [...HAND_FUSED_NAMES];
  const formulas = names.map((n) => REFERENCE_FACTORS[n]!);
  const program = compileFactors(formulas, 'minute');
  const pool = await FactorWorkerPool.create(
    names.map((id, k) => ({ id, source: 'minute' as const, formula: formulas[k]! })),
    { threads: THREADS },
  );
  const nFrames = minuteFrames.length;
  const outHand = new Float64Array(nFrames * 12);
  const outDsl = new Float64Array(nFrames * 12);
  let outPool: Float64Array = new Float64Array(0);
  const cols = block.columns as unknown as MinuteColumns;
  const runs = {
    hand: [] as { wall: number; cpu: number }[],
    dsl: [] as { wall: number; cpu: number }[],
    pool: [] as { wall: number; cpu: number }[],
  };
  // Warm-up, then interleaved repetitions (the machine is shared: the ratio within a round is what counts).
  handFused(cols, block.offsets, outHand);
  program.evaluateBlock(block, outDsl);
  await pool.evaluateBlock(block);
  for (let r = 0; r < REPS; r++) {
    runs.hand.push(await measure(() => handFused(cols, block.offsets, outHand)));
    runs.dsl.push(await measure(() => program.evaluateBlock(block, outDsl)));
    runs.pool.push(
      await measure(async () => {
        outPool = await pool.evaluateBlock(block);
      }),
    );
  }
  await pool.close();
  let mismatches = 0;
  let poolMismatches = 0;
  for (let i = 0; i < outHand.length; i++) {
    if (!Object.is(outHand[i], outDsl[i])) mismatches++;
    if (!Object.is(outDsl[i], outPool[i])) poolMismatches++;
  }
  const med = (xs: { wall: number; cpu: number }[]) => ({
    wall: median(xs.map((x) => x.wall)),
    cpu: median(xs.map((x) => x.cpu)),
  });
  const ratioPerRound = (xs: { wall: number }[]) => median(xs.map((x, k) => x.wall / runs.hand[k]!.wall));
  const reference = {
    stocks: STOCKS,
    days: DAYS,
    stockDays: nFrames,
    rows,
    factors: names,
    handFusedMs: med(runs.hand),
    dslOneThreadMs: med(runs.dsl),
    dslWorkersMs: { ...med(runs.pool), threads: THREADS },
    ratioOneThreadToHandFused: ratioPerRound(runs.dsl),
    ratioWorkersToHandFused: ratioPerRound(runs.pool),
    dslRowsPerSecondOneThread: rows / (med(runs.dsl).wall / 1000),
    valueMismatchesVsHandFused: mismatches,
    valueMismatchesWorkersVsOneThread: poolMismatches,
    reps: REPS,
    wallMsPerRep: {
      hand: runs.hand.map((x) => x.wall),
      dsl: runs.dsl.map((x) => x.wall),
      workers: runs.pool.map((x) => x.wall),
    },
  };
  console.log(
    `[bench] 12 reference factors: hand-fused ${reference.handFusedMs.wall.toFixed(0)} ms, DSL 1 thread ${reference.dslOneThreadMs.wall.toFixed(0)} ms (x${reference.ratioOneThreadToHandFused.toFixed(2)}), DSL ${THREADS} workers ${reference.dslWorkersMs.wall.toFixed(0)} ms (x${reference.ratioWorkersToHandFused.toFixed(2)}); ${mismatches} value mismatches`,
  );

  // ---- 2. the 327-factor library per stock-day
  const set = compileFactorSet(FACTOR_LIBRARY);
  const volumes = new DailyVolumes(market);
  const sample = Math.min(minuteFrames.length, 2000);
  const vbarFrames: (VolumeBars | null)[] = [];
  for (let k = 0; k < sample; k++) {
    const a = Math.floor(k / DAYS);
    const t = FIRST_DAY + (k % DAYS);
    const size = volumes.barSize(a, t, DEFAULT_VOLUME_BAR_OPTIONS);
    const m = minuteFrames[k]!;
    vbarFrames.push(m !== null && size > 0 ? equalVolumeBars(m, size) : null);
  }
  t0 = performance.now();
  const tickFrames: (TickSnapshots | null)[] = [];
  for (let a = 0; a < TICK_STOCKS; a++)
    for (let t = FIRST_DAY; t < FIRST_DAY + TICK_DAYS; t++) tickFrames.push(market.ticks(a, t));
  const tickGenMs = performance.now() - t0;
  const blocks: Record<string, FrameBlock> = {
    minute: packFrames('minute', minuteFrames.slice(0, sample)),
    vbar: packFrames('vbar', vbarFrames),
    tick: packFrames('tick', tickFrames),
  };
  const library: Record<string, unknown> = {};
  let perStockDayUs = 0;
  for (const [source, part] of set.parts) {
    const b = blocks[source]!;
    const frames = b.offsets.length - 1;
    const out = new Float64Array(frames * part.program.nFactors);
    part.program.evaluateBlock(b, out); // warm-up
    const times: number[] = [];
    for (let r = 0; r < Math.max(3, Math.floor(REPS / 2)); r++)
      times.push((await measure(() => part.program.evaluateBlock(b, out))).wall);
    const ms = median(times);
    const us = (ms * 1000) / frames;
    perStockDayUs += us;
    library[source] = {
      factors: part.program.nFactors,
      graphNodes: part.program.nodeCount,
      kernels: part.program.kernelCount,
      stockDays: frames,
      rowsPerStockDay: b.offsets[frames]! / frames,
      msTotal: ms,
      usPerStockDay: us,
    };
    console.log(
      `[bench] library ${source}: ${part.program.nFactors} factors, ${us.toFixed(0)} us per stock-day (${frames} stock-days)`,
    );
  }
  console.log(
    `[bench] library: ${FACTOR_LIBRARY.length} factors, ${perStockDayUs.toFixed(0)} us per stock-day on one thread`,
  );

  const result = {
    started,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadavgStart: load0,
    loadavgEnd: loadavg(),
    reference,
    library: {
      ...library,
      factors: FACTOR_LIBRARY.length,
      usPerStockDayOneThread: perStockDayUs,
      tickGenerationMsPerStockDay: tickGenMs / tickFrames.length,
    },
    alpha158: ONLY === 'intraday' ? 'skipped (--only intraday)' : await alpha158Part(),
  };
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(new URL(`bench-${started.slice(0, 16).replace(/[:T]/g, '-')}.json`, dir), json);
  writeFileSync(new URL('latest.json', dir), json);
  console.log(
    `[bench] loadavg at the end ${result.loadavgEnd.map((x) => x.toFixed(2)).join(' ')}; wrote bench/results/latest.json`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
