import { runCli } from '../cli/main.js';

/** What a CLI run printed and its exit code. */
export interface CliCapture {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the `hfq` command in this process with stdout and stderr captured (fast; the child-process
 * tests cover the bin itself). `env` stands in for the scheduler's environment variables; omitted,
 * the CLI sees none.
 */
export async function captureCli(args: string[], env?: Record<string, string>): Promise<CliCapture> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    ...(env === undefined ? {} : { env }),
  });
  return { code, out, err };
}

/** The arguments of `hfq factors --data <data> --set <set> --out <out>`, followed by `extra`. */
export function factorsArgs(data: string, set: string, out: string, ...extra: string[]): string[] {
  return ['factors', '--data', data, '--set', set, '--out', out, ...extra];
}
