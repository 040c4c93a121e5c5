//! The marketing subscription and the one-click unsubscribe link (RFC 8058),
//! which works without signing in: the link carries a signature of the account id.

use diesel::prelude::*;

use super::AccountError;
use crate::crypto::{hmac_sign, hmac_verify};
use crate::db::schema::accounts;
use crate::{now, Idp};

impl Idp {
    pub fn set_marketing(&self, account_id: &str, subscribed: bool) -> Result<(), AccountError> {
        self.db.write(|conn| {
            let n = diesel::update(accounts::table.find(account_id))
                .set((
                    accounts::marketing_opt_in.eq(subscribed),
                    accounts::updated_at.eq(now()),
                ))
                .execute(conn)?;
            if n == 0 {
                return Err(AccountError::NotFound);
            }
            Ok(())
        })
    }

    /// `{account id}.{signature}`: stable, so old emails keep working.
    pub fn unsubscribe_token(&self, account_id: &str) -> String {
        let signature = hmac_sign(&self.keys.unsubscribe, account_id);
        format!("{account_id}.{signature}")
    }

    pub fn unsubscribe_link(&self, account_id: &str) -> String {
        self.link(&format!(
            "/unsubscribe?token={}",
            self.unsubscribe_token(account_id)
        ))
    }

    /// Turns marketing mail off for the account the token names. Idempotent.
    pub fn unsubscribe(&self, token: &str) -> Result<(), AccountError> {
        let (account_id, signature) = token
            .rsplit_once('.')
            .filter(|_| token.len() <= 256)
            .ok_or(AccountError::InvalidLink)?;
        if !hmac_verify(&self.keys.unsubscribe, account_id, signature) {
            return Err(AccountError::InvalidLink);
        }
        match self.set_marketing(account_id, false) {
            // A deleted account gets no mail: nothing left to do.
            Err(AccountError::NotFound) => Ok(()),
            other => other,
        }
    }
}
