-- The token estimate of each message's content (worker-api/src/db/schema.ts `messages.content_tokens`),
-- written with the message, so the batch that admits an answer can cost the prompt in SQL
-- (one D1 round trip before the provider call; see worker-api/src/db/queries/admission.ts).
-- Messages stored before this column read as NULL; the admission counts those at one token
-- per character, which never under-reserves.
ALTER TABLE messages ADD COLUMN content_tokens INTEGER;
