//! What administrators do to accounts, through the admin API or the `idp
//! user` commands: create, find, change, disable, delete. The operator
//! knows the people concerned, so answers are plain (a taken address is
//! reported, an unknown account is `NotFound`).

use chrono::Duration;
use diesel::prelude::*;

use super::{
    claim_address, Account, AccountError, Birthdate, EmailAddress, FieldError, PersonName,
    Recipient,
};
use crate::audit::{self, Event, EventType};
use crate::crypto::new_id;
use crate::db::schema::accounts;
use crate::db::DbConnection;
use crate::email::{enqueue, Action};
use crate::one_time::{self, Purpose};
use crate::paging::{Page, PageRequest};
use crate::sessions;
use crate::{i18n, now, Idp};

/// Who acts on an account through the admin surface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Administrator {
    /// The operator at the command line.
    Operator,
    /// An administrator's access token.
    Account(String),
    /// A client's own token with scope `admin`.
    Client(String),
}

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub verified: bool,
    pub admin: bool,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

/// The fields an administrator may change; `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birthdate: Option<String>,
    pub marketing_opt_in: Option<bool>,
    pub is_admin: Option<bool>,
    pub locale: Option<String>,
}

/// The longest search text for the users list.
pub const MAX_USER_SEARCH: usize = 254;

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
            disabled_at: None,
        };
        let inserted = self.db.write(|conn| {
            diesel::insert_into(accounts::table)
                .values(&account)
                .execute(conn)?;
            let event = Event::new(EventType::UserCreated)
                .subject(&account.id)
                .detail("admin", account.is_admin)
                .detail("email_verified", account.email_verified);
            audit::record(conn, &event).map_err(AccountError::from)
        });
        match inserted {
            Ok(_) => Ok(account),
            Err(AccountError::Store(e)) if e.is_unique_violation() => {
                Err(FieldError::new("email", "email_taken").into())
            }
            Err(e) => Err(e),
        }
    }

    /// Accounts in the order they were made; `search` keeps those whose
    /// address contains it (any case).
    pub fn list_users(
        &self,
        search: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Account>, AccountError> {
        let pattern = match search.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) if s.len() > MAX_USER_SEARCH => {
                return Err(FieldError::new("email", "email_too_long").into())
            }
            Some(s) => Some(format!("%{}%", escape_like(&s.to_lowercase()))),
            None => None,
        };
        self.db.read(|conn| {
            let mut query = accounts::table
                .select(Account::as_select())
                .order((accounts::created_at.asc(), accounts::id.asc()))
                .offset(page.offset)
                .limit(page.fetch())
                .into_boxed();
            if let Some(pattern) = &pattern {
                query = query.filter(accounts::email.like(pattern).escape('\\'));
            }
            Ok(page.finish(query.load(conn)?))
        })
    }

    /// Looks an account up by id or by address (the CLI's `--id`/`--email`).
    pub fn find_user(
        &self,
        id: Option<&str>,
        email: Option<&str>,
    ) -> Result<Account, AccountError> {
        match (id, email) {
            (Some(id), _) => self.account(id),
            (None, Some(email)) => {
                let email = EmailAddress::parse(email)?;
                self.db
                    .read(|conn| Account::find_by_email(conn, &email).map_err(AccountError::from))?
                    .ok_or(AccountError::NotFound)
            }
            (None, None) => Err(AccountError::NotFound),
        }
    }

    pub fn update_user(
        &self,
        account_id: &str,
        update: &UserUpdate,
    ) -> Result<Account, AccountError> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).ok();
        let email = update
            .email
            .as_deref()
            .map(|e| EmailAddress::parse(e).map(|a| a.to_string()))
            .and_then(&mut keep);
        let given_name = update
            .given_name
            .as_deref()
            .map(|n| PersonName::parse("given_name", n).map(PersonName::into_inner))
            .and_then(&mut keep);
        let family_name = update
            .family_name
            .as_deref()
            .map(|n| PersonName::parse("family_name", n).map(PersonName::into_inner))
            .and_then(&mut keep);
        let birthdate = match update.birthdate.as_deref() {
            Some(raw) => match Birthdate::parse(raw, now().date()) {
                Ok(b) => Some(b.date()),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            None => None,
        };
        let locale = match update.locale.as_deref().map(super::language::offered) {
            Some(Ok(tag)) => Some(tag.to_owned()),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            None => None,
        };
        AccountError::check(errors)?;
        let result = self.db.write(|conn| {
            let old = Account::find(conn, account_id)?.ok_or(AccountError::NotFound)?;
            let mut new = old.clone();
            let address_changed = email.as_ref().is_some_and(|e| *e != old.email);
            if let Some(email) = email {
                new.email = email;
            }
            // A new address is unproven unless the administrator says otherwise.
            new.email_verified = update
                .email_verified
                .unwrap_or(old.email_verified && !address_changed);
            new.given_name = given_name.unwrap_or(old.given_name.clone());
            new.family_name = family_name.unwrap_or(old.family_name.clone());
            new.birthdate = birthdate.or(old.birthdate);
            new.marketing_opt_in = update.marketing_opt_in.unwrap_or(old.marketing_opt_in);
            new.is_admin = update.is_admin.unwrap_or(old.is_admin);
            new.locale = locale.unwrap_or(old.locale.clone());
            new.updated_at = now();
            diesel::update(accounts::table.find(account_id))
                .set((
                    accounts::email.eq(&new.email),
                    accounts::email_verified.eq(new.email_verified),
                    accounts::given_name.eq(&new.given_name),
                    accounts::family_name.eq(&new.family_name),
                    accounts::birthdate.eq(new.birthdate),
                    accounts::marketing_opt_in.eq(new.marketing_opt_in),
                    accounts::is_admin.eq(new.is_admin),
                    accounts::locale.eq(&new.locale),
                    accounts::updated_at.eq(new.updated_at),
                ))
                .execute(conn)?;
            if new.email_verified && (address_changed || !old.email_verified) {
                claim_address(conn, &new, new.updated_at)?;
            }
            audit::record(conn, &changes(&old, &new))?;
            Ok::<_, AccountError>(new)
        });
        match result {
            Err(AccountError::Store(e)) if e.is_unique_violation() => {
                Err(FieldError::new("email", "email_taken").into())
            }
            other => other,
        }
    }

    /// Stops the account: its sessions end, its refresh tokens and access
    /// tokens stop working, and it cannot sign in until enabled again.
    pub fn disable_user(
        &self,
        by: &Administrator,
        account_id: &str,
    ) -> Result<Account, AccountError> {
        refuse_self(by, account_id)?;
        let (account, ended) = self.db.write(|conn| {
            let now = now();
            let mut account = Account::find(conn, account_id)?.ok_or(AccountError::NotFound)?;
            if account.disabled_at.is_none() {
                diesel::update(accounts::table.find(account_id))
                    .set((accounts::disabled_at.eq(now), accounts::updated_at.eq(now)))
                    .execute(conn)?;
                account.disabled_at = Some(now);
            }
            crate::oauth::revoke_account_grants(conn, account_id, now)?;
            let ended = sessions::end_all(conn, account_id, None)?;
            audit::record(
                conn,
                &Event::new(EventType::UserDisabled).subject(account_id),
            )?;
            Ok::<_, AccountError>((account, ended))
        })?;
        self.notify_logout(ended);
        Ok(account)
    }

    pub fn enable_user(&self, account_id: &str) -> Result<Account, AccountError> {
        self.db.write(|conn| {
            let mut account = Account::find(conn, account_id)?.ok_or(AccountError::NotFound)?;
            if account.disabled_at.is_some() {
                account.updated_at = now();
                diesel::update(accounts::table.find(account_id))
                    .set((
                        accounts::disabled_at.eq(None::<chrono::NaiveDateTime>),
                        accounts::updated_at.eq(account.updated_at),
                    ))
                    .execute(conn)?;
                account.disabled_at = None;
            }
            audit::record(
                conn,
                &Event::new(EventType::UserEnabled).subject(account_id),
            )?;
            Ok(account)
        })
    }

    /// Deletes the account without its password (the operator's authority);
    /// the person is told by email, as when they delete it themselves.
    pub fn delete_user(&self, by: &Administrator, account_id: &str) -> Result<(), AccountError> {
        refuse_self(by, account_id)?;
        let account = self.account(account_id)?;
        let ended = self
            .db
            .write(|conn| self.remove_account(conn, &account, EventType::UserDeleted))?;
        self.notify_logout(ended);
        Ok(())
    }

    /// Ends every session (back-channel logout included); refresh tokens
    /// live on, as after the person's own "log out everywhere".
    pub fn end_user_sessions(&self, account_id: &str) -> Result<(), AccountError> {
        let ended = self.db.write(|conn| {
            Account::find(conn, account_id)?.ok_or(AccountError::NotFound)?;
            audit::record(
                conn,
                &Event::new(EventType::UserSessionsEnded).subject(account_id),
            )?;
            Ok::<_, AccountError>(sessions::end_all(conn, account_id, None)?)
        })?;
        self.notify_logout(ended);
        Ok(())
    }

    /// Sets a password chosen by the operator: the policy applies, every
    /// session and refresh token ends, and the person is told.
    pub fn set_user_password(&self, account_id: &str, password: &str) -> Result<(), AccountError> {
        let account = self.account(account_id)?;
        let names = [account.given_name.as_str(), account.family_name.as_str()];
        self.policy
            .check("password", password, &account.email_address(), &names)?;
        self.store_password(&account.id, password)?;
        let ended = self.db.write(|conn| {
            let what = ("password_changed", EventType::UserPasswordSet);
            self.after_password_change(conn, &account, None, what)
        })?;
        self.notify_logout(ended);
        Ok(())
    }

    /// Marks the address as proven (the operator vouches for it).
    pub fn verify_user(&self, account_id: &str) -> Result<Account, AccountError> {
        self.update_user(
            account_id,
            &UserUpdate {
                email_verified: Some(true),
                ..UserUpdate::default()
            },
        )
    }

    /// Sends a new verification link; `AlreadyVerified` when there is
    /// nothing to prove.
    pub fn resend_user_verification(&self, account_id: &str) -> Result<(), AccountError> {
        let lifetime = Duration::hours(self.settings.tokens.email_verification_hours);
        self.db.write(|conn| {
            let account = Account::find(conn, account_id)?.ok_or(AccountError::NotFound)?;
            if account.email_verified {
                return Err(AccountError::AlreadyVerified);
            }
            let token = one_time::issue(
                conn,
                &account.id,
                Purpose::VerifyEmail,
                lifetime,
                None,
                now(),
            )?;
            let to = Recipient {
                email: &account.email,
                given_name: &account.given_name,
                locale: &account.locale,
            };
            let mail = self.verification_email(&to, &token, None);
            enqueue(conn, self, Some(&account.id), &mail)?;
            audit::record(
                conn,
                &Event::new(EventType::UserVerificationResent).subject(&account.id),
            )?;
            Ok(())
        })
    }

    /// Removes an account in the caller's transaction: refused while it is
    /// the last administrator of an organization; sessions end, the rest
    /// cascades, and the person is told.
    pub(crate) fn remove_account(
        &self,
        conn: &mut DbConnection,
        account: &Account,
        event: EventType,
    ) -> Result<Vec<crate::oauth::LogoutNotice>, AccountError> {
        if let Some(organization) = crate::organizations::last_admin_of(conn, &account.id)? {
            return Err(AccountError::LastOrganizationAdmin { organization });
        }
        let event = Event::new(event)
            .subject(&account.id)
            .detail("email", account.email.as_str());
        audit::record(conn, &event)?;
        let ended = sessions::end_all(conn, &account.id, None)?;
        diesel::delete(accounts::table.find(&account.id)).execute(conn)?;
        let notice = self.compose_email(
            &account.email,
            &account.locale,
            "account_deleted",
            &[],
            Action::None,
        );
        enqueue(conn, self, Some(&account.id), &notice)?;
        Ok(ended)
    }
}

/// `user.updated`, naming the fields that changed (their new values only
/// where they are not personal data).
fn changes(old: &Account, new: &Account) -> Event {
    let mut changed = Vec::new();
    let fields: [(&str, bool); 8] = [
        ("email", old.email != new.email),
        ("email_verified", old.email_verified != new.email_verified),
        ("given_name", old.given_name != new.given_name),
        ("family_name", old.family_name != new.family_name),
        ("birthdate", old.birthdate != new.birthdate),
        (
            "marketing_opt_in",
            old.marketing_opt_in != new.marketing_opt_in,
        ),
        ("is_admin", old.is_admin != new.is_admin),
        ("locale", old.locale != new.locale),
    ];
    for (name, differs) in fields {
        if differs {
            changed.push(name);
        }
    }
    let mut event = Event::new(EventType::UserUpdated)
        .subject(&new.id)
        .detail("changed", changed);
    if old.is_admin != new.is_admin {
        event = event.detail("is_admin", new.is_admin);
    }
    if old.email_verified != new.email_verified {
        event = event.detail("email_verified", new.email_verified);
    }
    event
}

/// An administrator cannot lock themselves out through the API; another
/// administrator or the operator can.
fn refuse_self(by: &Administrator, account_id: &str) -> Result<(), AccountError> {
    match by {
        Administrator::Account(id) if id == account_id => Err(AccountError::OwnAccount),
        _ => Ok(()),
    }
}

/// `%`, `_` and the escape itself match literally in a LIKE pattern.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_match_themselves() {
        assert_eq!(escape_like("a_b%c\\d"), "a\\_b\\%c\\\\d");
        assert_eq!(escape_like("plain@example.com"), "plain@example.com");
    }
}
