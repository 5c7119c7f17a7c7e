-- Users and their login-provider identities (worker-api/src/db/schema.ts).
CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  email TEXT,
  name TEXT,
  image TEXT,
  roles TEXT NOT NULL DEFAULT '["user"]',
  onboarded INTEGER NOT NULL DEFAULT 0,
  locale TEXT,
  terms_accepted_at INTEGER,
  created_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000),
  updated_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
);

CREATE INDEX users_email_idx ON users (email);

CREATE TABLE provider_accounts (
  provider TEXT NOT NULL,
  provider_account_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000),
  PRIMARY KEY (provider, provider_account_id)
);

CREATE INDEX provider_accounts_user_idx ON provider_accounts (user_id);
