/**
 * Builds what the GPU machine needs (it has no Node.js and no network) into an ignored folder of
 * the repository, to be sent with the device tool's `carry`:
 *
 *   node --conditions=source --import tsx scripts/gpu/bundle.ts [--out .gpu] [--no-node] [--no-deb]
 *
 *   .gpu/node.xz                              this machine's node binary, xz-compressed
 *   .gpu/app/train-bench.mjs                  esbuild bundle of scripts/gpu/train-bench.ts (tfjs,
 *                                             its wasm and webgpu backends, @hfq/* from sources)
 *   .gpu/app/tfjs-backend-wasm*.wasm          the wasm backend's binaries, found beside the bundle
 *   .gpu/app/node_modules/webgpu/...          Dawn for Node: index.js, package.json,
 *                                             dist/linux-x64/dawn.node.xz (unpacked there)
 *   .gpu/app/node_modules/debug/...           a stub of the `debug` package
 *   .gpu/deb/libvulkan1_*.deb                 the Vulkan loader from Debian (amd64)
 *   .gpu/manifest.json                        every file with its size and sha256, the commit
 *
 * The folder must be ignored locally: `echo /.gpu/ >> .git/info/exclude` (the repository's
 * .gitignore already lists it). Then `scripts/gpu/run.sh` on the GPU machine unpacks and runs
 * everything (docs/gpu.md has the device call).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(repo, 'packages/models/package.json'));

/** What the device tool carries at most (working tree included): the payload must stay well under. */
export const CARRY_LIMIT_BYTES = 64 * 2 ** 20;
/** The payload's own budget, leaving room for the repository's tracked files. */
export const PAYLOAD_BUDGET_BYTES = 48 * 2 ** 20;

/** Options of `buildPayload`. */
export interface PayloadOptions {
  /** Output folder [.gpu in the repository]. */
  out: string;
  /** Include the xz-compressed node binary (slow: ~1 min on 2 cores; reused when unchanged) [true]. */
  node: boolean;
  /** Download the Vulkan loader .deb with apt-get (reused when present) [true]. */
  deb: boolean;
  /** xz-compress dawn.node (false: copy it as is, for a quick local build that runs in place) [true]. */
  compress?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** One file of the payload. */
export interface PayloadFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** What `buildPayload` wrote (also `manifest.json`). */
export interface PayloadManifest {
  format: 'hfq-gpu-payload/1';
  builtAt: string;
  commit: string | null;
  /** Files with uncommitted changes that the bundle was built from (esbuild reads the working tree). */
  uncommitted: string[];
  node: string | null;
  esbuild: string;
  files: PayloadFile[];
  totalBytes: number;
  budgetBytes: number;
  /** Why a part is missing (e.g. apt-get could not download the loader), if any. */
  missing: Record<string, string>;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** xz-compresses `src` to `dest` unless `dest` was made from a file of the same size and mtime. */
function xzCached(src: string, dest: string, log: (s: string) => void): void {
  const st = statSync(src);
  const stamp = `${dest}.source`;
  const key = `${src} ${st.size} ${st.mtimeMs}`;
  if (existsSync(dest) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) {
    log(`reusing ${relative(repo, dest)}`);
    return;
  }
  log(`xz ${src} (${Math.round(st.size / 2 ** 20)} MiB) -> ${relative(repo, dest)}`);
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, execFileSync('xz', ['-T0', '-6', '-c', src], { maxBuffer: 1 << 30 }));
  writeFileSync(stamp, key);
}

/** Downloads Debian's libvulkan1 (amd64) into `dir` with a private apt lists folder. */
function downloadVulkanLoader(dir: string, log: (s: string) => void): string {
  mkdirSync(dir, { recursive: true });
  const have = readdirSync(dir).find((f) => /^libvulkan1_.*\.deb$/.test(f));
  if (have !== undefined) {
    log(`reusing ${have}`);
    return join(dir, have);
  }
  const state = '/tmp/hfq-gpu-apt';
  mkdirSync(join(state, 'lists/partial'), { recursive: true });
  mkdirSync(join(state, 'cache/archives/partial'), { recursive: true });
  const o = [
    '-oAPT::Architecture=amd64',
    '-oAPT::Architectures=amd64',
    `-oDir::State::Lists=${state}/lists`,
    `-oDir::Cache=${state}/cache`,
    '-qq',
  ];
  log('apt-get update (private lists) and download libvulkan1');
  execFileSync('apt-get', [...o, 'update'], { stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync('apt-get', [...o, 'download', 'libvulkan1'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const got = readdirSync(dir).find((f) => /^libvulkan1_.*\.deb$/.test(f));
  if (got === undefined) throw new Error('apt-get download libvulkan1 left no .deb');
  return join(dir, got);
}

/** Bundles the benchmark entry with esbuild (the recipe of docs/gpu.md). */
async function bundleApp(appDir: string): Promise<void> {
  await build({
    entryPoints: [join(repo, 'scripts/gpu/train-bench.ts')],
    outfile: join(appDir, 'train-bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    // Dawn is native (shipped beside the bundle); onnxruntime-node is never called on the GPU run
    // (ONNX parity runs in the machine's Python onnxruntime).
    external: ['webgpu', 'onnxruntime-node'],
    banner: {
      js: [
        // tfjs's CommonJS parts call require() and read __dirname: give the ESM bundle both.
        "import { createRequire as __hfqCreateRequire } from 'node:module';",
        "import { fileURLToPath as __hfqFileURLToPath } from 'node:url';",
        "import { dirname as __hfqDirname } from 'node:path';",
        'const require = __hfqCreateRequire(import.meta.url);',
        'const __filename = __hfqFileURLToPath(import.meta.url);',
        'const __dirname = __hfqDirname(__filename);',
      ].join('\n'),
    },
    logLevel: 'warning',
    legalComments: 'eof',
  });
}

/** Copies Dawn for Node (linux-x64 only, dawn.node xz'd) and a `debug` stub beside the bundle. */
function copyWebgpu(appDir: string, compress: boolean, log: (s: string) => void): void {
  const pkgDir = dirname(require.resolve('webgpu/package.json'));
  const dest = join(appDir, 'node_modules/webgpu');
  mkdirSync(join(dest, 'dist/linux-x64'), { recursive: true });
  copyFileSync(join(pkgDir, 'index.js'), join(dest, 'index.js'));
  copyFileSync(join(pkgDir, 'package.json'), join(dest, 'package.json'));
  copyFileSync(join(pkgDir, 'LICENSE.md'), join(dest, 'LICENSE.md'));
  if (compress)
    xzCached(join(pkgDir, 'dist/linux-x64/dawn.node'), join(dest, 'dist/linux-x64/dawn.node.xz'), log);
  else copyFileSync(join(pkgDir, 'dist/linux-x64/dawn.node'), join(dest, 'dist/linux-x64/dawn.node'));
  const debug = join(appDir, 'node_modules/debug');
  mkdirSync(debug, { recursive: true });
  writeFileSync(
    join(debug, 'package.json'),
    `${JSON.stringify({ name: 'debug', version: '0.0.0-hfq-stub', main: 'index.js' }, null, 2)}\n`,
  );
  writeFileSync(
    join(debug, 'index.js'),
    'module.exports = () => Object.assign(() => {}, { enabled: false });\n',
  );
}

/** Builds the payload folder; returns (and writes) its manifest. */
export async function buildPayload(o: PayloadOptions): Promise<PayloadManifest> {
  const log = o.log ?? ((s: string) => console.error(`[gpu-bundle] ${s}`));
  const appDir = join(o.out, 'app');
  mkdirSync(appDir, { recursive: true });
  // Keep the xz'd Dawn (reused when unchanged); drop an unpacked copy left by a local smoke test.
  if (o.compress ?? true)
    rmSync(join(appDir, 'node_modules/webgpu/dist/linux-x64/dawn.node'), { force: true });
  const missing: Record<string, string> = {};

  log('esbuild scripts/gpu/train-bench.ts');
  await bundleApp(appDir);
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')))
    copyFileSync(join(wasmDir, f), join(appDir, f));
  copyWebgpu(appDir, o.compress ?? true, log);

  if (o.node) xzCached(process.execPath, join(o.out, 'node.xz'), log);
  else {
    rmSync(join(o.out, 'node.xz'), { force: true });
    missing['node.xz'] = 'not built (--no-node)';
  }
  if (o.deb) {
    try {
      downloadVulkanLoader(join(o.out, 'deb'), log);
    } catch (e) {
      missing.deb = `apt-get could not download libvulkan1: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  } else missing.deb = 'not downloaded (--no-deb)';

  const files = walk(o.out)
    .filter((p) => !p.endsWith('.source') && !p.endsWith('manifest.json'))
    .map((p) => ({ path: relative(o.out, p), bytes: statSync(p).size, sha256: sha256(p) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const totalBytes = files.reduce((s, f) => s + f.bytes, 0);
  let commit: string | null = null;
  let uncommitted: string[] = [];
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    uncommitted = execFileSync('git', ['status', '--porcelain', '--', 'packages', 'scripts/gpu'], {
      cwd: repo,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => /^ ?M|^A/.test(l))
      .map((l) => l.slice(3));
  } catch {
    commit = null;
  }
  const manifest: PayloadManifest = {
    format: 'hfq-gpu-payload/1',
    builtAt: new Date().toISOString(),
    commit,
    uncommitted,
    node: o.node ? process.version : null,
    esbuild: (await import('esbuild')).version,
    files,
    totalBytes,
    budgetBytes: PAYLOAD_BUDGET_BYTES,
    missing,
  };
  writeFileSync(join(o.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(
    `${files.length} files, ${(totalBytes / 2 ** 20).toFixed(1)} MiB (budget ${PAYLOAD_BUDGET_BYTES / 2 ** 20} MiB)`,
  );
  if (totalBytes > PAYLOAD_BUDGET_BYTES)
    throw new Error(`payload ${totalBytes} bytes exceeds ${PAYLOAD_BUDGET_BYTES}`);
  return manifest;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const out = resolve(outIdx >= 0 ? args[outIdx + 1]! : join(repo, '.gpu'));
  buildPayload({ out, node: !args.includes('--no-node'), deb: !args.includes('--no-deb') }).then(
    (m) => {
      for (const [k, v] of Object.entries(m.missing)) console.error(`[gpu-bundle] missing ${k}: ${v}`);
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}
