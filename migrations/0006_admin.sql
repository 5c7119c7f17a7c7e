-- The operators' admin API (worker-api/src/db/schema.ts `users`, `quota_grants`,
-- `admin_actions`): suspension, extra tokens granted by hand, and the audit log of
-- every admin change.
ALTER TABLE users ADD COLUMN suspended_at INTEGER;
ALTER TABLE users ADD COLUMN suspended_reason TEXT;

-- The admin user list pages newest first.
CREATE INDEX users_created_idx ON users (created_at, id);

CREATE TABLE quota_grants (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tokens INTEGER NOT NULL,
  reason TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);

-- The quota check sums a user's live grants (expires_at > now) on every AI request.
CREATE INDEX quota_grants_user_expires_idx ON quota_grants (user_id, expires_at);

CREATE TABLE admin_actions (
  id TEXT PRIMARY KEY NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  before TEXT,
  after TEXT,
  created_at INTEGER NOT NULL
);

CREATE INDEX admin_actions_target_created_idx ON admin_actions (target_id, created_at);
CREATE INDEX admin_actions_created_idx ON admin_actions (created_at);

-- Usage reports and request audit read every user's rows by time.
CREATE INDEX usage_events_created_idx ON usage_events (created_at);
