-- Accounts, refresh tokens, and the append-only audit trail (account and access events).
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL,
    province TEXT REFERENCES provinces (slug),
    commune TEXT,
    unit TEXT,
    status TEXT NOT NULL,
    expires_at TIMESTAMP,
    password_hash TEXT NOT NULL,
    token_version INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER,
    approved_at TIMESTAMP,
    approved_by INTEGER,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_province_status ON users (province, status);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE account_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER,
    actor_id INTEGER,
    event TEXT NOT NULL,
    detail TEXT,
    province TEXT,
    ip TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX account_events_user ON account_events (user_id);

CREATE TABLE access_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    standard_id INTEGER NOT NULL,
    document_id INTEGER,
    action TEXT NOT NULL,
    province TEXT,
    unit TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX access_events_at ON access_events (at);
CREATE INDEX access_events_province_at ON access_events (province, at);
CREATE INDEX access_events_user_at ON access_events (user_id, at);

CREATE TRIGGER account_events_no_update BEFORE UPDATE ON account_events
BEGIN
    SELECT RAISE(ABORT, 'account_events is append-only');
END;
CREATE TRIGGER account_events_no_delete BEFORE DELETE ON account_events
BEGIN
    SELECT RAISE(ABORT, 'account_events is append-only');
END;
CREATE TRIGGER access_events_no_update BEFORE UPDATE ON access_events
BEGIN
    SELECT RAISE(ABORT, 'access_events is append-only');
END;
CREATE TRIGGER access_events_no_delete BEFORE DELETE ON access_events
BEGIN
    SELECT RAISE(ABORT, 'access_events is append-only');
END;
