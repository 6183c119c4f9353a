-- record_votes gains p_receipt_id: whether a vote's metadata is left to its
-- upload's ResultsReceived is decided under the stream's lock, where the
-- caller decided it before, outside the lock (functions/record_votes.sql).
-- A new argument is a new function: the old one is dropped, and deleting its
-- file's row from schema_repeatables makes the runner create the new one.
DROP FUNCTION record_votes(text, text, text, text[], uuid[], uuid[], jsonb[], jsonb, smallint);
DELETE FROM schema_repeatables WHERE name = 'functions/record_votes.sql';
