/**
 * Benchmark of @hfq/dataset (JSON on stdout):
 * - factors from disk vs from memory: the minute factor set over the same simulated market, once
 *   through `evaluateDatasetFactors` on its exported dataset, once through `evaluateFactors` on
 *   the in-memory market (same `dailyVolume`); throughput in stock-days per second;
 *   (default `cacheDays` 2, and 10: each block of `cacheDays` days is one `evaluateFactors` call);
 * - peak RSS of a child process streaming minute factors over 60 vs 240 days of the same stocks
 *   (`src/test-utils/memory-probe.ts`).
 *
 *   npm run bench -w @hfq/dataset        [HFQ_BENCH_STOCKS=40]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateFactors, MINUTE_FACTORS } from '@hfq/factor-dsl';
import { createMarket } from '@hfq/sim';
import { evaluateDatasetFactors, exportSimMarket, openDataset } from '../src/index.js';

const stocks = Number(process.env.HFQ_BENCH_STOCKS ?? 40);
const root = mkdtempSync(join(tmpdir(), 'hfq-bench-dataset-'));
const probe = fileURLToPath(new URL('../src/test-utils/memory-probe.ts', import.meta.url));

try {
  const days = 60;
  const market = createMarket({ nStocks: stocks, nDays: days, seed: 5 });
  const dir = join(root, 'd60');
  let t0 = performance.now();
  await exportSimMarket(dir, { market, ticks: false });
  const exportMs = performance.now() - t0;
  const dailyVolume = market.daily().volume;
  // in memory: the market's frames are generated on demand (and cached per stock by the simulator)
  await evaluateFactors(market, MINUTE_FACTORS, { dailyVolume, days: [0] });
  t0 = performance.now();
  await evaluateFactors(market, MINUTE_FACTORS, { dailyVolume });
  const memoryMs = performance.now() - t0;
  t0 = performance.now();
  await evaluateDatasetFactors(openDataset(dir), MINUTE_FACTORS);
  const diskMs = performance.now() - t0;
  // larger blocks: fewer `evaluateFactors` calls (each compiles the set again), more days in memory
  t0 = performance.now();
  await evaluateDatasetFactors(openDataset(dir, { cacheDays: 10 }), MINUTE_FACTORS);
  const disk10Ms = performance.now() - t0;
  // on demand: one evaluateFactors call, a worker thread reads the next day meanwhile
  t0 = performance.now();
  const od = openDataset(dir, { loadOnDemand: true });
  await evaluateDatasetFactors(od, MINUTE_FACTORS);
  const onDemandMs = performance.now() - t0;
  await od.close();
  const stockDays = stocks * days;
  const rss: Record<string, unknown> = {};
  for (const d of [60, 240]) {
    const ddir = join(root, `m${d}`);
    await exportSimMarket(ddir, { config: { nStocks: stocks, nDays: d, seed: 5 }, ticks: false });
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--conditions=source', '--import', 'tsx', probe, ddir, '2'],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    rss[`days${d}`] = JSON.parse(r.stdout);
  }
  const r60 = (rss.days60 as { maxRssKb: number }).maxRssKb;
  const r240 = (rss.days240 as { maxRssKb: number }).maxRssKb;
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: '@hfq/dataset disk-vs-memory',
        stocks,
        days,
        factors: MINUTE_FACTORS.length,
        exportMs: Math.round(exportMs),
        memory: { ms: Math.round(memoryMs), stockDaysPerSec: Math.round((stockDays / memoryMs) * 1000) },
        disk: { ms: Math.round(diskMs), stockDaysPerSec: Math.round((stockDays / diskMs) * 1000) },
        diskOverMemoryThroughput: Number((memoryMs / diskMs).toFixed(3)),
        diskOnDemand: {
          ms: Math.round(onDemandMs),
          overMemoryThroughput: Number((memoryMs / onDemandMs).toFixed(3)),
        },
        diskCache10: {
          ms: Math.round(disk10Ms),
          overMemoryThroughput: Number((memoryMs / disk10Ms).toFixed(3)),
        },
        peak: rss,
        rss240Over60: Number((r240 / r60).toFixed(3)),
      },
      null,
      1,
    )}\n`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
