import { defineProject } from 'vitest/config';
import { hfqAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: hfqAliases },
  // Training tests take seconds each on a shared 2-core machine; the default 5 s is too tight.
  test: { name: 'models', include: ['src/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
});
