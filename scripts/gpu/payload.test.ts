/**
 * The GPU machine's payload (scripts/gpu/bundle.ts): the esbuild bundle of the benchmark runs with
 * Node alone (no node_modules but its own), on wasm and, through the external Dawn module, on
 * webgpu (the Dawn null adapter: the plumbing, nothing computed). The full payload (node binary,
 * Vulkan loader) takes a minute to build: when one is present in .gpu/ its manifest is checked,
 * otherwise that check says so and is not run.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPayload, CARRY_LIMIT_BYTES, PAYLOAD_BUDGET_BYTES, type PayloadManifest } from './bundle.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let manifest: PayloadManifest;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hfq-gpu-payload-'));
  manifest = await buildPayload({ out: dir, node: false, deb: false, compress: false, log: () => {} });
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface BenchJson {
  backend: { name: string; device?: { dawnBackend: string } };
  cases: {
    id: string;
    stepMs?: number;
    counts?: { kernels: number; dispatches: number; readbacks: number };
  }[];
}

function runBundle(args: string[]): BenchJson {
  const out = join(dir, `out-${args.join('-').replace(/[^a-z0-9]+/gi, '_')}.json`);
  // From a folder outside the repository: the bundle must not need its node_modules.
  execFileSync(process.execPath, [join(dir, 'app/train-bench.mjs'), 'bench', ...args, '--out', out], {
    cwd: tmpdir(),
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
  });
  return JSON.parse(readFileSync(out, 'utf8')) as BenchJson;
}

describe('the GPU payload', () => {
  it('holds the bundle, the wasm binaries and Dawn, and says what it left out', () => {
    const paths = manifest.files.map((f) => f.path);
    for (const p of [
      'app/train-bench.mjs',
      'app/tfjs-backend-wasm-simd.wasm',
      'app/node_modules/webgpu/index.js',
      'app/node_modules/webgpu/package.json',
      'app/node_modules/webgpu/dist/linux-x64/dawn.node',
      'app/node_modules/debug/package.json',
    ]) {
      expect(paths).toContain(p);
    }
    // One tfjs-core inside the bundle, and Dawn left external.
    const bundle = readFileSync(join(dir, 'app/train-bench.mjs'), 'utf8');
    expect(bundle.match(/var ENGINE = getOrMakeEngine\(\)/g)?.length ?? 0).toBe(1);
    expect(bundle).toMatch(/import\("webgpu"\)/);
    expect(manifest.missing).toEqual({
      'node.xz': 'not built (--no-node)',
      deb: 'not downloaded (--no-deb)',
    });
  });

  it('runs with Node alone on wasm', () => {
    const r = runBundle(['--backend', 'wasm', '--cases', 'toy-d16-n24']);
    expect(r.backend.name).toBe('wasm');
    expect(r.cases[0]!.stepMs).toBeGreaterThan(0);
    expect(r.cases[0]!.counts!.readbacks).toBe(1);
  });

  it('runs the webgpu backend through the external Dawn module (null adapter)', () => {
    const r = runBundle(['--backend', 'webgpu', '--dawn-backend', 'null', '--cases', 'toy-d16-n24']);
    expect(r.backend.name).toBe('webgpu');
    expect(r.backend.device!.dawnBackend).toBe('null');
    expect(r.cases[0]!.counts!.dispatches).toBeGreaterThan(100);
  });

  const full = join(repo, '.gpu/manifest.json');
  if (!existsSync(full)) {
    console.warn(
      '[hfq tests] no full GPU payload in .gpu/ (node --conditions=source --import tsx scripts/gpu/bundle.ts): its size check is not run',
    );
  }
  it.runIf(existsSync(full))('the full payload in .gpu/ is complete, intact and under the size limit', () => {
    const m = JSON.parse(readFileSync(full, 'utf8')) as PayloadManifest;
    const paths = m.files.map((f) => f.path);
    expect(paths).toContain('node.xz');
    expect(paths).toContain('app/node_modules/webgpu/dist/linux-x64/dawn.node.xz');
    expect(paths.some((p) => /^deb\/libvulkan1_.*_amd64\.deb$/.test(p))).toBe(true);
    expect(m.totalBytes).toBeLessThanOrEqual(PAYLOAD_BUDGET_BYTES);
    expect(PAYLOAD_BUDGET_BYTES).toBeLessThan(CARRY_LIMIT_BYTES);
    for (const f of m.files) {
      const p = join(repo, '.gpu', f.path);
      expect(existsSync(p), f.path).toBe(true);
      expect(createHash('sha256').update(readFileSync(p)).digest('hex'), f.path).toBe(f.sha256);
    }
  });
});
