/**
 * The release dry run: what `npm run release` would publish, published to a private Verdaccio on
 * 127.0.0.1 (proxying the public registry for third-party packages), then installed **by name,
 * alone**, in a fresh project per package, as a stranger would (the project's `.npmrc` holds only
 * `registry=`; no user config), and smoke-tested there: the first ```ts block of the README it
 * ships runs as written (or, for a block with a marker (`<!-- fragment -->`, `<!-- no-run: ... -->`), the package is only
 * imported); `@hfq/dataset` also runs `npx hfq --help`.
 *
 * `npm run release:dry-run` runs it on every package, writes `scripts/release/results/latest.json`
 * and the install table of `docs/install.md`. `dry-run.test.ts` runs it in CI (and skips, with a
 * warning, when the public registry is unreachable).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProgressBar, type ProgressCallback } from '@hfq/core';
import { transform } from 'esbuild';
import { extractCodeBlocks, SCRIPT_LANGS } from '../docs/code-blocks.js';
import { packageDirs, repoRoot } from './package-meta.js';

/** The Verdaccio release the dry run installs (into a cached temp folder, not the workspace): the last 6.x that runs on Node 20 (6.9 and later need Node 22). */
export const VERDACCIO_VERSION = '6.8.0';
/** The public registry Verdaccio proxies for third-party packages. */
export const UPSTREAM_REGISTRY = 'https://registry.npmjs.org/';

/** Options of {@link releaseDryRun}. */
export interface DryRunOptions {
  /** Package folder names under `packages/` (default: all). All are always published. */
  packages?: string[];
  /** Run `npm run build` first (default true; turbo's cache makes a second build cheap). */
  build?: boolean;
  /** Fresh projects installing at the same time (default 3). */
  concurrency?: number;
  /** Keep the temp folder (registry storage, projects) for inspection (default false). */
  keep?: boolean;
  /** Seconds a README example may run (default 300). */
  smokeTimeoutS?: number;
  /** Progress events (stages `publish`, `install`). */
  onProgress?: ProgressCallback;
  /** Notes as the run goes (one line each). */
  log?: (line: string) => void;
}

/** What one process did. */
export interface StepResult {
  ok: boolean;
  /** Wall seconds. */
  seconds: number;
  /** The command line. */
  command: string;
  /** Last lines of stdout + stderr when it failed (or, for a smoke run, always). */
  output?: string;
}

/** One package installed alone and smoke-tested. */
export interface PackageResult {
  name: string;
  version: string;
  /** `npm install <name>` in a fresh project. */
  install: StepResult & {
    /** Apparent size of `node_modules` after the install, bytes (files, not following links). */
    nodeModulesBytes?: number;
    /** Packages in the lockfile (`node_modules/...` entries), nested copies included. */
    packageCount?: number;
  };
  /** `readme`: the README's first ```ts block ran; `import`: it is a fragment (or absent), only imported. */
  smokeKind: 'readme' | 'import';
  /** Other `@hfq/*` packages the README example imports, installed after the measured install. */
  extras: string[];
  smoke?: StepResult;
  /** `npx hfq --help` (`@hfq/dataset` only). */
  cli?: StepResult;
  /** Install, smoke (and CLI) all passed. */
  ok: boolean;
}

/** The result of {@link releaseDryRun}. */
export interface DryRunResult {
  date: string;
  node: string;
  npm: string;
  verdaccio: string;
  concurrency: number;
  /** `npm publish --workspaces` to the local registry. */
  publish: StepResult;
  packages: PackageResult[];
}

/**
 * `undefined` when `registry` answers within `timeoutMs`, else why not (for a skip message).
 */
export async function registryUnreachable(
  registry = UPSTREAM_REGISTRY,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  try {
    const res = await fetch(new URL('-/ping', registry), { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? undefined : `${registry} answered HTTP ${res.status}`;
  } catch (e) {
    return `${registry} is not reachable (${(e as Error).cause ?? (e as Error).message})`;
  }
}

/**
 * The first ```ts/```js block of a README (the docs test's parser, `scripts/docs/code-blocks.ts`),
 * and whether it runs as written: any marker (`<!-- fragment -->`, `<!-- no-run: why -->`) means
 * the package is only imported.
 */
export function firstTsBlock(markdown: string): { code: string; fragment: boolean } | undefined {
  const block = extractCodeBlocks(markdown, 'README.md').find((b) => SCRIPT_LANGS.has(b.lang));
  return block && { code: block.code, fragment: block.marker !== undefined };
}

/** The `@hfq/<name>` packages (not subpaths) that `code` imports statically or dynamically. */
export function hfqImports(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(
    /(?:from\s+|import\s*\(\s*|import\s+)['"](@hfq\/[a-z0-9-]+)(?:\/[^'"]*)?['"]/g,
  )) {
    names.add(m[1]!);
  }
  return [...names].sort();
}

/** Apparent size in bytes of every file under `dir` (links counted as links, not followed). */
export function directoryBytes(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else total += lstatSync(p).size;
    }
  }
  return total;
}

/** The install table (Markdown) for `docs/install.md`. */
export function installTable(result: DryRunResult): string {
  const mb = (b: number | undefined) => (b === undefined ? 'n/a' : (b / 1e6).toFixed(1));
  const rows = result.packages.map((p) => {
    const check = p.ok
      ? `${p.smokeKind === 'readme' ? 'README example ran' : 'imported (README block is a fragment)'}${p.extras.length ? ` (with ${p.extras.join(', ')})` : ''}${p.cli?.ok ? '; `npx hfq --help`' : ''}`
      : `**failed**: ${!p.install.ok ? 'install' : p.smoke && !p.smoke.ok ? 'smoke' : 'cli'}`;
    return `| \`${p.name}\` | ${p.install.ok ? p.install.seconds.toFixed(1) : 'failed'} | ${mb(p.install.nodeModulesBytes)} | ${p.install.packageCount ?? 'n/a'} | ${check} |`;
  });
  return [
    '| package | install (s) | node_modules (MB) | packages | smoke check |',
    '|---|---:|---:|---:|---|',
    ...rows,
    '',
    `Measured ${result.date.slice(0, 10)} by \`npm run release:dry-run\`: Node ${result.node}, npm ${result.npm}, ` +
      `Verdaccio ${result.verdaccio} on 127.0.0.1 proxying the public registry, ${result.concurrency} installs at a time ` +
      'sharing one npm cache (so later installs find common tarballs cached), 2-core machine.',
  ].join('\n');
}

/** Replaces the text between `<!-- install-table:start -->` and `<!-- install-table:end -->` in `file`. */
export function writeInstallTable(file: string, table: string): void {
  const text = readFileSync(file, 'utf8');
  const re = /(<!-- install-table:start -->\n)[\s\S]*?(<!-- install-table:end -->)/;
  if (!re.test(text))
    throw new Error(`${file}: no <!-- install-table:start --> ... <!-- install-table:end --> markers`);
  writeFileSync(
    file,
    text.replace(re, (_m, a: string, b: string) => `${a}${table}\n${b}`),
  );
}

/**
 * Publishes every package to a private local registry and installs the chosen ones, each alone,
 * in fresh projects. Never throws for a package that fails: see {@link PackageResult.ok}. Throws
 * when the registry cannot be started or the publish fails.
 */
export async function releaseDryRun(options: DryRunOptions = {}): Promise<DryRunResult> {
  const log = options.log ?? (() => {});
  const dirs = options.packages ?? packageDirs();
  const concurrency = Math.max(1, options.concurrency ?? 3);
  const work = mkdtempSync(join(tmpdir(), 'hfq-release-'));
  const cache = join(work, 'npm-cache');
  // A stranger has no user or global npm config (npm refuses one file for both).
  const emptyConfig = join(work, 'user.npmrc');
  writeFileSync(emptyConfig, '');
  writeFileSync(join(work, 'global.npmrc'), '');
  let registry: ChildProcess | undefined;
  try {
    if (options.build ?? true) {
      log('build: npm run build');
      const b = await run('npm', ['run', 'build', '--silent'], {
        cwd: repoRoot,
        env: cleanEnv(),
        timeoutS: 900,
      });
      if (!b.ok) throw new Error(`npm run build failed:\n${b.output}`);
    }
    const verdaccioBin = await installVerdaccio(log);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const regDir = join(work, 'registry');
    mkdirSync(regDir);
    writeFileSync(join(regDir, 'config.yaml'), verdaccioConfig(UPSTREAM_REGISTRY));
    log(`registry: Verdaccio ${VERDACCIO_VERSION} on ${url}`);
    registry = spawn(
      process.execPath,
      [verdaccioBin, '--config', join(regDir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
      {
        cwd: regDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: cleanEnv(),
      },
    );
    const regLog: string[] = [];
    registry.stdout?.on('data', (d: Buffer) => regLog.push(d.toString()));
    registry.stderr?.on('data', (d: Buffer) => regLog.push(d.toString()));
    await waitForRegistry(url, registry, regLog);

    // Publishing wants a token even for `publish: $anonymous`: any value does.
    const publishConfig = join(work, 'publish.npmrc');
    writeFileSync(publishConfig, `//127.0.0.1:${port}/:_authToken=anonymous\n`);
    options.onProgress?.({ stage: 'publish', done: 0, total: 1, unit: 'step' });
    const publish = await run(
      'npm',
      ['publish', '--workspaces', '--registry', url, '--no-audit', '--no-fund'],
      {
        cwd: repoRoot,
        env: { ...cleanEnv(), npm_config_userconfig: publishConfig, npm_config_cache: cache },
        timeoutS: 600,
      },
    );
    options.onProgress?.({ stage: 'publish', done: 1, total: 1, unit: 'step' });
    if (!publish.ok) throw new Error(`npm publish --workspaces failed:\n${publish.output}`);

    const results: PackageResult[] = new Array(dirs.length);
    let done = 0;
    options.onProgress?.({ stage: 'install', done, total: dirs.length, unit: 'packages' });
    let next = 0;
    const worker = async () => {
      while (next < dirs.length) {
        const i = next++;
        results[i] = await installAlone(dirs[i]!, {
          work,
          url,
          cache,
          emptyConfig,
          smokeTimeoutS: options.smokeTimeoutS ?? 300,
        });
        done++;
        const r = results[i]!;
        options.onProgress?.({
          stage: 'install',
          done,
          total: dirs.length,
          unit: 'packages',
          message: `${r.name} ${r.ok ? 'ok' : 'FAILED'} (${r.install.seconds.toFixed(1)} s)`,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, dirs.length) }, worker));
    return {
      date: new Date().toISOString(),
      node: process.versions.node,
      npm:
        (
          await run('npm', ['--version'], { cwd: work, env: cleanEnv(), timeoutS: 60, keepOutput: true })
        ).output?.trim() ?? '',
      verdaccio: VERDACCIO_VERSION,
      concurrency,
      publish: { ...publish, output: undefined },
      packages: results,
    };
  } finally {
    if (registry && registry.exitCode === null) registry.kill('SIGTERM');
    if (!options.keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
}

interface InstallContext {
  work: string;
  url: string;
  cache: string;
  emptyConfig: string;
  smokeTimeoutS: number;
}

async function installAlone(dir: string, ctx: InstallContext): Promise<PackageResult> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const name = manifest.name;
  const project = join(ctx.work, 'projects', dir);
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: `smoke-${dir}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  // What a stranger has: a project whose only npm setting is where the registry is.
  writeFileSync(join(project, '.npmrc'), `registry=${ctx.url}\n`);
  const env = {
    ...cleanEnv(),
    npm_config_userconfig: ctx.emptyConfig,
    npm_config_globalconfig: join(ctx.work, 'global.npmrc'),
  };
  const npmFlags = ['--no-audit', '--no-fund', '--cache', ctx.cache];

  const result: PackageResult = {
    name,
    version: manifest.version,
    install: await run('npm', ['install', name, ...npmFlags], { cwd: project, env, timeoutS: 900 }),
    smokeKind: 'import',
    extras: [],
    ok: false,
  };
  if (!result.install.ok) return result;
  result.install.output = undefined;
  result.install.nodeModulesBytes = directoryBytes(join(project, 'node_modules'));
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, unknown>;
  };
  result.install.packageCount = Object.keys(lock.packages ?? {}).filter((k) =>
    k.startsWith('node_modules/'),
  ).length;

  // The README the package ships (what the npm page shows), not the repository's copy.
  const readmeFile = join(project, 'node_modules', name, 'README.md');
  const block = existsSync(readmeFile) ? firstTsBlock(readFileSync(readmeFile, 'utf8')) : undefined;
  let code: string;
  if (block && !block.fragment) {
    result.smokeKind = 'readme';
    code = block.code;
    result.extras = hfqImports(code).filter(
      (n) => !existsSync(join(project, 'node_modules', n, 'package.json')),
    );
    if (result.extras.length > 0) {
      const extra = await run('npm', ['install', ...result.extras, ...npmFlags], {
        cwd: project,
        env,
        timeoutS: 900,
      });
      if (!extra.ok) {
        result.smoke = { ...extra, ok: false };
        return result;
      }
    }
  } else {
    code = [
      `const m = await import(${JSON.stringify(name)});`,
      'const n = Object.keys(m).length;',
      `if (n === 0) throw new Error(${JSON.stringify(`${name} exports nothing`)});`,
      `console.log(${JSON.stringify(name)}, n, 'exports');`,
    ].join('\n');
  }
  const js = await transform(code, { loader: 'ts', format: 'esm', target: 'node20' });
  writeFileSync(join(project, 'smoke.mjs'), js.code);
  result.smoke = await run(process.execPath, ['smoke.mjs'], {
    cwd: project,
    env,
    timeoutS: ctx.smokeTimeoutS,
    keepOutput: true,
  });
  if (name === '@hfq/dataset') {
    result.cli = await run('npx', ['hfq', '--help'], { cwd: project, env, timeoutS: 120, keepOutput: true });
    if (result.cli.ok && !/hfq/.test(result.cli.output ?? '')) {
      result.cli = { ...result.cli, ok: false, output: `no usage text:\n${result.cli.output}` };
    }
  }
  result.ok = result.install.ok && (result.smoke?.ok ?? false) && (result.cli?.ok ?? true);
  return result;
}

/** This process's environment without npm's `npm_*` variables (set by `npm run`/`npm test`), which would leak the repository's npm config into the stranger's. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  env.NO_UPDATE_NOTIFIER = '1';
  return env;
}

function verdaccioConfig(upstream: string): string {
  return [
    'storage: ./storage',
    'auth:',
    '  htpasswd:',
    '    file: ./htpasswd',
    '    max_users: -1',
    'uplinks:',
    '  npmjs:',
    `    url: ${upstream}`,
    '    timeout: 120s',
    'packages:',
    // Ours are served only from here (never mixed with anything public under the same scope).
    "  '@hfq/*':",
    '    access: $all',
    '    publish: $anonymous',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    '    proxy: npmjs',
    'max_body_size: 500mb',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

/**
 * Installs Verdaccio once into `<tmpdir>/hfq-release-tools/verdaccio-<version>` (reused by later
 * runs) and returns its bin script. Kept out of the workspace's devDependencies: it brings ~300
 * packages that every `npm ci` would pay for, for one test.
 */
export async function installVerdaccio(log: (line: string) => void): Promise<string> {
  const home = join(tmpdir(), 'hfq-release-tools', `verdaccio-${VERDACCIO_VERSION}`);
  const bin = join(home, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  if (existsSync(bin)) return bin;
  log(`registry: installing verdaccio@${VERDACCIO_VERSION} into ${home}`);
  const staging = `${home}.${process.pid}.tmp`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), '{ "private": true }\n');
  const r = await run(
    'npm',
    ['install', `verdaccio@${VERDACCIO_VERSION}`, '--no-audit', '--no-fund', '--no-package-lock'],
    {
      cwd: staging,
      env: cleanEnv(),
      timeoutS: 600,
    },
  );
  if (!r.ok) throw new Error(`npm install verdaccio@${VERDACCIO_VERSION} failed:\n${r.output}`);
  try {
    renameSync(staging, home);
  } catch {
    // Another run got there first: use its copy.
    rmSync(staging, { recursive: true, force: true });
  }
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForRegistry(
  url: string,
  child: ChildProcess,
  output: string[],
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`Verdaccio exited with ${child.exitCode}:\n${output.join('')}`);
    try {
      const res = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Verdaccio did not answer on ${url} within ${timeoutMs / 1000} s:\n${output.join('')}`);
}

interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutS: number;
  /** Keep the output tail even when the command succeeds. */
  keepOutput?: boolean;
}

/** Runs a command, never throwing: exit status, wall seconds, and the output's last 4000 characters. */
function run(cmd: string, args: string[], o: RunOptions): Promise<StepResult> {
  const command = [cmd, ...args].join(' ');
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      out += `\n[killed after ${o.timeoutS} s]`;
      child.kill('SIGKILL');
    }, o.timeoutS * 1000);
    const finish = (ok: boolean, extra = '') => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      const output = (out + extra).slice(-4000);
      resolve({ ok, seconds, command, ...(ok && !o.keepOutput ? {} : { output }) });
    };
    child.on('error', (e) => finish(false, `\n${e.message}`));
    child.on('close', (code) => finish(code === 0, code === 0 ? '' : `\n[exit ${code}]`));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.filter((a) => !a.startsWith('--'));
  const progress = createProgressBar(process.stderr);
  if (args.includes('--prepare')) {
    // CI: install the pinned Verdaccio ahead of `npm test`, so the test does not pay for it.
    process.stdout.write(`${await installVerdaccio((l) => process.stderr.write(`${l}\n`))}\n`);
    return;
  }
  const unreachable = await registryUnreachable();
  if (unreachable) {
    process.stderr.write(`release dry run skipped: ${unreachable}\n`);
    process.exitCode = 2;
    return;
  }
  const result = await releaseDryRun({
    ...(only.length ? { packages: only } : {}),
    keep: args.includes('--keep'),
    build: !args.includes('--no-build'),
    onProgress: progress,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  for (const p of result.packages) {
    if (!p.ok) {
      const step = !p.install.ok ? p.install : p.smoke && !p.smoke.ok ? p.smoke : p.cli;
      process.stderr.write(`\n${p.name} FAILED: ${step?.command}\n${step?.output ?? ''}\n`);
    }
  }
  const table = installTable(result);
  process.stdout.write(`${table}\n`);
  if (only.length === 0 && !args.includes('--no-write')) {
    const resultsDir = join(repoRoot, 'scripts', 'release', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const latest = join(resultsDir, 'latest.json');
    writeFileSync(latest, `${JSON.stringify(result, null, 2)}\n`);
    // In the repository's JSON style, so `npm run lint` stays clean.
    await run(join(repoRoot, 'node_modules', '.bin', 'biome'), ['format', '--write', latest], {
      cwd: repoRoot,
      env: cleanEnv(),
      timeoutS: 60,
    });
    writeInstallTable(join(repoRoot, 'docs', 'install.md'), table);
    process.stderr.write('wrote scripts/release/results/latest.json and the table in docs/install.md\n');
  }
  if (result.packages.some((p) => !p.ok)) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
