//! Server-side sign-in sessions. The browser holds a random token; the
//! database holds its SHA-256, so a leaked table cannot be replayed.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::accounts::{Account, AccountError};
use crate::audit::{self, Event, EventType};
use crate::crypto::{new_id, random_token, sha256_hex};
use crate::db::schema::{accounts, sessions};
use crate::db::DbConnection;
use crate::oauth::{take_participants, LogoutNotice};
use crate::second_factor;
use crate::{now, Idp};

/// Longest user agent kept with a session (for the "active sessions" list).
const MAX_USER_AGENT: usize = 256;
/// `last_seen_at` is refreshed at most this often, to spare a write per request.
const TOUCH_INTERVAL_SECS: i64 = 60;
/// A session that waits for its second factor lives this long at most.
pub(crate) const AWAITING_MINUTES: i64 = 10;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: String,
    pub account_id: String,
    pub auth_time: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub user_agent: String,
    pub ip_address: String,
    /// How the person proved who they are (RFC 8176 values, space-separated).
    pub amr: String,
    /// Signed in with a first factor only, where a second is owed: this
    /// session signs nobody in until the second-factor page finishes it.
    pub awaiting_second_factor: bool,
}

/// Where a request came from, recorded on the session it opens.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip_address: String,
    pub user_agent: String,
}

/// A session just opened; `token` goes into the cookie and nowhere else.
pub struct NewSession {
    pub token: String,
    pub session: Session,
}

/// Opens a session for `account`. Every way of signing in ends here, so this
/// is where a disabled account is refused and the sign-in is recorded;
/// `method` says how (`password`, `upstream`, `invitation`).
pub(crate) fn create(
    conn: &mut DbConnection,
    idp: &Idp,
    account: &Account,
    client: &ClientInfo,
    method: &'static str,
) -> Result<NewSession, AccountError> {
    if account.is_disabled() {
        return Err(AccountError::Disabled);
    }
    let account_id = account.id.as_str();
    let now = now();
    let token = random_token(32);
    let user_agent: String = client.user_agent.chars().take(MAX_USER_AGENT).collect();
    let amr = second_factor::method_amr(method);
    let awaiting = !second_factor::is_multi_factor(amr)
        && second_factor::due_at_sign_in(conn, &idp.settings.second_factor, account)?;
    let lifetime = match awaiting {
        true => Duration::minutes(AWAITING_MINUTES),
        false => Duration::hours(idp.settings.sessions.absolute_timeout_hours),
    };
    let session = Session {
        id: new_id(),
        account_id: account_id.to_owned(),
        auth_time: now,
        created_at: now,
        last_seen_at: now,
        expires_at: now + lifetime,
        user_agent,
        ip_address: client.ip_address.clone(),
        amr: amr.to_owned(),
        awaiting_second_factor: awaiting,
    };
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session.id),
            sessions::token_hash.eq(sha256_hex(&token)),
            sessions::account_id.eq(&session.account_id),
            sessions::auth_time.eq(session.auth_time),
            sessions::created_at.eq(session.created_at),
            sessions::last_seen_at.eq(session.last_seen_at),
            sessions::expires_at.eq(session.expires_at),
            sessions::user_agent.eq(&session.user_agent),
            sessions::ip_address.eq(&session.ip_address),
            sessions::amr.eq(&session.amr),
            sessions::awaiting_second_factor.eq(awaiting),
        ))
        .execute(conn)?;
    let event = Event::new(EventType::SignInSucceeded)
        .subject(account_id)
        .detail("method", method)
        .detail("session", session.id.as_str())
        .detail("awaiting_second_factor", awaiting);
    audit::record(conn, &event)?;
    Ok(NewSession { token, session })
}

/// Ends the session a cookie token belongs to, if any.
pub(crate) fn end_by_token(conn: &mut DbConnection, token: &str) -> QueryResult<Vec<LogoutNotice>> {
    let ids: Vec<String> = sessions::table
        .filter(sessions::token_hash.eq(sha256_hex(token)))
        .select(sessions::id)
        .load(conn)?;
    end_ids(conn, &ids)
}

/// Ends every session of an account but `keep` (when given); returns the
/// apps to tell (back-channel logout).
pub(crate) fn end_all(
    conn: &mut DbConnection,
    account_id: &str,
    keep: Option<&str>,
) -> QueryResult<Vec<LogoutNotice>> {
    let ids: Vec<String> = sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::id.ne(keep.unwrap_or("")))
        .select(sessions::id)
        .load(conn)?;
    end_ids(conn, &ids)
}

fn end_ids(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<LogoutNotice>> {
    let notices = take_participants(conn, ids)?;
    diesel::delete(sessions::table.filter(sessions::id.eq_any(ids))).execute(conn)?;
    Ok(notices)
}

impl Idp {
    /// The live session and account behind a cookie token, if any. A
    /// session still awaiting its second factor is not one.
    pub fn session_by_token(
        &self,
        token: &str,
    ) -> Result<Option<(Session, Account)>, AccountError> {
        Ok(self
            .any_session_by_token(token)?
            .filter(|(s, _)| !s.awaiting_second_factor))
    }

    /// The session behind a token, complete or still awaiting its second
    /// factor: for the second-factor page alone.
    pub(crate) fn any_session_by_token(
        &self,
        token: &str,
    ) -> Result<Option<(Session, Account)>, AccountError> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        let now = now();
        let idle = Duration::minutes(self.settings.sessions.idle_timeout_minutes);
        let found: Option<(Session, Account)> = self.db.read(|conn| {
            sessions::table
                .inner_join(accounts::table)
                .filter(sessions::token_hash.eq(sha256_hex(token)))
                .filter(accounts::disabled_at.is_null())
                .filter(sessions::expires_at.gt(now))
                .filter(sessions::last_seen_at.gt(now - idle))
                .select((Session::as_select(), Account::as_select()))
                .first(conn)
                .optional()
                .map_err(AccountError::from)
        })?;
        if let Some((session, _)) = &found {
            if (now - session.last_seen_at).num_seconds() >= TOUCH_INTERVAL_SECS {
                self.db.write(|conn| {
                    diesel::update(sessions::table.find(&session.id))
                        .set(sessions::last_seen_at.eq(now))
                        .execute(conn)
                        .map_err(AccountError::from)
                })?;
            }
        }
        Ok(found)
    }

    /// The account's live sessions, newest first.
    pub fn list_sessions(&self, account_id: &str) -> Result<Vec<Session>, AccountError> {
        let now = now();
        let idle = Duration::minutes(self.settings.sessions.idle_timeout_minutes);
        self.db.read(|conn| {
            sessions::table
                .filter(sessions::account_id.eq(account_id))
                .filter(sessions::awaiting_second_factor.eq(false))
                .filter(sessions::expires_at.gt(now))
                .filter(sessions::last_seen_at.gt(now - idle))
                .order(sessions::created_at.desc())
                .select(Session::as_select())
                .load(conn)
                .map_err(AccountError::from)
        })
    }

    /// Ends one session of the account; `NotFound` when it is not theirs.
    pub fn end_session(&self, account_id: &str, session_id: &str) -> Result<(), AccountError> {
        let notices = self.db.write(|conn| {
            let ids: Vec<String> = sessions::table
                .filter(sessions::id.eq(session_id))
                .filter(sessions::account_id.eq(account_id))
                .select(sessions::id)
                .load(conn)?;
            if ids.is_empty() {
                return Err(AccountError::NotFound);
            }
            let event = Event::new(EventType::SignedOut)
                .subject(account_id)
                .detail("session", session_id);
            audit::record(conn, &event)?;
            end_ids(conn, &ids).map_err(AccountError::from)
        })?;
        self.notify_logout(notices);
        Ok(())
    }

    /// "Log out everywhere": ends every session of the account.
    pub fn end_all_sessions(&self, account_id: &str) -> Result<(), AccountError> {
        let notices = self.db.write(|conn| {
            let event = Event::new(EventType::SignedOut)
                .subject(account_id)
                .detail("everywhere", true);
            audit::record(conn, &event)?;
            end_all(conn, account_id, None).map_err(AccountError::from)
        })?;
        self.notify_logout(notices);
        Ok(())
    }

    /// Deletes sessions that have expired (housekeeping).
    pub fn purge_expired_sessions(&self) -> Result<usize, crate::db::StoreError> {
        let now = now();
        let idle = Duration::minutes(self.settings.sessions.idle_timeout_minutes);
        self.db.write(|conn| {
            diesel::delete(
                sessions::table.filter(
                    sessions::expires_at
                        .le(now)
                        .or(sessions::last_seen_at.le(now - idle)),
                ),
            )
            .execute(conn)
            .map_err(crate::db::StoreError::from)
        })
    }
}
