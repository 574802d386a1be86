DROP TABLE mirror_state;
