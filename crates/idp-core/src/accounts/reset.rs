//! Forgotten password: an emailed code, then a new password. Every answer is
//! the same whether or not the address has an account.

use chrono::Duration;
use diesel::prelude::*;

use super::{Account, AccountError, EmailAddress, FieldError};
use crate::audit::EventType;
use crate::db::schema::accounts;
use crate::email::{enqueue, quota_allows, Action, Quota};
use crate::one_time::{self, CodeCheck, Purpose, RESET_CODE_LENGTH};
use crate::sessions::ClientInfo;
use crate::throttle::{self, ThrottleKey};
use crate::{now, Idp};

impl Idp {
    /// Step 1: email a code when the address has an account and its
    /// [`Quota::PasswordReset`] allows; the answer is the same either way.
    pub fn request_password_reset(
        &self,
        email: &str,
        bot_challenge: &str,
        bot_solution: &str,
    ) -> Result<(), AccountError> {
        let email = EmailAddress::parse(email)?;
        if self.verify_bot_check(bot_challenge, bot_solution).is_err() {
            return Err(AccountError::BotCheck);
        }
        let now = now();
        let minutes = self.settings.tokens.password_reset_code_minutes;
        self.db.write(|conn| {
            let account = Account::find_by_email(conn, &email)?;
            // Asked for unknown addresses too, so both do the same work.
            let allowed = quota_allows(
                conn,
                self,
                Quota::PasswordReset,
                account.as_ref().map(|a| a.id.as_str()),
                email.as_str(),
                now,
            )?;
            // A disabled account gets no code: the answer is the same.
            let Some(account) = account.filter(|a| allowed && !a.is_disabled()) else {
                return Ok::<_, AccountError>(());
            };
            one_time::revoke_all(conn, &account.id, Purpose::ResetCode, now)?;
            let code = one_time::issue(
                conn,
                &account.id,
                Purpose::ResetCode,
                Duration::minutes(minutes),
                None,
                now,
            )?;
            let minutes = minutes.to_string();
            let message = self.compose_email(
                &account.email,
                &account.locale,
                "reset_code",
                &[("minutes", &minutes)],
                Action::Code(&code),
            );
            enqueue(conn, self, Some(&account.id), &message)?;
            Ok(())
        })
    }

    /// Step 2: a correct code yields a short-lived grant for step 3. Guesses
    /// are counted per client address too, whatever address they name (one
    /// without an account included), so codes cannot be guessed across
    /// many accounts.
    pub fn verify_reset_code(
        &self,
        email: &str,
        code: &str,
        client: &ClientInfo,
    ) -> Result<String, AccountError> {
        let code = code.trim();
        let well_formed =
            code.len() == RESET_CODE_LENGTH && code.chars().all(|c| c.is_ascii_digit());
        let Ok(email) = EmailAddress::parse(email) else {
            return Err(AccountError::InvalidCode);
        };
        if !well_formed {
            return Err(AccountError::InvalidCode);
        }
        let now = now();
        let keys = [ThrottleKey::ResetCode(&client.ip_address)];
        let settings = &self.settings.throttle;
        if let Some(retry_after_secs) = throttle::admit(&self.db, &keys, settings, now)? {
            return Err(AccountError::Throttled { retry_after_secs });
        }
        let max_attempts = self.settings.tokens.password_reset_code_attempts;
        let lifetime = Duration::minutes(self.settings.tokens.password_reset_code_minutes);
        let grant = self.db.write(|conn| {
            let Some(account) = Account::find_by_email(conn, &email)? else {
                return Ok::<_, AccountError>(None);
            };
            // Wrong tries must be counted, so this returns Ok (commits) on a miss.
            match one_time::check_code(conn, &account.id, code, max_attempts, now)? {
                CodeCheck::Valid(_) => Ok(Some(one_time::issue(
                    conn,
                    &account.id,
                    Purpose::ResetGrant,
                    lifetime,
                    None,
                    now,
                )?)),
                CodeCheck::Wrong | CodeCheck::NoneOpen => Ok(None),
            }
        })?;
        match grant {
            Some(grant) => {
                throttle::refund(&self.db, &keys)?;
                Ok(grant)
            }
            None => {
                throttle::failed(&self.db, &keys, settings, now)?;
                Err(AccountError::InvalidCode)
            }
        }
    }

    /// Whether a step-3 grant is still usable (to show the form or an error).
    pub fn reset_grant_is_open(&self, grant: &str) -> Result<bool, AccountError> {
        let now = now();
        self.db.read(|conn| {
            one_time::peek(conn, grant, Purpose::ResetGrant, now)
                .map(|t| t.is_some())
                .map_err(AccountError::from)
        })
    }

    /// Step 3: set the new password; every session ends and a notice is sent.
    pub fn complete_password_reset(
        &self,
        grant: &str,
        password: &str,
        confirm: &str,
    ) -> Result<(), AccountError> {
        let now = now();
        let open = self.db.read(|conn| {
            one_time::peek(conn, grant, Purpose::ResetGrant, now).map_err(AccountError::from)
        })?;
        let account = self.account(&open.ok_or(AccountError::InvalidLink)?.account_id)?;
        let names = [account.given_name.as_str(), account.family_name.as_str()];
        let mut errors = Vec::new();
        if let Err(e) = self
            .policy
            .check("password", password, &account.email_address(), &names)
        {
            errors.push(e);
        }
        if password != confirm {
            errors.push(FieldError::new("password_confirm", "password_mismatch"));
        }
        AccountError::check(errors)?;
        let hash = self.passwords.hash(password)?;
        let ended = self.db.write(|conn| {
            one_time::consume(conn, grant, Purpose::ResetGrant, now)?
                .ok_or(AccountError::InvalidLink)?;
            diesel::update(accounts::table.find(&account.id))
                .set((
                    accounts::password_hash.eq(Some(hash)),
                    // Receiving the code proved the address works.
                    accounts::email_verified.eq(true),
                    accounts::updated_at.eq(now),
                ))
                .execute(conn)?;
            one_time::revoke_all(conn, &account.id, Purpose::ResetCode, now)?;
            self.after_password_change(
                conn,
                &account,
                None,
                ("password_reset", EventType::PasswordReset),
            )
        })?;
        self.notify_logout(ended);
        // Whoever holds the mailbox may sign in again at once.
        throttle::succeeded(&self.db, &[ThrottleKey::Account(&account.email)])?;
        Ok(())
    }
}
