DROP TABLE feed_epochs;
ALTER TABLE change_log DROP COLUMN chain;
ALTER TABLE change_log DROP COLUMN record_sha256;
ALTER TABLE change_log DROP COLUMN record;
ALTER TABLE change_log DROP COLUMN slug;
ALTER TABLE change_log DROP COLUMN op;
