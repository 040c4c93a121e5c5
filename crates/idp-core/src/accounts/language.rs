//! The language saved on an account: its emails are written in it, and the
//! pages switch to it when the person signs in on a browser that has no
//! choice of its own (see `idp-http`'s `lang`).

use diesel::prelude::*;

use super::{AccountError, FieldError};
use crate::db::schema::accounts;
use crate::{i18n, now, Idp};

/// `tag` if idp has a catalog for it: the one check for every way of
/// saving a language (My Profile, the admin API).
pub fn offered(tag: &str) -> Result<&'static str, FieldError> {
    i18n::languages()
        .find(|known| *known == tag)
        .ok_or_else(|| FieldError::new("locale", "locale_unsupported"))
}

impl Idp {
    pub fn set_language(&self, account_id: &str, tag: &str) -> Result<(), AccountError> {
        let tag = offered(tag)?;
        self.db.write(|conn| {
            let n = diesel::update(accounts::table.find(account_id))
                .set((accounts::locale.eq(tag), accounts::updated_at.eq(now())))
                .execute(conn)?;
            if n == 0 {
                return Err(AccountError::NotFound);
            }
            Ok(())
        })
    }
}
