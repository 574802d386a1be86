DROP TABLE change_log;
DROP FUNCTION change_log_append_only();
DROP TABLE provinces;
DROP TABLE standard_ics;
DROP TABLE ics_codes;
DROP TABLE standard_relations;
DROP TABLE standards;
