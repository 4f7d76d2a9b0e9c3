import { defineProject } from 'vitest/config';
import { hfqAliases, projectTestDefaults } from '../../vitest.shared.js';

/**
 * The docs test: every code block of the READMEs and doc pages runs (or carries a marker saying
 * why not; docs/writing-docs.md). Blocks run as child processes, two at a time (CI has 2 cores).
 */
export default defineProject({
  resolve: { alias: hfqAliases },
  test: {
    ...projectTestDefaults,
    name: 'docs',
    include: ['*.test.ts'],
    maxConcurrency: 2,
    testTimeout: 180_000,
  },
});
