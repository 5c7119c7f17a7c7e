-- Providers and models as data (worker-api/src/db/schema.ts `providers`, `models`), and what
-- each answer cost. Seeded with today's behaviour: one provider, the Worker's own
-- OPENAI_BASE_URL and OPENAI_API_KEY, and the four models the plans name, each sent upstream
-- under its own name with no fallback; nothing changes until an operator edits a row.
--
-- Keys never live here: `api_key_secret` is the *name* of the Worker secret that holds one.
-- `base_url` null means the Worker's OPENAI_BASE_URL, so local and existing deployments keep
-- their configured upstream.
CREATE TABLE providers (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  base_url TEXT,
  api_key_secret TEXT NOT NULL,
  extra_headers TEXT NOT NULL DEFAULT '{}',
  kind TEXT NOT NULL DEFAULT 'openai',
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000),
  updated_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
);

-- Prices are per million tokens in integer micro-units of `price_currency`
-- (US$0.15 per million = 150000). `fallbacks` is an ordered JSON array of model ids.
CREATE TABLE models (
  id TEXT PRIMARY KEY NOT NULL,
  provider_id TEXT NOT NULL REFERENCES providers (id),
  upstream_model TEXT NOT NULL,
  context_window INTEGER NOT NULL,
  max_output_tokens INTEGER NOT NULL,
  input_price_micros INTEGER NOT NULL DEFAULT 0,
  output_price_micros INTEGER NOT NULL DEFAULT 0,
  price_currency TEXT NOT NULL DEFAULT 'USD',
  fallbacks TEXT NOT NULL DEFAULT '[]',
  fallback_for_all_plans INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000),
  updated_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
);

CREATE INDEX models_provider_idx ON models (provider_id);

INSERT INTO providers (id, name, base_url, api_key_secret, extra_headers, kind, enabled) VALUES
  ('openai', 'OpenAI', NULL, 'OPENAI_API_KEY', '{}', 'openai', 1);

-- OpenAI's list prices (USD) for the models the plans name.
INSERT INTO models (id, provider_id, upstream_model, context_window, max_output_tokens, input_price_micros, output_price_micros, price_currency) VALUES
  ('gpt-4o-mini', 'openai', 'gpt-4o-mini', 128000, 16384, 150000, 600000, 'USD'),
  ('gpt-4.1-mini', 'openai', 'gpt-4.1-mini', 1047576, 32768, 400000, 1600000, 'USD'),
  ('gpt-4o', 'openai', 'gpt-4o', 128000, 16384, 2500000, 10000000, 'USD'),
  ('gpt-4.1', 'openai', 'gpt-4.1', 1047576, 32768, 2000000, 8000000, 'USD');

-- What answered and what it cost. `model` stays the model that answered (CONTRACT section 5);
-- `requested_model` is the one the user asked for, which differs after a fallback.
-- `cost_micros` = prompt × input price + completion × output price, per million, at the
-- prices read when the request was admitted (an edit applies to the next request).
ALTER TABLE usage_events ADD COLUMN requested_model TEXT;
ALTER TABLE usage_events ADD COLUMN provider_id TEXT;
ALTER TABLE usage_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_events ADD COLUMN last_upstream_error TEXT;
ALTER TABLE usage_events ADD COLUMN cost_micros INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_events ADD COLUMN cost_currency TEXT;

CREATE INDEX usage_events_provider_created_idx ON usage_events (provider_id, created_at);
