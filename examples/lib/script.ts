/**
 * Small helpers shared by the example scripts: options from `--name value` / `--name=value`
 * arguments or `HFQ_EX_<NAME>` environment variables, the output folder `out/examples/<name>/`,
 * a progress bar on stderr, atomic JSON/text writes and a stopwatch, and `startExample`, which
 * bundles the start and the end every example shares. Nothing here is part of the packages; the
 * scripts stay readable top to bottom without it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProgressBar, formatDuration, type ProgressCallback, writeFileAtomicSync } from '@hfq/core';

/** The repository root (examples/lib/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Parsed command line: `--key value`, `--key=value`, bare `--flag` (value `'true'`). */
export function parseArgs(argv: readonly string[] = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a} (options are --name value)`);
    const eq = a.indexOf('=');
    if (eq > 0) {
      out.set(a.slice(2, eq), a.slice(eq + 1));
    } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      out.set(a.slice(2), argv[++i]!);
    } else {
      out.set(a.slice(2), 'true');
    }
  }
  return out;
}

/** One documented option of a script. */
export interface OptionSpec {
  /** Default value (its type decides how the value is parsed). */
  default: number | string | boolean;
  /** One line for `--help`. */
  help: string;
}

/** The parsed options of `specs`: each a number, boolean or string, as its default is. */
export type OptionValues<S extends Record<string, OptionSpec>> = {
  [K in keyof S]: S[K]['default'] extends number
    ? number
    : S[K]['default'] extends boolean
      ? boolean
      : string;
};

/**
 * A script's options: the command line wins, then `HFQ_EX_<NAME>` (upper case, `-` -> `_`), then
 * the default. `--help` prints `usage` and the options and exits 0.
 */
export function scriptOptions<S extends Record<string, OptionSpec>>(
  usage: string,
  specs: S,
  argv: readonly string[] = process.argv.slice(2),
): OptionValues<S> {
  const args = parseArgs(argv);
  if (args.has('help')) {
    const lines = Object.entries(specs).map(
      ([k, s]) => `  --${k.padEnd(16)} ${s.help} (default ${String(s.default)}; env HFQ_EX_${envName(k)})`,
    );
    process.stdout.write(`${usage}\n\nOptions:\n${lines.join('\n')}\n`);
    process.exit(0);
  }
  for (const k of args.keys()) {
    if (!(k in specs)) throw new Error(`unknown option --${k}; known: ${Object.keys(specs).join(', ')}`);
  }
  const out: Record<string, number | string | boolean> = {};
  for (const [k, s] of Object.entries(specs)) {
    const raw = args.get(k) ?? process.env[`HFQ_EX_${envName(k)}`];
    if (raw === undefined) {
      out[k] = s.default;
    } else if (typeof s.default === 'number') {
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new Error(`--${k} must be a number, got ${raw}`);
      out[k] = v;
    } else if (typeof s.default === 'boolean') {
      out[k] = raw !== 'false' && raw !== '0';
    } else {
      out[k] = raw;
    }
  }
  return out as never;
}

function envName(k: string): string {
  return k.replace(/-/g, '_').toUpperCase();
}

/** `out/examples/<name>/` under the repository root, created. */
export function exampleOutDir(name: string): string {
  const dir = join(REPO_ROOT, 'out', 'examples', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A path relative to the repository root, for messages. */
export function shown(path: string): string {
  return relative(REPO_ROOT, path) || '.';
}

/** Progress bars on stderr (`createProgressBar` of `@hfq/core`). */
export function progressBar(): ProgressCallback {
  return createProgressBar(process.stderr);
}

/** Writes text atomically (temporary file beside it, then rename). */
export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicSync(path, text);
}

/** Writes JSON atomically; NaN and infinities become null (JSON has no NaN). */
export function writeJson(path: string, value: unknown): void {
  writeText(
    path,
    `${JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
}

/** A stopwatch: `lap()` is the time since the start as `12.3s`. */
export function stopwatch(): { ms(): number; lap(): string } {
  const t0 = performance.now();
  return {
    ms: () => performance.now() - t0,
    lap: () => formatDuration(performance.now() - t0),
  };
}

/** Prints one line to stdout (the scripts' narrative; progress bars go to stderr). */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A fraction as a percent string with `digits` decimals (`0.0864` -> `8.64%`). */
export function pct(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a';
}

/** A number with `digits` decimals, `n/a` when not finite. */
export function num(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

/** What `startExample` hands an example script. */
export interface ExampleRun<O> {
  /** The parsed options (see `scriptOptions`). */
  readonly opts: O;
  /** Started with the script: `clock.lap()` is the wall time so far. */
  readonly clock: ReturnType<typeof stopwatch>;
  /** Progress bars on stderr, for the `onProgress` of any long task. */
  readonly onProgress: ProgressCallback;
  /**
   * The end of a run: writes `summary.json` into `out/examples/<name>/` (the `summary` fields, then
   * `seconds`, the wall time of the run in seconds; NaN and infinities as null) and prints
   * `wrote out/examples/<name>/{<artefacts>, summary.json} in <time>`.
   *
   * @param artefacts the other files the run wrote into the folder, in the order to list them
   */
  finish(artefacts: readonly string[], summary: Record<string, unknown>): void;
}

/**
 * The start every example shares: its options (`--help` prints the usage line
 * `examples/<name>.ts: <purpose>` and the options, and exits 0), a stopwatch and a progress bar.
 * It creates nothing: the script makes its folder with `exampleOutDir(name)` when it has
 * something to write.
 *
 * @param name the script's file name without `.ts` (`'01-simulate-market'`), also its folder
 *   under `out/examples/`
 * @param purpose one line for `--help`
 * @param specs the script's options, in `--help` order (see `scriptOptions`)
 */
export function startExample<S extends Record<string, OptionSpec>>(
  name: string,
  purpose: string,
  specs: S,
  argv: readonly string[] = process.argv.slice(2),
): ExampleRun<OptionValues<S>> {
  const opts = scriptOptions(`examples/${name}.ts: ${purpose}`, specs, argv);
  const clock = stopwatch();
  return {
    opts,
    clock,
    onProgress: progressBar(),
    finish(artefacts, summary) {
      const out = exampleOutDir(name);
      writeJson(join(out, 'summary.json'), { ...summary, seconds: clock.ms() / 1000 });
      say(`wrote ${shown(out)}/{${[...artefacts, 'summary.json'].join(', ')}} in ${clock.lap()}`);
    },
  };
}
