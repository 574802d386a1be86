DROP TABLE access_event_outbox;
DROP INDEX access_events_event_id;
ALTER TABLE access_events DROP COLUMN relayed_by;
ALTER TABLE access_events DROP COLUMN event_id;
DROP TABLE mirror_credentials;
