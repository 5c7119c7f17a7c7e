-- Billing with Toss Payments (worker-api/src/db/schema.ts `orders`, `payments`,
-- `subscriptions`, `billing_events`), and when a user's paid plan lapses.
ALTER TABLE users ADD COLUMN plan_expires_at INTEGER;

CREATE TABLE orders (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  amount INTEGER NOT NULL,
  order_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  subscription_id TEXT,
  activated_at INTEGER,
  failure_code TEXT,
  failure_message TEXT,
  created_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000),
  updated_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
);

CREATE INDEX orders_user_created_idx ON orders (user_id, created_at);
CREATE INDEX orders_subscription_idx ON orders (subscription_id);

CREATE TABLE payments (
  payment_key TEXT PRIMARY KEY NOT NULL,
  order_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  method TEXT,
  status TEXT NOT NULL,
  amount INTEGER NOT NULL,
  approved_at INTEGER,
  secret TEXT,
  raw TEXT NOT NULL,
  created_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000),
  updated_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
);

CREATE INDEX payments_user_created_idx ON payments (user_id, created_at);
CREATE INDEX payments_order_idx ON payments (order_id);

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  billing_key_ciphertext TEXT NOT NULL,
  customer_key TEXT NOT NULL,
  card_number TEXT,
  status TEXT NOT NULL,
  anchor_at INTEGER NOT NULL,
  period INTEGER NOT NULL,
  current_period_start INTEGER NOT NULL,
  current_period_end INTEGER NOT NULL,
  next_charge_at INTEGER,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  ended_at INTEGER,
  created_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000),
  updated_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
);

CREATE UNIQUE INDEX subscriptions_user_idx ON subscriptions (user_id);
CREATE INDEX subscriptions_due_idx ON subscriptions (status, next_charge_at);

CREATE TABLE billing_events (
  event_key TEXT PRIMARY KEY NOT NULL,
  event_type TEXT NOT NULL,
  payment_key TEXT,
  order_id TEXT,
  status TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
