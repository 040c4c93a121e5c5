//! Providers made through the admin API live in the database (secrets
//! sealed with the master key); those in the configuration file are read
//! from it. Lookups see both, the configuration file first.

use crate::audit::{self, Event, EventType};
use diesel::prelude::*;

use super::provider::{Provider, ProviderInput, ProviderInvalid, ProviderKind, Source, SyncMode};
use crate::db::schema::federation_providers as p;
use crate::db::StoreError;
use crate::{now, Idp};

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("no provider {0}")]
    NotFound(String),
    #[error("provider {0} is defined in the configuration file; change it there")]
    FromConfig(String),
    #[error("a provider {0} exists already")]
    Exists(String),
    #[error("{0}")]
    Invalid(#[from] ProviderInvalid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ProviderError {
    fn from(e: diesel::result::Error) -> Self {
        ProviderError::Store(StoreError::Query(e))
    }
}

/// A row of `federation_providers` (the secret still sealed).
#[derive(Queryable, Selectable)]
#[diesel(table_name = p)]
struct Row {
    id: String,
    kind: String,
    display_name: String,
    client_id: String,
    client_secret: String,
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    graph_url: Option<String>,
    scopes: String,
    trust_email: bool,
    sync_mode: String,
    enabled: bool,
    tenants: String,
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

impl Idp {
    fn provider_from(&self, row: Row) -> Result<Provider, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("provider {}: {what}", row.id));
        let secret = self
            .signing
            .master()
            .open(&row.client_secret)
            .map_err(|_| corrupt("the secret does not open with this master key"))?;
        Ok(Provider {
            kind: ProviderKind::parse(&row.kind).ok_or_else(|| corrupt("kind"))?,
            sync: SyncMode::parse(&row.sync_mode).ok_or_else(|| corrupt("sync"))?,
            client_secret: String::from_utf8(secret).map_err(|_| corrupt("secret"))?,
            display_name: row.display_name,
            client_id: row.client_id,
            issuer: row.issuer,
            authorization_endpoint: row.authorization_endpoint,
            token_endpoint: row.token_endpoint,
            graph_url: row.graph_url,
            scopes: words(&row.scopes),
            trust_email: row.trust_email,
            enabled: row.enabled,
            tenants: words(&row.tenants),
            source: Source::Api,
            id: row.id,
            organization_id: None,
            public_only: false,
        })
    }

    fn configured(&self) -> Vec<Provider> {
        // Checked at start-up, so this cannot fail here.
        self.settings.federation.resolved().unwrap_or_default()
    }

    /// Every provider, enabled or not: the configuration file's, then the API's.
    pub fn providers(&self) -> Result<Vec<Provider>, StoreError> {
        let mut all = self.configured();
        let rows: Vec<Row> = self.db.read(|conn| {
            p::table
                .select(Row::as_select())
                .order(p::created_at.asc())
                .load(conn)
                .map_err(StoreError::from)
        })?;
        for row in rows {
            if !all.iter().any(|c| c.id == row.id) {
                all.push(self.provider_from(row)?);
            }
        }
        Ok(all)
    }

    /// The providers people may sign in through (the buttons).
    pub fn enabled_providers(&self) -> Result<Vec<Provider>, StoreError> {
        Ok(self
            .providers()?
            .into_iter()
            .filter(|p| p.enabled)
            .collect())
    }

    pub fn provider(&self, id: &str) -> Result<Option<Provider>, StoreError> {
        if id.starts_with(crate::organizations::SSO_PROVIDER_PREFIX) {
            return self.sso_provider(id);
        }
        if let Some(found) = self.configured().into_iter().find(|p| p.id == id) {
            return Ok(Some(found));
        }
        let row: Option<Row> = self.db.read(|conn| {
            p::table
                .find(id)
                .select(Row::as_select())
                .first(conn)
                .optional()
                .map_err(StoreError::from)
        })?;
        row.map(|r| self.provider_from(r)).transpose()
    }

    pub fn create_provider(&self, input: ProviderInput) -> Result<Provider, ProviderError> {
        let provider = input.resolve(Source::Api, None)?;
        if self.configured().iter().any(|c| c.id == provider.id) {
            return Err(ProviderError::Exists(provider.id));
        }
        let now = now();
        let sealed = self
            .signing
            .master()
            .seal(provider.client_secret.as_bytes());
        let inserted = self.db.write(|conn| {
            diesel::insert_into(p::table)
                .values((
                    p::id.eq(&provider.id),
                    values(&provider, &sealed),
                    p::created_at.eq(now),
                    p::updated_at.eq(now),
                ))
                .execute(conn)?;
            provider_event(conn, EventType::ProviderCreated, &provider.id)
        });
        match inserted {
            Ok(_) => Ok(provider),
            Err(e) if e.is_unique_violation() => Err(ProviderError::Exists(provider.id)),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces an API provider's definition; a missing secret keeps the old one.
    pub fn update_provider(
        &self,
        id: &str,
        mut input: ProviderInput,
    ) -> Result<Provider, ProviderError> {
        let old = self.api_provider(id)?;
        input.id = id.to_owned();
        let provider = input.resolve(Source::Api, Some(&old.client_secret))?;
        let sealed = self
            .signing
            .master()
            .seal(provider.client_secret.as_bytes());
        self.db.write(|conn| {
            diesel::update(p::table.find(id))
                .set((values(&provider, &sealed), p::updated_at.eq(now())))
                .execute(conn)?;
            provider_event(conn, EventType::ProviderUpdated, id)
        })?;
        Ok(provider)
    }

    /// Deletes an API provider. Linked identities stay (they sign in again
    /// if a provider with this id comes back), but nobody signs in through
    /// it meanwhile.
    pub fn delete_provider(&self, id: &str) -> Result<(), ProviderError> {
        self.api_provider(id)?;
        self.db.write(|conn| {
            diesel::delete(p::table.find(id)).execute(conn)?;
            provider_event(conn, EventType::ProviderDeleted, id)
        })?;
        Ok(())
    }

    fn api_provider(&self, id: &str) -> Result<Provider, ProviderError> {
        match self.provider(id)? {
            None => Err(ProviderError::NotFound(id.to_owned())),
            Some(p) if p.source == Source::Config => Err(ProviderError::FromConfig(id.to_owned())),
            Some(p) => Ok(p),
        }
    }
}

fn provider_event(
    conn: &mut crate::db::DbConnection,
    kind: EventType,
    id: &str,
) -> Result<(), StoreError> {
    audit::record(conn, &Event::new(kind).detail("provider", id)).map_err(StoreError::from)
}

#[allow(clippy::type_complexity)]
fn values<'a>(
    provider: &'a Provider,
    sealed: &'a str,
) -> (
    diesel::dsl::Eq<p::kind, &'static str>,
    diesel::dsl::Eq<p::display_name, &'a str>,
    diesel::dsl::Eq<p::client_id, &'a str>,
    diesel::dsl::Eq<p::client_secret, &'a str>,
    diesel::dsl::Eq<p::issuer, Option<&'a str>>,
    diesel::dsl::Eq<p::authorization_endpoint, Option<&'a str>>,
    diesel::dsl::Eq<p::token_endpoint, Option<&'a str>>,
    diesel::dsl::Eq<p::graph_url, Option<&'a str>>,
    diesel::dsl::Eq<p::scopes, String>,
    diesel::dsl::Eq<p::trust_email, bool>,
    diesel::dsl::Eq<p::sync_mode, &'static str>,
    diesel::dsl::Eq<p::enabled, bool>,
    diesel::dsl::Eq<p::tenants, String>,
) {
    (
        p::kind.eq(provider.kind.as_str()),
        p::display_name.eq(provider.display_name.as_str()),
        p::client_id.eq(provider.client_id.as_str()),
        p::client_secret.eq(sealed),
        p::issuer.eq(provider.issuer.as_deref()),
        p::authorization_endpoint.eq(provider.authorization_endpoint.as_deref()),
        p::token_endpoint.eq(provider.token_endpoint.as_deref()),
        p::graph_url.eq(provider.graph_url.as_deref()),
        p::scopes.eq(provider.scopes.join(" ")),
        p::trust_email.eq(provider.trust_email),
        p::sync_mode.eq(provider.sync.as_str()),
        p::enabled.eq(provider.enabled),
        p::tenants.eq(provider.tenants.join(" ")),
    )
}
