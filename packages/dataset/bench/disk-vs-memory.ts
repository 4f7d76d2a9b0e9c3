/**
 * Benchmark of @hfq/dataset: factors from disk vs from memory, and peak memory vs days.
 *
 * - Throughput (stock-days per second) of the minute factor set over the same simulated market,
 *   in this process: once from memory (`evaluateFactors` on a plain `FactorMarket` whose frames
 *   were all generated beforehand, so that neither side pays for the simulator), once from its
 *   exported dataset through `evaluateDatasetFactors` (default `cacheDays` 2; `cacheDays` 10; and
 *   `loadOnDemand`), with the same `dailyVolume`. The runs are interleaved (memory, then each disk
 *   variant, `REPS` times, after one warm-up round) and each ratio is the median over the rounds
 *   of memory ms / disk ms (>= 1 means the disk is as fast). The disk values are checked equal to
 *   the memory values. `readOnly` is the time to read and validate every partition, no factors.
 * - Peak RSS of a child process streaming minute factors over 60 vs 240 days of the same stocks
 *   (`src/test-utils/memory-probe.ts`), and their ratio.
 *
 * Writes JSON to stdout and to bench/results/latest.json (with the machine and its load average).
 *
 *   npm run bench -w @hfq/dataset      [HFQ_BENCH_STOCKS=40 HFQ_BENCH_DAYS=60 HFQ_BENCH_REPS=5]
 *   (HFQ_BENCH_QUICK=1: 2 rounds; about 90 s on 2 shared cores by default)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MinuteBars } from '@hfq/bars';
import type { FactorCube } from '@hfq/core';
import { evaluateFactors, type FactorMarket, MINUTE_FACTORS } from '@hfq/factor-dsl';
import { createMarket } from '@hfq/sim';
import { evaluateDatasetFactors, exportSimMarket, openDataset } from '../src/index.js';

const stocks = Number(process.env.HFQ_BENCH_STOCKS ?? 40);
const days = Number(process.env.HFQ_BENCH_DAYS ?? 60);
const reps = Number(process.env.HFQ_BENCH_REPS ?? (process.env.HFQ_BENCH_QUICK ? 2 : 5));
const seed = 5;
const root = mkdtempSync(join(tmpdir(), 'hfq-bench-dataset-'));
const probe = fileURLToPath(new URL('../src/test-utils/memory-probe.ts', import.meta.url));
const load0 = os.loadavg();
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r3 = (x: number) => Number(x.toFixed(3));

function sameCube(a: FactorCube, b: FactorCube, what: string): void {
  for (let d = 0; d < a.dates.length; d++) {
    const x = a.day(d);
    const y = b.day(d);
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(x[i], y[i])) throw new Error(`${what}: day ${d} value ${i}: ${y[i]} != ${x[i]}`);
    }
  }
}

try {
  const market = createMarket({ nStocks: stocks, nDays: days, seed });
  const dir = join(root, `d${days}`);
  let t0 = performance.now();
  await exportSimMarket(dir, { market, ticks: false });
  const exportMs = performance.now() - t0;
  const dailyVolume = market.daily().volume;
  // every frame generated once and held: the in-memory side pays nothing for the simulator
  const frames: (MinuteBars | null)[][] = Array.from({ length: days }, (_, t) =>
    Array.from({ length: stocks }, (_, a) => market.minuteBars(a, t)),
  );
  const memoryMarket: FactorMarket = {
    calendar: market.calendar,
    assets: market.assets,
    minuteBars: (a, t) => frames[t]![a]!,
  };
  const factors = MINUTE_FACTORS;
  const runs: Record<string, () => Promise<FactorCube>> = {
    memory: () => evaluateFactors(memoryMarket, factors, { dailyVolume }),
    disk: () => evaluateDatasetFactors(openDataset(dir), factors),
    diskCache10: () => evaluateDatasetFactors(openDataset(dir, { cacheDays: 10 }), factors),
    diskOnDemand: async () => {
      const ds = openDataset(dir, { loadOnDemand: true });
      try {
        return await evaluateDatasetFactors(ds, factors);
      } finally {
        await ds.close();
      }
    },
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  let reference: FactorCube | undefined;
  for (let rep = -1; rep < reps; rep++) {
    for (const [name, run] of Object.entries(runs)) {
      t0 = performance.now();
      const cube = await run();
      const took = performance.now() - t0;
      if (rep < 0) {
        // warm-up round (JIT, file cache): not timed, but the values are checked
        if (name === 'memory') reference = cube;
        else sameCube(reference!, cube, name);
      } else ms[name]!.push(took);
    }
  }
  // reading and validating alone: every partition, no factors
  const readMs: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const ds = openDataset(dir);
    t0 = performance.now();
    for (const d of ds.calendar.dates) await ds.readPartition('minute', d);
    readMs.push(performance.now() - t0);
  }
  const stockDays = stocks * days;
  const throughput = Object.fromEntries(
    Object.entries(ms).map(([k, xs]) => [
      k,
      {
        medianMs: Math.round(median(xs)),
        stockDaysPerSec: Math.round((stockDays / median(xs)) * 1000),
        ...(k === 'memory'
          ? {}
          : {
              overMemory: r3(median(xs.map((x, i) => ms.memory![i]! / x))),
              overMemoryPerRound: xs.map((x, i) => r3(ms.memory![i]! / x)),
            }),
        allMs: xs.map(Math.round),
      },
    ]),
  );

  const rss: Record<string, { blocks: number; days: number; maxRssKb: number }> = {};
  for (const d of [60, 240]) {
    const ddir = join(root, `m${d}`);
    await exportSimMarket(ddir, { config: { nStocks: stocks, nDays: d, seed }, ticks: false });
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--conditions=source', '--import', 'tsx', probe, ddir, '2'],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    rss[`days${d}`] = JSON.parse(r.stdout);
    rmSync(ddir, { recursive: true, force: true });
  }
  const result = {
    bench: '@hfq/dataset disk-vs-memory',
    date: new Date().toISOString(),
    command: 'npm run bench -w @hfq/dataset',
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      loadavgStart: load0.map(r3),
      loadavgEnd: os.loadavg().map(r3),
    },
    market: { stocks, days, stockDays, seed, minutesPerDay: frames[0]!.find((f) => f)?.time.length ?? 0 },
    factorSets: [{ name: 'MINUTE_FACTORS', factors: factors.length }],
    exportMs: Math.round(exportMs),
    timing: `after one warm-up round (values checked equal), ${reps} interleaved rounds of memory then each disk variant; overMemory = median over rounds of memory ms / disk ms (goal >= 0.8)`,
    throughput,
    readOnly: {
      medianMs: Math.round(median(readMs)),
      msPerStockDay: r3(median(readMs) / stockDays),
    },
    peakMemory: {
      what: 'child process, minute factors (4) over every day, cacheDays 2, then loadOnDemand; maxRssKb over both; blocks = peak bytes held after GC',
      ...rss,
      rss240Over60: r3(rss.days240!.maxRssKb / rss.days60!.maxRssKb),
    },
  };
  const json = JSON.stringify(result, null, 1);
  process.stdout.write(`${json}\n`);
  const out = new URL('./results/', import.meta.url);
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL('latest.json', out), `${json}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
