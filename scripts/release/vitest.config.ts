import { defineProject } from 'vitest/config';
import { hfqAliases, projectTestDefaults } from '../../vitest.shared.js';

/**
 * The release checks: package metadata and README links (fast), and the local-registry release
 * dry run (`dry-run.test.ts`: publishes every package to Verdaccio on 127.0.0.1 and installs each
 * one alone by name in a fresh project; skips with a warning when the npm registry is unreachable).
 */
export default defineProject({
  resolve: { alias: hfqAliases },
  test: {
    ...projectTestDefaults,
    name: 'scripts-release',
    include: ['*.test.ts'],
    // The dry run builds, publishes and installs: minutes on a 2-core machine, not seconds.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
