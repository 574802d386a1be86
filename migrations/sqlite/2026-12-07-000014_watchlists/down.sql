ALTER TABLE users DROP COLUMN alert_feed_hash;
ALTER TABLE users DROP COLUMN digest_sent_at;
ALTER TABLE users DROP COLUMN alert_email;
DROP TABLE change_cursors;
DROP TABLE notifications;
DROP TABLE watches;
