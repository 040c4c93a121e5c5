//! Sign-ups waiting for their emailed link. Until a link is followed there
//! is no account: someone who signs up with another person's address holds
//! nothing that person's own sign-up could later inherit (account
//! pre-hijacking). Each sign-up has its own link, password and profile.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::crypto::{browser_id, new_id, random_token, sha256_hex};
use crate::db::schema::pending_signups as p;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = p)]
pub(crate) struct PendingSignup {
    pub id: String,
    pub email: String,
    pub browser_hash: String,
    pub password_hash: String,
    pub given_name: String,
    pub family_name: String,
    pub birthdate: NaiveDate,
    pub marketing_opt_in: bool,
    pub locale: String,
    pub return_to: Option<String>,
    pub created_at: NaiveDateTime,
}

impl PendingSignup {
    /// Its validated details, as a new sign-up holds them.
    pub fn as_new(&self) -> NewPending<'_> {
        NewPending {
            email: &self.email,
            binding: "",
            password_hash: &self.password_hash,
            given_name: &self.given_name,
            family_name: &self.family_name,
            birthdate: self.birthdate,
            marketing_opt_in: self.marketing_opt_in,
            locale: &self.locale,
            return_to: self.return_to.as_deref(),
        }
    }

    /// Whether the link is being followed in the browser that signed up.
    pub fn made_by(&self, binding: &str) -> bool {
        crate::crypto::constant_time_eq(&self.browser_hash, &browser_id(binding))
    }
}

/// What a new sign-up stores (validated already).
pub(crate) struct NewPending<'a> {
    pub email: &'a str,
    pub binding: &'a str,
    pub password_hash: &'a str,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub birthdate: NaiveDate,
    pub marketing_opt_in: bool,
    pub locale: &'a str,
    pub return_to: Option<&'a str>,
}

/// Stores a sign-up; returns the raw token for its link.
pub(crate) fn create(
    conn: &mut DbConnection,
    new: &NewPending<'_>,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<String> {
    let token = random_token(32);
    diesel::insert_into(p::table)
        .values((
            p::id.eq(new_id()),
            p::token_hash.eq(sha256_hex(&token)),
            p::email.eq(new.email),
            p::browser_hash.eq(browser_id(new.binding)),
            p::password_hash.eq(new.password_hash),
            p::given_name.eq(new.given_name),
            p::family_name.eq(new.family_name),
            p::birthdate.eq(new.birthdate),
            p::marketing_opt_in.eq(new.marketing_opt_in),
            p::locale.eq(new.locale),
            p::return_to.eq(new.return_to),
            p::created_at.eq(now),
            p::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The open sign-up a link's token belongs to.
pub(crate) fn by_token(
    conn: &mut DbConnection,
    raw: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<PendingSignup>> {
    if raw.is_empty() || raw.len() > 128 {
        return Ok(None);
    }
    p::table
        .filter(p::token_hash.eq(sha256_hex(raw)))
        .filter(p::expires_at.gt(now))
        .select(PendingSignup::as_select())
        .first(conn)
        .optional()
}

/// The newest sign-up for an address, its link expired or not (resends,
/// and telling someone who signs in before verifying what to do).
pub(crate) fn newest_for(
    conn: &mut DbConnection,
    email: &str,
) -> QueryResult<Option<PendingSignup>> {
    p::table
        .filter(p::email.eq(email))
        .order(p::created_at.desc())
        .select(PendingSignup::as_select())
        .first(conn)
        .optional()
}

/// The newest sign-up for an address made in this browser.
pub(crate) fn newest_made_by(
    conn: &mut DbConnection,
    email: &str,
    binding: &str,
) -> QueryResult<Option<PendingSignup>> {
    p::table
        .filter(p::email.eq(email))
        .filter(p::browser_hash.eq(browser_id(binding)))
        .order(p::created_at.desc())
        .select(PendingSignup::as_select())
        .first(conn)
        .optional()
}

/// Uses a sign-up; false when a concurrent request used it first.
pub(crate) fn take(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    Ok(diesel::delete(p::table.find(id)).execute(conn)? == 1)
}

/// Voids every open sign-up for an address (it belongs to an account now).
pub(crate) fn void_for(conn: &mut DbConnection, email: &str) -> QueryResult<usize> {
    diesel::delete(p::table.filter(p::email.eq(email))).execute(conn)
}

/// A new link for a sign-up, valid until `expires_at`; the old one stops working.
pub(crate) fn renew_token(
    conn: &mut DbConnection,
    id: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<String> {
    let token = random_token(32);
    diesel::update(p::table.find(id))
        .set((
            p::token_hash.eq(sha256_hex(&token)),
            p::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Deletes sign-ups whose link expired over a day ago (housekeeping); until
/// then a resend can still revive them.
pub(crate) fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(p::table.filter(p::expires_at.lt(now - chrono::Duration::days(1)))).execute(conn)
}
