DROP INDEX access_events_day;
ALTER TABLE access_events DROP COLUMN day;
