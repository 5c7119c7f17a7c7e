-- Messages form a tree (worker-api/src/db/schema.ts `messages.parent_id`): an edited question
-- is a sibling of the one it replaces, a regenerated answer a sibling of the earlier answer.
-- A conversation reads along one path, from its root to `current_leaf_id`; the prompt sent to
-- the provider is built from that path only.
ALTER TABLE messages ADD COLUMN parent_id TEXT;
ALTER TABLE conversations ADD COLUMN current_leaf_id TEXT;

-- Siblings of a message (same parent, in order) and the children of a message.
CREATE INDEX messages_parent_idx ON messages (conversation_id, parent_id, created_at, id);

-- Conversations written before the tree read as one line, oldest first: each message's parent
-- is the one before it, and the path ends at the newest, so they read exactly as before.
-- Only conversations without a path are touched (none once migrated; an empty conversation
-- has none and no messages), which makes these statements safe to run again.
UPDATE messages
SET parent_id = (
  SELECT p.id FROM messages p
  WHERE p.conversation_id = messages.conversation_id
    AND (p.created_at < messages.created_at OR (p.created_at = messages.created_at AND p.id < messages.id))
  ORDER BY p.created_at DESC, p.id DESC
  LIMIT 1
)
WHERE conversation_id IN (SELECT id FROM conversations WHERE current_leaf_id IS NULL);

UPDATE conversations
SET current_leaf_id = (
  SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1
)
WHERE current_leaf_id IS NULL;

-- Search over the titles and messages of a user's conversations (worker-api/src/db/queries/search.ts).
-- External-content FTS5 tables: the text stays in its table, the index is kept in step by the
-- triggers below (a cascade from a deleted conversation fires them too). The trigram tokenizer
-- matches inside words, which Korean needs (낚시 in 바다낚시); it cannot match fewer than three
-- characters, and those queries fall back to LIKE.
CREATE VIRTUAL TABLE messages_fts USING fts5(content, content = 'messages', content_rowid = 'rowid', tokenize = 'trigram');
CREATE VIRTUAL TABLE conversations_fts USING fts5(title, content = 'conversations', content_rowid = 'rowid', tokenize = 'trigram');

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
  INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;

CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
  INSERT INTO conversations_fts (rowid, title) VALUES (new.rowid, new.title);
END;
CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
  INSERT INTO conversations_fts (conversations_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
END;
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
  INSERT INTO conversations_fts (conversations_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
  INSERT INTO conversations_fts (rowid, title) VALUES (new.rowid, new.title);
END;

-- Index what was written before.
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild');

-- How a user wants to be answered (worker-api/src/db/schema.ts `user_preferences`): custom
-- instructions and the answer language, sent as the system message of every new answer.
CREATE TABLE user_preferences (
  user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  instructions TEXT NOT NULL DEFAULT '',
  language TEXT,
  -- The token estimate of the system message they make: the admission batch costs it in SQL.
  system_tokens INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
