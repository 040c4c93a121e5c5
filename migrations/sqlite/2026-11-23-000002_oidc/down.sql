DROP TABLE used_client_assertions;
DROP TABLE session_clients;
DROP TABLE revoked_access_tokens;
DROP TABLE refresh_tokens;
DROP TABLE consents;
DROP TABLE authorization_codes;
DROP TABLE clients;
DROP TABLE signing_keys;
