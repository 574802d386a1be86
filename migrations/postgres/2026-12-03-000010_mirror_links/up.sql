-- The credentials of provincial mirrors, issued by an admin of the national instance, each scoped
-- to one province and revocable; only their SHA-256 is kept.
CREATE TABLE mirror_credentials (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    province TEXT NOT NULL REFERENCES provinces (slug),
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by BIGINT NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);

-- Every access event has an id of its own, by which a relayed one is counted once; `relayed_by`
-- names the mirror credential that relayed it.
ALTER TABLE access_events ADD COLUMN event_id TEXT;
ALTER TABLE access_events ADD COLUMN relayed_by BIGINT;
CREATE UNIQUE INDEX access_events_event_id ON access_events (event_id);

-- A mirror's access events (by event id) not yet accepted by its upstream; written in the same
-- transaction as the event, removed once the upstream has it.
CREATE TABLE access_event_outbox (
    event_id TEXT PRIMARY KEY,
    queued_at TIMESTAMP NOT NULL
);
