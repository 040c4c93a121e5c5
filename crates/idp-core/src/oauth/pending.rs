//! Authorization requests waiting for the person: for a forced sign-in
//! (`prompt=login`, `max_age`) or on the consent page. The browser carries
//! only a random reference; what the app asked for, which browser asked and
//! since when stay here, so no form field or parameter can change them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::AuthorizeParams;
use crate::crypto::{browser_id, random_token, sha256_hex};
use crate::db::schema::authorization_requests as r;
use crate::db::{DbConnection, StoreError};

/// How long a person may take to sign in or decide.
const LIFETIME_MINUTES: i64 = 60;
/// Open requests kept per browser; older ones give way (a browser that
/// opens hundreds of sign-in pages cannot fill the table).
const MAX_PER_BROWSER: usize = 16;

pub(crate) struct PendingRequest {
    pub params: AuthorizeParams,
    /// When the app's request arrived: a forced sign-in must be newer.
    pub created_at: NaiveDateTime,
    /// Whom the consent page was shown to.
    pub account_id: Option<String>,
}

/// Stores a request for the browser bound to `binding`; returns the reference.
pub(crate) fn create(
    conn: &mut DbConnection,
    binding: &str,
    params: &AuthorizeParams,
    account_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let browser = browser_id(binding);
    let older: Vec<String> = r::table
        .filter(r::browser_hash.eq(&browser))
        .order(r::created_at.desc())
        .select(r::id_hash)
        .offset((MAX_PER_BROWSER - 1) as i64)
        .limit(1000)
        .load(conn)?;
    if !older.is_empty() {
        diesel::delete(r::table.filter(r::id_hash.eq_any(&older))).execute(conn)?;
    }
    let raw = random_token(32);
    let params = serde_json::to_string(params).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    diesel::insert_into(r::table)
        .values((
            r::id_hash.eq(sha256_hex(&raw)),
            r::browser_hash.eq(browser),
            r::params.eq(params),
            r::created_at.eq(now),
            r::expires_at.eq(now + Duration::minutes(LIFETIME_MINUTES)),
            r::account_id.eq(account_id),
        ))
        .execute(conn)?;
    Ok(raw)
}

/// The open request `raw` names, if this browser made it.
pub(crate) fn find(
    conn: &mut DbConnection,
    raw: &str,
    binding: &str,
    now: NaiveDateTime,
) -> Result<Option<PendingRequest>, StoreError> {
    if raw.is_empty() || raw.len() > 128 {
        return Ok(None);
    }
    let row: Option<(String, NaiveDateTime, Option<String>)> = r::table
        .find(sha256_hex(raw))
        .filter(r::browser_hash.eq(browser_id(binding)))
        .filter(r::expires_at.gt(now))
        .select((r::params, r::created_at, r::account_id))
        .first(conn)
        .optional()?;
    row.map(|(params, created_at, account_id)| {
        Ok(PendingRequest {
            params: serde_json::from_str(&params)
                .map_err(|e| StoreError::Corrupt(format!("authorization request: {e}")))?,
            created_at,
            account_id,
        })
    })
    .transpose()
}

/// Notes whom the consent page for `raw` is shown to.
pub(crate) fn show_consent_to(
    conn: &mut DbConnection,
    raw: &str,
    account_id: &str,
) -> QueryResult<usize> {
    diesel::update(r::table.find(sha256_hex(raw)))
        .set(r::account_id.eq(Some(account_id)))
        .execute(conn)
}

/// Ends the request; false when it was gone already (used by a concurrent
/// request, so only one of them goes on).
pub(crate) fn take(conn: &mut DbConnection, raw: &str) -> QueryResult<bool> {
    Ok(diesel::delete(r::table.find(sha256_hex(raw))).execute(conn)? == 1)
}

/// Deletes requests nobody finished (housekeeping).
pub(crate) fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(r::table.filter(r::expires_at.le(now))).execute(conn)
}
