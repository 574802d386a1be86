-- What an account watches: one standard (by its code's key), a whole series (every edition and
-- amendment, present and future: the series key and, for regulations, the issuer), a field or an
-- issuer. The label is what the pages show.
CREATE TABLE watches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('standard', 'series', 'field', 'issuer')),
    target TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, target_kind, target)
);
CREATE INDEX watches_target ON watches (target_kind, target);

-- One notification per account and change: the change-log entry that caused it, the standard it
-- is about, what changed (in Vietnamese), when it was read and when it was mailed.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('status', 'replaced', 'amended', 'new_edition', 'text_added',
        'removed', 'cited_replaced')),
    code TEXT NOT NULL,
    slug TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    mailed_at TIMESTAMP,
    UNIQUE (user_id, seq, code, change)
);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE INDEX notifications_unmailed ON notifications (mailed_at);

-- The followers of the change log that alerts run on (notifications, webhooks): each one's cursor,
-- and the lease that lets one node at a time advance it.
CREATE TABLE change_cursors (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    leased_by TEXT,
    lease_until TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

-- How an account wants its alerts by email (off, at once, or a weekly digest), when its last digest
-- went, and the SHA-256 of the secret in its private Atom feed's address (none until it asks).
ALTER TABLE users ADD COLUMN alert_email TEXT NOT NULL DEFAULT 'immediate'
    CHECK (alert_email IN ('off', 'immediate', 'weekly'));
ALTER TABLE users ADD COLUMN digest_sent_at TIMESTAMP;
ALTER TABLE users ADD COLUMN alert_feed_hash TEXT;
