import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // A few tests train real networks at N = 512 on tfjs's plain-JavaScript backend: seconds each.
    testTimeout: 30_000,
  },
});
