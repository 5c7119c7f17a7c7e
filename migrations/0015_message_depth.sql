-- Each message's depth in its conversation's tree (worker-api/src/db/schema.ts `messages.depth`):
-- 0 for a first turn, its parent's depth + 1 otherwise, written in the statement that writes the
-- message. A page of a conversation walks up from where the page ends and stops at the depth the
-- page reaches, so a page reads that page's messages however long the conversation is
-- (worker-api/src/db/queries/messages.ts). Nullable only because ALTER TABLE cannot add a
-- NOT NULL column without a default, and a default would hide an insert that forgot it: the
-- backfill below gives every existing message its depth.
ALTER TABLE messages ADD COLUMN depth INTEGER;

-- Walks every tree down from its first turns along the parent links (the index of 0013 on
-- (conversation_id, parent_id) finds each message's children). Only messages without a depth
-- are written, which makes it safe to run again.
UPDATE messages
SET depth = walked.depth
FROM (
  WITH RECURSIVE walk(id, conversation_id, depth) AS (
    SELECT id, conversation_id, 0 FROM messages WHERE parent_id IS NULL
    UNION ALL
    SELECT m.id, m.conversation_id, walk.depth + 1
    FROM messages m JOIN walk ON m.conversation_id = walk.conversation_id AND m.parent_id = walk.id
  )
  SELECT id, depth FROM walk
) AS walked
WHERE walked.id = messages.id AND messages.depth IS NULL;
