-- Plans as data (worker-api/src/db/schema.ts `plans`), seeded with the three on sale,
-- and each user's plan (default free).
CREATE TABLE plans (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  models TEXT NOT NULL,
  max_tokens_per_request INTEGER NOT NULL,
  daily_token_quota INTEGER NOT NULL,
  monthly_token_quota INTEGER NOT NULL,
  concurrent_streams INTEGER NOT NULL,
  price_krw INTEGER NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000),
  updated_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
);

INSERT INTO plans (id, name, models, max_tokens_per_request, daily_token_quota, monthly_token_quota, concurrent_streams, price_krw, sort_order) VALUES
  ('free', 'Free', '["gpt-4o-mini"]', 1024, 20000, 200000, 1, 0, 0),
  ('pro', 'Pro', '["gpt-4o-mini","gpt-4.1-mini","gpt-4o"]', 4096, 300000, 3000000, 3, 19900, 1),
  ('team', 'Team', '["gpt-4o-mini","gpt-4.1-mini","gpt-4o","gpt-4.1"]', 8192, 1500000, 20000000, 10, 49000, 2);

ALTER TABLE users ADD COLUMN plan_id TEXT NOT NULL DEFAULT 'free';
