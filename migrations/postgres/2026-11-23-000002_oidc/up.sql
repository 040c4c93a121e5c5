CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    -- PKCS#8 DER, AES-256-GCM under the master key: base64url(nonce || ciphertext)
    private_key TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP,
    -- a retired key stays in the JWKS until what it signed has expired
    publish_until TIMESTAMP
);

CREATE TABLE clients (
    client_id TEXT PRIMARY KEY,
    secret_hash TEXT,
    -- RFC 7592: the token that manages a dynamically registered client
    registration_token_hash TEXT,
    name TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE authorization_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    auth_time TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    -- what redeeming it issued, revoked if the code is replayed
    issued_jti TEXT,
    issued_family TEXT
);

CREATE TABLE consents (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, client_id)
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    auth_time TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    family_expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    -- the access token issued with this one, revoked with the family
    access_jti TEXT NOT NULL,
    access_expires_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

CREATE TABLE revoked_access_tokens (
    jti TEXT PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);

-- Which apps took part in a sign-in session: they get a back-channel logout
-- token when it ends.
CREATE TABLE session_clients (
    session_id TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    PRIMARY KEY (session_id, client_id)
);

-- jti of client assertions (private_key_jwt) already used, until they expire
CREATE TABLE used_client_assertions (
    jti_hash TEXT PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);

-- Pairwise subject identifiers (OIDC Core §8.1), to find the person behind
-- one when a pairwise client's token comes back.
CREATE TABLE pairwise_subjects (
    sector TEXT NOT NULL,
    subject TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    PRIMARY KEY (sector, subject)
);
