-- Organizations form a tree: a branch has a parent. `path` holds the
-- ancestors' ids, top first, space-separated ('' at the top), so "is this
-- under that" and the claim's path need no walk up the tree.
CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id TEXT REFERENCES organizations(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organizations_parent ON organizations(parent_id);

-- The logo as idp re-encoded it (never the uploaded bytes).
CREATE TABLE organization_logos (
    organization_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    etag TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Direct memberships; admin rights flow down the tree (computed, not stored).
CREATE TABLE organization_members (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, account_id)
);
CREATE INDEX organization_members_account ON organization_members(account_id);

-- `state` is pending, accepted or revoked; a pending one past expires_at
-- is expired. Only the token's SHA-256 is kept.
CREATE TABLE organization_invitations (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    invited_by TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    inviter_name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    accepted_by TEXT REFERENCES accounts(id) ON DELETE SET NULL
);
CREATE INDEX organization_invitations_org ON organization_invitations(organization_id);

-- Published by the operator: for one organization (organization_id), that
-- organization and its branches (include_branches), or everyone (NULL).
CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    version TEXT NOT NULL,
    body TEXT,
    url TEXT,
    organization_id TEXT REFERENCES organizations(id) ON DELETE CASCADE,
    include_branches BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Who accepted which version for which organization. The acceptor's
-- address is kept with the id: the record outlives the account.
CREATE TABLE agreement_acceptances (
    agreement_id TEXT NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    account_email TEXT NOT NULL,
    accepted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agreement_id, organization_id)
);

-- Email domains claimed by an organization. Several may claim one while
-- unverified (else a squatter could block the owner); once verified it
-- belongs to that organization alone.
CREATE TABLE organization_domains (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    challenge TEXT NOT NULL,
    verified_at TIMESTAMP,
    verified_by TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, domain)
);
CREATE UNIQUE INDEX organization_domains_verified ON organization_domains(domain)
    WHERE verified_at IS NOT NULL;

-- An organization's own OpenID provider; the secret is sealed with the
-- master key. `provider_id` names it in the federation flow (its callback
-- path and its linked identities).
CREATE TABLE organization_sso (
    organization_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL UNIQUE,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    require_sso BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The audit trail an organization's admins read. Actors and targets are
-- kept as text so the trail outlives the accounts it names.
CREATE TABLE organization_events (
    id BIGSERIAL PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    actor_id TEXT,
    actor_email TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    client_ip TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX organization_events_org ON organization_events(organization_id, id);
