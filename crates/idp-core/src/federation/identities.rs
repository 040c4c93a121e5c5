//! Upstream identities linked to accounts, and what My Profile does with them.

use crate::audit::{self, Event, EventType};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::FederationError;
use crate::accounts::Account;
use crate::db::schema::federated_identities as fi;
use crate::db::{DbConnection, StoreError};
use crate::email::{enqueue, Action};
use crate::Idp;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fi)]
pub struct Identity {
    pub id: String,
    pub account_id: String,
    pub provider_id: String,
    pub subject: String,
    pub email: String,
    pub linked_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
}

/// A linked sign-in method as My Profile lists it.
#[derive(Debug, Clone)]
pub struct LinkedIdentity {
    pub identity: Identity,
    pub provider_name: String,
}

pub(crate) struct NewIdentity<'a> {
    pub account_id: &'a str,
    pub provider_id: &'a str,
    pub subject: &'a str,
    pub email: &'a str,
}

pub(crate) fn find(
    conn: &mut DbConnection,
    provider_id: &str,
    subject: &str,
) -> Result<Option<Identity>, StoreError> {
    Ok(fi::table
        .filter(fi::provider_id.eq(provider_id))
        .filter(fi::subject.eq(subject))
        .select(Identity::as_select())
        .first(conn)
        .optional()?)
}

pub(crate) fn insert(
    conn: &mut DbConnection,
    new: &NewIdentity<'_>,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(fi::table)
        .values((
            fi::id.eq(crate::crypto::new_id()),
            fi::account_id.eq(new.account_id),
            fi::provider_id.eq(new.provider_id),
            fi::subject.eq(new.subject),
            fi::email.eq(new.email),
            fi::linked_at.eq(now),
            fi::last_used_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn touch(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(fi::table.find(id))
        .set(fi::last_used_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Every identity of an account goes (its registration was void).
pub(crate) fn unlink_all(conn: &mut DbConnection, account_id: &str) -> QueryResult<usize> {
    diesel::delete(fi::table.filter(fi::account_id.eq(account_id))).execute(conn)
}

impl Idp {
    /// The sign-in methods linked to an account, oldest first.
    pub fn identities_of(&self, account_id: &str) -> Result<Vec<LinkedIdentity>, StoreError> {
        let rows: Vec<Identity> = self.db.read(|conn| {
            fi::table
                .filter(fi::account_id.eq(account_id))
                .order(fi::linked_at.asc())
                .select(Identity::as_select())
                .load(conn)
                .map_err(StoreError::from)
        })?;
        let providers = self.providers()?;
        Ok(rows
            .into_iter()
            .map(|identity| LinkedIdentity {
                provider_name: providers
                    .iter()
                    .find(|p| p.id == identity.provider_id)
                    .map(|p| p.display_name.clone())
                    .unwrap_or_else(|| identity.provider_id.clone()),
                identity,
            })
            .collect())
    }

    /// Removes a sign-in method, unless it is the last way into the account
    /// (no password and no other identity).
    pub fn unlink_identity(
        &self,
        account: &Account,
        identity_id: &str,
    ) -> Result<(), FederationError> {
        let name = self
            .identities_of(&account.id)?
            .into_iter()
            .find(|l| l.identity.id == identity_id)
            .map(|l| l.provider_name)
            .ok_or(FederationError::NoSuchIdentity)?;
        self.db.write(|conn| {
            // Counted inside the write, so two unlinks at once cannot both
            // leave the account without a way in.
            crate::db::lock_key(conn, &format!("identities:{}", account.id))?;
            let has_password =
                Account::find(conn, &account.id)?.is_some_and(|a| a.password_hash.is_some());
            let count: i64 = fi::table
                .filter(fi::account_id.eq(&account.id))
                .count()
                .get_result(conn)?;
            if !has_password && count <= 1 {
                return Err(FederationError::LastWayIn);
            }
            let gone = diesel::delete(
                fi::table
                    .filter(fi::id.eq(identity_id))
                    .filter(fi::account_id.eq(&account.id)),
            )
            .execute(conn)
            .map_err(StoreError::from)?;
            if gone != 1 {
                return Err(FederationError::NoSuchIdentity);
            }
            let notice = self.compose_email(
                &account.email,
                &account.locale,
                "identity_unlinked",
                &[("provider", &name)],
                Action::Link(&self.link("/account")),
            );
            enqueue(conn, self, Some(&account.id), &notice).map_err(StoreError::from)?;
            let event = Event::new(EventType::IdentityUnlinked)
                .subject(&account.id)
                .detail("identity", identity_id)
                .detail("provider", name.as_str());
            audit::record(conn, &event).map_err(StoreError::from)?;
            Ok(())
        })?;
        tracing::info!(target: "federation", account = %account.id, "sign-in method unlinked");
        Ok(())
    }
}
