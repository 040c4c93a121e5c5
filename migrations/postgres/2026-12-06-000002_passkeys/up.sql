-- Passkeys (WebAuthn credentials) people register to sign in with.
-- `credential` is webauthn-rs's serialised Passkey (public key, sign
-- counter, backup flags): JSON, read back only through that crate.
-- `credential_id` is the authenticator's credential ID, base64url: a
-- credential belongs to one account only.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    credential_id TEXT NOT NULL UNIQUE,
    credential TEXT NOT NULL,
    discoverable BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX passkeys_account_id ON passkeys(account_id);

-- A registration or sign-in with a passkey in progress: the crate's state
-- (the challenge sent to the browser). The browser holds a random token;
-- `id` is its SHA-256. Single use, and short-lived.
CREATE TABLE webauthn_ceremonies (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX webauthn_ceremonies_expires_at ON webauthn_ceremonies(expires_at);
