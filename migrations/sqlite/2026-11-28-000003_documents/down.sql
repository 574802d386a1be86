DROP TABLE blobs;
DROP TABLE document_sections;
DROP TABLE documents;
