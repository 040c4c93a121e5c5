//! Counting failed sign-ins per account and per client address, in the
//! database so that every node sees the same counts.
//!
//! A check that can fail (a password, a reset code, a client secret) is
//! counted *before* it runs ([`admit`]) and settled afterwards ([`failed`],
//! [`refund`], [`succeeded`]): counting only after the check let parallel
//! requests all pass the lock test while none had failed yet.

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::case_when;
use diesel::prelude::*;

use crate::config::ThrottleSettings;
use crate::crypto::sha256_hex;
use crate::db::schema::login_throttle as t;
use crate::db::{Db, DbConnection, StoreError};

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
    /// Wrong password-reset codes from one client address, whatever
    /// account (or address without one) they were typed for.
    ResetCode(&'a str),
    /// Wrong second-factor codes (authenticator app, recovery code) for an
    /// account id: the password was right, so this one is the account's own.
    SecondFactor(&'a str),
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
            ThrottleKey::ResetCode(ip) => format!("code:{ip}"),
            ThrottleKey::SecondFactor(account_id) => format!("2fa:{account_id}"),
        }
    }

    fn limit(&self, settings: &ThrottleSettings) -> i32 {
        match self {
            ThrottleKey::Account(_) => settings.max_failures_per_account,
            ThrottleKey::Address(_) => settings.max_failures_per_address,
            ThrottleKey::Notice(_) => MAX_NOTICES,
            ThrottleKey::Client(..) => MAX_CLIENT_FAILURES,
            ThrottleKey::ResetCode(_) => settings.max_reset_code_failures_per_address,
            ThrottleKey::SecondFactor(_) => settings.max_failures_per_account,
        }
    }
}

/// Counts one attempt against every key before it is checked, atomically, so
/// that parallel attempts cannot all be checked: `Ok(None)` lets it be
/// checked (settle it afterwards with [`failed`], [`refund`] or [`succeeded`]);
/// `Ok(Some(seconds))` refuses it while a key is locked or has as many
/// attempts in its window as it may, and then counts nothing. So a key is
/// checked at most its limit times per window, however many ask at once.
pub fn admit(
    db: &Db,
    keys: &[ThrottleKey<'_>],
    settings: &ThrottleSettings,
    now: NaiveDateTime,
) -> Result<Option<i64>, StoreError> {
    let keys = in_lock_order(keys, settings);
    let names: Vec<&str> = keys.iter().map(|(name, _)| name.as_str()).collect();
    let window = Duration::minutes(settings.window_minutes);
    let window_start = now - window;
    let attempt = |conn: &mut DbConnection| -> Result<Option<i64>, StoreError> {
        for name in &names {
            // A window that is over starts again with this attempt (a lock
            // on the key stays). Both expressions read the row as it was.
            // On PostgreSQL this takes the row lock: concurrent attempts on
            // the key queue here and each sees the others' counts.
            let over = || t::window_start.le(window_start);
            let bumped = diesel::update(t::table.filter(t::throttle_key.eq(name)))
                .set((
                    t::failures.eq(case_when::<_, _, diesel::sql_types::Integer>(over(), 1)
                        .otherwise(t::failures + 1)),
                    t::window_start.eq(case_when::<_, _, diesel::sql_types::Timestamp>(
                        over(),
                        now,
                    )
                    .otherwise(t::window_start)),
                ))
                .execute(conn)?;
            if bumped == 0 {
                diesel::insert_into(t::table)
                    .values((
                        t::throttle_key.eq(name),
                        t::failures.eq(1),
                        t::window_start.eq(now),
                        t::locked_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
            }
        }
        // Read in the same transaction, after the updates: the counts include
        // this attempt and every attempt admitted before it.
        let rows: Vec<(String, i32, NaiveDateTime, Option<NaiveDateTime>)> = t::table
            .filter(t::throttle_key.eq_any(&names))
            .select((
                t::throttle_key,
                t::failures,
                t::window_start,
                t::locked_until,
            ))
            .load(conn)?;
        let mut refused_until: Option<NaiveDateTime> = None;
        for (name, failures, started, locked_until) in &rows {
            let limit = keys
                .iter()
                .find(|(n, _)| n == name)
                .map_or(i32::MAX, |(_, l)| *l);
            let until = match locked_until {
                Some(until) if *until > now => *until,
                // Full without a lock: attempts still being checked (they
                // lock the key if they fail, not if they succeed), or a lock
                // that ended inside the window. Only a failure locks.
                _ if *failures > limit => *started + window,
                _ => continue,
            };
            refused_until = refused_until.max(Some(until));
        }
        let Some(until) = refused_until else {
            return Ok(None);
        };
        // Attempts that are refused are not counted.
        for name in &names {
            diesel::update(t::table.filter(t::throttle_key.eq(name)))
                .set(t::failures.eq(t::failures - 1))
                .execute(conn)?;
        }
        Ok(Some((until - now).num_seconds().max(1)))
    };
    retry_on_insert_race(db, attempt)
}

/// Settles an admitted attempt that failed: every key that has reached its
/// limit is locked (the attempt was counted by [`admit`] already).
pub fn failed(
    db: &Db,
    keys: &[ThrottleKey<'_>],
    settings: &ThrottleSettings,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let lock_until = now + Duration::minutes(settings.lockout_minutes);
    let keys = in_lock_order(keys, settings);
    db.write(|conn| {
        for (name, limit) in &keys {
            diesel::update(
                t::table
                    .filter(t::throttle_key.eq(name))
                    .filter(t::failures.ge(limit))
                    .filter(t::locked_until.is_null().or(t::locked_until.le(now))),
            )
            .set(t::locked_until.eq(Some(lock_until)))
            .execute(conn)?;
        }
        Ok(())
    })
}

/// Settles an admitted attempt that must not count: it succeeded (from this
/// client address), or it could not be checked at all.
pub fn refund(db: &Db, keys: &[ThrottleKey<'_>]) -> Result<(), StoreError> {
    let mut names: Vec<String> = keys.iter().map(ThrottleKey::key).collect();
    names.sort();
    db.write(|conn| {
        for name in &names {
            diesel::update(
                t::table
                    .filter(t::throttle_key.eq(name))
                    .filter(t::failures.gt(0)),
            )
            .set(t::failures.eq(t::failures - 1))
            .execute(conn)?;
        }
        Ok(())
    })
}

/// Counter names and limits, sorted: transactions that update several
/// counters take their row locks one row at a time in this order, so two of
/// them never wait for each other in a circle (a deadlock on PostgreSQL).
fn in_lock_order(keys: &[ThrottleKey<'_>], settings: &ThrottleSettings) -> Vec<(String, i32)> {
    let mut keys: Vec<(String, i32)> = keys.iter().map(|k| (k.key(), k.limit(settings))).collect();
    keys.sort();
    keys
}

/// Runs a write that may insert a counter; two nodes may both find no row
/// and insert it, and the loser runs again (and then finds the row).
fn retry_on_insert_race<T>(
    db: &Db,
    write: impl Fn(&mut DbConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut tries = 0;
    loop {
        match db.write(&write) {
            Err(e) if e.is_unique_violation() && tries < 3 => tries += 1,
            other => return other,
        }
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

/// Settles an admitted attempt that succeeded, in one transaction: an
/// account's failures are forgotten, and every other key gets the attempt
/// back (a correct password does not count against the client address).
pub fn succeeded(db: &Db, keys: &[ThrottleKey<'_>]) -> Result<(), StoreError> {
    let mut keys: Vec<(String, bool)> = keys
        .iter()
        .map(|k| {
            let forget = matches!(k, ThrottleKey::Account(_) | ThrottleKey::SecondFactor(_));
            (k.key(), forget)
        })
        .collect();
    keys.sort();
    db.write(|conn| {
        for (name, forget) in &keys {
            let key = t::table.filter(t::throttle_key.eq(name));
            if *forget {
                diesel::delete(key).execute(conn)?;
            } else {
                diesel::update(key.filter(t::failures.gt(0)))
                    .set(t::failures.eq(t::failures - 1))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}
