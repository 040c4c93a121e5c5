//! Creating an account. A second sign-up with a registered address looks
//! exactly like a first one; the owner is emailed instead.

use chrono::Duration;
use diesel::prelude::*;

use super::{Account, AccountError, EmailAddress, FieldError, ProfileUpdate};
use crate::crypto::new_id;
use crate::db::schema::accounts;
use crate::email::{Action, Email};
use crate::one_time::{self, Purpose};
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
}

enum Outcome {
    Created { account: Account, token: String },
    Existing(Account),
}

impl Idp {
    pub fn sign_up(&self, form: &SignUp) -> Result<(), AccountError> {
        let mut errors = Vec::new();
        let email = EmailAddress::parse(&form.email)
            .map_err(|e| errors.push(e))
            .ok();
        let profile = ProfileUpdate {
            given_name: form.given_name.clone(),
            family_name: form.family_name.clone(),
            birthdate: form.birthdate.clone(),
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
        // Before the strength estimate, which costs real CPU on long inputs:
        // only people who did the robot check's work get to spend it.
        if self
            .verify_bot_check(&form.bot_challenge, &form.bot_solution)
            .is_err()
        {
            return Err(AccountError::BotCheck);
        }
        let names = [form.given_name.as_str(), form.family_name.as_str()];
        self.policy
            .check_strength("password", &form.password, &email, &names)?;
        // Hashing on both paths keeps their timing alike.
        let password_hash = self.passwords.hash(&form.password)?;
        let now = now();
        let lifetime = Duration::hours(self.settings.tokens.email_verification_hours);
        let outcome = self.db.write(|conn| {
            if let Some(existing) = Account::find_by_email(conn, &email)? {
                return Ok::<_, AccountError>(Outcome::Existing(existing));
            }
            let account = Account {
                id: new_id(),
                email: email.to_string(),
                email_verified: false,
                password_hash: Some(password_hash),
                given_name: profile.given_name.into_inner(),
                family_name: profile.family_name.into_inner(),
                birthdate: Some(profile.birthdate.date()),
                marketing_opt_in: form.marketing_opt_in,
                is_admin: false,
                locale: i18n::supported(&form.locale).to_owned(),
                created_at: now,
                updated_at: now,
            };
            diesel::insert_into(accounts::table)
                .values(&account)
                .execute(conn)?;
            let token =
                one_time::issue(conn, &account.id, Purpose::VerifyEmail, lifetime, None, now)?;
            Ok(Outcome::Created { account, token })
        });
        match outcome {
            Ok(Outcome::Created { account, token }) => {
                self.send_verification(&account, &token, form.return_to.as_deref());
                Ok(())
            }
            // The owner hears of it instead; an owner who never verified
            // gets a fresh link, which is what they were after.
            Ok(Outcome::Existing(owner)) if !owner.email_verified => {
                self.resend_verification(&owner.email)
            }
            Ok(Outcome::Existing(owner)) => {
                self.notify_owner(&owner, now)?;
                Ok(())
            }
            // A concurrent submit of the same form created it a moment ago.
            Err(AccountError::Store(e)) if e.is_unique_violation() => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn notify_owner(
        &self,
        owner: &Account,
        now: chrono::NaiveDateTime,
    ) -> Result<(), AccountError> {
        let key = ThrottleKey::Notice(&owner.email);
        if throttle::locked_for(&self.db, std::slice::from_ref(&key), now)?.is_some() {
            return Ok(());
        }
        throttle::record_failure(&self.db, &key, &self.settings.throttle, now)?;
        self.deliver(&Email::compose(
            &owner.email,
            &owner.locale,
            "already_registered",
            &[],
            Action::Link(&self.link("/password/forgot")),
        ));
        Ok(())
    }

    pub(crate) fn send_verification(
        &self,
        account: &Account,
        token: &str,
        return_to: Option<&str>,
    ) {
        let mut link = self.link(&format!("/verify-email?token={token}"));
        if let Some(path) = return_to.and_then(crate::local_path) {
            link.push_str("&return_to=");
            link.extend(url::form_urlencoded::byte_serialize(path.as_bytes()));
        }
        let hours = self.settings.tokens.email_verification_hours.to_string();
        let email = Email::compose(
            &account.email,
            &account.locale,
            "verify",
            &[("given_name", &account.given_name), ("hours", &hours)],
            Action::Link(&link),
        );
        self.deliver(&email);
    }
}
