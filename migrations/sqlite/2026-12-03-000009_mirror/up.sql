-- A mirror's position in its upstream's feed: one row, written in the same transaction as the
-- records it covers.
CREATE TABLE mirror_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    upstream TEXT NOT NULL,
    epoch TEXT NOT NULL,
    seq BIGINT NOT NULL,
    chain TEXT NOT NULL,
    upstream_seq BIGINT NOT NULL,
    caught_up_at TIMESTAMP NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    halted TEXT
);
