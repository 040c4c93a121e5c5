//! The `passkeys` table: one row per credential, its public key and sign
//! counter kept as webauthn-rs's own serialised `Passkey`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use webauthn_rs::prelude::Passkey;

use super::PasskeyInfo;
use crate::db::schema::passkeys as p;
use crate::db::{DbConnection, StoreError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = p)]
pub(crate) struct Row {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub credential: String,
    pub discoverable: bool,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

impl Row {
    pub fn passkey(&self) -> Result<Passkey, StoreError> {
        serde_json::from_str(&self.credential)
            .map_err(|e| StoreError::Corrupt(format!("passkey {}: {e}", self.id)))
    }

    pub fn info(&self) -> PasskeyInfo {
        PasskeyInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            discoverable: self.discoverable,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
        }
    }
}

/// How a credential ID is stored and looked up.
pub(crate) fn encode_id(raw: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

pub(crate) fn serialise(passkey: &Passkey) -> Result<String, StoreError> {
    serde_json::to_string(passkey).map_err(|e| StoreError::Corrupt(format!("passkey: {e}")))
}

/// The signature counter the crate keeps in its serialised credential (0
/// for authenticators that keep none, as synced passkeys do).
pub(crate) fn counter(passkey: &Passkey) -> u32 {
    serde_json::to_value(passkey)
        .ok()
        .and_then(|v| v.pointer("/cred/counter").and_then(|c| c.as_u64()))
        .and_then(|c| u32::try_from(c).ok())
        .unwrap_or(0)
}

pub(crate) fn of_account(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<Row>> {
    p::table
        .filter(p::account_id.eq(account_id))
        .order((p::created_at.asc(), p::id.asc()))
        .select(Row::as_select())
        .load(conn)
}

pub(crate) fn count(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
    p::table
        .filter(p::account_id.eq(account_id))
        .count()
        .get_result(conn)
}

pub(crate) fn by_credential_id(
    conn: &mut DbConnection,
    credential_id: &str,
) -> QueryResult<Option<Row>> {
    p::table
        .filter(p::credential_id.eq(credential_id))
        .select(Row::as_select())
        .first(conn)
        .optional()
}

pub(crate) fn find(
    conn: &mut DbConnection,
    account_id: &str,
    passkey_id: &str,
) -> QueryResult<Option<Row>> {
    p::table
        .find(passkey_id)
        .filter(p::account_id.eq(account_id))
        .select(Row::as_select())
        .first(conn)
        .optional()
}

pub(crate) fn insert(conn: &mut DbConnection, row: &Row, credential_id: &str) -> QueryResult<()> {
    diesel::insert_into(p::table)
        .values((
            p::id.eq(&row.id),
            p::account_id.eq(&row.account_id),
            p::name.eq(&row.name),
            p::credential_id.eq(credential_id),
            p::credential.eq(&row.credential),
            p::discoverable.eq(row.discoverable),
            p::created_at.eq(row.created_at),
            p::last_used_at.eq(row.last_used_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a use: the credential as the crate updated it (counter, backup
/// flags) and when.
pub(crate) fn record_use(
    conn: &mut DbConnection,
    passkey_id: &str,
    credential: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let target = p::table.find(passkey_id);
    match credential {
        Some(credential) => diesel::update(target)
            .set((p::credential.eq(credential), p::last_used_at.eq(now)))
            .execute(conn)?,
        None => diesel::update(target)
            .set(p::last_used_at.eq(now))
            .execute(conn)?,
    };
    Ok(())
}

pub(crate) fn rename(
    conn: &mut DbConnection,
    account_id: &str,
    passkey_id: &str,
    name: &str,
) -> QueryResult<usize> {
    diesel::update(
        p::table
            .find(passkey_id)
            .filter(p::account_id.eq(account_id)),
    )
    .set(p::name.eq(name))
    .execute(conn)
}

pub(crate) fn delete(
    conn: &mut DbConnection,
    account_id: &str,
    passkey_id: &str,
) -> QueryResult<usize> {
    diesel::delete(
        p::table
            .find(passkey_id)
            .filter(p::account_id.eq(account_id)),
    )
    .execute(conn)
}
