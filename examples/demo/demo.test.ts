/**
 * Smoke test of `npm run demo`: the whole pipeline on a tiny market (configs/tiny.json), run as a
 * user runs it (a child process), then its artefacts checked the way a person would look at them:
 * the report opened in headless Chromium, every table and chart present and drawn.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPanelsParquet } from '@hfq/bars';
import { KNOBS, MODEL_NAMES } from '@hfq/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, screenshot } from '../../test-support/chromium.js';
import { decodePng, pixelStats } from '../../test-support/png.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'hfq-demo-'));
const out = join(dir, 'demo');
const chromium = findChromium();

function demo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'examples/demo/run.ts', ...args],
      { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) =>
        res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let run: { code: number; stdout: string; stderr: string };
beforeAll(async () => {
  run = await demo(['--config', 'examples/demo/configs/tiny.json', '--out', out]);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run demo (tiny market)', () => {
  it('finishes and says what it did', () => {
    expect(run.stderr).not.toMatch(/demo failed/);
    expect(run.code).toBe(0);
    for (let k = 1; k <= 6; k++) expect(run.stdout).toContain(`[${k}/6]`);
    expect(run.stdout).toMatch(/Done in [\d.]+ min/);
    expect(run.stdout).toMatch(
      /best achievable RankIC -?\d+\.\d+% \(expected return at T\), planted alpha -?\d+\.\d+%/,
    );
  });

  it('writes every artefact: reports, ONNX models, the score panel, the summary', async () => {
    for (const f of ['report.html', 'report.md', 'scores.parquet', 'summary.json', 'config.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readdirSync(join(out, 'models')).sort()).toEqual(MODEL_NAMES.map((m) => `${m}.onnx`).sort());
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    // The planted alpha is visible even on a tiny market: its RankIC is clearly positive, and the
    // best achievable score (expected return of the label at T) is above it.
    expect(summary.plantedAlphaRankIC).toBeGreaterThan(0.03);
    expect(summary.bestAchievableRankIC).toBeGreaterThan(summary.plantedAlphaRankIC);
    for (const k of ['composite', 'composite-prediction', 'all-seq2seq:sum', 'all-seq2seq:validIC']) {
      expect(Number.isFinite(summary.rankIC[k]), k).toBe(true);
    }
    expect(Object.keys(summary.enhancedIndex).sort()).toEqual(
      ['all-transformer', 'baseline-gru', 'composite', 'composite-prediction'].sort(),
    );
    const scores = await readPanelsParquet(join(out, 'scores.parquet'));
    expect(Object.keys(scores)).toContain('composite');
    expect(Object.keys(scores)).toContain('all_seq2seq_sum');
    expect(scores.composite!.nAssets).toBe(40);
  });

  it("the report holds the study's tables and a drawn chart for each figure", () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const title of [
      'Factor side: feature sets',
      'Model side: attention across variables',
      'Label side: the 10-day return sequence',
      'CSI-1000-like enhanced index',
      'Using the predicted path: multi-period plan vs its sum',
      'Correlations',
      'How this run was made',
    ]) {
      expect(html).toContain(title);
    }
    // 3 single-factor tables + the label side beside the study + groups + 2 x (performance +
    // calendar years) + multi-period + 2 correlations + trainings
    expect(html.match(/<table/g)?.length).toBe(13);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBe(8);
    for (const svg of svgs) expect(svg).toMatch(/<path[^>]+d="M[^"]{40,}/); // a drawn line or area
    // the same 13 tables in the markdown report
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md.match(/^\|\s*[-:]+/gm)?.length).toBe(13);
  });

  it.runIf(chromium)(
    'looks right in headless Chromium',
    async () => {
      const png = join(dir, 'report.png');
      await screenshot(chromium!, join(out, 'report.html'), png, 1200, 4000);
      const img = decodePng(readFileSync(png));
      const s = pixelStats(img);
      expect(s.nonWhiteShare).toBeGreaterThan(0.03);
      expect(s.distinctColors).toBeGreaterThan(100);
    },
    120_000,
  );
});

describe('demo configuration', () => {
  it('documents every knob in --help', async () => {
    const r = await demo(['--help']);
    expect(r.code).toBe(0);
    for (const [path] of KNOBS) expect(r.stdout).toContain(path);
  });

  it('refuses an unknown knob with a message naming it', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'models:\n  seedz: 3\n');
    const r = await demo(['--config', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown knob models.seedz');
  });
});
