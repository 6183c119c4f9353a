-- event_recording_time: the time an event is recorded at, the default of
-- event_log.recorded_at (0051): now(), unless the transaction states a
-- simulated time in the setting nps.simulated_now (only a collector started
-- with NPS_SIMULATED_CLOCK does, to play months of a programme in a minute;
-- see Sources/EventStore/Log/EventLog.swift). A role that may insert into
-- the log could write any recorded_at anyway, so this grants nothing new.
--
-- History: 0050.
CREATE OR REPLACE FUNCTION event_recording_time() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('nps.simulated_now', true), '')::timestamptz, now())
$$;

-- Privileges: the application role (nps_app) may call it; nobody else but the owner.
REVOKE ALL ON FUNCTION event_recording_time() FROM PUBLIC, nps_app;
GRANT EXECUTE ON FUNCTION event_recording_time() TO nps_app;
