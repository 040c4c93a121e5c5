-- Second factors (docs/mfa.md).
-- How a session was authenticated (RFC 8176 'amr' values, space-separated),
-- and whether it still waits for the person's second factor: such a
-- session signs nobody in; it only lets the second-factor page finish it.
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE sessions ADD COLUMN awaiting_second_factor BOOLEAN NOT NULL DEFAULT FALSE;
-- What a code or refresh token was issued on, for the ID token's acr and amr.
ALTER TABLE authorization_codes ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE refresh_tokens ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
-- An organization may require a second factor of its members.
ALTER TABLE organizations ADD COLUMN require_second_factor BOOLEAN NOT NULL DEFAULT FALSE;

-- One authenticator app per account (RFC 6238). The secret is sealed with
-- the master key, like signing keys. Until confirmed_at is set the person
-- has not typed a code from it yet, and it is not used to sign in.
-- last_step is the newest time step accepted: a code is taken once.
CREATE TABLE totp_factors (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT NOT NULL DEFAULT 0
);

-- Single-use recovery codes; only their SHA-256 is kept (80 random bits each).
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);
