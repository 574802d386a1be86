-- Sign-in attempts per account and client address: an attempt is counted before its password is
-- checked, and five failures lock that address out of that account for a while; the owner,
-- signing in from elsewhere, is not locked out by someone else's guesses.
CREATE TABLE sign_in_attempts (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until TIMESTAMP,
    PRIMARY KEY (user_id, address)
);
