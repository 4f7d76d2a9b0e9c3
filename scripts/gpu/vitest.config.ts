import { defineProject } from 'vitest/config';
import { hfqAliases, projectTestDefaults } from '../../vitest.shared.js';

/**
 * The GPU measurement scripts' own tests (no GPU needed: parameter lists, the benchmark's training
 * step against the package's, the PyTorch reference through a numpy stand-in). They live beside
 * the scripts so `@hfq/models` never imports across its package boundary.
 */
export default defineProject({
  resolve: { alias: hfqAliases },
  test: { ...projectTestDefaults, name: 'scripts-gpu', include: ['*.test.ts'] },
});
