//! Proving a second factor on a session: finishing a sign-in that awaits
//! one, or stepping a complete session up for an app that asks for more.

use chrono::Duration;
use diesel::prelude::*;

use super::policy::{with_second_factor, AMR_OTP};
use super::{recovery, totp};
use crate::accounts::{Account, AccountError, FieldError};
use crate::audit::{self, Event, EventType};
use crate::crypto::{random_token, sha256_hex};
use crate::db::schema::sessions as s;
use crate::db::DbConnection;
use crate::email::{enqueue, Action};
use crate::sessions::{NewSession, Session};
use crate::throttle::{self, ThrottleKey};
use crate::{now, Idp};

/// Which factor a typed code proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proved {
    App,
    RecoveryCode,
}

impl Proved {
    fn name(self) -> &'static str {
        match self {
            Proved::App => "totp",
            Proved::RecoveryCode => "recovery_code",
        }
    }
}

/// The field error for any wrong code: which kind was wrong is not said.
pub(super) fn wrong_code() -> AccountError {
    FieldError::new("otp", "second_factor_code_wrong").into()
}

impl Idp {
    /// The session behind `token` as the second-factor page sees it:
    /// complete, or awaiting its second factor.
    pub fn second_factor_session(
        &self,
        token: &str,
    ) -> Result<Option<(Session, Account)>, AccountError> {
        self.any_session_by_token(token)
    }

    /// Checks a code typed on the second-factor page (from the app, or a
    /// recovery code) and, when it is right, finishes the session: a new
    /// token (the old one ends), `amr` with the factor, and the full
    /// lifetime. Wrong codes count toward the account's lock.
    pub fn prove_second_factor(
        &self,
        token: &str,
        typed: &str,
    ) -> Result<NewSession, AccountError> {
        let (session, account) = self
            .any_session_by_token(token)?
            .ok_or(AccountError::NotFound)?;
        let now = now();
        let keys = [ThrottleKey::SecondFactor(&account.id)];
        let settings = &self.settings.throttle;
        if let Some(retry_after_secs) = throttle::admit(&self.db, &keys, settings, now)? {
            return Err(AccountError::Throttled { retry_after_secs });
        }
        let proved = self.db.write(|conn| {
            let Some(proved) = self.check_code(conn, &account, typed)? else {
                return Ok::<_, AccountError>(None);
            };
            let upgraded = upgrade(conn, self, &session, AMR_OTP)?;
            let event = Event::new(EventType::SecondFactorUsed)
                .subject(&account.id)
                .detail("factor", proved.name())
                .detail("session", session.id.as_str());
            audit::record(conn, &event)?;
            if proved == Proved::RecoveryCode {
                let left = recovery::unused(conn, &account.id)?.to_string();
                let notice = self.compose_email(
                    &account.email,
                    &account.locale,
                    "recovery_code_used",
                    &[("left", &left)],
                    Action::Link(&self.link("/account/security")),
                );
                enqueue(conn, self, Some(&account.id), &notice)?;
            }
            Ok(Some(upgraded))
        })?;
        match proved {
            Some(upgraded) => {
                throttle::succeeded(&self.db, &keys)?;
                Ok(upgraded)
            }
            None => {
                throttle::failed(&self.db, &keys, settings, now)?;
                Err(wrong_code())
            }
        }
    }

    /// Which factor `typed` proves for the account, taking it (a code is
    /// good once): six digits are the app's, anything else a recovery code.
    fn check_code(
        &self,
        conn: &mut DbConnection,
        account: &Account,
        typed: &str,
    ) -> Result<Option<Proved>, AccountError> {
        let now = now();
        if let Some(code) = totp::normalize(typed) {
            let Some(row) = totp::find(conn, &account.id)? else {
                return Ok(None);
            };
            if row.confirmed_at.is_none() {
                return Ok(None);
            }
            let secret = self.open_secret(&row.secret)?;
            return Ok(match totp::matching_step(&secret, &code, now) {
                Some(step) if totp::take_step(conn, &account.id, step)? => Some(Proved::App),
                _ => None,
            });
        }
        Ok(match recovery::normalize(typed) {
            Some(code) if recovery::consume(conn, &account.id, &code, now)? => {
                Some(Proved::RecoveryCode)
            }
            _ => None,
        })
    }

    pub(super) fn open_secret(&self, sealed: &str) -> Result<Vec<u8>, AccountError> {
        self.signing
            .master()
            .open(sealed)
            .map_err(|e| AccountError::Store(crate::db::StoreError::Corrupt(e.to_string())))
    }
}

/// Finishes `session` with a second factor of `method`: a new token, so a
/// token seen before the step is worth nothing after it (no fixation).
pub(super) fn upgrade(
    conn: &mut DbConnection,
    idp: &Idp,
    session: &Session,
    method: &str,
) -> Result<NewSession, AccountError> {
    let token = random_token(32);
    let amr = with_second_factor(&session.amr, method);
    let expires_at =
        session.created_at + Duration::hours(idp.settings.sessions.absolute_timeout_hours);
    let n = diesel::update(s::table.find(&session.id))
        .set((
            s::token_hash.eq(sha256_hex(&token)),
            s::amr.eq(&amr),
            s::awaiting_second_factor.eq(false),
            s::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    if n != 1 {
        return Err(AccountError::NotFound);
    }
    let session = Session {
        amr,
        awaiting_second_factor: false,
        expires_at,
        ..session.clone()
    };
    Ok(NewSession { token, session })
}
