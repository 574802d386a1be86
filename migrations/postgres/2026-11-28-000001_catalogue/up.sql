-- The catalogue: standards, their relations and ICS codes, provinces, and the append-only change log.
CREATE TABLE standards (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    code_key TEXT NOT NULL UNIQUE,
    series_key TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    adopted_prefix TEXT,
    year INTEGER,
    issuer TEXT,
    issuer_code TEXT,
    title_vi TEXT NOT NULL,
    title_en TEXT,
    scope_vi TEXT,
    field TEXT,
    technical_committee TEXT,
    status TEXT NOT NULL,
    status_note TEXT,
    legal_instrument TEXT,
    issued_date DATE,
    effective_date DATE,
    end_date DATE,
    international_equivalent TEXT,
    equivalence TEXT,
    access_level TEXT NOT NULL,
    note TEXT,
    source TEXT,
    confidence TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX standards_series_key ON standards (series_key);
CREATE INDEX standards_listing ON standards (year DESC, code);
CREATE INDEX standards_kind ON standards (kind);

-- A relation points at a code, which may not be in the catalogue yet; it resolves by key.
CREATE TABLE standard_relations (
    id BIGSERIAL PRIMARY KEY,
    standard_id BIGINT NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_code TEXT NOT NULL,
    target_key TEXT NOT NULL,
    UNIQUE (standard_id, kind, target_key)
);
CREATE INDEX standard_relations_target ON standard_relations (target_key);

CREATE TABLE ics_codes (
    code TEXT PRIMARY KEY,
    title_vi TEXT,
    title_en TEXT
);

CREATE TABLE standard_ics (
    standard_id BIGINT NOT NULL REFERENCES standards (id) ON DELETE CASCADE,
    ics_code TEXT NOT NULL,
    PRIMARY KEY (standard_id, ics_code)
);

CREATE TABLE provinces (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

-- Every catalogue change, written in the same transaction as the change itself.
CREATE TABLE change_log (
    seq BIGSERIAL PRIMARY KEY,
    standard_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    action TEXT NOT NULL,
    version INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX change_log_standard ON change_log (standard_id);

CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'change_log is append-only';
END;
$$;
CREATE TRIGGER change_log_no_update_or_delete BEFORE UPDATE OR DELETE ON change_log
    FOR EACH ROW EXECUTE FUNCTION change_log_append_only();
