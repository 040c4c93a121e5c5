//! Authorization codes: single use, short-lived, bound to the client, the
//! redirect URI, the PKCE challenge and the nonce. Only their hash is stored.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::AuthorizationRequest;
use crate::crypto::{random_token, sha256_hex};
use crate::db::schema::authorization_codes as a;
use crate::db::DbConnection;
use crate::sessions::Session;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = a)]
pub struct CodeRow {
    pub code_hash: String,
    pub client_id: String,
    pub account_id: String,
    pub session_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub issued_jti: Option<String>,
    pub issued_family: Option<String>,
    pub amr: String,
}

/// Stores a code for a signed-in person and returns the code to send.
pub(crate) fn insert(
    conn: &mut DbConnection,
    request: &AuthorizationRequest,
    session: &Session,
    lifetime: Duration,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let code = random_token(32);
    diesel::insert_into(a::table)
        .values((
            a::code_hash.eq(sha256_hex(&code)),
            a::client_id.eq(&request.client.client_id),
            a::account_id.eq(&session.account_id),
            a::session_id.eq(&session.id),
            a::redirect_uri.eq(&request.redirect_uri),
            a::scope.eq(request.scopes.to_string()),
            a::nonce.eq(&request.nonce),
            a::code_challenge.eq(&request.code_challenge),
            a::auth_time.eq(session.auth_time),
            a::amr.eq(&session.amr),
            a::created_at.eq(now),
            a::expires_at.eq(now + lifetime),
        ))
        .execute(conn)?;
    super::record_participant(
        conn,
        &session.id,
        &request.client.client_id,
        &session.account_id,
    )?;
    Ok(code)
}

pub(crate) fn find(conn: &mut DbConnection, code: &str) -> QueryResult<Option<CodeRow>> {
    if code.is_empty() || code.len() > 128 {
        return Ok(None);
    }
    a::table
        .find(sha256_hex(code))
        .select(CodeRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the code used, with what redeeming it issues (to revoke that if
/// the code comes back); false when a concurrent request used it first.
pub(crate) fn redeem(
    conn: &mut DbConnection,
    code_hash: &str,
    now: NaiveDateTime,
    jti: &str,
    family: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::update(a::table.find(code_hash).filter(a::used_at.is_null()))
        .set((
            a::used_at.eq(Some(now)),
            a::issued_jti.eq(Some(jti)),
            a::issued_family.eq(family),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Deletes codes that expired over a day ago (housekeeping).
pub(crate) fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(a::table.filter(a::expires_at.lt(now - Duration::days(1)))).execute(conn)
}
