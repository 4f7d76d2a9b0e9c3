/**
 * The test projects of the monorepo: one per package (each has its own `vitest.config.ts`),
 * plus the examples' smoke tests and the GPU measurement scripts' tests (`scripts/gpu`). vitest 4
 * dropped workspace files, so `vitest.config.ts` imports this list as `test.projects`.
 */
export const projects: string[] = ['packages/*', 'examples', 'scripts/gpu'];
