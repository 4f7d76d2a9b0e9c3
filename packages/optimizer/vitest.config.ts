import { defineProject } from 'vitest/config';
import { hfqAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: hfqAliases },
  test: { name: 'optimizer', include: ['src/**/*.test.ts'], environment: 'node' },
});
