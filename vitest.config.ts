import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    // Tests are small by rule; a slow one is a defect, but CI machines are 2-core and shared.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
