import { defineProject } from 'vitest/config';
import { hfqAliases, projectTestDefaults } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: hfqAliases },
  test: { ...projectTestDefaults, name: 'workflow', include: ['src/**/*.test.ts'] },
});
