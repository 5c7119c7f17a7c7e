import { applyD1Migrations, env } from 'cloudflare:test';

// Setup files run before each test file; applying is idempotent (wrangler's d1_migrations table).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
