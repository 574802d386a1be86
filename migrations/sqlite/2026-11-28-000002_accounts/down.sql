DROP TABLE access_events;
DROP TABLE account_events;
DROP TABLE refresh_tokens;
DROP TABLE users;
