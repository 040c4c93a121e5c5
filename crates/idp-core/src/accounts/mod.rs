//! People's accounts: sign-up, verification, credentials, profile, deletion.

mod admin;
mod contact;
mod deletion;
mod email_address;
mod email_change;
mod error;
mod foreign_hash;
mod import;
mod language;
mod marketing;
mod password;
mod pending;
mod profile;
mod reset;
mod sign_in;
mod signup;
mod verification;

pub use admin::{Administrator, NewUser, UserUpdate, MAX_USER_SEARCH};
pub use contact::{
    ContactDetails, ContactUpdate, PostalAddress, MAX_ADDRESS_PART_LENGTH,
    MAX_STREET_ADDRESS_LENGTH,
};
pub use email_address::{is_domain, EmailAddress, MAX_EMAIL_LENGTH};
pub use error::{AccountError, FieldError};
pub use foreign_hash::HashRefused;
pub use import::{
    AccountRecord, ExportError, ImportLine, ImportReport, Imported, MAX_IMPORT_BATCH,
    MAX_IMPORT_LINE,
};
pub use language::offered;
pub use password::{HasherBusy, PasswordHasher, PasswordPolicy, Verification};
pub use profile::{Birthdate, PersonName, ProfileUpdate, MAX_NAME_LENGTH};
pub use sign_in::SignedIn;
pub use signup::SignUp;
pub use verification::Verified;

pub(crate) use contact::{clear as clear_contact, of as contact_of};
pub(crate) use pending::purge_expired as purge_pending_signups;
pub(crate) use pending::NewPending;
pub(crate) use signup::Recipient;
pub(crate) use verification::{address_key, claim_address};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::accounts;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub email_verified: bool,
    pub password_hash: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birthdate: Option<NaiveDate>,
    pub marketing_opt_in: bool,
    pub is_admin: bool,
    pub locale: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set by an administrator: the account cannot sign in or use its grants.
    pub disabled_at: Option<NaiveDateTime>,
}

impl Account {
    pub fn find_by_email(
        conn: &mut DbConnection,
        email: &EmailAddress,
    ) -> QueryResult<Option<Account>> {
        accounts::table
            .filter(accounts::email.eq(email.as_str()))
            .select(Account::as_select())
            .first(conn)
            .optional()
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Account>> {
        accounts::table
            .find(id)
            .select(Account::as_select())
            .first(conn)
            .optional()
    }

    /// Disabled by an administrator: no sign-in, no session, no grant.
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    /// The address as the domain type (stored addresses were parsed on the way in).
    pub fn email_address(&self) -> EmailAddress {
        EmailAddress::parse(&self.email).expect("stored addresses are valid")
    }
}
