-- The closed vocabularies (kind, status, access level, role, ...) are checked by the database
-- too, so that no writer, however it reaches the tables, stores a value the service cannot read. SQLite
-- cannot add a CHECK to an existing table: triggers do it.

CREATE TRIGGER standards_vocabulary_insert BEFORE INSERT ON standards
WHEN NEW.kind NOT IN ('TCVN', 'QCVN', 'QCĐP', 'ĐLVN')
    OR NEW.status NOT IN ('in_force', 'replaced', 'amended', 'expired', 'annulled', 'suspended', 'draft', 'unknown')
    OR NEW.access_level NOT IN ('public', 'registered', 'inspectors')
    OR (NEW.equivalence IS NOT NULL AND NEW.equivalence NOT IN ('IDT', 'MOD', 'NEQ'))
    OR (NEW.confidence IS NOT NULL AND NEW.confidence NOT IN ('high', 'medium', 'low'))
BEGIN
    SELECT RAISE(ABORT, 'standards: a value outside its vocabulary');
END;
CREATE TRIGGER standards_vocabulary_update BEFORE UPDATE ON standards
WHEN NEW.kind NOT IN ('TCVN', 'QCVN', 'QCĐP', 'ĐLVN')
    OR NEW.status NOT IN ('in_force', 'replaced', 'amended', 'expired', 'annulled', 'suspended', 'draft', 'unknown')
    OR NEW.access_level NOT IN ('public', 'registered', 'inspectors')
    OR (NEW.equivalence IS NOT NULL AND NEW.equivalence NOT IN ('IDT', 'MOD', 'NEQ'))
    OR (NEW.confidence IS NOT NULL AND NEW.confidence NOT IN ('high', 'medium', 'low'))
BEGIN
    SELECT RAISE(ABORT, 'standards: a value outside its vocabulary');
END;
CREATE TRIGGER standard_relations_vocabulary_insert BEFORE INSERT ON standard_relations
WHEN NEW.kind NOT IN ('replaces', 'replaced_by', 'amends', 'amended_by', 'references', 'adopts')
BEGIN
    SELECT RAISE(ABORT, 'standard_relations: a value outside its vocabulary');
END;
CREATE TRIGGER standard_relations_vocabulary_update BEFORE UPDATE ON standard_relations
WHEN NEW.kind NOT IN ('replaces', 'replaced_by', 'amends', 'amended_by', 'references', 'adopts')
BEGIN
    SELECT RAISE(ABORT, 'standard_relations: a value outside its vocabulary');
END;
CREATE TRIGGER users_vocabulary_insert BEFORE INSERT ON users
WHEN NEW.role NOT IN ('official', 'inspector', 'province_admin', 'admin')
    OR NEW.status NOT IN ('pending', 'active', 'suspended')
BEGIN
    SELECT RAISE(ABORT, 'users: a value outside its vocabulary');
END;
CREATE TRIGGER users_vocabulary_update BEFORE UPDATE ON users
WHEN NEW.role NOT IN ('official', 'inspector', 'province_admin', 'admin')
    OR NEW.status NOT IN ('pending', 'active', 'suspended')
BEGIN
    SELECT RAISE(ABORT, 'users: a value outside its vocabulary');
END;
CREATE TRIGGER documents_vocabulary_insert BEFORE INSERT ON documents
WHEN NEW.format NOT IN ('pdf', 'markdown', 'text')
    OR NEW.access_level NOT IN ('public', 'registered', 'inspectors')
BEGIN
    SELECT RAISE(ABORT, 'documents: a value outside its vocabulary');
END;
CREATE TRIGGER documents_vocabulary_update BEFORE UPDATE ON documents
WHEN NEW.format NOT IN ('pdf', 'markdown', 'text')
    OR NEW.access_level NOT IN ('public', 'registered', 'inspectors')
BEGIN
    SELECT RAISE(ABORT, 'documents: a value outside its vocabulary');
END;
CREATE TRIGGER access_events_vocabulary_insert BEFORE INSERT ON access_events
WHEN NEW.action NOT IN ('view', 'download')
BEGIN
    SELECT RAISE(ABORT, 'access_events: a value outside its vocabulary');
END;
