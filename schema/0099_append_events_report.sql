-- append_events gains p_report (default true): record_votes, which discards
-- what it returns, no longer pays for it, one probe of the event id index per
-- vote (functions/append_events.sql). A new argument is a new function: the
-- old one is dropped, and deleting its file's row from schema_repeatables
-- makes the runner create the new one. Its callers name seven arguments and
-- get the default.
DROP FUNCTION append_events(text, bigint, uuid[], text[], smallint[], jsonb[], jsonb[]);
DELETE FROM schema_repeatables WHERE name = 'functions/append_events.sql';
