/**
 * The test projects of the monorepo: one per package (each has its own `vitest.config.ts`),
 * plus the examples' smoke tests, the GPU measurement scripts' tests (`scripts/gpu`), the docs test that
 * runs every README and doc page code block (`scripts/docs`, project `docs`) and the release
 * checks (`scripts/release`: package metadata, README links, the local-registry dry run). vitest 4
 * dropped workspace files, so `vitest.config.ts` imports this list as `test.projects`.
 */
export const projects: string[] = [
  'packages/*',
  'examples',
  'scripts/gpu',
  'scripts/docs',
  'scripts/release',
];
