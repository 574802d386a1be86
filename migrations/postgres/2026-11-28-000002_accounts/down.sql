DROP TABLE access_events;
DROP TABLE account_events;
DROP FUNCTION append_only();
DROP TABLE refresh_tokens;
DROP TABLE users;
