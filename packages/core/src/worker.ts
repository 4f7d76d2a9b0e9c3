import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a module that sits beside the caller, from built JavaScript or from
 * TypeScript sources alike. `callerUrl` is the caller's `import.meta.url`; `name` the worker
 * module's path relative to it, without extension (`'./worker'`).
 *
 * From `dist` (the caller's URL ends in `.js`) the worker runs `<name>.js` as is. From sources
 * (tests, scripts run with `--import tsx`) it runs `<name>.ts`: on Node 20 a worker's `execArgv`
 * of `--import tsx` does not reach the worker's entry module ("Unknown file extension .ts"), so
 * the worker starts from a two-line bootstrap that registers tsx's loader inside the worker and
 * then imports the entry, with `--conditions=source` so that `@hfq/*` resolve to sources too.
 */
export function spawnWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${name}.js`, callerUrl), options);
  const target = new URL(`${name}.ts`, callerUrl).href;
  const api = tsxApiSpecifier();
  const bootstrap =
    `import(${JSON.stringify(api)}).then((m) => { (m.register ?? m.default.register)(); ` +
    `return import(${JSON.stringify(target)}); });`;
  const execArgv = [...(options.execArgv ?? []), '--conditions=source'];
  return new Worker(bootstrap, { ...options, eval: true, execArgv });
}

/** tsx's loader API, resolved from here so the worker finds it whatever the working directory. */
function tsxApiSpecifier(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return 'tsx/esm/api';
  }
}
