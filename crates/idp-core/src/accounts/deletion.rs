//! Deleting one's own account, confirmed with its password. Sessions and
//! tokens go with it (foreign keys cascade).

use super::AccountError;
use crate::Idp;

impl Idp {
    pub fn delete_account(&self, account_id: &str, password: &str) -> Result<(), AccountError> {
        let account = self.account(account_id)?;
        self.confirm_password(&account, password, "password")?;
        let ended = self.db.write(|conn| {
            self.remove_account(conn, &account, crate::audit::EventType::AccountDeleted)
        })?;
        self.notify_logout(ended);
        Ok(())
    }
}
