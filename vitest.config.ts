import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests bind fixed-range ports and spawn servers; run files one at a time on
    // 2-core CI machines so timings stay sane.
    fileParallelism: false,
  },
});
