-- The time an event is recorded at: now(), unless the transaction states a
-- simulated time in the setting nps.simulated_now (only a collector started
-- with NPS_SIMULATED_CLOCK does, to play months of a programme in a minute;
-- see Sources/EventStore/Log/EventLog.swift). A role that may insert into
-- the log could write any recorded_at anyway, so this grants nothing new.
CREATE FUNCTION event_recording_time() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('nps.simulated_now', true), '')::timestamptz, now())
$$;

REVOKE ALL ON FUNCTION event_recording_time() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_recording_time() TO nps_app;
