import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Subprocess and multi-process tests start real processes; generous limits, never timing asserts.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
