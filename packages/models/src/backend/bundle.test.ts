/**
 * The wasm backend in an esbuild bundle run from a folder with no node_modules: without
 * `wasmPaths` it cannot find its binaries and says so with a typed error (it used to fall back to
 * the cpu backend silently); with `wasmPaths` pointing at copies beside the bundle it loads.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const entrySource = fileURLToPath(new URL('../index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hfq-models-bundle-'));

const ENTRY = `
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from ${JSON.stringify(entrySource)};
const [name, withPaths] = process.argv.slice(2);
const options = withPaths === 'paths' ? { wasmPaths: dirname(fileURLToPath(import.meta.url)) + '/' } : {};
try {
  const info = await useBackend(name, { ...options, autoOrder: ['wasm', 'cpu'] });
  console.log(JSON.stringify({ ok: true, name: info.name, detail: info.detail }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code, reason: e.context?.reason, message: e.message }));
}
`;

const BANNER = [
  "import { createRequire as __hfqCreateRequire } from 'node:module';",
  "import { dirname as __hfqDirname } from 'node:path';",
  "import { fileURLToPath as __hfqFileURLToPath } from 'node:url';",
  'const require = __hfqCreateRequire(import.meta.url);',
  'const __filename = __hfqFileURLToPath(import.meta.url);',
  'const __dirname = __hfqDirname(__filename);',
].join('\n');

function runBundle(...args: string[]): {
  ok: boolean;
  name?: string;
  code?: string;
  reason?: string;
  message?: string;
} {
  const out = execFileSync(process.execPath, [join(dir, 'bundle.mjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

beforeAll(async () => {
  writeFileSync(join(dir, 'entry.mjs'), ENTRY);
  await build({
    entryPoints: [join(dir, 'entry.mjs')],
    outfile: join(dir, 'bundle.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['source'],
    logLevel: 'silent',
    // tfjs's CommonJS parts call require, and the wasm backend's emscripten glue reads __dirname:
    // give the ES module bundle both (the README's Bundling section shows the same banner).
    banner: { js: BANNER },
  });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the wasm backend in a bundle', () => {
  it('without wasmPaths: a typed error naming wasmPaths, for wasm and for auto (no silent cpu)', () => {
    for (const name of ['wasm', 'auto']) {
      const r = runBundle(name);
      expect(r).toMatchObject({ ok: false, code: 'MODELS_BACKEND', reason: 'wasm-files-not-found' });
      expect(r.message).toMatch(/wasmPaths/);
    }
  });

  it('with wasmPaths at copies of the binaries beside the bundle: loads wasm', () => {
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    for (const f of readdirSync(dist).filter((f) => f.endsWith('.wasm')))
      copyFileSync(join(dist, f), join(dir, f));
    expect(runBundle('wasm', 'paths')).toMatchObject({ ok: true, name: 'wasm' });
    expect(runBundle('auto', 'paths')).toMatchObject({ ok: true, name: 'wasm' });
  });
});
