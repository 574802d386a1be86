-- Accounts, refresh tokens, and the append-only audit trail (account and access events).
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
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
    created_by BIGINT,
    approved_at TIMESTAMP,
    approved_by BIGINT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_province_status ON users (province, status);

CREATE TABLE refresh_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
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
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT,
    actor_id BIGINT,
    event TEXT NOT NULL,
    detail TEXT,
    province TEXT,
    ip TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX account_events_user ON account_events (user_id);

CREATE TABLE access_events (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    standard_id BIGINT NOT NULL,
    document_id BIGINT,
    action TEXT NOT NULL,
    province TEXT,
    unit TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX access_events_at ON access_events (at);
CREATE INDEX access_events_province_at ON access_events (province, at);
CREATE INDEX access_events_user_at ON access_events (user_id, at);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER account_events_append_only BEFORE UPDATE OR DELETE ON account_events
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER access_events_append_only BEFORE UPDATE OR DELETE ON access_events
    FOR EACH ROW EXECUTE FUNCTION append_only();
