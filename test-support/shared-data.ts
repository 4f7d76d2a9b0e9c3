/**
 * Test support: locating `../shared` (real market data, benchmarks) beside the checkout.
 * A user's clone has no `../shared`; tests that need it skip with a visible message there.
 * `HFQ_SHARED_DIR` overrides the location.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of the shared folder (it may not exist). */
export const SHARED_DIR = process.env.HFQ_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');

/**
 * Path of `parts` under the shared folder and whether it exists. When it does not, prints one
 * line saying which tests skip and why, so a skip is never silent.
 */
export function sharedData(what: string, ...parts: string[]): { path: string; available: boolean } {
  const path = join(SHARED_DIR, ...parts);
  const available = existsSync(path);
  if (!available) {
    console.warn(`[hfq tests] SKIPPING ${what}: ${path} not found (no ../shared beside this checkout)`);
  }
  return { path, available };
}
