/**
 * Every code block of README.md, packages/*\/README.md and docs/**\/*.md runs as written, or its
 * marker says why not (docs/writing-docs.md). ts/js blocks run as programs (tsx, workspace packages
 * from their TypeScript sources) in a fresh temporary folder; shell blocks run their hfq / node /
 * npm run commands from the repository root; json and yaml blocks parse. A failure names the
 * markdown file and line.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseManifest } from '@hfq/dataset';
import { loadWorkflowConfig } from '@hfq/workflow';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  type CodeBlock,
  classifyCommand,
  extractCodeBlocks,
  markerProblem,
  SCRIPT_LANGS,
  SHELL_LANGS,
  shellCommands,
} from './code-blocks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Block programs live under the repository (so `@hfq/*` resolve from its node_modules). */
const BLOCK_DIR = join(ROOT, 'tmp', 'docs-blocks');
/** Blocks that show output or pictures: not checked. */
/** tsx's loader by path: blocks run in a temporary folder, where a bare `tsx` would not resolve. */
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const TEXT_LANGS = new Set(['', 'text', 'txt']);
/** One shell command's budget: the docs run cheap commands only (`--help` verbs, small exports). */
const COMMAND_TIMEOUT_MS = 30_000;
const PROGRAM_TIMEOUT_MS = 150_000;

/** The markdown files whose blocks must run, relative to the root (docs/api is generated, untracked). */
function docFiles(): string[] {
  const files = ['README.md'];
  for (const p of readdirSync(join(ROOT, 'packages')).sort()) {
    try {
      readFileSync(join(ROOT, 'packages', p, 'README.md'));
      files.push(`packages/${p}/README.md`);
    } catch {
      // a package without a README
    }
  }
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .map((f) => f.split('\\').join('/'))
    .filter((f) => f.endsWith('.md') && !f.startsWith('api/'))
    .sort();
  return [...files, ...docs.map((f) => `docs/${f}`)];
}

// Programs of an earlier run (line numbers move as docs change) would only confuse a reader.
rmSync(BLOCK_DIR, { recursive: true, force: true });

const blocks: CodeBlock[] = docFiles().flatMap((f) =>
  extractCodeBlocks(readFileSync(join(ROOT, f), 'utf8'), f),
);

interface Ran {
  code: number | null;
  output: string;
  timedOut: boolean;
}

function runProcess(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL'); // the whole group: npx and node children
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

function tail(s: string, n = 4000): string {
  return s.length > n ? `...${s.slice(-n)}` : s;
}

const where = (b: CodeBlock) => `${b.file}:${b.line}`;

/** A ts/js block as a program: run in a fresh folder; stack lines point back into the markdown. */
async function runProgram(b: CodeBlock): Promise<void> {
  mkdirSync(BLOCK_DIR, { recursive: true });
  const ext = b.lang === 'js' || b.lang === 'javascript' || b.lang === 'mjs' ? 'mjs' : 'ts';
  const name = `${b.file.replace(/[^A-Za-z0-9]+/g, '_')}-L${b.line}.${ext}`;
  const path = join(BLOCK_DIR, name);
  // One line of offset so that line k of the program is line (fence + k) of the markdown.
  writeFileSync(path, `\n${b.code}\n`);
  const cwd = mkdtempSync(join(tmpdir(), 'hfq-docs-'));
  try {
    const r = await runProcess(
      process.execPath,
      ['--conditions=source', '--import', TSX, path],
      cwd,
      PROGRAM_TIMEOUT_MS,
    );
    if (r.code !== 0) {
      const mapped = r.output.replaceAll(
        new RegExp(`(file://)?${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`, 'g'),
        (_m, _f, l: string) => `${b.file}:${b.line + Number(l) - 1}`,
      );
      throw new Error(
        `${where(b)}: the ${b.lang} block ${r.timedOut ? `ran past ${PROGRAM_TIMEOUT_MS / 1000} s` : `exited ${r.code}`} ` +
          `(run as ${relative(ROOT, path)} in ${cwd}; mark it <!-- fragment --> only if it is one)\n${tail(mapped)}`,
      );
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** A shell block: each hfq / node / npm run command runs from the repository root. */
async function runShell(b: CodeBlock): Promise<void> {
  const commands = shellCommands(b);
  const other = commands.filter((c) => classifyCommand(c.command) === 'other');
  if (!b.marker && other.length > 0) {
    throw new Error(
      `${b.file}:${other[0]!.line}: \`${other[0]!.command}\` is not a command the docs test runs ` +
        '(hfq, npx hfq, node, npm run, npm test): mark the block <!-- no-run: why; what covers it --> ' +
        'or <!-- help-only: why -->',
    );
  }
  const toRun = commands.filter(
    (c) =>
      classifyCommand(c.command) === 'run' &&
      (b.marker?.name !== 'help-only' || /\s--help(\s|$)/.test(c.command)),
  );
  if (b.marker?.name === 'help-only')
    expect(toRun.length, `${where(b)}: help-only block without a --help line`).toBeGreaterThan(0);
  for (const c of toRun) {
    const r = await runProcess('bash', ['-c', c.command], ROOT, COMMAND_TIMEOUT_MS);
    if (r.code !== 0) {
      throw new Error(
        `${b.file}:${c.line}: \`${c.command}\` ${r.timedOut ? `ran past ${COMMAND_TIMEOUT_MS / 1000} s` : `exited ${r.code}`} ` +
          `(docs commands must be cheap; mark long ones <!-- no-run: why; what covers it -->)\n${tail(r.output)}`,
      );
    }
  }
}

/**
 * Data blocks that a validator of the repo reads, by file: a block there must pass it, not only
 * parse. The demo's and workflow pages' configs go through the workflow's own loader (defaults merged, every knob checked).
 */
function checkWorkflowConfig(_value: unknown, b: CodeBlock): void {
  const dir = mkdtempSync(join(tmpdir(), 'hfq-docs-'));
  try {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, b.code);
    loadWorkflowConfig(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const VALIDATORS: Record<string, (value: unknown, b: CodeBlock) => void> = {
  'docs/demo.md': checkWorkflowConfig,
  'docs/workflow.md': checkWorkflowConfig,
  'docs/dataset.md': (value, b) => {
    parseManifest(value, where(b));
  },
};

function checkData(b: CodeBlock): void {
  let value: unknown;
  try {
    value = b.lang === 'json' ? JSON.parse(b.code) : parseYaml(b.code);
  } catch (e) {
    throw new Error(`${where(b)}: the ${b.lang} block does not parse: ${(e as Error).message}`);
  }
  try {
    VALIDATORS[b.file]?.(value, b);
  } catch (e) {
    throw new Error(`${where(b)}: the ${b.lang} block parses but is not valid: ${(e as Error).message}`);
  }
}

describe('docs code blocks', () => {
  test('every marker is known and has the reason it needs', () => {
    const problems = blocks.flatMap((b) => {
      const p = markerProblem(b);
      return p ? [`${where(b)}: ${p}`] : [];
    });
    expect(problems).toEqual([]);
  });

  test('every block has a language the docs test knows', () => {
    const known = (l: string) =>
      SCRIPT_LANGS.has(l) ||
      SHELL_LANGS.has(l) ||
      TEXT_LANGS.has(l) ||
      l === 'json' ||
      l === 'yaml' ||
      l === 'yml';
    expect(blocks.filter((b) => !known(b.lang)).map((b) => `${where(b)}: \`\`\`${b.lang}`)).toEqual([]);
  });

  const skipped = (b: CodeBlock) => b.marker?.name === 'fragment' || b.marker?.name === 'no-run';
  for (const b of blocks) {
    const label = `${where(b)} ${b.lang || 'text'}`;
    if (TEXT_LANGS.has(b.lang)) continue;
    if (skipped(b)) {
      test.skip(`${label} (${b.marker!.name}${b.marker!.reason ? `: ${b.marker!.reason}` : ''})`, () => {});
    } else if (SCRIPT_LANGS.has(b.lang)) {
      test.concurrent(label, () => runProgram(b));
    } else if (SHELL_LANGS.has(b.lang)) {
      test.concurrent(label, () => runShell(b));
    } else if (b.lang === 'json' || b.lang === 'yaml' || b.lang === 'yml') {
      test(label, () => checkData(b));
    }
  }
});
