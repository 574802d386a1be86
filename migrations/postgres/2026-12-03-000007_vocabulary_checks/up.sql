-- The closed vocabularies (kind, status, access level, role, ...) are checked by the database
-- too, so that no writer, however it reaches the tables, stores a value the service cannot read.

ALTER TABLE standards ADD CONSTRAINT standards_kind_known CHECK (kind IN ('TCVN', 'QCVN', 'QCĐP', 'ĐLVN'));
ALTER TABLE standards ADD CONSTRAINT standards_status_known CHECK (status IN ('in_force', 'replaced', 'amended', 'expired', 'annulled', 'suspended', 'draft', 'unknown'));
ALTER TABLE standards ADD CONSTRAINT standards_access_level_known CHECK (access_level IN ('public', 'registered', 'inspectors'));
ALTER TABLE standards ADD CONSTRAINT standards_equivalence_known CHECK (equivalence IS NULL OR equivalence IN ('IDT', 'MOD', 'NEQ'));
ALTER TABLE standards ADD CONSTRAINT standards_confidence_known CHECK (confidence IS NULL OR confidence IN ('high', 'medium', 'low'));
ALTER TABLE standard_relations ADD CONSTRAINT standard_relations_kind_known CHECK (kind IN ('replaces', 'replaced_by', 'amends', 'amended_by', 'references', 'adopts'));
ALTER TABLE users ADD CONSTRAINT users_role_known CHECK (role IN ('official', 'inspector', 'province_admin', 'admin'));
ALTER TABLE users ADD CONSTRAINT users_status_known CHECK (status IN ('pending', 'active', 'suspended'));
ALTER TABLE documents ADD CONSTRAINT documents_format_known CHECK (format IN ('pdf', 'markdown', 'text'));
ALTER TABLE documents ADD CONSTRAINT documents_access_level_known CHECK (access_level IN ('public', 'registered', 'inspectors'));
ALTER TABLE access_events ADD CONSTRAINT access_events_action_known CHECK (action IN ('view', 'download'));
