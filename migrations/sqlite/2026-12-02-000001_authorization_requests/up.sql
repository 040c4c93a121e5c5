-- Authorization requests waiting for the person: a forced sign-in
-- (prompt=login, max_age) or the consent page. The browser holds the raw
-- reference; this row holds what was asked, by which browser, and since when.
CREATE TABLE authorization_requests (
    id_hash TEXT PRIMARY KEY,
    -- SHA-256 of the CSRF cookie of the browser that made the request
    browser_hash TEXT NOT NULL,
    -- the request's parameters as the app sent them (JSON)
    params TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- the person the consent page was shown to
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE
);
CREATE INDEX authorization_requests_expires ON authorization_requests(expires_at);
