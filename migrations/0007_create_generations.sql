-- Durable generations (worker-api/src/db/schema.ts `generations`): one row per answer, written
-- in the batch that reserves its quota and updated in the batch that settles it. Routes check
-- ownership here before they reach the answer's Durable Object.
CREATE TABLE generations (
  id TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  model TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);

-- GET /conversations/:id looks up the conversation's generation still running.
CREATE INDEX generations_conversation_idx ON generations (conversation_id, status, created_at);
