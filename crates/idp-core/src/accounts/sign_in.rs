//! Signing in with email and password, and re-checking the password before
//! sensitive changes; failures are throttled per account and per address.

use diesel::prelude::*;

use super::{Account, AccountError, EmailAddress, FieldError, Verification};
use crate::audit::{self, Event, EventType};
use crate::db::schema::accounts;
use crate::email::{enqueue, Action};
use crate::metrics::SignInResult;
use crate::sessions::{self, ClientInfo, NewSession};
use crate::throttle::{self, ThrottleKey};
use crate::{now, Idp};

/// Longer input is refused before hashing, so nobody can make argon2 chew megabytes.
pub(crate) const MAX_PASSWORD_BYTES: usize = 4096;

pub struct SignedIn {
    pub session: NewSession,
    pub account: Account,
}

impl Idp {
    /// Signs in; `replaces` is the session token the browser held before,
    /// which ends (a new session id at every sign-in: no fixation).
    pub fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &ClientInfo,
        replaces: Option<&str>,
    ) -> Result<SignedIn, AccountError> {
        let typed = email.trim().to_lowercase();
        let keys = [
            ThrottleKey::Account(&typed),
            ThrottleKey::Address(&client.ip_address),
        ];
        let now = now();
        if let Ok(address) = EmailAddress::parse(&typed) {
            // Decided by the address's domain alone: it tells nothing about
            // whether an account exists.
            if let Some(route) = self.sso_for_email(&address)?.filter(|r| r.required) {
                return Err(AccountError::SsoRequired {
                    organization: route.organization_name,
                    provider_id: route.provider_id,
                });
            }
        }
        let (account, signup) = match EmailAddress::parse(&typed) {
            Ok(address) => self.db.read(|conn| {
                let account = Account::find_by_email(conn, &address)?;
                // Someone who signed up and has not followed the link yet is
                // told so, once they prove the sign-up's password.
                let signup = match account {
                    None => super::pending::newest_for(conn, address.as_str())?,
                    Some(_) => None,
                };
                Ok::<_, AccountError>((account, signup))
            })?,
            Err(_) => (None, None),
        };
        let stored = match (&account, &signup) {
            (Some(a), _) => a.password_hash.as_deref(),
            (None, Some(s)) => Some(s.password_hash.as_str()),
            (None, None) => None,
        };
        // Every refusal is recorded, with the account when there is one.
        let refused = |reason: &str, e: AccountError| {
            self.metrics.sign_in(match &e {
                AccountError::Throttled { .. } => SignInResult::throttled,
                AccountError::EmailNotVerified => SignInResult::unverified,
                AccountError::Disabled => SignInResult::disabled,
                _ => SignInResult::wrong,
            });
            let mut event = Event::new(EventType::SignInFailed)
                .failed()
                .detail("method", "password")
                .detail("reason", reason);
            event = match &account {
                Some(a) => event.subject(&a.id),
                None => event.typed_email(&typed),
            };
            audit::record_alone(&self.db, &event);
            e
        };
        let verdict = match self.check_password(&keys, password, stored, now) {
            Err(e @ AccountError::Throttled { .. }) => return Err(refused("locked", e)),
            Err(e @ AccountError::Busy { .. }) => {
                self.metrics.sign_in(SignInResult::busy);
                return Err(e);
            }
            other => other?,
        };
        let account = match (verdict, account.clone()) {
            (Verification::Match | Verification::MatchNeedsRehash, None) if signup.is_some() => {
                return Err(refused("unverified", AccountError::EmailNotVerified));
            }
            (Verification::Mismatch, Some(_)) => {
                return Err(refused("wrong_password", AccountError::InvalidCredentials));
            }
            (_, None) => {
                return Err(refused("unknown_account", AccountError::InvalidCredentials));
            }
            (verdict, Some(account)) => {
                if verdict == Verification::MatchNeedsRehash {
                    match self.store_password(&account.id, password) {
                        // The old hash still works; the next sign-in rehashes.
                        Err(AccountError::Busy { .. }) => {
                            tracing::debug!("no argon2 slot free to rehash a password")
                        }
                        other => other?,
                    }
                }
                account
            }
        };
        if !account.email_verified {
            return Err(refused("unverified", AccountError::EmailNotVerified));
        }
        let opened = self.db.write(|conn| {
            let ended = match replaces {
                Some(old) => sessions::end_by_token(conn, old)?,
                None => Vec::new(),
            };
            let session = sessions::create(conn, self, &account, client, "password")?;
            Ok::<_, AccountError>((session, ended))
        });
        let (session, ended) = match opened {
            Err(e @ AccountError::Disabled) => return Err(refused("disabled", e)),
            other => other?,
        };
        self.notify_logout(ended);
        self.metrics.sign_in(SignInResult::ok);
        Ok(SignedIn { session, account })
    }

    /// Checks the current password of a signed-in person before a sensitive
    /// change; wrong answers count toward the account's lockout.
    pub(crate) fn confirm_password(
        &self,
        account: &Account,
        password: &str,
        field: &'static str,
    ) -> Result<(), AccountError> {
        let keys = [ThrottleKey::Account(&account.email)];
        match self.check_password(&keys, password, account.password_hash.as_deref(), now())? {
            Verification::Mismatch => Err(FieldError::new(field, "current_password_wrong").into()),
            Verification::Match | Verification::MatchNeedsRehash => Ok(()),
        }
    }

    /// The throttled password check. The attempt is counted against `keys`
    /// before argon2 runs, so parallel attempts cannot all be checked while
    /// none has failed yet; a correct password clears the account key and
    /// does not count against the client address.
    pub(crate) fn check_password(
        &self,
        keys: &[ThrottleKey<'_>],
        password: &str,
        stored: Option<&str>,
        now: chrono::NaiveDateTime,
    ) -> Result<Verification, AccountError> {
        let settings = &self.settings.throttle;
        if let Some(retry_after_secs) = throttle::admit(&self.db, keys, settings, now)? {
            return Err(AccountError::Throttled { retry_after_secs });
        }
        let verdict = if password.len() > MAX_PASSWORD_BYTES {
            Verification::Mismatch
        } else {
            match self.passwords.verify(password, stored) {
                Ok(verdict) => verdict,
                // Nothing was checked, so nothing counts.
                Err(busy) => {
                    throttle::refund(&self.db, keys)?;
                    return Err(busy.into());
                }
            }
        };
        if verdict == Verification::Mismatch {
            throttle::failed(&self.db, keys, settings, now)?;
            return Ok(verdict);
        }
        throttle::succeeded(&self.db, keys)?;
        Ok(verdict)
    }

    /// Changes the password; every other session of the account ends.
    pub fn change_password(
        &self,
        account_id: &str,
        keep_session: Option<&str>,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AccountError> {
        let account = self.account(account_id)?;
        self.confirm_password(&account, current, "current_password")?;
        let names = [account.given_name.as_str(), account.family_name.as_str()];
        let mut errors = Vec::new();
        if let Err(e) = self
            .policy
            .check("new_password", new, &account.email_address(), &names)
        {
            errors.push(e);
        }
        if new != confirm {
            errors.push(FieldError::new("new_password_confirm", "password_mismatch"));
        }
        AccountError::check(errors)?;
        self.store_password(&account.id, new)?;
        let ended = self.db.write(|conn| {
            self.after_password_change(
                conn,
                &account,
                keep_session,
                ("password_changed", EventType::PasswordChanged),
            )
        })?;
        self.notify_logout(ended);
        Ok(())
    }

    /// What follows any new password, in its transaction: refresh tokens and
    /// the other sessions end, the person is told by `template`, with a way
    /// back in if it was not them, and `event` is recorded.
    pub(crate) fn after_password_change(
        &self,
        conn: &mut crate::db::DbConnection,
        account: &Account,
        keep_session: Option<&str>,
        (template, event): (&str, EventType),
    ) -> Result<Vec<crate::oauth::LogoutNotice>, AccountError> {
        audit::record(conn, &Event::new(event).subject(&account.id))?;
        crate::oauth::revoke_account_grants(conn, &account.id, now())?;
        let notice = self.compose_email(
            &account.email,
            &account.locale,
            template,
            &[],
            Action::Link(&self.link("/password/forgot")),
        );
        enqueue(conn, self, Some(&account.id), &notice)?;
        Ok(sessions::end_all(conn, &account.id, keep_session)?)
    }

    pub(crate) fn store_password(
        &self,
        account_id: &str,
        password: &str,
    ) -> Result<(), AccountError> {
        let hash = self.passwords.hash(password)?;
        self.db.write(|conn| {
            diesel::update(accounts::table.find(account_id))
                .set((
                    accounts::password_hash.eq(Some(hash)),
                    accounts::updated_at.eq(now()),
                ))
                .execute(conn)
                .map_err(AccountError::from)
        })?;
        Ok(())
    }

    /// The account with this id, or `NotFound`.
    pub fn account(&self, account_id: &str) -> Result<Account, AccountError> {
        self.db
            .read(|conn| Account::find(conn, account_id).map_err(AccountError::from))?
            .ok_or(AccountError::NotFound)
    }
}
