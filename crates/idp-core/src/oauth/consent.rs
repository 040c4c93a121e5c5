//! What a person allowed an app to have, remembered per person and app.

use crate::audit::{self, Event, EventType};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Scopes;
use crate::db::schema::{clients, consents as c, refresh_tokens as rt};
use crate::db::{DbConnection, StoreError};
use crate::{now, Idp};

/// An app a person has allowed, for "My Profile".
#[derive(Debug, Clone)]
pub struct AuthorizedApp {
    pub client_id: String,
    pub name: String,
    pub scope: String,
    pub since: NaiveDateTime,
}

impl Idp {
    /// Whether the person already allowed the app at least `scopes`.
    pub fn has_consent(
        &self,
        account_id: &str,
        client_id: &str,
        scopes: &Scopes,
    ) -> Result<bool, StoreError> {
        let granted: Option<String> = self.db.read(|conn| {
            c::table
                .find((account_id, client_id))
                .select(c::scope)
                .first(conn)
                .optional()
                .map_err(StoreError::from)
        })?;
        Ok(granted
            .and_then(|g| Scopes::parse(&g))
            .is_some_and(|g| scopes.is_subset_of(&g)))
    }
}

/// Remembers consent to `scopes` (adding to what was allowed before).
pub(crate) fn remember(
    conn: &mut DbConnection,
    account_id: &str,
    client_id: &str,
    scopes: &Scopes,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let before: Option<String> = c::table
        .find((account_id, client_id))
        .select(c::scope)
        .first(conn)
        .optional()?;
    let mut all = before
        .and_then(|b| Scopes::parse(&b))
        .unwrap_or_default()
        .to_string();
    for s in scopes.iter() {
        all.push(' ');
        all.push_str(s);
    }
    let merged = Scopes::parse(&all).unwrap_or_default().to_string();
    diesel::delete(c::table.find((account_id, client_id))).execute(conn)?;
    diesel::insert_into(c::table)
        .values((
            c::account_id.eq(account_id),
            c::client_id.eq(client_id),
            c::scope.eq(merged),
            c::granted_at.eq(now),
        ))
        .execute(conn)?;
    let event = Event::new(EventType::ConsentGranted)
        .subject(account_id)
        .client(client_id)
        .detail("scope", scopes.to_string());
    audit::record(conn, &event)
}

impl Idp {
    /// Apps the person allowed, or that still hold a refresh token of theirs.
    pub fn authorized_apps(&self, account_id: &str) -> Result<Vec<AuthorizedApp>, StoreError> {
        let now = now();
        self.db.read(|conn| {
            let mut apps: Vec<AuthorizedApp> = c::table
                .inner_join(clients::table)
                .filter(c::account_id.eq(account_id))
                .select((c::client_id, clients::name, c::scope, c::granted_at))
                .load::<(String, String, String, NaiveDateTime)>(conn)?
                .into_iter()
                .map(|(client_id, name, scope, since)| AuthorizedApp {
                    client_id,
                    name,
                    scope,
                    since,
                })
                .collect();
            let holding: Vec<(String, String, String, NaiveDateTime)> = rt::table
                .inner_join(clients::table)
                .filter(rt::account_id.eq(account_id))
                .filter(rt::used_at.is_null())
                .filter(rt::revoked_at.is_null())
                .filter(rt::expires_at.gt(now))
                .select((rt::client_id, clients::name, rt::scope, rt::created_at))
                .load(conn)?;
            for (client_id, name, scope, since) in holding {
                if !apps.iter().any(|a| a.client_id == client_id) {
                    apps.push(AuthorizedApp {
                        client_id,
                        name,
                        scope,
                        since,
                    });
                }
            }
            apps.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(apps)
        })
    }

    /// Withdraws consent: the app must ask again, and its refresh tokens
    /// (with the access tokens issued beside them) stop working.
    pub fn withdraw_consent(&self, account_id: &str, client_id: &str) -> Result<(), StoreError> {
        let now = now();
        self.db.write(|conn| {
            diesel::delete(c::table.find((account_id, client_id))).execute(conn)?;
            let event = Event::new(EventType::ConsentWithdrawn)
                .subject(account_id)
                .client(client_id);
            audit::record(conn, &event)?;
            let families: Vec<String> = rt::table
                .filter(rt::account_id.eq(account_id))
                .filter(rt::client_id.eq(client_id))
                .select(rt::family_id)
                .distinct()
                .load(conn)?;
            for family in families {
                super::grants::revoke_family(conn, &family, now)?;
            }
            Ok(())
        })
    }
}
