-- Back to the four kinds; fails while records of the older families remain.
DROP TRIGGER standards_vocabulary_insert;
DROP TRIGGER standards_vocabulary_update;
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
