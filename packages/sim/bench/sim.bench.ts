/**
 * Benchmark of @hfq/sim: `npm run bench -w @hfq/sim` (add `-- --quick` for a short run).
 * Prints JSON and writes it to bench/results/latest.json. Every rate comes with the ratio to a
 * baseline measured in the same process (Rng.normal draws per second), so runs on a loaded or
 * different machine stay comparable; the load average is recorded too.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, writeFileAtomicSync } from '@hfq/core';
import { createMarket } from '../src/index.js';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const now = () => performance.now();
/** CPU seconds of this process (user + system): steadier than wall time on a shared machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const mb = (x: number) => Math.round(x / 1e6);

/** Baseline: standard normal draws per second from the core Rng. */
function baseline(): number {
  const rng = new Rng(1, 'bench');
  const n = 5_000_000;
  let s = 0;
  const t0 = now();
  for (let i = 0; i < n; i++) s += rng.normal();
  const secs = (now() - t0) / 1000;
  if (s === 0.5) console.log(s); // keep the loop alive
  return n / secs;
}

const load0 = os.loadavg();
const base = baseline();
const results: Record<string, unknown> = {};

// 1. The default market (what the demo uses): every minute bar, daily(), index, truth, styles.
{
  const t0 = now();
  const m = createMarket(quick ? { nDays: 120 } : {});
  const createMs = now() - t0;
  const N = m.assets.length;
  const D = m.calendar.length;
  // Paths first, so the minute-bar rate is intraday generation only.
  const tp = now();
  m.truth();
  const pathsMs = now() - tp;
  let bars = 0;
  const c1 = cpu();
  const t1 = now();
  for (let a = 0; a < N; a++) {
    for (let t = 0; t < D; t++) if (m.minuteBars(a, t)) bars += 240;
  }
  const minuteSecs = (now() - t1) / 1000;
  const minuteCpu = cpu() - c1;
  const c2 = cpu();
  const t2 = now();
  m.daily();
  const dailySecs = (now() - t2) / 1000;
  const dailyCpu = cpu() - c2;
  const t3 = now();
  m.index();
  const indexMs = now() - t3;
  const t4 = now();
  m.styles();
  const stylesMs = now() - t4;
  const mem = process.memoryUsage();
  results.defaultMarket = {
    nStocks: N,
    nDays: D,
    createMs: Math.round(createMs),
    pathsAndTruthMs: Math.round(pathsMs),
    allMinuteBarsSecs: +minuteSecs.toFixed(2),
    allMinuteBarsCpuSecs: +minuteCpu.toFixed(2),
    minuteBarsPerSec: Math.round(bars / minuteSecs),
    minuteBarsPerSecRatioToBaseline: +(bars / minuteSecs / base).toFixed(4),
    dailySecs: +dailySecs.toFixed(2),
    dailyCpuSecs: +dailyCpu.toFixed(2),
    stockDaysPerSecInDaily: Math.round((N * D) / dailySecs),
    indexMs: Math.round(indexMs),
    stylesMs: Math.round(stylesMs),
    memoryMB: { rss: mb(mem.rss), heapUsed: mb(mem.heapUsed), arrayBuffers: mb(mem.arrayBuffers) },
  };
}

// 2. Ticks at the default 3 s cadence and at the demo's coarse cadences.
{
  const out: Record<string, unknown> = {};
  for (const interval of [3000, 15000, 60000]) {
    const m = createMarket({ nStocks: 40, nDays: 30, tickIntervalMs: interval });
    for (let a = 0; a < 40; a++) m.minuteBars(a, 0); // paths
    let snaps = 0;
    let days = 0;
    const reps = quick ? 60 : interval === 3000 ? 300 : 1200;
    const c0 = cpu();
    const t0 = now();
    for (let k = 0; days < reps; k++) {
      const ticks = m.ticks(k % 40, Math.floor(k / 40) % 30);
      if (!ticks) continue;
      snaps += ticks.time.length;
      days++;
    }
    const secs = (now() - t0) / 1000;
    const cpuSecs = cpu() - c0;
    out[`${interval}ms`] = {
      stockDays: days,
      msPerStockDay: +((secs * 1000) / days).toFixed(3),
      cpuMsPerStockDay: +((cpuSecs * 1000) / days).toFixed(3),
      snapshotsPerSec: Math.round(snaps / secs),
      snapshotsPerSecRatioToBaseline: +(snaps / secs / base).toFixed(4),
    };
  }
  results.ticks = out;
}

// 3. Paper scale, 5000 stocks x 3000 days: construction, every daily path (truth()), and a
// timed partial daily() (all 5000 stocks over the first days) extrapolated to 3000 days.
{
  const N = 5000;
  const D = 3000;
  const t0 = now();
  const big = createMarket({ nStocks: N, nDays: D });
  const createMs = now() - t0;
  let pathsSecs = Number.NaN;
  if (!quick) {
    const t1 = now();
    big.truth();
    pathsSecs = (now() - t1) / 1000;
  }
  const partialDays = quick ? 5 : 40;
  const part = createMarket({ nStocks: N, nDays: partialDays });
  const c2 = cpu();
  const t2 = now();
  part.daily();
  const partSecs = (now() - t2) / 1000;
  const partCpu = cpu() - c2;
  const perStockDay = partSecs / (N * partialDays);
  const mem = process.memoryUsage();
  results.paperScale = {
    nStocks: N,
    nDays: D,
    createMs: Math.round(createMs),
    allDailyPathsAndTruthSecs: quick ? null : +pathsSecs.toFixed(1),
    partialDaily: {
      nStocks: N,
      nDays: partialDays,
      secs: +partSecs.toFixed(2),
      cpuSecs: +partCpu.toFixed(2),
    },
    stockDaysPerSecInDaily: Math.round(1 / perStockDay),
    extrapolatedFullDailySecs: Math.round(perStockDay * N * D),
    extrapolatedFullDailyCpuSecs: Math.round((partCpu / (N * partialDays)) * N * D),
    dailyPanelsMB: mb(20 * N * D * 8),
    memoryMB: { rss: mb(mem.rss), arrayBuffers: mb(mem.arrayBuffers) },
  };
}

const report = {
  package: '@hfq/sim',
  date: new Date().toISOString(),
  quick,
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  loadavgBefore: load0.map((x) => +x.toFixed(2)),
  loadavgAfter: os.loadavg().map((x) => +x.toFixed(2)),
  baseline: { what: 'Rng.normal() draws per second, same process', perSec: Math.round(base) },
  ...results,
};
// Short numeric arrays on one line, as the repository's formatter writes them.
const json = JSON.stringify(report, null, 2).replace(
  /\[\s+([-\d.,\s]+?)\s+\]/g,
  (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`,
);
console.log(json);
if (!quick) {
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(join(dir, 'latest.json'), `${json}\n`);
}
