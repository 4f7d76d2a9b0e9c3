/**
 * Benchmark of @hfq/optimizer (run: npm run bench -w @hfq/optimizer).
 *
 * 1. Per solve, the enhanced-index LP on random data (min(N, 1000) constituents, 30 industries,
 *    10 styles, study limits, w0 = a drifted benchmark with 10% off-index), N in {1000, 2000, 4000}:
 *    HiGHS sparse model (the default engine, cold: no warm start), jsLPSolver (trade-variable model; capped where
 *    hopeless), and as the in-process baseline HiGHS fed the same LP as CPLEX LP text
 *    (`highs.solve`). Median of 3 after a warm-up.
 * 2. The full backtest, 420 weekly rebalances x 2 scenarios (80% floor, none), HiGHS (warm start
 *    from the previous week's basis), scenarios in two worker threads, on a random market of N
 *    stocks; at the first N also in-process (sequential) as the baseline of the parallel run.
 *
 * JSON to stdout and to bench/results/latest.json; progress to stderr. Options:
 *   --sizes=1000,2000,4000   --weeks=420   --skip-backtest   --skip-solves
 *   --jslp-cap-ms=60000 (skip jsLPSolver at larger N once one solve took longer than this)
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '@hfq/core';
import highsModule from 'highs';
import { backtestEnhancedIndex } from '../src/backtest/backtest.js';
import { createEnhancedIndexOptimizer } from '../src/enhanced-index/optimize.js';
import type { EnhancedIndexProblem } from '../src/enhanced-index/problem.js';
import { stockBox, TradeModelBuilder } from '../src/enhanced-index/trade-model.js';
import { interopDefault } from '../src/lp/interop.js';
import type { LinearProgram } from '../src/lp/types.js';
import { randomMarket } from '../src/test-utils/markets.js';
import { randomProblem } from '../src/test-utils/random-problem.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const sizes = (args.get('sizes') ?? '1000,2000,4000').split(',').map(Number);
const weeks = Number(args.get('weeks') ?? 420);
const jslpCapMs = Number(args.get('jslp-cap-ms') ?? 60_000);
const log = (m: string) => process.stderr.write(`[bench optimizer] ${m}\n`);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

/** The LP the optimiser builds for `p`, written as CPLEX LP text (the baseline's input). */
function lpText(lp: LinearProgram): string {
  const out: string[] = [lp.sense === 'max' ? 'Maximize' : 'Minimize'];
  const terms = (pairs: [number, number][]) => {
    const lines: string[] = [];
    let line = '';
    pairs.forEach(([j, v], k) => {
      line += `${v < 0 ? '-' : '+'} ${Math.abs(v)} x${j} `;
      if (k % 8 === 7) {
        lines.push(line);
        line = '';
      }
    });
    if (line) lines.push(line);
    return lines.length ? lines.join('\n ') : '0 x0';
  };
  out.push(
    ` obj: ${terms(Array.from(lp.colCost, (v, j) => [j, v] as [number, number]).filter(([, v]) => v !== 0))}`,
  );
  out.push('Subject To');
  const rows: [number, number][][] = Array.from({ length: lp.numRows }, () => []);
  for (let j = 0; j < lp.numCols; j++) {
    for (let k = lp.starts[j]!; k < lp.starts[j + 1]!; k++) rows[lp.indices[k]!]!.push([j, lp.values[k]!]);
  }
  rows.forEach((r, i) => {
    const lo = lp.rowLower[i]!;
    const hi = lp.rowUpper[i]!;
    const body = terms(r.filter(([, v]) => v !== 0));
    if (lo === hi) out.push(` r${i}: ${body} = ${lo}`);
    else {
      if (Number.isFinite(lo)) out.push(` r${i}l: ${body} >= ${lo}`);
      if (Number.isFinite(hi)) out.push(` r${i}u: ${body} <= ${hi}`);
    }
  });
  out.push('Bounds');
  for (let j = 0; j < lp.numCols; j++) out.push(` ${lp.colLower[j]} <= x${j} <= ${lp.colUpper[j]}`);
  out.push('End');
  return out.join('\n');
}

async function solveBench() {
  const highs =
    await interopDefault<
      () => Promise<{
        solve(t: string, o: Record<string, unknown>): { Status: string; ObjectiveValue: number };
      }>
    >(highsModule)();
  // Cold solves: re-solving one problem from its own optimal basis would measure nothing.
  const highsOpt = await createEnhancedIndexOptimizer({ engine: 'highs', highs: { warmStart: false } });
  const jsOpt = await createEnhancedIndexOptimizer({ engine: 'jsLPSolver' });
  // JIT warm-up of the JavaScript around the engines (validation, model building, checks).
  const small = randomProblem({ n: 300, industries: 30, styles: 10, seed: 99 });
  for (let k = 0; k < 5; k++) {
    highsOpt.solve(small);
    jsOpt.solve(small);
  }
  const rows = [];
  let jslpHopeless = false;
  for (const n of sizes) {
    const p: EnhancedIndexProblem = randomProblem({ n, industries: 30, styles: 10, seed: 100 + n });
    const time = (fn: () => { ms: number; objective: number }) => {
      fn(); // warm-up
      const runs = [fn(), fn(), fn()];
      return { medianMs: median(runs.map((r) => r.ms)), objective: runs[0]!.objective };
    };
    const hs = time(() => {
      const t0 = performance.now();
      const r = highsOpt.solve(p);
      return { ms: performance.now() - t0, objective: r.objective, engineMs: r.solveMs };
    });
    const hsEngine = median([0, 1, 2].map(() => highsOpt.solve(p).solveMs));
    // Baseline: the same LP as LP text through highs.solve (parse + solve).
    const { lp } = new TradeModelBuilder().build(p, 30, stockBox(p, p.limits.maxDeviation), {
      limits: {
        ...p.limits,
        minConstituentWeight: p.limits.minConstituentWeight,
        maxTurnover: p.limits.maxTurnover,
      },
      elastic: [],
    });
    const text = lpText(lp);
    let w0dotS = 0;
    for (let i = 0; i < n; i++) w0dotS += p.previous[i]! * p.scores[i]!;
    const base = time(() => {
      const t0 = performance.now();
      const r = highs.solve(text, {
        output_flag: false,
        presolve: 'off',
        primal_feasibility_tolerance: 1e-9,
        dual_feasibility_tolerance: 1e-9,
      });
      if (r.Status !== 'Optimal') throw new Error(`LP-text baseline: ${r.Status}`);
      return { ms: performance.now() - t0, objective: r.ObjectiveValue + w0dotS };
    });
    let js: { medianMs: number; objective: number } | { skipped: string } = { skipped: 'not run' };
    if (jslpHopeless) js = { skipped: `capped: a smaller N already took over ${jslpCapMs} ms per solve` };
    else {
      const t0 = performance.now();
      jsOpt.solve(p);
      const first = performance.now() - t0;
      if (first > jslpCapMs) {
        jslpHopeless = true;
        js = { skipped: `one solve took ${Math.round(first)} ms (> cap ${jslpCapMs} ms)` };
      } else {
        const runs = [0, 1, 2].map(() => {
          const t1 = performance.now();
          const r = jsOpt.solve(p);
          return { ms: performance.now() - t1, objective: r.objective };
        });
        js = { medianMs: median(runs.map((r) => r.ms)), objective: runs[0]!.objective };
      }
    }
    const row = {
      n,
      highsSparseMs: hs.medianMs,
      highsEngineMs: hsEngine,
      highsLpTextBaselineMs: base.medianMs,
      ratioSparseToLpText: hs.medianMs / base.medianMs,
      jsLPSolver: js,
      objectives: {
        highs: hs.objective,
        lpText: base.objective,
        jsLPSolver: 'objective' in js ? js.objective : null,
      },
      loadavg1: loadavg()[0],
    };
    log(JSON.stringify(row));
    rows.push(row);
  }
  return rows;
}

async function backtestBench() {
  const rows = [];
  const days = weeks * 5 + 1;
  for (const n of sizes) {
    const t0 = performance.now();
    const { market, signal } = randomMarket({
      n,
      days,
      constituents: Math.min(1000, n),
      industries: 30,
      styles: 10,
      randomStyles: true,
      seed: 7,
    });
    const genMs = performance.now() - t0;
    log(`N=${n}: random market of ${days} days generated in ${Math.round(genMs)} ms`);
    const run = async (parallel: boolean) => {
      const l0 = loadavg()[0]!;
      const res = await backtestEnhancedIndex({ signal, market, parallel });
      const sc = Object.values(res.scenarios);
      const solveMs = sc.map((s) => s.rebalances.solveMs.reduce((a, b) => a + b, 0));
      const solves = sc.map((s) => s.rebalances.solves.reduce((a, b) => a + b, 0));
      const statuses = sc.map((s) => ({
        optimal: s.rebalances.status.filter((x) => x === 'optimal').length,
        relaxed: s.rebalances.status.filter((x) => x === 'relaxed').length,
        infeasible: s.rebalances.status.filter((x) => x === 'infeasible').length,
      }));
      return {
        parallel,
        wallMs: res.wallMs,
        rebalances: res.rebalanceDates.length,
        scenarios: Object.keys(res.scenarios),
        engineMsPerScenario: solveMs,
        lpSolves: solves,
        meanEngineMsPerLp: solveMs.map((s, j) => s / solves[j]!),
        statuses,
        excessAnnualReturn: sc.map((s) => s.summary.excessAnnualReturn),
        turnover: sc.map((s) => s.summary.turnover),
        loadavg1Before: l0,
        loadavg1After: loadavg()[0],
      };
    };
    const par = await run(true);
    log(`N=${n}: parallel backtest ${Math.round(par.wallMs)} ms`);
    const row: Record<string, unknown> = { n, days, marketGenerationMs: genMs, parallel: par };
    if (n === sizes[0]) {
      const seq = await run(false);
      log(`N=${n}: sequential backtest ${Math.round(seq.wallMs)} ms`);
      row.sequentialBaseline = seq;
      row.ratioParallelToSequential = par.wallMs / seq.wallMs;
    }
    rows.push(row);
  }
  return rows;
}

const started = new Date().toISOString();
const result = {
  bench: '@hfq/optimizer',
  started,
  node: process.version,
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model,
  loadavgStart: loadavg(),
  solves: args.has('skip-solves') ? null : await solveBench(),
  backtest: args.has('skip-backtest') ? null : await backtestBench(),
  loadavgEnd: loadavg(),
};
const json = JSON.stringify(result, null, 2);
process.stdout.write(`${json}\n`);
const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileAtomicSync(join(here, 'results', 'latest.json'), `${json}\n`);
