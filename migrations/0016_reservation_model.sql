-- The model a reservation admitted (worker-api/src/db/schema.ts `reservations.model`): the
-- admission batch decides it once, in the statement that reserves, and the statements after it
-- in the same batch (the candidates, the new conversation, the generation) read it from the row
-- instead of deciding it again. Nullable: a reservation made before this column has none, and
-- every reservation expires within minutes (RESERVATION_TTL_MS).
ALTER TABLE reservations ADD COLUMN model TEXT;
