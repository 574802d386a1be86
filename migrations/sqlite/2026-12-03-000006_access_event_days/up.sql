-- The Vietnam day (UTC+7) of each access event, so that reports count by Vietnam day in SQL.
-- The table is append-only: the trigger is lifted for the one backfill.
ALTER TABLE access_events ADD COLUMN day TEXT NOT NULL DEFAULT '';
DROP TRIGGER access_events_no_update;
UPDATE access_events SET day = date(at, '+7 hours');
CREATE TRIGGER access_events_no_update BEFORE UPDATE ON access_events
BEGIN
    SELECT RAISE(ABORT, 'access_events is append-only');
END;
CREATE INDEX access_events_day ON access_events (day);
