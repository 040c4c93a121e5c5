//! Deleting an account, confirmed with its password. Sessions and tokens go
//! with it (foreign keys cascade).

use diesel::prelude::*;

use super::AccountError;
use crate::db::schema::accounts;
use crate::email::{enqueue, Action, Email};
use crate::Idp;

impl Idp {
    pub fn delete_account(&self, account_id: &str, password: &str) -> Result<(), AccountError> {
        let account = self.account(account_id)?;
        self.confirm_password(&account, password, "password")?;
        let ended = self.db.write(|conn| {
            if let Some(organization) = crate::organizations::last_admin_of(conn, &account.id)? {
                return Err(AccountError::LastOrganizationAdmin { organization });
            }
            let ended = crate::sessions::end_all(conn, &account.id, None)?;
            diesel::delete(accounts::table.find(&account.id)).execute(conn)?;
            let notice = Email::compose(
                &account.email,
                &account.locale,
                "account_deleted",
                &[],
                Action::None,
            );
            enqueue(conn, self, Some(&account.id), &notice)?;
            Ok::<_, AccountError>(ended)
        })?;
        self.notify_logout(ended);
        Ok(())
    }
}
