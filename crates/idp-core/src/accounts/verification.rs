//! Following a verification link, and sending one again.
//!
//! A sign-up's link makes the account, with that sign-up's password and
//! profile, and voids every other claim on the address: other pending
//! sign-ups, and other accounts' pending moves to it. Opened in the browser
//! that signed up, the link needs one button; anywhere else it also needs the
//! password chosen at sign-up, so following a link someone else's sign-up
//! sent does not give them an account under your address.

use chrono::Duration;
use diesel::prelude::*;

use super::pending::{self, NewPending, PendingSignup};
use super::signup::Recipient;
use super::{Account, AccountError, EmailAddress, FieldError, Verification};
use crate::audit::{self, Event, EventType};
use crate::crypto::new_id;
use crate::db::schema::accounts;
use crate::db::DbConnection;
use crate::email::{enqueue, quota_allows, Action, Quota};
use crate::one_time::{self, Purpose};
use crate::throttle::ThrottleKey;
use crate::{now, sessions, Idp};

/// What was verified, and what the link asked to do next.
pub struct Verified {
    pub account: Account,
    pub return_to: Option<String>,
}

impl Idp {
    /// Whether following `token` in this browser needs the sign-up's password.
    pub fn verification_needs_password(
        &self,
        token: &str,
        browser: &str,
    ) -> Result<bool, AccountError> {
        let now = now();
        let found = self
            .db
            .read(|conn| pending::by_token(conn, token, now).map_err(AccountError::from))?;
        Ok(found.is_some_and(|p| !p.made_by(browser)))
    }

    /// Follows a verification link. `browser` is the binding of the browser
    /// it is followed in; `password` is needed when that is not the browser
    /// that signed up.
    pub fn verify_email(
        &self,
        token: &str,
        browser: &str,
        password: Option<&str>,
    ) -> Result<Verified, AccountError> {
        let now = now();
        let found = self
            .db
            .read(|conn| pending::by_token(conn, token, now).map_err(AccountError::from))?;
        match found {
            Some(signup) => self.complete_signup(signup, browser, password),
            None => self.verify_existing(token),
        }
    }

    fn complete_signup(
        &self,
        signup: PendingSignup,
        browser: &str,
        password: Option<&str>,
    ) -> Result<Verified, AccountError> {
        if !signup.made_by(browser) {
            self.check_signup_password(&signup, password)?;
        }
        let now = now();
        let outcome = self.db.write(|conn| {
            // Before the sign-up row is touched: a second link for the
            // address waits here, not on that row (which would deadlock
            // with the first voiding it).
            crate::db::lock_key(conn, &address_key(&signup.email))?;
            if !pending::take(conn, &signup.id)? {
                return Err(AccountError::InvalidLink);
            }
            self.make_verified_account(conn, &signup.as_new(), signup.created_at, now)?
                .ok_or_else(|| {
                    // Someone verified the address first: this sign-up is void.
                    AccountError::InvalidLink
                })
        });
        let (account, ended) = match outcome {
            // Another sign-up for the address was verified at the same moment.
            Err(AccountError::Store(e)) if e.is_unique_violation() => {
                return Err(AccountError::InvalidLink)
            }
            other => other?,
        };
        self.notify_logout(ended);
        Ok(Verified {
            account,
            return_to: signup.return_to,
        })
    }

    /// The account of a proven sign-up (its link was followed, or it came
    /// through an invitation to the address), inside the caller's
    /// transaction: new, or the unverified account at the address taken
    /// over, whose sessions and grants end (they were not this person's).
    /// `None` when a verified account holds the address already; every
    /// other pending sign-up for it is void then.
    pub(crate) fn make_verified_account(
        &self,
        conn: &mut DbConnection,
        signup: &NewPending<'_>,
        created_at: chrono::NaiveDateTime,
        now: chrono::NaiveDateTime,
    ) -> Result<Option<(Account, Vec<crate::oauth::LogoutNotice>)>, AccountError> {
        // Two proofs for one address at once: one after the other (callers
        // that touch rows of the address first take it before them).
        crate::db::lock_key(conn, &address_key(signup.email))?;
        let existing = Account::find_by_email(conn, &EmailAddress::parse(signup.email)?)?;
        let (account, ended) = match existing {
            Some(a) if a.email_verified => {
                pending::void_for(conn, signup.email)?;
                return Ok(None);
            }
            Some(unverified) => {
                let account = take_over(conn, &unverified, signup, now)?;
                crate::oauth::revoke_account_grants(conn, &account.id, now)?;
                let ended = sessions::end_all(conn, &account.id, None)?;
                (account, ended)
            }
            None => {
                let account = account_from(signup, created_at, now);
                diesel::insert_into(accounts::table)
                    .values(&account)
                    .execute(conn)?;
                (account, Vec::new())
            }
        };
        claim_address(conn, &account, now)?;
        self.welcome(conn, &account)?;
        let event = Event::new(EventType::EmailVerified)
            .subject(&account.id)
            .detail("sign_up", true);
        audit::record(conn, &event)?;
        Ok(Some((account, ended)))
    }

    /// The password chosen at sign-up, asked for when the link is followed
    /// in another browser; wrong answers count toward the address's lockout.
    fn check_signup_password(
        &self,
        signup: &PendingSignup,
        password: Option<&str>,
    ) -> Result<(), AccountError> {
        let Some(password) = password.filter(|p| !p.is_empty()) else {
            return Err(FieldError::new("password", "verification_password_needed").into());
        };
        let keys = [ThrottleKey::Account(&signup.email)];
        match self.check_password(&keys, password, Some(&signup.password_hash), now())? {
            Verification::Mismatch => {
                Err(FieldError::new("password", "verification_password_wrong").into())
            }
            Verification::Match | Verification::MatchNeedsRehash => Ok(()),
        }
    }

    /// The link of an account that exists unverified (`idp user create`
    /// without `--verified`).
    fn verify_existing(&self, token: &str) -> Result<Verified, AccountError> {
        let now = now();
        let account = self.db.write(|conn| {
            let token = one_time::consume(conn, token, Purpose::VerifyEmail, now)?
                .ok_or(AccountError::InvalidLink)?;
            // Links from earlier resends are spent too.
            one_time::revoke_all(conn, &token.account_id, Purpose::VerifyEmail, now)?;
            let newly = diesel::update(
                accounts::table
                    .find(&token.account_id)
                    .filter(accounts::email_verified.eq(false)),
            )
            .set((
                accounts::email_verified.eq(true),
                accounts::updated_at.eq(now),
            ))
            .execute(conn)?
                == 1;
            let account =
                Account::find(conn, &token.account_id)?.ok_or(AccountError::InvalidLink)?;
            claim_address(conn, &account, now)?;
            if newly {
                self.welcome(conn, &account)?;
                audit::record(
                    conn,
                    &Event::new(EventType::EmailVerified).subject(&account.id),
                )?;
            }
            Ok::<_, AccountError>(account)
        })?;
        Ok(Verified {
            account,
            return_to: None,
        })
    }

    /// The welcome mail, for an account that opted in to marketing.
    fn welcome(&self, conn: &mut DbConnection, account: &Account) -> Result<(), AccountError> {
        if account.marketing_opt_in {
            let welcome = self
                .compose_email(
                    &account.email,
                    &account.locale,
                    "welcome",
                    &[("given_name", &account.given_name)],
                    Action::Link(&self.link("/account")),
                )
                .with_unsubscribe(
                    &self.email_text(&account.locale, "email.unsubscribe"),
                    self.unsubscribe_link(&account.id),
                );
            enqueue(conn, self, Some(&account.id), &welcome)?;
        }
        Ok(())
    }

    /// Sends a new link for an address that has not been verified;
    /// silently does nothing for unknown or verified addresses, so the answer
    /// reveals nothing. A sign-up made in this browser is preferred.
    pub fn resend_verification(&self, email: &str, browser: &str) -> Result<(), AccountError> {
        let email = EmailAddress::parse(email)?;
        let now = now();
        let lifetime = Duration::hours(self.settings.tokens.email_verification_hours);
        self.db.write(|conn| {
            let account = Account::find_by_email(conn, &email)?;
            if account.as_ref().is_some_and(|a| a.email_verified) {
                return Ok::<_, AccountError>(());
            }
            let account_id = account.as_ref().map(|a| a.id.as_str());
            if !quota_allows(
                conn,
                self,
                Quota::Verification,
                account_id,
                email.as_str(),
                now,
            )? {
                return Ok(());
            }
            let mail = if let Some(newest) = pending::newest_for(conn, email.as_str())? {
                let signup = match newest.made_by(browser) {
                    true => newest,
                    false => {
                        pending::newest_made_by(conn, email.as_str(), browser)?.unwrap_or(newest)
                    }
                };
                let token = pending::renew_token(conn, &signup.id, now + lifetime)?;
                let to = Recipient {
                    email: &signup.email,
                    given_name: &signup.given_name,
                    locale: &signup.locale,
                };
                self.verification_email(&to, &token, signup.return_to.as_deref())
            } else if let Some(account) = &account {
                let token =
                    one_time::issue(conn, &account.id, Purpose::VerifyEmail, lifetime, None, now)?;
                let to = Recipient {
                    email: &account.email,
                    given_name: &account.given_name,
                    locale: &account.locale,
                };
                self.verification_email(&to, &token, None)
            } else {
                return Ok(());
            };
            enqueue(conn, self, account_id, &mail)?;
            Ok(())
        })
    }
}

fn account_from(
    signup: &NewPending<'_>,
    created_at: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
) -> Account {
    Account {
        id: new_id(),
        email: signup.email.to_owned(),
        email_verified: true,
        password_hash: Some(signup.password_hash.to_owned()),
        given_name: signup.given_name.to_owned(),
        family_name: signup.family_name.to_owned(),
        birthdate: Some(signup.birthdate),
        marketing_opt_in: signup.marketing_opt_in,
        is_admin: false,
        locale: signup.locale.to_owned(),
        created_at,
        updated_at: now,
        disabled_at: None,
    }
}

/// An unverified account gets the password and profile of the sign-up whose
/// link was followed; its open links and codes, and its contact details,
/// die.
fn take_over(
    conn: &mut DbConnection,
    unverified: &Account,
    signup: &NewPending<'_>,
    now: chrono::NaiveDateTime,
) -> Result<Account, AccountError> {
    diesel::update(accounts::table.find(&unverified.id))
        .set((
            accounts::email_verified.eq(true),
            accounts::password_hash.eq(Some(&signup.password_hash)),
            accounts::given_name.eq(&signup.given_name),
            accounts::family_name.eq(&signup.family_name),
            accounts::birthdate.eq(Some(signup.birthdate)),
            accounts::marketing_opt_in.eq(signup.marketing_opt_in),
            accounts::locale.eq(&signup.locale),
            accounts::updated_at.eq(now),
        ))
        .execute(conn)?;
    one_time::revoke_every_purpose(conn, &unverified.id, now)?;
    // So were a phone number and address someone gave the unproven account.
    super::clear_contact(conn, &unverified.id)?;
    // Sign-in methods someone linked to the unproven account were not hers.
    crate::federation::unlink_all(conn, &unverified.id)?;
    Account::find(conn, &unverified.id)?.ok_or(AccountError::InvalidLink)
}

/// The lock that makes claims on one address wait for each other.
pub(crate) fn address_key(email: &str) -> String {
    format!("address:{email}")
}

/// The address now belongs to `account`: nobody else's sign-up or pending
/// move to it may complete later.
pub(crate) fn claim_address(
    conn: &mut DbConnection,
    account: &Account,
    now: chrono::NaiveDateTime,
) -> Result<(), AccountError> {
    pending::void_for(conn, &account.email)?;
    one_time::revoke_changes_to(conn, &account.email, now)?;
    Ok(())
}
