DROP TABLE federation_pending;
DROP TABLE federation_logins;
DROP TABLE federated_identities;
DROP TABLE federation_providers;
