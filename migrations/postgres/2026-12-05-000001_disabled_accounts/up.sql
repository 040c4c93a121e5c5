-- An administrator can stop an account from signing in without deleting it.
ALTER TABLE accounts ADD COLUMN disabled_at TIMESTAMP;
