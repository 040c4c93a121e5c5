//! Changing the primary address: nothing changes until a link sent to the
//! new address is followed; the old address is told.

use crate::audit::{self, Event, EventType};
use chrono::Duration;
use diesel::prelude::*;

use super::{Account, AccountError, EmailAddress, FieldError};
use crate::db::schema::accounts;
use crate::email::{enqueue, quota_allows, Action, Quota};
use crate::one_time::{self, Purpose};
use crate::{now, Idp};

impl Idp {
    pub fn request_email_change(
        &self,
        account_id: &str,
        new_email: &str,
        current_password: &str,
    ) -> Result<(), AccountError> {
        let account = self.account(account_id)?;
        let new_email = EmailAddress::parse(new_email).map_err(|mut e| {
            e.field = "new_email";
            e
        })?;
        self.confirm_password(&account, current_password, "current_password")?;
        if new_email.as_str() == account.email {
            return Err(FieldError::new("new_email", "email_same").into());
        }
        let now = now();
        let lifetime = Duration::hours(self.settings.tokens.email_change_hours);
        let lang = &account.locale;
        self.db.write(|conn| {
            // Over the limit nothing happens, and the answer is the same.
            if !quota_allows(
                conn,
                self,
                Quota::EmailChange,
                Some(&account.id),
                new_email.as_str(),
                now,
            )? {
                return Ok::<_, AccountError>(());
            }
            let to_new = if Account::find_by_email(conn, &new_email)?.is_some() {
                // Telling the requester would reveal that the address is
                // taken; the address's owner learns of the attempt instead.
                self.compose_email(
                    new_email.as_str(),
                    lang,
                    "address_in_use",
                    &[],
                    Action::None,
                )
            } else {
                one_time::revoke_all(conn, &account.id, Purpose::ChangeEmail, now)?;
                let token = one_time::issue(
                    conn,
                    &account.id,
                    Purpose::ChangeEmail,
                    lifetime,
                    Some(new_email.as_str()),
                    now,
                )?;
                let link = self.link(&format!("/email/confirm?token={token}"));
                self.compose_email(
                    new_email.as_str(),
                    lang,
                    "email_change_confirm",
                    &[("old_email", &account.email)],
                    Action::Link(&link),
                )
            };
            enqueue(conn, self, Some(&account.id), &to_new)?;
            let notice = self.compose_email(
                &account.email,
                lang,
                "email_change_notice",
                &[("new_email", new_email.as_str())],
                Action::None,
            );
            enqueue(conn, self, Some(&account.id), &notice)?;
            Ok(())
        })
    }

    /// Follows the link sent to the new address, in a browser signed in to
    /// the account that asked (`account_id`): whoever merely receives the
    /// mail cannot move someone else's account, and its sessions, to their
    /// address. Returns the new address.
    pub fn confirm_email_change(
        &self,
        token: &str,
        account_id: &str,
    ) -> Result<EmailAddress, AccountError> {
        let now = now();
        let changed = self.db.write(|conn| {
            let open = one_time::peek(conn, token, Purpose::ChangeEmail, now)?
                .filter(|t| t.account_id == account_id)
                .ok_or(AccountError::InvalidLink)?;
            let new_email = open.new_email.clone().ok_or(AccountError::InvalidLink)?;
            // Before any row is touched, as a verification of the address does.
            crate::db::lock_key(conn, &super::verification::address_key(&new_email))?;
            let token = one_time::consume(conn, token, Purpose::ChangeEmail, now)?
                .ok_or(AccountError::InvalidLink)?;
            let account =
                Account::find(conn, &token.account_id)?.ok_or(AccountError::InvalidLink)?;
            if Account::find_by_email(conn, &EmailAddress::parse(&new_email)?)?.is_some() {
                return Err(AccountError::EmailUnavailable);
            }
            diesel::update(accounts::table.find(&account.id))
                .set((
                    accounts::email.eq(&new_email),
                    accounts::email_verified.eq(true),
                    accounts::updated_at.eq(now),
                ))
                .execute(conn)?;
            let moved = Account::find(conn, &account.id)?.ok_or(AccountError::InvalidLink)?;
            super::verification::claim_address(conn, &moved, now)?;
            // To the old address, which no longer signs in.
            let notice = self.compose_email(
                &account.email,
                &account.locale,
                "email_changed",
                &[("new_email", &new_email)],
                Action::None,
            );
            enqueue(conn, self, Some(&account.id), &notice)?;
            let event = Event::new(EventType::EmailChanged)
                .subject(&account.id)
                .detail("from", account.email.as_str())
                .detail("to", new_email.as_str());
            audit::record(conn, &event)?;
            Ok(new_email)
        });
        let new_email = match changed {
            Err(AccountError::Store(e)) if e.is_unique_violation() => {
                return Err(AccountError::EmailUnavailable)
            }
            other => other?,
        };
        Ok(EmailAddress::parse(&new_email)?)
    }
}
