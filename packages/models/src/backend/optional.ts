import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * Imports an optional package, resolved from this module (not from the process's working
 * directory), by file URL; a non-literal specifier keeps tsc and bundlers from requiring it.
 */
export async function importOptional(specifier: string): Promise<unknown> {
  const url: string = pathToFileURL(require.resolve(specifier)).href;
  return import(url);
}

/** Resolves `specifier` from this module; throws like `require.resolve` when absent. */
export function resolveFromHere(specifier: string): string {
  return require.resolve(specifier);
}

/** True when `name` resolves to a package whose package.json `name` is `name` (not an alias). */
export function genuinePackage(name: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
      name?: string;
    };
    return pkg.name === name;
  } catch {
    return false;
  }
}

/** Where the dynamic loader looks for shared libraries besides its cache. */
const LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/lib64',
];

/**
 * On Linux, where the Vulkan loader `libvulkan.so.1` is (Dawn needs it for any GPU adapter):
 * a directory of `LD_LIBRARY_PATH` or a standard library directory holding it, `ld.so.cache`
 * when only the cache names it, or `undefined` when the dynamic loader cannot find it. Other
 * platforms answer `'not needed'` (Metal, D3D12).
 */
export function vulkanLoaderLocation(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'linux') return 'not needed';
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(delimiter).filter((d) => d !== ''), ...LIBRARY_DIRS];
  for (const dir of dirs) {
    const file = join(dir, 'libvulkan.so.1');
    if (existsSync(file)) return file;
  }
  try {
    return readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1') ? '/etc/ld.so.cache' : undefined;
  } catch {
    return undefined;
  }
}
