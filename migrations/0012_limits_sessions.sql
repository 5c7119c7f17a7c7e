-- Per-user limits and server-side sign-out (worker-api/src/db/schema.ts `users`).
-- session_version: bumped by a sign-out; a session cookie minted under an older version
-- ends at its next claims refresh. stored_bytes: the UTF-8 bytes of the user's messages,
-- kept by the triggers below so the storage cap is one indexed read, whatever writes them.
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;

UPDATE users SET stored_bytes = (
  SELECT coalesce(sum(length(CAST(m.content AS BLOB))), 0)
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
  WHERE c.user_id = users.id
);

CREATE TRIGGER messages_stored_bytes_insert AFTER INSERT ON messages BEGIN
  UPDATE users SET stored_bytes = stored_bytes + length(CAST(NEW.content AS BLOB))
  WHERE id = (SELECT user_id FROM conversations WHERE id = NEW.conversation_id);
END;

CREATE TRIGGER messages_stored_bytes_update AFTER UPDATE OF content ON messages BEGIN
  UPDATE users SET stored_bytes = max(0, stored_bytes + length(CAST(NEW.content AS BLOB)) - length(CAST(OLD.content AS BLOB)))
  WHERE id = (SELECT user_id FROM conversations WHERE id = NEW.conversation_id);
END;

-- A message deleted on its own; when its conversation goes, the conversation is gone by the
-- time the cascade deletes the message, so the trigger below counts those instead.
CREATE TRIGGER messages_stored_bytes_delete AFTER DELETE ON messages BEGIN
  UPDATE users SET stored_bytes = max(0, stored_bytes - length(CAST(OLD.content AS BLOB)))
  WHERE id = (SELECT user_id FROM conversations WHERE id = OLD.conversation_id);
END;

CREATE TRIGGER conversations_stored_bytes_delete BEFORE DELETE ON conversations BEGIN
  UPDATE users SET stored_bytes = max(0, stored_bytes - (
    SELECT coalesce(sum(length(CAST(content AS BLOB))), 0) FROM messages WHERE conversation_id = OLD.id
  ))
  WHERE id = OLD.user_id;
END;
