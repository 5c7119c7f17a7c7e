import { defineConfig } from 'vitest/config';

// The end-to-end suites: they start real processes (wrangler, fakes, Chromium), so files
// run one at a time with generous timeouts. Run with `npm run test:e2e` (builds first).
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    server: { deps: { inline: ['next-auth'] } },
  },
});
