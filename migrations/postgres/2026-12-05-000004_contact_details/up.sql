-- Optional phone number and postal address (OpenID Connect Core §5.1),
-- kept beside the account rather than in it: most accounts have none, and
-- the account row stays narrow. A row exists only while something is set;
-- every column is absent (NULL) or a value checked by idp-core.
CREATE TABLE account_contacts (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    -- E.164: '+' and 8 to 15 digits
    phone_number TEXT,
    -- may hold several lines, separated by '\n'
    street_address TEXT,
    locality TEXT,
    region TEXT,
    postal_code TEXT,
    country TEXT,
    updated_at TIMESTAMP NOT NULL
);
