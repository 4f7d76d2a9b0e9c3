/**
 * Smoke test of the example scripts: each runs as a child process exactly as a user runs it
 * (`node --conditions=source --import tsx examples/<script>.ts`), with options that make it small
 * but still take its real code path, and must exit 0, write its artefacts, and produce numbers
 * that make sense. The real-data example runs only where ../shared exists (skipped visibly).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../test-support/shared-data.js';
import { startFakeLlm } from './lib/fake-llm.js';
import { REPO_ROOT } from './lib/script.js';

const OUT = join(REPO_ROOT, 'out', 'examples');

/** Runs an example; resolves with its exit code and output. Kills it after `limitMs`. */
function runExample(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  limitMs = 200_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The child sees the caller's environment minus anything that would resize or redirect it.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('HFQ_EX_') && !k.startsWith('HFQ_LLM_') && k !== 'OPENAI_API_KEY',
    ),
  );
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join('examples', script), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Runs and requires exit 0, showing the output when it fails. */
async function ok(script: string, args: string[], env?: Record<string, string | undefined>): Promise<string> {
  const r = await runExample(script, args, env);
  if (r.code !== 0)
    throw new Error(
      `${script} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-4000)}`,
    );
  return r.stdout;
}

describe('example scripts', () => {
  it('01 simulates a market and sees the planted alpha', async () => {
    rmSync(join(OUT, '01-simulate-market'), { recursive: true, force: true });
    await ok('01-simulate-market.ts', ['--stocks', '40', '--days', '60']);
    const dir = join(OUT, '01-simulate-market');
    for (const f of ['minute-bars.csv', 'ticks.csv', 'index.csv', 'summary.json'])
      expect(existsSync(join(dir, f))).toBe(true);
    const s = json(join(dir, 'summary.json'));
    expect(s.calendar.days).toBe(60);
    expect(s.sampleStockDay.minuteBars).toBe(240);
    expect(s.oracleRankIC.mean).toBeGreaterThan(0.03);
    expect(readFileSync(join(dir, 'minute-bars.csv'), 'utf8').trim().split('\n')).toHaveLength(241);
  });

  it('02 builds, aggregates and validates minute, equal-volume and tick frames', async () => {
    await ok('02-frames.ts', ['--stocks', '6', '--days', '10', '--tick-days', '1']);
    const s = json(join(OUT, '02-frames', 'summary.json'));
    expect(s.ticksToMinutes.stockDays).toBeGreaterThan(0);
    expect(s.ticksToMinutes.volumeExactShare).toBe(1); // simulated snapshots aggregate exactly
    expect(s.ticksToMinutes.closeExactShare).toBe(1);
    expect(s.volumeBars.barsPerDay).toBeGreaterThan(35);
    expect(s.volumeBars.barsPerDay).toBeLessThanOrEqual(51);
    expect(s.brokenFrameIssues).toEqual(
      expect.arrayContaining(['BARS_HIGH_BELOW_LOW', 'BARS_NEGATIVE_VOLUME', 'BARS_OFF_TICK_GRID']),
    );
    expect(s.parquetRoundTripIdentical).toBe(true);
    expect(existsSync(join(OUT, '02-frames', 'minute-bars.parquet'))).toBe(true);
  });

  it('03 checks, rejects and evaluates DSL factors', async () => {
    await ok('03-factor-dsl.ts', ['--stocks', '40', '--days', '45']);
    const s = json(join(OUT, '03-factor-dsl', 'summary.json'));
    expect(s.rejections.map((r: { code: string }) => r.code)).toEqual([
      'DSL_ARGUMENT',
      'DSL_TYPE',
      'DSL_UNKNOWN_NAME',
      'DSL_UNKNOWN_NAME',
    ]);
    for (const c of Object.values(s.coverage) as number[]) expect(c).toBeGreaterThan(0.5);
    expect(s.rankIC['oracle (planted alpha)'].mean).toBeGreaterThan(0);
    expect(readFileSync(join(OUT, '03-factor-dsl', 'ic.md'), 'utf8')).toContain('late_volume_share');
  });

  it('04 explains how to configure an LLM endpoint and exits 0 without one', async () => {
    const r = await runExample('04-llm-factors.ts', []);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('HFQ_LLM_MODEL');
    expect(r.stdout).toContain('HFQ_LLM_BASE_URL');
  });

  it('04 generates and screens factors against an OpenAI-compatible endpoint (a local stand-in)', async () => {
    const server = await startFakeLlm();
    try {
      rmSync(join(OUT, '04-llm-factors'), { recursive: true, force: true });
      await ok(
        '04-llm-factors.ts',
        ['--count', '3', '--stocks', '40', '--sample-days', '10', '--test-days', '10', '--max-rounds', '2'],
        {
          HFQ_LLM_BASE_URL: server.baseUrl,
          HFQ_LLM_MODEL: 'smoke-test',
          HFQ_LLM_API_KEY: 'sk-smoke-test-secret',
        },
      );
      expect(server.requests()).toBeGreaterThanOrEqual(1);
      const s = json(join(OUT, '04-llm-factors', 'summary.json'));
      expect(s.accepted).toBeGreaterThanOrEqual(1);
      // the canned reply holds a negative lag, JavaScript and a typo: all stopped by the checker
      expect(Object.keys(s.rejectedByReason)).toEqual(expect.arrayContaining(['argument', 'unknown_name']));
      const lib = readFileSync(join(OUT, '04-llm-factors', 'library.json'), 'utf8');
      expect(lib).not.toContain('sk-smoke-test-secret');
      expect(JSON.parse(lib).factors.every((f: { formula: string }) => !f.formula.includes('-5'))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('05 trains a Transformer on the wasm backend and exports ONNX that matches tfjs', async () => {
    rmSync(join(OUT, '05-train-export'), { recursive: true, force: true });
    await ok('05-train-export.ts', ['--stocks', '60', '--days', '130', '--epochs', '2', '--window', '10']);
    const dir = join(OUT, '05-train-export');
    for (const f of ['model.onnx', 'features.csv', 'scores-reference.csv'])
      expect(existsSync(join(dir, f))).toBe(true);
    const s = json(join(dir, 'summary.json'));
    expect(s.history.length).toBeGreaterThanOrEqual(1);
    expect(s.onnx.stocks).toBeGreaterThan(30);
    expect(s.onnx.maxAbsDiffVsTfjs).toBeLessThan(1e-4);
    expect(Number.isFinite(s.outOfSample.rankIC.mean)).toBe(true);
  });

  it("06 scores 05's model with onnxruntime alone and agrees with tfjs", async () => {
    await ok('06-onnx-runtime.ts', []);
    const s = json(join(OUT, '06-onnx-runtime', 'summary.json'));
    const ref = json(join(OUT, '05-train-export', 'summary.json'));
    expect(s.input.window).toBe(10);
    expect(s.scored).toBe(ref.onnx.stocks);
    expect(s.comparedWithTfjs).toBe(s.scored);
    expect(s.maxAbsDiffVsTfjs).toBeLessThan(1e-4);
  });

  it('07 evaluates a planted factor with @hfq/metrics alone', async () => {
    await ok('07-metrics-alone.ts', ['--stocks', '80', '--days', '150']);
    const s = json(join(OUT, '07-metrics-alone', 'summary.json'));
    expect(s.rankIC.mean).toBeGreaterThan(0.02);
    expect(s.groups.annualReturn).toHaveLength(10);
    expect(s.groups.top.excessAnnualReturn).toBeGreaterThan(0);
    expect(readFileSync(join(OUT, '07-metrics-alone', 'group-nav.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('08 runs the enhanced-index backtest in both scenarios', async () => {
    await ok('08-enhanced-index.ts', ['--stocks', '100', '--days', '110']);
    const s = json(join(OUT, '08-enhanced-index', 'summary.json'));
    expect(Object.keys(s.portfolios)).toHaveLength(4);
    expect(s.rebalances).toBeGreaterThan(5);
    // the oracle beats its index (excess is annualised, after 0.4% two-sided costs)
    expect(s.portfolios['oracle floor80'].excessAnnualReturn).toBeGreaterThan(0);
    for (const p of Object.values(s.portfolios) as Array<{ turnover: number }>)
      expect(p.turnover).toBeLessThanOrEqual(0.3 + 1e-6);
  });

  it('09 renders the report as HTML and Markdown', async () => {
    rmSync(join(OUT, '09-report'), { recursive: true, force: true });
    await ok('09-report.ts', ['--stocks', '80', '--days', '120']);
    const html = readFileSync(join(OUT, '09-report', 'report.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(5);
    expect(html.match(/<table/g)?.length).toBe(5);
    expect(html).not.toMatch(/<script/);
    expect(readFileSync(join(OUT, '09-report', 'report.md'), 'utf8')).toContain('## Enhanced index');
  });

  it('10 writes an alphalens-style tear sheet from plain panels', async () => {
    rmSync(join(OUT, '10-tear-sheet'), { recursive: true, force: true });
    await ok('10-tear-sheet.ts', ['--stocks', '60', '--days', '120']);
    const s = json(join(OUT, '10-tear-sheet', 'summary.json'));
    // a planted signal: positive mean IC at every horizon, the drop report adds up
    for (const p of ['1D', '5D', '10D']) expect(s.ic[p].mean).toBeGreaterThan(0);
    expect(s.loss.kept).toBeGreaterThan(0);
    const html = readFileSync(join(OUT, '10-tear-sheet', 'tear-sheet.html'), 'utf8');
    expect(html).toContain('<table');
  });

  it('11 compares single-period and multi-period enhanced index on the same path', async () => {
    await ok('11-multi-period.ts', ['--stocks', '100', '--days', '150']);
    const s = json(join(OUT, '11-multi-period', 'summary.json'));
    expect(s.runs).toHaveLength(3);
    for (const r of s.runs as Array<{ turnover: number; annualCost: number }>) {
      // the mean over rebalances: one whose limits were infeasible relaxes its turnover cap (as in 08)
      expect(r.turnover).toBeLessThanOrEqual(0.31);
      expect(r.turnover).toBeGreaterThan(0.2);
      expect(r.annualCost).toBeGreaterThan(0);
    }
  });
});

const real = sharedData('the real-data example (examples/real-data.ts --quick)', 'data', 'real');
describe.runIf(real.available)('real-data example (../shared present)', () => {
  // The first run imports the samples into tmp/real-data/ (about 2 minutes here); later runs reuse it.
  it('runs on the real samples (quick mode) and writes its report', { timeout: 480_000 }, async () => {
    // its own folder, so that the report of a full run in out/real-data is not replaced
    const dir = join(REPO_ROOT, 'out', 'smoke', 'real-data');
    rmSync(dir, { recursive: true, force: true });
    const run = await runExample('real-data.ts', ['--quick', '--data', real.path, '--out', dir], {}, 420_000);
    if (run.code !== 0) throw new Error(`real-data.ts exited ${run.code}\n${run.stderr.slice(-4000)}`);
    for (const f of ['report.html', 'report.md', 'results.json']) expect(existsSync(join(dir, f))).toBe(true);
    const r = json(join(dir, 'results.json'));
    // (a) snapshots add up to the day's trades exactly; minutes agree within the snapshot cadence
    expect(r.level2.moutai.boundaryPrevious.volume.totalA).toBe(3_397_389);
    expect(r.level2.moutai.boundaryPrevious.volume.totalB).toBe(3_397_389);
    expect(r.level2.moutai.boundaryPrevious.volume.misplacedShare).toBeLessThan(0.01);
    // ... read back from a dataset imported from five files of three snapshot and two bar layouts
    expect(r.level2.importLines).toHaveLength(5);
    // (b) 16 bars a day, evaluated
    expect(r.fifteenMinute.days).toBe(300);
    expect(r.fifteenMinute.vsDaily.closeExact).toBeGreaterThan(0.8);
    expect(r.fifteenMinute.factors.length).toBe(28);
    // (c) the survivorship gap is measured, the model produced out-of-sample scores
    expect(r.dailyStudy.coverageByYear['2020']).toBeGreaterThan(0.9);
    expect(r.dailyStudy.coverageByYear['2020']).toBeLessThan(1);
    expect(r.dailyStudy.outOfSample[0].rankIC5.count).toBeGreaterThan(50);
    // read through the importer: the 15-minute stocks without daily bars and the suspended days
    // (zero prices) are rejected and reported, not dropped silently
    expect(r.dataset.import.rejected.DATASET_UNKNOWN_ASSET).toBeGreaterThan(0);
    expect(r.dataset.import.rejected.BARS_NONPOSITIVE_PRICE).toBe(r.fifteenMinute.import.suspendedDays);
    // Alpha158 on the real daily panels, and the model beside the best single factor
    expect(r.dailyStudy.alpha158.outOfSample).toHaveLength(158);
    expect(r.dailyStudy.model.inputs).toHaveLength(158 + 28);
    expect(typeof r.dailyStudy.bestSingle.name).toBe('string');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('What this data cannot tell');
  });
});
