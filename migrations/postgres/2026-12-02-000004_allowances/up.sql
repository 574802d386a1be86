-- Daily allowances of restricted texts per account: how many downloads and reads it has used on
-- one Vietnam day. Granting one is a single conditional update, so parallel requests cannot pass
-- the limit.
CREATE TABLE daily_allowances (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (user_id, day, kind)
);
