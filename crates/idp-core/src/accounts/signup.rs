//! Signing up. A sign-up becomes a pending sign-up with its own emailed link
//! (`pending.rs`); the account is made when that link is followed. A sign-up
//! with an address that has a verified account looks exactly like any other;
//! the owner is emailed instead.

use chrono::Duration;

use super::pending::{self, NewPending};
use super::{Account, AccountError, EmailAddress, FieldError, ProfileUpdate};
use crate::email::{enqueue, quota_allows, Action, Email, Quota};
use crate::throttle::{self, ThrottleKey};
use crate::{i18n, now, Idp};

/// The sign-up form as sent.
#[derive(Debug, Clone, Default)]
pub struct SignUp {
    pub email: String,
    pub password: String,
    pub password_confirm: String,
    pub given_name: String,
    pub family_name: String,
    pub birthdate: String,
    pub marketing_opt_in: bool,
    pub locale: String,
    pub bot_challenge: String,
    pub bot_solution: String,
    /// Where the verification link leads afterwards (an app's sign-in).
    pub return_to: Option<String>,
    /// The browser's binding (its CSRF cookie): the link works with a single
    /// button there, and asks for the password in any other browser.
    pub browser: String,
}

/// A sign-up form that passed every check.
pub(crate) struct CheckedSignUp {
    pub email: EmailAddress,
    pub password_hash: String,
    pub given_name: String,
    pub family_name: String,
    pub birthdate: chrono::NaiveDate,
    pub locale: &'static str,
}

/// Who the verification mail goes to, and in which words.
pub(crate) struct Recipient<'a> {
    pub email: &'a str,
    pub given_name: &'a str,
    pub locale: &'a str,
}

enum Outcome {
    /// Stored, and its link queued.
    Queued,
    Owner(Account),
    /// Too many verification mails to the address this hour: nothing is
    /// stored or sent, and the answer is the same.
    Capped,
}

impl Idp {
    pub fn sign_up(&self, form: &SignUp) -> Result<(), AccountError> {
        let CheckedSignUp {
            email,
            password_hash,
            given_name,
            family_name,
            birthdate,
            locale,
        } = self.checked_sign_up(form)?;
        let now = now();
        let lifetime = Duration::hours(self.settings.tokens.email_verification_hours);
        let return_to = form.return_to.as_deref().and_then(crate::local_path);
        let outcome = self.db.write(|conn| {
            if let Some(existing) = Account::find_by_email(conn, &email)? {
                // An unverified account (made by `idp user create`, or before
                // pending sign-ups) is no obstacle: following this sign-up's
                // link replaces it with this sign-up.
                if existing.email_verified {
                    return Ok::<_, AccountError>(Outcome::Owner(existing));
                }
            }
            if !quota_allows(conn, self, Quota::Verification, None, email.as_str(), now)? {
                return Ok(Outcome::Capped);
            }
            let new = NewPending {
                email: email.as_str(),
                binding: &form.browser,
                password_hash: &password_hash,
                given_name: &given_name,
                family_name: &family_name,
                birthdate,
                marketing_opt_in: form.marketing_opt_in,
                locale,
                return_to,
            };
            let token = pending::create(conn, &new, now, now + lifetime)?;
            let to = Recipient {
                email: email.as_str(),
                given_name: &given_name,
                locale,
            };
            enqueue(
                conn,
                self,
                None,
                &self.verification_email(&to, &token, return_to),
            )?;
            Ok(Outcome::Queued)
        })?;
        match outcome {
            Outcome::Queued | Outcome::Capped => Ok(()),
            Outcome::Owner(owner) => self.notify_owner(&owner, now),
        }
    }

    /// Everything a sign-up form must pass before an account may come of
    /// it: the fields, the robot check, then (only for those who did the
    /// check's work, since it costs real CPU) the password's strength; the
    /// password hashed.
    pub(crate) fn checked_sign_up(&self, form: &SignUp) -> Result<CheckedSignUp, AccountError> {
        let mut errors = Vec::new();
        let email = EmailAddress::parse(&form.email)
            .map_err(|e| errors.push(e))
            .ok();
        let profile = ProfileUpdate {
            given_name: form.given_name.clone(),
            family_name: form.family_name.clone(),
            birthdate: form.birthdate.clone(),
            contact: None,
        }
        .validate(&mut errors);
        if let Some(email) = &email {
            if let Err(e) = self.policy.check_rules("password", &form.password, email) {
                errors.push(e);
            }
        }
        if form.password != form.password_confirm {
            errors.push(FieldError::new("password_confirm", "password_mismatch"));
        }
        AccountError::check(errors)?;
        let (email, profile) = (email.expect("valid"), profile.expect("valid"));
        if self
            .verify_bot_check(&form.bot_challenge, &form.bot_solution)
            .is_err()
        {
            return Err(AccountError::BotCheck);
        }
        let names = [form.given_name.as_str(), form.family_name.as_str()];
        self.policy
            .check_strength("password", &form.password, &email, &names)?;
        // Hashed on every path, so that the answers' timing is alike.
        let password_hash = self.passwords.hash(&form.password)?;
        Ok(CheckedSignUp {
            email,
            password_hash,
            given_name: profile.given_name.into_inner(),
            family_name: profile.family_name.into_inner(),
            birthdate: profile.birthdate.date(),
            locale: i18n::supported(&form.locale),
        })
    }

    fn notify_owner(
        &self,
        owner: &Account,
        now: chrono::NaiveDateTime,
    ) -> Result<(), AccountError> {
        // Counted before the mail is queued, so parallel sign-ups cannot
        // all send one; every notice counts, and the limit locks the key.
        let keys = [ThrottleKey::Notice(&owner.email)];
        let settings = &self.settings.throttle;
        if throttle::admit(&self.db, &keys, settings, now)?.is_some() {
            return Ok(());
        }
        throttle::failed(&self.db, &keys, settings, now)?;
        let notice = self.compose_email(
            &owner.email,
            &owner.locale,
            "already_registered",
            &[],
            Action::Link(&self.link("/password/forgot")),
        );
        self.db
            .write(|conn| enqueue(conn, self, Some(&owner.id), &notice).map_err(AccountError::from))
    }

    /// The "activate your account" mail with `token`'s link.
    pub(crate) fn verification_email(
        &self,
        to: &Recipient<'_>,
        token: &str,
        return_to: Option<&str>,
    ) -> Email {
        let mut link = self.link(&format!("/verify-email?token={token}"));
        if let Some(path) = return_to.and_then(crate::local_path) {
            link.push_str("&return_to=");
            link.extend(url::form_urlencoded::byte_serialize(path.as_bytes()));
        }
        let hours = self.settings.tokens.email_verification_hours.to_string();
        self.compose_email(
            to.email,
            to.locale,
            "verify",
            &[("given_name", to.given_name), ("hours", &hours)],
            Action::Link(&link),
        )
    }
}
