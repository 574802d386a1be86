-- The Vietnam day (UTC+7) of each access event, so that reports count by Vietnam day in SQL.
-- The table is append-only: the trigger is lifted for the one backfill.
ALTER TABLE access_events ADD COLUMN day TEXT NOT NULL DEFAULT '';
ALTER TABLE access_events DISABLE TRIGGER access_events_append_only;
UPDATE access_events SET day = to_char(at + interval '7 hours', 'YYYY-MM-DD');
ALTER TABLE access_events ENABLE TRIGGER access_events_append_only;
CREATE INDEX access_events_day ON access_events (day);
