DROP TABLE feed_epochs;
ALTER TABLE change_log DROP COLUMN chain, DROP COLUMN record_sha256, DROP COLUMN record, DROP COLUMN slug, DROP COLUMN op;
