ALTER TABLE documents DROP COLUMN references_read;
DROP TABLE text_references;
