-- The log's recorded_at follows event_recording_time() (0050): now() unless
-- a simulated clock is stated by the appending transaction.
ALTER TABLE event_log ALTER COLUMN recorded_at SET DEFAULT event_recording_time();
