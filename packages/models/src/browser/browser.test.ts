/**
 * `@hfq/metrics` and ONNX scoring from `@hfq/models` in a web page: an esbuild browser bundle of
 * `test-support/browser/score-page.ts` scores a tiny exported model with onnxruntime-web and
 * computes the RankIC of its scores in headless Chromium; the numbers must equal Node's.
 * Skipped, with a visible warning, where no Chromium is installed.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@hfq/core';
import { rankIC } from '@hfq/metrics';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { runPage } from '../../../../test-support/browser/page.js';
import { findChromium } from '../../../../test-support/chromium.js';
import { useBackend } from '../backend/backend.js';
import { createModel } from '../models/model.js';
import { exportOnnx } from '../onnx/export.js';
import { OnnxScorer } from '../onnx/scorer.js';
import { tinyConfig } from '../test-utils/configs.js';

const chromium = findChromium();
const require = createRequire(import.meta.url);
const pageEntry = fileURLToPath(new URL('../../../../test-support/browser/score-page.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hfq-browser-page-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const F = 5;
const L = 8;
const N = 60;

describe('in a browser page', () => {
  it.runIf(chromium)(
    'scores an exported model with onnxruntime-web and computes its RankIC, equal to Node',
    async () => {
      await useBackend('wasm');
      const model = await createModel(tinyConfig('transformer', F, L), {
        seed: 3,
        features: Array.from({ length: F }, (_, i) => `f${i}`),
      });
      const bytes = exportOnnx(model);
      const rng = new Rng(5, 'browser');
      const x = Float32Array.from({ length: N * L * F }, () => rng.normal());
      const returns = Array.from({ length: N }, () => 0.02 * rng.normal());

      // Node: the same file on onnxruntime-web (wasm) and on onnxruntime-node.
      const wasm = await OnnxScorer.load(bytes, { backend: 'wasm' });
      const nodeScores = (await wasm.run(x, N)).score;
      await wasm.release();
      const native = await OnnxScorer.load(bytes, { backend: 'native' });
      const nativeScores = (await native.run(x, N)).score;
      await native.release();
      const nodeRankIC = rankIC(nodeScores, returns);

      await build({
        entryPoints: [pageEntry],
        outfile: join(dir, 'page.js'),
        bundle: true,
        platform: 'browser',
        format: 'esm',
        target: 'es2022',
        conditions: ['source'],
        // The packages' Node-only modules (files, workers, native loaders) are never reached from
        // the scorer; tree-shaking drops them, and the check below proves no import of one is left.
        external: ['node:*'],
        logLevel: 'silent',
      });
      const ortDist = dirname(require.resolve('onnxruntime-web')); // its dist/ (no ./package.json export)
      // The .wasm binaries and their .mjs glue (a wasmPaths prefix serves both).
      for (const f of readdirSync(ortDist).filter((f) => /^ort-wasm-.*\.(wasm|mjs)$/.test(f)))
        copyFileSync(join(ortDist, f), join(dir, f));
      writeFileSync(join(dir, 'model.onnx'), bytes);
      writeFileSync(join(dir, 'inputs.json'), JSON.stringify({ n: N, x: Array.from(x), returns }));
      writeFileSync(
        join(dir, 'index.html'),
        '<!doctype html><meta charset="utf-8"><title>hfq scoring</title><script type="module" src="page.js"></script>',
      );
      // The bundle carries no Node built-ins: it is a browser program.
      expect(readFileSync(join(dir, 'page.js'), 'utf8')).not.toMatch(/from ["']node:/);

      const page = (await runPage(chromium!, dir)) as {
        error?: string;
        backend: string;
        scores: number[];
        rankIC: number;
      };
      expect(page.error).toBeUndefined();
      expect(page.backend).toBe('wasm');
      expect(page.scores).toHaveLength(N);
      let scale = 0;
      for (let i = 0; i < N; i++) {
        scale = Math.max(scale, Math.abs(nodeScores[i]!));
        expect(Math.abs(page.scores[i]! - nodeScores[i]!)).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(page.scores[i]! - nativeScores[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, scale));
      }
      expect(scale).toBeGreaterThan(0.1);
      expect(Number.isFinite(page.rankIC)).toBe(true);
      expect(page.rankIC).toBeCloseTo(nodeRankIC, 12);
    },
    180_000,
  );
});
