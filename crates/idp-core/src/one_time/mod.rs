//! Single-use secrets sent by email: verification and change-of-address
//! links, password-reset codes, and the short grant that follows a good code.
//! Only their SHA-256 is stored; using one marks it used atomically.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::crypto::{new_id, random_digits, random_token, sha256_hex};
use crate::db::schema::one_time_tokens as t;
use crate::db::DbConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ChangeEmail,
    ResetCode,
    ResetGrant,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ChangeEmail => "change_email",
            Purpose::ResetCode => "reset_code",
            Purpose::ResetGrant => "reset_grant",
        }
    }
}

/// Digits in a password-reset code.
pub const RESET_CODE_LENGTH: usize = 8;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = t)]
pub struct OneTimeToken {
    pub id: String,
    pub account_id: String,
    pub new_email: Option<String>,
    pub attempts: i32,
    pub expires_at: NaiveDateTime,
}

/// Codes are short, so their hash is salted with the account to keep hashes
/// unique; links and grants are random enough on their own.
fn stored_hash(purpose: Purpose, account_id: &str, raw: &str) -> String {
    match purpose {
        Purpose::ResetCode => sha256_hex(&format!("{account_id}:{raw}")),
        _ => sha256_hex(raw),
    }
}

/// Creates a token and returns the raw secret to send (never stored).
pub fn issue(
    conn: &mut DbConnection,
    account_id: &str,
    purpose: Purpose,
    lifetime: Duration,
    new_email: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let raw = match purpose {
        Purpose::ResetCode => random_digits(RESET_CODE_LENGTH),
        _ => random_token(32),
    };
    diesel::insert_into(t::table)
        .values((
            t::id.eq(new_id()),
            t::token_hash.eq(stored_hash(purpose, account_id, &raw)),
            t::purpose.eq(purpose.as_str()),
            t::account_id.eq(account_id),
            t::new_email.eq(new_email),
            t::attempts.eq(0),
            t::created_at.eq(now),
            t::expires_at.eq(now + lifetime),
        ))
        .execute(conn)?;
    Ok(raw)
}

/// How many tokens of `purpose` the account was sent since `since` (to cap resends).
pub fn count_since(
    conn: &mut DbConnection,
    account_id: &str,
    purpose: Purpose,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    t::table
        .filter(t::account_id.eq(account_id))
        .filter(t::purpose.eq(purpose.as_str()))
        .filter(t::created_at.gt(since))
        .count()
        .get_result(conn)
}

/// Marks every open token of `purpose` for the account used (a newer one replaces them).
pub fn revoke_all(
    conn: &mut DbConnection,
    account_id: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        t::table
            .filter(t::account_id.eq(account_id))
            .filter(t::purpose.eq(purpose.as_str()))
            .filter(t::used_at.is_null()),
    )
    .set(t::used_at.eq(now))
    .execute(conn)
}

/// Marks every open token of the account used, whatever its purpose.
pub fn revoke_every_purpose(
    conn: &mut DbConnection,
    account_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        t::table
            .filter(t::account_id.eq(account_id))
            .filter(t::used_at.is_null()),
    )
    .set(t::used_at.eq(now))
    .execute(conn)
}

/// Voids every account's open request to move to `email` (it belongs to
/// someone now).
pub fn revoke_changes_to(
    conn: &mut DbConnection,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        t::table
            .filter(t::purpose.eq(Purpose::ChangeEmail.as_str()))
            .filter(t::new_email.eq(email))
            .filter(t::used_at.is_null()),
    )
    .set(t::used_at.eq(now))
    .execute(conn)
}

/// An open (unused, unexpired) link or grant token, without using it.
pub fn peek(
    conn: &mut DbConnection,
    raw: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> QueryResult<Option<OneTimeToken>> {
    if raw.is_empty() || raw.len() > 128 {
        return Ok(None);
    }
    t::table
        .filter(t::token_hash.eq(sha256_hex(raw)))
        .filter(t::purpose.eq(purpose.as_str()))
        .filter(t::used_at.is_null())
        .filter(t::expires_at.gt(now))
        .select(OneTimeToken::as_select())
        .first(conn)
        .optional()
}

/// Uses a link or grant token: `None` when unknown, of another purpose,
/// expired, or already used (also when a concurrent request used it first).
pub fn consume(
    conn: &mut DbConnection,
    raw: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> QueryResult<Option<OneTimeToken>> {
    let Some(token) = peek(conn, raw, purpose, now)? else {
        return Ok(None);
    };
    mark_used(conn, &token.id, now).map(|won| won.then_some(token))
}

/// The outcome of typing a reset code.
pub enum CodeCheck {
    Valid(OneTimeToken),
    Wrong,
    /// No open code, or too many wrong tries on it.
    NoneOpen,
}

/// Checks a reset code for an account; a code may be tried `max_attempts`
/// times, so it is dead after that many wrong tries.
pub fn check_code(
    conn: &mut DbConnection,
    account_id: &str,
    code: &str,
    max_attempts: i32,
    now: NaiveDateTime,
) -> QueryResult<CodeCheck> {
    let open: Option<(OneTimeToken, String)> = t::table
        .filter(t::account_id.eq(account_id))
        .filter(t::purpose.eq(Purpose::ResetCode.as_str()))
        .filter(t::used_at.is_null())
        .filter(t::expires_at.gt(now))
        .filter(t::attempts.lt(max_attempts))
        .order(t::created_at.desc())
        .select((OneTimeToken::as_select(), t::token_hash))
        .first(conn)
        .optional()?;
    let Some((token, hash)) = open else {
        return Ok(CodeCheck::NoneOpen);
    };
    // The try is taken before the comparison, conditionally: parallel guesses
    // (PostgreSQL does not serialise them) cannot all find tries left.
    let reserved = diesel::update(
        t::table
            .find(&token.id)
            .filter(t::attempts.lt(max_attempts))
            .filter(t::used_at.is_null()),
    )
    .set(t::attempts.eq(t::attempts + 1))
    .execute(conn)?;
    if reserved == 0 {
        return Ok(CodeCheck::NoneOpen);
    }
    let candidate = stored_hash(Purpose::ResetCode, account_id, code.trim());
    if crate::crypto::constant_time_eq(&candidate, &hash) {
        return Ok(if mark_used(conn, &token.id, now)? {
            CodeCheck::Valid(token)
        } else {
            CodeCheck::NoneOpen
        });
    }
    Ok(CodeCheck::Wrong)
}

fn mark_used(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(t::table.find(id).filter(t::used_at.is_null()))
        .set(t::used_at.eq(now))
        .execute(conn)?;
    Ok(n == 1)
}

/// Deletes tokens that expired more than a day ago (housekeeping).
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(t::table.filter(t::expires_at.lt(now - Duration::days(1)))).execute(conn)
}
