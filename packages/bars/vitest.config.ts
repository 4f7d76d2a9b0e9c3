import { defineProject } from 'vitest/config';
import { hfqAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: hfqAliases },
  // the root's limit (projects do not inherit it): CI machines are 2-core and shared
  test: { name: 'bars', include: ['src/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
});
