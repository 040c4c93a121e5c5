//! Registrations and sign-ins with a passkey in progress. The browser holds
//! a random token; the database holds its SHA-256 and the crate's state
//! (the challenge). A ceremony is taken (deleted) by the first attempt to
//! finish it, and lasts five minutes.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::PasskeyError;
use crate::crypto::{random_token, sha256_hex};
use crate::db::schema::webauthn_ceremonies as c;
use crate::db::{DbConnection, StoreError};

/// How long a person has to answer their authenticator.
pub const LIFETIME_SECS: i64 = 300;
/// Longest token accepted (ours are 43 characters).
const MAX_TOKEN: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Adding a passkey to a signed-in account.
    Register,
    /// A named account proves it holds one of its passkeys (second factor).
    Authenticate,
    /// Sign-in without a name: the passkey says whose it is.
    Discover,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Register => "register",
            Kind::Authenticate => "authenticate",
            Kind::Discover => "discover",
        }
    }

    fn parse(stored: &str) -> Option<Self> {
        match stored {
            "register" => Some(Kind::Register),
            "authenticate" => Some(Kind::Authenticate),
            "discover" => Some(Kind::Discover),
            _ => None,
        }
    }
}

/// A ceremony taken out of storage, ready to be finished.
pub(crate) struct Taken {
    pub kind: Kind,
    pub account_id: Option<String>,
    /// The crate's serialised state.
    pub state: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = c)]
struct Row {
    account_id: Option<String>,
    kind: String,
    state: String,
    expires_at: NaiveDateTime,
}

/// Stores a new ceremony; returns the raw token for the browser (never stored).
pub(crate) fn open(
    conn: &mut DbConnection,
    kind: Kind,
    account_id: Option<&str>,
    state: &impl serde::Serialize,
    now: NaiveDateTime,
) -> Result<String, PasskeyError> {
    let state =
        serde_json::to_string(state).map_err(|e| StoreError::Corrupt(format!("passkey: {e}")))?;
    let token = random_token(32);
    diesel::insert_into(c::table)
        .values((
            c::id.eq(sha256_hex(&token)),
            c::account_id.eq(account_id),
            c::kind.eq(kind.as_str()),
            c::state.eq(state),
            c::created_at.eq(now),
            c::expires_at.eq(now + Duration::seconds(LIFETIME_SECS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Takes the open ceremony behind `token` when `wanted` accepts its kind and
/// account; one that is unknown, expired, already taken or not wanted is
/// `UnknownCeremony` (and one not wanted is left for its owner).
pub(crate) fn take(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
    wanted: impl Fn(Kind, Option<&str>) -> bool,
) -> Result<Taken, PasskeyError> {
    if token.is_empty() || token.len() > MAX_TOKEN {
        return Err(PasskeyError::UnknownCeremony);
    }
    let id = sha256_hex(token);
    let row: Option<Row> = c::table
        .find(&id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        return Err(PasskeyError::UnknownCeremony);
    };
    let kind = Kind::parse(&row.kind).ok_or(PasskeyError::UnknownCeremony)?;
    if row.expires_at <= now || !wanted(kind, row.account_id.as_deref()) {
        return Err(PasskeyError::UnknownCeremony);
    }
    // Whoever deletes the row finishes the ceremony; a concurrent attempt
    // deletes nothing.
    if diesel::delete(c::table.find(&id)).execute(conn)? != 1 {
        return Err(PasskeyError::UnknownCeremony);
    }
    Ok(Taken {
        kind,
        account_id: row.account_id,
        state: row.state,
    })
}

/// Deletes ceremonies nobody finished (housekeeping).
pub(crate) fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(c::table.filter(c::expires_at.le(now))).execute(conn)
}
