//! Accounts made by the operator (`idp user create`): the operator knows the
//! address, so a taken one is reported plainly.

use diesel::prelude::*;

use super::{Account, AccountError, EmailAddress, FieldError, PersonName};
use crate::crypto::new_id;
use crate::db::schema::accounts;
use crate::{i18n, now, Idp};

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub verified: bool,
    pub admin: bool,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

impl Idp {
    pub fn create_user(&self, user: &NewUser) -> Result<Account, AccountError> {
        let email = EmailAddress::parse(&user.email)?;
        let name = |field, value: &Option<String>| match value {
            Some(v) => PersonName::parse(field, v).map(PersonName::into_inner),
            None => Ok(String::new()),
        };
        let given_name = name("given_name", &user.given_name)?;
        let family_name = name("family_name", &user.family_name)?;
        self.policy.check(
            "password",
            &user.password,
            &email,
            &[&given_name, &family_name],
        )?;
        let now = now();
        let account = Account {
            id: new_id(),
            email: email.to_string(),
            email_verified: user.verified,
            password_hash: Some(self.passwords.hash(&user.password)?),
            given_name,
            family_name,
            birthdate: None,
            marketing_opt_in: false,
            is_admin: user.admin,
            locale: i18n::FALLBACK.to_owned(),
            created_at: now,
            updated_at: now,
        };
        let inserted = self.db.write(|conn| {
            diesel::insert_into(accounts::table)
                .values(&account)
                .execute(conn)
                .map_err(AccountError::from)
        });
        match inserted {
            Ok(_) => Ok(account),
            Err(AccountError::Store(e)) if e.is_unique_violation() => {
                Err(FieldError::new("email", "email_taken").into())
            }
            Err(e) => Err(e),
        }
    }
}
