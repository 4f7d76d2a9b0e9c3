import { defineProject } from 'vitest/config';
import { hfqAliases, projectTestDefaults } from '../vitest.shared.js';

export default defineProject({
  resolve: { alias: hfqAliases },
  // Each test runs an example script (or the demo) as a child process: minutes, not milliseconds.
  test: {
    ...projectTestDefaults,
    name: 'examples',
    include: ['*.test.ts', 'demo/**/*.test.ts'],
    testTimeout: 300_000,
  },
});
