-- Upstream providers added through the admin API (those in the
-- configuration file live there). The client secret is sealed with the
-- master key.
CREATE TABLE federation_providers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    issuer TEXT,
    authorization_endpoint TEXT,
    token_endpoint TEXT,
    graph_url TEXT,
    -- space-separated
    scopes TEXT NOT NULL,
    trust_email BOOLEAN NOT NULL,
    sync_mode TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    -- space-separated tenant ids (microsoft)
    tenants TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Upstream identities linked to accounts: found by (provider, subject),
-- never by email.
CREATE TABLE federated_identities (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- the address the upstream gave when it was linked (for My Profile)
    email TEXT NOT NULL,
    linked_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    UNIQUE (provider_id, subject)
);
CREATE INDEX federated_identities_account ON federated_identities(account_id);

-- Sign-ins sent to an upstream and not back yet: the state's hash, the
-- browser that started it, and what the callback must check.
CREATE TABLE federation_logins (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    -- set when a signed-in person links another sign-in method
    link_account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX federation_logins_browser ON federation_logins(browser_hash);

-- An upstream identity back from its provider that needs the person
-- before it becomes an account (details to complete) or a link (proof of
-- owning the existing account, then confirmation).
CREATE TABLE federation_pending (
    ref_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT NOT NULL,
    email_verified BOOLEAN NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birthdate DATE,
    return_to TEXT NOT NULL,
    -- the existing account this identity would be linked to
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    -- salted SHA-256 of the code emailed to that account
    code_hash TEXT,
    code_attempts INTEGER NOT NULL,
    proven BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX federation_pending_browser ON federation_pending(browser_hash);
