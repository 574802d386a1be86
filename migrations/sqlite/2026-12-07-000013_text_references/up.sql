-- The codes a standard's texts cite: found in a text when it is attached (extracted), added by an
-- editor (corrected), or found and then struck out by an editor (rejected: kept, so that reading
-- the texts again does not bring it back). One row per standard and cited code; the section is the
-- heading of the part of the text it was found in.
CREATE TABLE text_references (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    standard_id INTEGER NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
    target_code TEXT NOT NULL,
    target_key TEXT NOT NULL,
    section TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('extracted', 'corrected', 'rejected')),
    changed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    changed_at TIMESTAMP NOT NULL,
    UNIQUE (standard_id, target_key)
);
CREATE INDEX text_references_target ON text_references (target_key);

-- Whether a text's citations have been read into text_references (texts attached before this
-- migration are read once when the node starts).
ALTER TABLE documents ADD COLUMN references_read BOOLEAN NOT NULL DEFAULT FALSE;
