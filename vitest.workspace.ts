/**
 * The test projects of the monorepo: one per package (each has its own `vitest.config.ts`),
 * plus the examples' smoke tests, the GPU measurement scripts' tests (`scripts/gpu`) and the docs
 * test that runs every README and doc page code block (`scripts/docs`, project `docs`). vitest 4
 * dropped workspace files, so `vitest.config.ts` imports this list as `test.projects`.
 */
export const projects: string[] = ['packages/*', 'examples', 'scripts/gpu', 'scripts/docs'];
