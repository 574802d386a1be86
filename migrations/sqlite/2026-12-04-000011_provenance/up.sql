-- Where a text came from (its source: repository, path, commit, or the publication) and what a
-- reader should know of it (tables kept only as markers, a source that breaks off).
ALTER TABLE documents ADD COLUMN source TEXT;
ALTER TABLE documents ADD COLUMN note TEXT;

-- The sourced corrections applied to a record, each with its own source: what it changed, and the
-- source's words. A correction is applied once per standard and source.
CREATE TABLE standard_corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    standard_id INTEGER NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    confidence TEXT CHECK (confidence IS NULL OR confidence IN ('high', 'medium', 'low')),
    note TEXT,
    changed TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    UNIQUE (standard_id, source)
);

-- Records removed as erroneous (a mistyped code, a duplicate): why, and the record the code was
-- confused with, so that the old address answers with a pointer instead of nothing.
CREATE TABLE removed_standards (
    code_key TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    confused_with TEXT,
    removed_at TIMESTAMP NOT NULL
);
