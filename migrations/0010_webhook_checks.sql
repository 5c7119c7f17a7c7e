-- When the webhook last asked Toss about a payment's claimed status
-- (worker-api/src/db/schema.ts `webhook_checks`): anyone can post a webhook, so
-- each (payment, status) is verified with our secret key at most once a window.
CREATE TABLE webhook_checks (
  check_key TEXT PRIMARY KEY NOT NULL,
  checked_at INTEGER NOT NULL
);
