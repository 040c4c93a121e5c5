//! Setting up and removing second factors. Each change needs a recent
//! sign-in and tells the person by email, so a stolen session cannot
//! quietly add the thief's phone or remove the owner's.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::policy::{has_factor, required_of, AMR_OTP};
use super::proof::{upgrade, wrong_code};
use super::{recovery, totp};
use crate::accounts::{Account, AccountError};
use crate::audit::{self, Event, EventType};
use crate::db::schema::{passkeys as pk, totp_factors as t};
use crate::db::DbConnection;
use crate::email::{enqueue, Action};
use crate::sessions::{self, NewSession, Session};
use crate::throttle::{self, ThrottleKey};
use crate::{now, Idp};

/// What My Profile shows about a person's second factors.
#[derive(Debug, Clone)]
pub struct SecondFactorStatus {
    /// When the authenticator app was set up, if it is.
    pub app_since: Option<NaiveDateTime>,
    pub recovery_codes_left: i64,
    /// The person's passkeys, oldest first.
    pub passkeys: Vec<crate::passkeys::PasskeyInfo>,
    /// Whether the operator or an organization requires a second factor of
    /// this person (so removing the last one is not offered).
    pub required: bool,
}

/// An authenticator app being set up: what the person scans or types.
#[derive(Debug, Clone)]
pub struct TotpSetup {
    /// Base32, for typing into the app.
    pub secret: String,
    /// The `otpauth://` link the QR code holds.
    pub uri: String,
}

/// The app is set up: the session now counts it, and, when the person had
/// none, here are their recovery codes (to show once).
pub struct TotpConfirmed {
    pub session: NewSession,
    pub recovery_codes: Option<Vec<String>>,
}

impl Idp {
    pub fn second_factor_status(
        &self,
        account: &Account,
    ) -> Result<SecondFactorStatus, AccountError> {
        self.db.read(|conn| {
            let app = totp::find(conn, &account.id)?;
            let required = required_of(conn, &self.settings.second_factor, account)?;
            Ok(SecondFactorStatus {
                passkeys: crate::passkeys::of_account(conn, &account.id)?,
                app_since: app.and_then(|a| a.confirmed_at),
                recovery_codes_left: recovery::unused(conn, &account.id)?,
                required,
            })
        })
    }

    /// Starts setting up the authenticator app (or shows again a set-up not
    /// yet confirmed). A session awaiting its second factor may do this
    /// only when the person has none: that is the set-up a policy demands.
    pub fn start_totp(
        &self,
        session: &Session,
        account: &Account,
    ) -> Result<TotpSetup, AccountError> {
        self.check_recent(session)?;
        let now = now();
        let secret = self.db.write(|conn| {
            self.check_may_add(conn, session, account)?;
            let existing = totp::find(conn, &account.id)?;
            if existing.as_ref().is_some_and(|r| r.confirmed_at.is_some()) {
                return Err(AccountError::SecondFactorExists);
            }
            if let Some(row) = existing.filter(|r| totp::reusable(r, now)) {
                return self.open_secret(&row.secret);
            }
            let secret = totp::new_secret();
            let sealed = self.signing.master().seal(&secret);
            diesel::delete(t::table.find(&account.id)).execute(conn)?;
            diesel::insert_into(t::table)
                .values((
                    t::account_id.eq(&account.id),
                    t::secret.eq(sealed),
                    t::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok(secret)
        })?;
        let issuer = &self.settings.branding.product_name;
        Ok(TotpSetup {
            secret: totp::base32(&secret),
            uri: totp::otpauth_uri(issuer, &account.email, &secret),
        })
    }

    /// Confirms the app with a code from it. Throttled like any code.
    pub fn confirm_totp(
        &self,
        session: &Session,
        account: &Account,
        typed: &str,
    ) -> Result<TotpConfirmed, AccountError> {
        self.check_recent(session)?;
        let now = now();
        let keys = [ThrottleKey::SecondFactor(&account.id)];
        let settings = &self.settings.throttle;
        if let Some(retry_after_secs) = throttle::admit(&self.db, &keys, settings, now)? {
            return Err(AccountError::Throttled { retry_after_secs });
        }
        let confirmed = self.db.write(|conn| {
            self.check_may_add(conn, session, account)?;
            let Some(row) = totp::find(conn, &account.id)? else {
                return Err(AccountError::SecondFactorNotStarted);
            };
            if row.confirmed_at.is_some() {
                return Err(AccountError::SecondFactorExists);
            }
            if !totp::reusable(&row, now) {
                return Err(AccountError::SecondFactorNotStarted);
            }
            let secret = self.open_secret(&row.secret)?;
            let step = totp::normalize(typed).and_then(|c| totp::matching_step(&secret, &c, now));
            let Some(step) = step else {
                return Ok(None);
            };
            diesel::update(t::table.find(&account.id))
                .set((t::confirmed_at.eq(Some(now)), t::last_step.eq(step)))
                .execute(conn)?;
            let recovery_codes = match recovery::unused(conn, &account.id)? {
                0 => Some(recovery::replace(conn, &account.id, now)?),
                _ => None,
            };
            let session = upgrade(conn, self, session, AMR_OTP)?;
            self.factor_changed(
                conn,
                account,
                EventType::SecondFactorAdded,
                "second_factor_added",
            )?;
            Ok(Some(TotpConfirmed {
                session,
                recovery_codes,
            }))
        });
        match confirmed {
            Ok(Some(done)) => {
                throttle::succeeded(&self.db, &keys)?;
                Ok(done)
            }
            Ok(None) => {
                throttle::failed(&self.db, &keys, settings, now)?;
                Err(wrong_code())
            }
            Err(e) => {
                throttle::refund(&self.db, &keys)?;
                Err(e)
            }
        }
    }

    /// Removes the app; with no factor left, the recovery codes go too.
    pub fn remove_totp(&self, session: &Session, account: &Account) -> Result<(), AccountError> {
        self.check_complete_and_recent(session)?;
        self.db.write(|conn| {
            let n = diesel::delete(t::table.find(&account.id)).execute(conn)?;
            if n == 0 {
                return Err(AccountError::NotFound);
            }
            self.factor_removed(conn, account, "second_factor_removed")
        })
    }

    /// What follows removing a factor, in its transaction: the recovery
    /// codes go with the last one, and the person is told by `email`.
    pub(super) fn factor_removed(
        &self,
        conn: &mut DbConnection,
        account: &Account,
        email: &str,
    ) -> Result<(), AccountError> {
        if !has_factor(conn, &account.id)? {
            recovery::remove_all(conn, &account.id)?;
        }
        self.factor_changed(conn, account, EventType::SecondFactorRemoved, email)
    }

    /// A new set of recovery codes; the old ones stop working.
    pub fn new_recovery_codes(
        &self,
        session: &Session,
        account: &Account,
    ) -> Result<Vec<String>, AccountError> {
        self.check_complete_and_recent(session)?;
        self.db.write(|conn| {
            if !has_factor(conn, &account.id)? {
                return Err(AccountError::SecondFactorNotStarted);
            }
            let codes = recovery::replace(conn, &account.id, now())?;
            self.factor_changed(
                conn,
                account,
                EventType::RecoveryCodesCreated,
                "recovery_codes_created",
            )?;
            Ok(codes)
        })
    }

    /// The operator's way back in for someone who lost every factor (after
    /// checking who they are, outside idp): every factor and recovery code
    /// goes, every session ends, and the person is told.
    pub fn reset_second_factors(&self, account_id: &str) -> Result<(), AccountError> {
        let ended = self.db.write(|conn| {
            let account = Account::find(conn, account_id)?.ok_or(AccountError::NotFound)?;
            diesel::delete(t::table.find(&account.id)).execute(conn)?;
            diesel::delete(pk::table.filter(pk::account_id.eq(&account.id))).execute(conn)?;
            recovery::remove_all(conn, &account.id)?;
            let ended = sessions::end_all(conn, &account.id, None)?;
            self.factor_changed(
                conn,
                &account,
                EventType::UserSecondFactorsReset,
                "second_factors_reset",
            )?;
            Ok::<_, AccountError>(ended)
        })?;
        self.notify_logout(ended);
        Ok(())
    }

    pub(super) fn factor_changed(
        &self,
        conn: &mut DbConnection,
        account: &Account,
        event: EventType,
        email: &str,
    ) -> Result<(), AccountError> {
        audit::record(conn, &Event::new(event).subject(&account.id))?;
        let notice = self.compose_email(
            &account.email,
            &account.locale,
            email,
            &[],
            Action::Link(&self.link("/account/security")),
        );
        enqueue(conn, self, Some(&account.id), &notice)?;
        Ok(())
    }

    /// A change of factors needs a sign-in of the last few minutes. A
    /// session awaiting its second factor is that young by construction.
    pub(super) fn check_recent(&self, session: &Session) -> Result<(), AccountError> {
        let limit = Duration::minutes(self.settings.second_factor.recent_sign_in_minutes);
        match now() - session.auth_time <= limit {
            true => Ok(()),
            false => Err(AccountError::SignInAgain),
        }
    }

    /// Someone who has a factor proves it before adding another: a session
    /// awaiting its second factor may only set up the first one.
    pub(super) fn check_may_add(
        &self,
        conn: &mut DbConnection,
        session: &Session,
        account: &Account,
    ) -> Result<(), AccountError> {
        match session.awaiting_second_factor && has_factor(conn, &account.id)? {
            true => Err(AccountError::SecondFactorExists),
            false => Ok(()),
        }
    }

    /// Removing a factor or replacing recovery codes needs a session that
    /// proved its second factor, not one waiting for it.
    pub(super) fn check_complete_and_recent(&self, session: &Session) -> Result<(), AccountError> {
        if session.awaiting_second_factor {
            return Err(AccountError::SignInAgain);
        }
        self.check_recent(session)
    }
}
