import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Vite aliases that resolve `@hfq/<name>` and its subpaths to TypeScript sources, so tests never
 * need a build first. Read from each package's `exports` map (its `source` condition), which is
 * the single statement of what a package exposes.
 */
const root = fileURLToPath(new URL('.', import.meta.url));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export const hfqAliases = readdirSync(join(root, 'packages')).flatMap((dir) => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
    name: string;
    exports?: Record<string, string | { source?: string }>;
  };
  return Object.entries(pkg.exports ?? {}).flatMap(([sub, target]) => {
    if (typeof target === 'string' || !target.source) return [];
    const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
    return [
      {
        find: new RegExp(`^${escapeRegExp(spec)}$`),
        replacement: join(root, 'packages', dir, target.source),
      },
    ];
  });
});

/**
 * Test settings every project uses. Projects referenced as config files do not inherit the root
 * config, so each package's `vitest.config.ts` spreads these. CI machines are 2-core and shared:
 * a test's own budget is seconds, but the ceiling must not turn load into failures.
 */
export const projectTestDefaults = {
  environment: 'node',
  testTimeout: 60_000,
  hookTimeout: 120_000,
} as const;
