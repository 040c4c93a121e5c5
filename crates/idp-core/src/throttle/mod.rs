//! Counting failed sign-ins per account and per client address, in the
//! database so that every node sees the same counts.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::config::ThrottleSettings;
use crate::crypto::sha256_hex;
use crate::db::schema::login_throttle as t;
use crate::db::{Db, StoreError};

/// What a counter is about. Account keys hash the typed address, so unknown
/// addresses are throttled exactly like known ones (no enumeration).
pub enum ThrottleKey<'a> {
    Account(&'a str),
    Address(&'a str),
    /// Unsolicited notices to an address ("someone tried to sign up with it"),
    /// capped so nobody can flood a mailbox through the sign-up form.
    Notice(&'a str),
    /// Failed client authentication, per client and caller address, so a
    /// stranger cannot lock a real client out.
    Client(&'a str, &'a str),
}

/// Failed client authentications allowed per window from one address.
const MAX_CLIENT_FAILURES: i32 = 20;

/// Notices one address may receive per window.
const MAX_NOTICES: i32 = 3;

impl ThrottleKey<'_> {
    fn key(&self) -> String {
        match self {
            ThrottleKey::Account(email) => format!("acct:{}", sha256_hex(email)),
            ThrottleKey::Address(ip) => format!("ip:{ip}"),
            ThrottleKey::Notice(email) => format!("notice:{}", sha256_hex(email)),
            ThrottleKey::Client(client_id, ip) => format!("client:{}:{ip}", sha256_hex(client_id)),
        }
    }

    fn limit(&self, settings: &ThrottleSettings) -> i32 {
        match self {
            ThrottleKey::Account(_) => settings.max_failures_per_account,
            ThrottleKey::Address(_) => settings.max_failures_per_address,
            ThrottleKey::Notice(_) => MAX_NOTICES,
            ThrottleKey::Client(..) => MAX_CLIENT_FAILURES,
        }
    }
}

/// Seconds until the longest lock among `keys` ends, if any is locked.
pub fn locked_for(
    db: &Db,
    keys: &[ThrottleKey<'_>],
    now: NaiveDateTime,
) -> Result<Option<i64>, StoreError> {
    let names: Vec<String> = keys.iter().map(ThrottleKey::key).collect();
    let until: Option<NaiveDateTime> = db.read(|conn| {
        t::table
            .filter(t::throttle_key.eq_any(&names))
            .filter(t::locked_until.gt(now))
            .select(diesel::dsl::max(t::locked_until))
            .first::<Option<NaiveDateTime>>(conn)
            .map_err(StoreError::from)
    })?;
    Ok(until.map(|u| (u - now).num_seconds().max(1)))
}

/// Counts one failure against `key`, locking it once the limit is reached.
pub fn record_failure(
    db: &Db,
    key: &ThrottleKey<'_>,
    settings: &ThrottleSettings,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let name = key.key();
    let limit = key.limit(settings);
    let window_start = now - Duration::minutes(settings.window_minutes);
    let lock_until = now + Duration::minutes(settings.lockout_minutes);
    let attempt = |conn: &mut crate::db::DbConnection| -> Result<(), StoreError> {
        let bumped = diesel::update(
            t::table
                .filter(t::throttle_key.eq(&name))
                .filter(t::window_start.gt(window_start)),
        )
        .set(t::failures.eq(t::failures + 1))
        .execute(conn)?;
        if bumped == 0 {
            diesel::delete(t::table.filter(t::throttle_key.eq(&name))).execute(conn)?;
            diesel::insert_into(t::table)
                .values((
                    t::throttle_key.eq(&name),
                    t::failures.eq(1),
                    t::window_start.eq(now),
                    t::locked_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
        }
        diesel::update(
            t::table
                .filter(t::throttle_key.eq(&name))
                .filter(t::failures.ge(limit))
                .filter(t::locked_until.is_null().or(t::locked_until.le(now))),
        )
        .set(t::locked_until.eq(Some(lock_until)))
        .execute(conn)?;
        Ok(())
    };
    // Two nodes may both find no row and insert; the loser counts again.
    match db.write(attempt) {
        Err(e) if e.is_unique_violation() => db.write(attempt),
        other => other,
    }
}

/// Deletes counters whose window and lock are both over (housekeeping).
pub fn purge_expired(
    db: &Db,
    settings: &ThrottleSettings,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    let window_start = now - Duration::minutes(settings.window_minutes);
    db.write(|conn| {
        diesel::delete(
            t::table
                .filter(t::window_start.le(window_start))
                .filter(t::locked_until.is_null().or(t::locked_until.le(now))),
        )
        .execute(conn)
        .map_err(StoreError::from)
    })
}

/// Forgets the failures of `key` (after a successful sign-in).
pub fn clear(db: &Db, key: &ThrottleKey<'_>) -> Result<(), StoreError> {
    let name = key.key();
    db.write(|conn| {
        diesel::delete(t::table.filter(t::throttle_key.eq(&name)))
            .execute(conn)
            .map(|_| ())
            .map_err(StoreError::from)
    })
}
