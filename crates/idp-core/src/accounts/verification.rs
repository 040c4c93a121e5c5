//! Confirming an address by the emailed link, and sending the link again.

use chrono::Duration;
use diesel::prelude::*;

use super::{Account, AccountError, EmailAddress};
use crate::db::schema::accounts;
use crate::email::{Action, Email};
use crate::one_time::{self, Purpose};
use crate::{now, Idp};

/// Verification emails one account may be sent per hour.
const MAX_RESENDS_PER_HOUR: i64 = 5;

impl Idp {
    /// Uses a verification link; the account may sign in afterwards.
    pub fn verify_email(&self, token: &str) -> Result<Account, AccountError> {
        let now = now();
        let (account, newly_verified) = self.db.write(|conn| {
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
            Ok::<_, AccountError>((account, newly))
        })?;
        if newly_verified && account.marketing_opt_in {
            let welcome = Email::compose(
                &account.email,
                &account.locale,
                "welcome",
                &[("given_name", &account.given_name)],
                Action::Link(&self.link("/account")),
            )
            .with_unsubscribe(&account.locale, self.unsubscribe_link(&account.id));
            self.deliver(&welcome);
        }
        Ok(account)
    }

    /// Sends a new link to an unverified account; silently does nothing for
    /// unknown or already verified addresses, so the answer reveals nothing.
    pub fn resend_verification(&self, email: &str) -> Result<(), AccountError> {
        let email = EmailAddress::parse(email)?;
        let now = now();
        let lifetime = Duration::hours(self.settings.tokens.email_verification_hours);
        let sent = self.db.write(|conn| {
            let Some(account) = Account::find_by_email(conn, &email)? else {
                return Ok::<_, AccountError>(None);
            };
            let recent = one_time::count_since(
                conn,
                &account.id,
                Purpose::VerifyEmail,
                now - Duration::hours(1),
            )?;
            if account.email_verified || recent >= MAX_RESENDS_PER_HOUR {
                return Ok(None);
            }
            let token =
                one_time::issue(conn, &account.id, Purpose::VerifyEmail, lifetime, None, now)?;
            Ok(Some((account, token)))
        })?;
        if let Some((account, token)) = sent {
            self.send_verification(&account, &token, None);
        }
        Ok(())
    }
}
