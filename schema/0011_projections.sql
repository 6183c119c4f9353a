-- One row per projection (read model): where its projector is in the log and
-- whether it is halted. A projector advances its row with a compare-and-set
-- on the old checkpoint, in the transaction that applies the batch, so a
-- batch is applied exactly once however many processes try.
--
-- transaction_id, position  the checkpoint in the gap-safe read order
-- version                   the shape of the projection's tables and rules
-- halted_*                  the event the projection could not apply, and why;
--                           NULL while it runs
-- owner                     the process that last took the projection's
--                           advisory lock (class 3, hashtext(name)); whether it
--                           still holds it is read from pg_locks
CREATE TABLE projections (
    name                text PRIMARY KEY,
    version             integer NOT NULL CHECK (version >= 1),
    transaction_id      xid8 NOT NULL DEFAULT '0',
    position            bigint NOT NULL DEFAULT 0,
    events_applied      bigint NOT NULL DEFAULT 0,
    halted_position     bigint,
    halted_event_id     uuid,
    halted_error        text,
    halted_at           timestamptz,
    owner               text,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON TABLE projections FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON TABLE projections TO nps_app;
