import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: './src/index.ts',
      wrangler: { configPath: '../wrangler.toml' },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL('../migrations', import.meta.url))),
          OPENAI_API_KEY: 'sk-test-local',
          OPENAI_BASE_URL: inject('openaiBaseUrl'),
          // Short enough that a slow fake shows pings within a test.
          HEARTBEAT_MS: '300',
          // Short enough that a silent upstream times out within a test.
          UPSTREAM_TIMEOUT_MS: '2500',
          // Room for a 429's one-second Retry-After within a test, and short enough that a failing upstream ends one soon.
          UPSTREAM_RETRY_BUDGET_MS: '3000',
          // The key of the providers suite's own fakes (test/providers.test.ts), which check it.
          PROVIDER_TEST_API_KEY: 'sk-provider-test-Zq81xK2mW',
          TOSS_API_BASE: inject('tossBaseUrl'),
          TOSS_SECRET_KEY: 'test_sk_worker_tests',
          BILLING_KEY_SECRET: 'billing-key-secret-for-tests',
        },
      },
    })),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // The Worker logs one JSON line per request; show them only for a failing test.
    silent: 'passed-only',
    // Each test drives the whole Worker in workerd (D1, KV, Durable Objects, a fake provider on
    // loopback); on a busy 2-core machine a healthy one can pass vitest's 5 s default.
    testTimeout: 20_000,
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/setup.ts'],
  },
});
