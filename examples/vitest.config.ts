import { defineProject } from 'vitest/config';
import { hfqAliases } from '../vitest.shared.js';

export default defineProject({
  resolve: { alias: hfqAliases },
  // Each test runs an example script as a child process: minutes, not milliseconds.
  test: { name: 'examples', include: ['*.test.ts'], environment: 'node', testTimeout: 240_000 },
});
