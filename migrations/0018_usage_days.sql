-- Each user's ledger tokens per UTC day (worker-api/src/db/schema.ts `usageDays`), kept by the
-- triggers below whatever writes the ledger. The quota is read before every answer; summed
-- from the ledger, its cost grew with the month's rows (2 ms of D1's one thread at 30,000),
-- from these it is at most 31 rows. Day starts are UTC midnights, as the quota windows'.
CREATE TABLE usage_days (
  user_id TEXT NOT NULL,
  day_start INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  PRIMARY KEY (user_id, day_start)
) WITHOUT ROWID;

INSERT INTO usage_days (user_id, day_start, total_tokens)
SELECT user_id, created_at - created_at % 86400000, sum(total_tokens) FROM usage_events GROUP BY 1, 2;

CREATE TRIGGER usage_days_insert AFTER INSERT ON usage_events BEGIN
  INSERT INTO usage_days (user_id, day_start, total_tokens)
  VALUES (NEW.user_id, NEW.created_at - NEW.created_at % 86400000, NEW.total_tokens)
  ON CONFLICT (user_id, day_start) DO UPDATE SET total_tokens = total_tokens + excluded.total_tokens;
END;

CREATE TRIGGER usage_days_delete AFTER DELETE ON usage_events BEGIN
  UPDATE usage_days SET total_tokens = total_tokens - OLD.total_tokens
  WHERE user_id = OLD.user_id AND day_start = OLD.created_at - OLD.created_at % 86400000;
END;

CREATE TRIGGER usage_days_update AFTER UPDATE OF user_id, created_at, total_tokens ON usage_events BEGIN
  UPDATE usage_days SET total_tokens = total_tokens - OLD.total_tokens
  WHERE user_id = OLD.user_id AND day_start = OLD.created_at - OLD.created_at % 86400000;
  INSERT INTO usage_days (user_id, day_start, total_tokens)
  VALUES (NEW.user_id, NEW.created_at - NEW.created_at % 86400000, NEW.total_tokens)
  ON CONFLICT (user_id, day_start) DO UPDATE SET total_tokens = total_tokens + excluded.total_tokens;
END;
