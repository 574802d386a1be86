-- The connection standard's feed: each change-log entry carries its operation, the standard's slug,
-- the whole public record after the change (canonical JSON, RFC 8785), its SHA-256 and the hash
-- chain. Entries written before this migration have none of them and belong to no epoch.
ALTER TABLE change_log ADD COLUMN op TEXT NOT NULL DEFAULT 'upsert' CONSTRAINT change_log_op_known CHECK (op IN ('upsert', 'tombstone'));
ALTER TABLE change_log ADD COLUMN slug TEXT NOT NULL DEFAULT '';
ALTER TABLE change_log ADD COLUMN record TEXT;
ALTER TABLE change_log ADD COLUMN record_sha256 TEXT;
ALTER TABLE change_log ADD COLUMN chain TEXT;

-- An epoch is one unbroken run of the log, from `first_seq` on; it begins with an upsert of every
-- standard then in the catalogue. A new one starts when the log is rebuilt (after a restore).
CREATE TABLE feed_epochs (
    epoch TEXT PRIMARY KEY,
    first_seq BIGINT NOT NULL UNIQUE,
    started_at TIMESTAMP NOT NULL
);
CREATE TRIGGER feed_epochs_no_update_or_delete BEFORE UPDATE OR DELETE ON feed_epochs
    FOR EACH ROW EXECUTE FUNCTION change_log_append_only();
