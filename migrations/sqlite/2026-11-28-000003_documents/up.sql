-- Texts attached to standards, their extracted sections, and the database blob store.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    standard_id INTEGER NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    pages INTEGER,
    needs_ocr BOOLEAN NOT NULL DEFAULT FALSE,
    language TEXT NOT NULL DEFAULT 'vi',
    filename TEXT,
    access_level TEXT NOT NULL,
    uploaded_by INTEGER,
    uploaded_at TIMESTAMP NOT NULL,
    UNIQUE (standard_id, sha256)
);
CREATE INDEX documents_standard ON documents (standard_id);

CREATE TABLE document_sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    heading TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (document_id, position)
);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    bytes BLOB NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
