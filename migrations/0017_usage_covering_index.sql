-- The quota sums read a user's ledger rows of the month before every answer
-- (worker-api/src/db/queries/reservations.ts `quotaSnapshotSelect`). With the tokens in the
-- index, that read never touches the table; it replaces the index it extends.
CREATE INDEX usage_events_user_created_tokens_idx ON usage_events (user_id, created_at, total_tokens);
DROP INDEX usage_events_user_created_idx;
