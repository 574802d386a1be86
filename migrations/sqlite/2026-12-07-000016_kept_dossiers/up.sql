-- Dossiers an account asked to keep, to check again later: the text that was checked (a file's
-- text, never the file), a name, the date it was checked as of, and how many codes it cited.
-- Nothing else a check reads is kept.
CREATE TABLE kept_dossiers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    as_of DATE NOT NULL,
    codes INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX kept_dossiers_user ON kept_dossiers (user_id);
