import { fileURLToPath } from 'node:url';

/** Package names resolved to their TypeScript sources, so tests never need a build first. */
const packages = ['core', 'bars', 'sim', 'factor-dsl', 'metrics', 'models', 'optimizer'] as const;

const root = fileURLToPath(new URL('.', import.meta.url));

/** Vite aliases: `@hfq/<name>` and `@hfq/<name>/<sub>` -> `packages/<name>/src/...`. */
export const hfqAliases = packages.flatMap((name) => [
  { find: new RegExp(`^@hfq/${name}$`), replacement: `${root}packages/${name}/src/index.ts` },
  { find: new RegExp(`^@hfq/${name}/(.+)$`), replacement: `${root}packages/${name}/src/$1.ts` },
]);
