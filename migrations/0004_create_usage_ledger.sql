-- Quota reservations for streams in flight, and the usage ledger / audit trail
-- (worker-api/src/db/schema.ts `reservations`, `usage_events`).
CREATE TABLE reservations (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  tokens INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE INDEX reservations_user_idx ON reservations (user_id, expires_at);

CREATE TABLE usage_events (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  conversation_id TEXT,
  message_id TEXT,
  model TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  estimated INTEGER NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT,
  ttft_ms INTEGER,
  duration_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE INDEX usage_events_user_created_idx ON usage_events (user_id, created_at);
CREATE INDEX usage_events_trace_idx ON usage_events (trace_id);
