-- Sign-ups waiting for their emailed link. An account exists only once a
-- link is followed, and then with the password and profile of that sign-up;
-- every other pending sign-up for the address is void (no pre-hijacking).
CREATE TABLE pending_signups (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    -- SHA-256 of the CSRF cookie of the browser that signed up: the link
    -- works with a button there, and asks for the password anywhere else
    browser_hash TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birthdate DATE NOT NULL,
    marketing_opt_in BOOLEAN NOT NULL,
    locale TEXT NOT NULL,
    return_to TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_signups_email ON pending_signups(email);
