-- The X-Trace-Id a caller sent, kept beside the trace id the audit trail files the
-- request under (worker-api/src/db/schema.ts `usage_events`): a caller's id names at
-- most one request, so a copied one cannot file a request under someone else's trace.
ALTER TABLE usage_events ADD COLUMN client_trace_id TEXT;
