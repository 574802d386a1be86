DROP TABLE removed_standards;
DROP TABLE standard_corrections;
ALTER TABLE documents DROP COLUMN note;
ALTER TABLE documents DROP COLUMN source;
