//! Enterprise SSO: an organization's own OpenID provider (Entra ID, Okta,
//! any other). It runs through the same federation flow and linking rules
//! as social sign-in; what differs is who chose its URLs (an outsider, so
//! only public addresses are reached), which addresses it vouches for (its
//! organization's verified domains), and that a first sign-in joins the
//! organization.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::access::{Access, Actor, Role};
use super::events::record;
use super::members::join;
use super::tree::Organization;
use super::OrgError;
use crate::accounts::EmailAddress;
use crate::db::schema::{organization_domains as od, organization_sso as sso};
use crate::db::{DbConnection, StoreError};
use crate::federation::{Provider, ProviderKind, Source, SyncMode};
use crate::{now, Idp};

/// Provider ids of organizations' own providers start with this; no
/// configured or API provider may use it.
pub const SSO_PROVIDER_PREFIX: &str = "org-";
const MAX_URL_BYTES: usize = 2000;
const MAX_CLIENT_FIELD: usize = 512;

/// `setOrganizationSso`'s body. A missing secret keeps the stored one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoInput {
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub require_sso: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sso)]
struct Row {
    organization_id: String,
    provider_id: String,
    issuer: String,
    client_id: String,
    client_secret: String,
    require_sso: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// An organization's SSO as its members see it: never the secret.
#[derive(Debug, Clone)]
pub struct OrgSso {
    pub organization_id: String,
    pub provider_id: String,
    pub issuer: String,
    pub client_id: String,
    pub require_sso: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<Row> for OrgSso {
    fn from(r: Row) -> Self {
        Self {
            organization_id: r.organization_id,
            provider_id: r.provider_id,
            issuer: r.issuer,
            client_id: r.client_id,
            require_sso: r.require_sso,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Where home-realm discovery sends an address.
#[derive(Debug, Clone)]
pub struct SsoRoute {
    pub provider_id: String,
    pub organization_name: String,
    /// Password sign-in is refused for the address.
    pub required: bool,
}

fn row_of(conn: &mut DbConnection, org_id: &str) -> QueryResult<Option<Row>> {
    sso::table
        .find(org_id)
        .select(Row::as_select())
        .first(conn)
        .optional()
}

fn checked_issuer(raw: &str, allow_internal: bool) -> Result<String, OrgError> {
    let issuer = raw.trim().trim_end_matches('/').to_owned();
    let url = url::Url::parse(&issuer)
        .map_err(|_| OrgError::Invalid("issuer must be an absolute https URL"))?;
    let https = url.scheme() == "https" || (allow_internal && url.scheme() == "http");
    if !https
        || url.host_str().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
        || issuer.len() > MAX_URL_BYTES
    {
        return Err(OrgError::Invalid(
            "issuer must be an https URL without query or fragment, at most 2000 bytes",
        ));
    }
    Ok(issuer)
}

fn checked_field(raw: &str, what: &'static str) -> Result<String, OrgError> {
    let v = raw.trim();
    if v.is_empty() || v.len() > MAX_CLIENT_FIELD || v.chars().any(char::is_control) {
        return Err(OrgError::Invalid(what));
    }
    Ok(v.to_owned())
}

impl Idp {
    fn sso_provider_from(&self, row: Row, org_name: String) -> Result<Provider, StoreError> {
        let secret = self
            .signing
            .master()
            .open(&row.client_secret)
            .map_err(|_| StoreError::Corrupt(format!("SSO of {}: secret", row.organization_id)))?;
        Ok(Provider {
            id: row.provider_id,
            kind: ProviderKind::Oidc,
            display_name: org_name,
            client_id: row.client_id,
            client_secret: String::from_utf8(secret)
                .map_err(|_| StoreError::Corrupt("SSO secret".into()))?,
            issuer: Some(row.issuer),
            authorization_endpoint: None,
            token_endpoint: None,
            graph_url: None,
            scopes: vec!["openid".into(), "email".into(), "profile".into()],
            // Decided per address: see `vouches_for`.
            trust_email: false,
            sync: SyncMode::Fill,
            enabled: true,
            tenants: Vec::new(),
            source: Source::Organization,
            organization_id: Some(row.organization_id),
            public_only: !self.settings.oauth.allow_internal_urls,
        })
    }

    /// The provider behind an `org-…` id, for the federation flow.
    pub(crate) fn sso_provider(&self, provider_id: &str) -> Result<Option<Provider>, StoreError> {
        let found: Option<(Row, String)> = self.db.read(|conn| {
            use crate::db::schema::organizations as o;
            sso::table
                .inner_join(o::table.on(o::id.eq(sso::organization_id)))
                .filter(sso::provider_id.eq(provider_id))
                .select((Row::as_select(), o::name))
                .first(conn)
                .optional()
                .map_err(StoreError::from)
        })?;
        found
            .map(|(row, name)| self.sso_provider_from(row, name))
            .transpose()
    }

    /// Connects the organization's provider, after checking that its
    /// discovery document and keys can be fetched.
    pub fn set_sso(
        &self,
        actor: &Actor,
        org_id: &str,
        input: &SsoInput,
    ) -> Result<OrgSso, OrgError> {
        let issuer = checked_issuer(&input.issuer, self.settings.oauth.allow_internal_urls)?;
        let client_id = checked_field(
            &input.client_id,
            "client_id is required (at most 512 bytes)",
        )?;
        let (org, existing) = self.db.read(|conn| {
            let org = Access::require_admin(conn, actor, org_id)?.organization;
            Ok::<_, OrgError>((org.clone(), row_of(conn, &org.id)?))
        })?;
        let secret = match (&input.client_secret, &existing) {
            (Some(s), _) => checked_field(s, "client_secret must be at most 512 bytes")?,
            (None, Some(row)) => String::from_utf8(
                self.signing
                    .master()
                    .open(&row.client_secret)
                    .map_err(|_| StoreError::Corrupt("SSO secret".into()))?,
            )
            .map_err(|_| StoreError::Corrupt("SSO secret".into()))?,
            (None, None) => return Err(OrgError::Invalid("client_secret is required")),
        };
        let provider_id = existing.as_ref().map_or_else(
            || format!("{SSO_PROVIDER_PREFIX}{}", crate::crypto::random_digits(20)),
            |r| r.provider_id.clone(),
        );
        let now = now();
        let sealed = self.signing.master().seal(secret.as_bytes());
        let candidate = self.sso_provider_from(
            Row {
                organization_id: org.id.clone(),
                provider_id: provider_id.clone(),
                issuer: issuer.clone(),
                client_id: client_id.clone(),
                client_secret: sealed.clone(),
                require_sso: input.require_sso,
                created_at: now,
                updated_at: now,
            },
            org.name.clone(),
        )?;
        self.upstreams
            .check(&candidate)
            .map_err(|e| OrgError::SsoUnreachable(e.to_string()))?;
        self.db.write(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            let created_at = row_of(conn, org_id)?.map_or(now, |r| r.created_at);
            diesel::delete(sso::table.find(org_id)).execute(conn)?;
            diesel::insert_into(sso::table)
                .values((
                    sso::organization_id.eq(org_id),
                    sso::provider_id.eq(&provider_id),
                    sso::issuer.eq(&issuer),
                    sso::client_id.eq(&client_id),
                    sso::client_secret.eq(&sealed),
                    sso::require_sso.eq(input.require_sso),
                    sso::created_at.eq(created_at),
                    sso::updated_at.eq(now),
                ))
                .execute(conn)?;
            let detail = format!("{issuer} require_sso={}", input.require_sso);
            record(conn, org_id, actor, "sso.set", &provider_id, &detail)?;
            Ok(row_of(conn, org_id)?.expect("just written").into())
        })
    }

    /// Members may see how their organization signs in (never the secret).
    pub fn organization_sso(&self, actor: &Actor, org_id: &str) -> Result<OrgSso, OrgError> {
        self.db.read(|conn| {
            Access::require_member(conn, actor, org_id)?;
            Ok(row_of(conn, org_id)?.ok_or(OrgError::NoSso)?.into())
        })
    }

    /// Disconnects the provider. Identities linked through it stay on their
    /// accounts but no longer sign anyone in.
    pub fn delete_sso(&self, actor: &Actor, org_id: &str) -> Result<(), OrgError> {
        self.db.write(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            if diesel::delete(sso::table.find(org_id)).execute(conn)? == 0 {
                return Err(OrgError::NoSso);
            }
            record(conn, org_id, actor, "sso.deleted", org_id, "")?;
            Ok(())
        })
    }

    /// Home-realm discovery: the provider of the organization that owns
    /// the address's verified domain (its own, or its nearest ancestor's).
    pub fn sso_for_email(&self, email: &EmailAddress) -> Result<Option<SsoRoute>, StoreError> {
        self.db
            .read(|conn| route_for(conn, email.domain()).map_err(StoreError::from))
    }

    /// Whether `provider` vouches for `email`, which the upstream says it
    /// verified (`upstream_verified`) or not. Social and operator-made
    /// providers: when trusted and the upstream verified it. An
    /// organization's provider: for addresses in domains verified within
    /// its organization, whatever the upstream says (the organization
    /// proved it controls the domain, and Entra ID, for one, never sends
    /// `email_verified`); for no other address.
    pub(crate) fn vouches_for(
        &self,
        provider: &Provider,
        email: &EmailAddress,
        upstream_verified: bool,
    ) -> Result<bool, StoreError> {
        let Some(sso_org) = &provider.organization_id else {
            return Ok(provider.trust_email && upstream_verified);
        };
        self.db.read(|conn| {
            Ok(domain_org_under(conn, email.domain(), sso_org)
                .map_err(StoreError::from)?
                .is_some())
        })
    }
}

/// The organization under (or at) `sso_org` that owns `domain`, verified.
fn domain_org_under(
    conn: &mut DbConnection,
    domain: &str,
    sso_org: &str,
) -> QueryResult<Option<Organization>> {
    let owner: Option<String> = od::table
        .filter(od::domain.eq(domain))
        .filter(od::verified_at.is_not_null())
        .select(od::organization_id)
        .first(conn)
        .optional()?;
    let Some(owner) = owner else {
        return Ok(None);
    };
    let Some(org) = Organization::find(conn, &owner)? else {
        return Ok(None);
    };
    Ok(org.lineage().iter().any(|id| id == sso_org).then_some(org))
}

fn route_for(conn: &mut DbConnection, domain: &str) -> QueryResult<Option<SsoRoute>> {
    let owner: Option<String> = od::table
        .filter(od::domain.eq(domain))
        .filter(od::verified_at.is_not_null())
        .select(od::organization_id)
        .first(conn)
        .optional()?;
    let Some(owner) = owner.and_then(|id| Organization::find(conn, &id).transpose()) else {
        return Ok(None);
    };
    let owner = owner?;
    // Nearest first: the domain's own organization, then up the tree.
    for id in owner.lineage().iter().rev() {
        if let Some(row) = row_of(conn, id)? {
            let name = Organization::find(conn, id)?
                .map(|o| o.name)
                .unwrap_or_default();
            return Ok(Some(SsoRoute {
                provider_id: row.provider_id,
                organization_name: name,
                required: row.require_sso,
            }));
        }
    }
    Ok(None)
}

/// A first sign-in through an organization's provider joins the
/// organization that owns the address's domain (the provider's own, or a
/// branch below it), as a member; any other address joins the provider's
/// organization.
pub(crate) fn join_through_sso(
    conn: &mut DbConnection,
    provider: &Provider,
    account_id: &str,
    email: &str,
) -> Result<(), StoreError> {
    let Some(sso_org) = &provider.organization_id else {
        return Ok(());
    };
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    let target = domain_org_under(conn, domain, sso_org)?
        .map(|o| o.id)
        .unwrap_or_else(|| sso_org.clone());
    join(conn, &target, account_id, Role::Member).map_err(|e| match e {
        OrgError::Store(e) => e,
        other => StoreError::Corrupt(other.to_string()),
    })?;
    super::events::record_by(
        conn,
        &target,
        Some(account_id),
        email,
        None,
        "member.joined_through_sso",
        account_id,
        &provider.id,
    )?;
    Ok(())
}
