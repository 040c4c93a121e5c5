//! Moving accounts in and out: `idp user import` / `importUsers` and `idp
//! user export`, one JSON object per account (DESIGN.md, "Operations").
//! Each account is its own transaction, so a bad line is reported and
//! skipped and nothing is ever half imported; an address that has an
//! account already is skipped, so an import can simply be run again.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::contact::{self, ContactDetails, ContactUpdate, PostalAddress};
use super::foreign_hash::{check_importable, from_keycloak};
use super::{claim_address, Account, AccountError, Birthdate, EmailAddress, PersonName};
use crate::audit::{self, Event, EventType};
use crate::crypto::new_id;
use crate::db::schema::accounts;
use crate::paging::PageRequest;
use crate::{i18n, now, Idp};

/// The longest line read: a record is a few hundred bytes.
pub const MAX_IMPORT_LINE: usize = 16 * 1024;
/// The most records one `importUsers` call takes (larger imports are the
/// command line's, or several calls: the import is idempotent).
pub const MAX_IMPORT_BATCH: usize = 1000;

/// One account as a file line: what import reads and export writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRecord {
    pub email: String,
    #[serde(default)]
    pub email_verified: bool,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub birthdate: Option<String>,
    /// A PHC or crypt string, or Keycloak's credential object; none makes an
    /// account that signs in through a provider or resets its password.
    #[serde(default)]
    pub password_hash: Option<serde_json::Value>,
    /// E.164 (export writes it so; import also takes it spaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PostalAddress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Imported {
    Created {
        id: String,
    },
    /// Already there (by address); nothing was changed.
    Skipped {
        reason: String,
    },
    Refused {
        reason: String,
    },
}

/// What happened to one line (numbered from 1).
#[derive(Debug, Clone, Serialize)]
pub struct ImportLine {
    pub line: usize,
    /// As written, when the line could be read that far.
    pub email: Option<String>,
    #[serde(flatten)]
    pub result: Imported,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub skipped: usize,
    pub refused: usize,
    pub lines: Vec<ImportLine>,
}

impl ImportReport {
    fn add(&mut self, line: ImportLine) {
        match line.result {
            Imported::Created { .. } => self.created += 1,
            Imported::Skipped { .. } => self.skipped += 1,
            Imported::Refused { .. } => self.refused += 1,
        }
        self.lines.push(line);
    }
}

impl Idp {
    /// Imports JSON lines; blank lines are passed over (and counted, so
    /// that the report's numbers are the file's).
    pub fn import_lines<'a>(
        &self,
        lines: impl IntoIterator<Item = &'a str>,
    ) -> Result<ImportReport, (ImportReport, AccountError)> {
        let records = lines
            .into_iter()
            .enumerate()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(i, text)| {
                let record = match text.len() {
                    n if n > MAX_IMPORT_LINE => Err("the line is longer than 16 KiB".to_owned()),
                    _ => serde_json::from_str::<AccountRecord>(text)
                        .map_err(|e| format!("not an account record: {e}")),
                };
                (i + 1, record)
            });
        self.import_numbered(records)
    }

    /// Imports the records of the admin API's body, numbered from 1.
    pub fn import_values(
        &self,
        values: Vec<serde_json::Value>,
    ) -> Result<ImportReport, (ImportReport, AccountError)> {
        let records = values.into_iter().enumerate().map(|(i, v)| {
            let record = serde_json::from_value::<AccountRecord>(v)
                .map_err(|e| format!("not an account record: {e}"));
            (i + 1, record)
        });
        self.import_numbered(records)
    }

    /// A failure of the database stops the import (what was created stays,
    /// and the report says how far it got); every other problem refuses only
    /// its record.
    fn import_numbered(
        &self,
        records: impl Iterator<Item = (usize, Result<AccountRecord, String>)>,
    ) -> Result<ImportReport, (ImportReport, AccountError)> {
        let mut report = ImportReport::default();
        for (line, record) in records {
            let outcome = match record {
                Ok(record) => self.import_record(line, &record),
                Err(reason) => Ok(ImportLine {
                    line,
                    email: None,
                    result: Imported::Refused { reason },
                }),
            };
            match outcome {
                Ok(line) => report.add(line),
                Err(e) => return Err((report, e)),
            }
        }
        Ok(report)
    }

    /// One account; `Err` only when the database fails.
    pub fn import_record(
        &self,
        line: usize,
        record: &AccountRecord,
    ) -> Result<ImportLine, AccountError> {
        let answer = |result| ImportLine {
            line,
            email: Some(record.email.clone()),
            result,
        };
        let (account, details) = match checked(record) {
            Ok(checked) => checked,
            Err(reason) => return Ok(answer(Imported::Refused { reason })),
        };
        let inserted = self.db.write(|conn| {
            if Account::find_by_email(conn, &account.email_address())?.is_some() {
                return Ok(false);
            }
            diesel::insert_into(accounts::table)
                .values(&account)
                .execute(conn)?;
            contact::save(conn, &account.id, &details, account.created_at)?;
            if account.email_verified {
                claim_address(conn, &account, account.created_at)?;
            }
            let event = Event::new(EventType::UserImported)
                .subject(&account.id)
                .detail("password", account.password_hash.is_some());
            audit::record(conn, &event)?;
            Ok::<_, AccountError>(true)
        });
        let skipped = || {
            answer(Imported::Skipped {
                reason: "an account with this address exists".into(),
            })
        };
        match inserted {
            Ok(true) => Ok(answer(Imported::Created { id: account.id })),
            Ok(false) => Ok(skipped()),
            Err(AccountError::Store(e)) if e.is_unique_violation() => Ok(skipped()),
            Err(e) => Err(e),
        }
    }

    /// Every account as an import record, oldest first, a page at a time
    /// into `write`.
    pub fn export_accounts(
        &self,
        mut write: impl FnMut(&AccountRecord) -> std::io::Result<()>,
    ) -> Result<usize, ExportError> {
        let mut page = PageRequest::default();
        let mut count = 0;
        loop {
            let batch = self.list_users(None, page)?;
            let ids: Vec<&str> = batch.items.iter().map(|a| a.id.as_str()).collect();
            let contacts = self
                .db
                .read(|conn| contact::of_many(conn, &ids).map_err(AccountError::from))?;
            for account in &batch.items {
                let details = contacts
                    .iter()
                    .find(|(id, _)| *id == account.id)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default();
                write(&record_of(account, details)).map_err(ExportError::Write)?;
                count += 1;
            }
            if batch.next_page_token.is_none() {
                return Ok(count);
            }
            page.offset += page.limit;
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("cannot write the export: {0}")]
    Write(std::io::Error),
}

fn record_of(a: &Account, contact: ContactDetails) -> AccountRecord {
    AccountRecord {
        email: a.email.clone(),
        email_verified: a.email_verified,
        given_name: a.given_name.clone(),
        family_name: a.family_name.clone(),
        birthdate: a.birthdate.map(|d| d.to_string()),
        password_hash: a.password_hash.clone().map(serde_json::Value::String),
        phone_number: contact.phone_number,
        address: Some(contact.address).filter(|a| !a.is_empty()),
    }
}

/// The account a record makes, with its contact details, or why it makes
/// none.
fn checked(record: &AccountRecord) -> Result<(Account, ContactDetails), String> {
    let field = |e: super::FieldError| {
        let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        format!(
            "{}: {}",
            e.field,
            i18n::format("en", &format!("error.{}", e.code), &args)
        )
    };
    let email = EmailAddress::parse(&record.email).map_err(field)?;
    let name = |f, v: &str| match v.trim() {
        "" => Ok(String::new()),
        v => PersonName::parse(f, v)
            .map(PersonName::into_inner)
            .map_err(field),
    };
    let given_name = name("given_name", &record.given_name)?;
    let family_name = name("family_name", &record.family_name)?;
    let birthdate = match record.birthdate.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(Birthdate::parse(raw, now().date()).map_err(field)?.date()),
    };
    let password_hash = match &record.password_hash {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => {
            check_importable(s).map_err(|e| e.to_string())?;
            Some(s.clone())
        }
        Some(credential @ serde_json::Value::Object(_)) => {
            Some(from_keycloak(credential).map_err(|e| e.to_string())?)
        }
        Some(_) => return Err("password_hash must be a string or a Keycloak credential".into()),
    };
    let mut errors = Vec::new();
    let details = ContactUpdate {
        phone_number: record.phone_number.clone().unwrap_or_default(),
        address: record.address.clone().unwrap_or_default(),
    }
    .validate(&mut errors);
    if let Some(e) = errors.into_iter().next() {
        return Err(field(e));
    }
    let details = details.unwrap_or_default();
    let now: NaiveDateTime = now();
    let account = Account {
        id: new_id(),
        email: email.to_string(),
        email_verified: record.email_verified,
        password_hash,
        given_name,
        family_name,
        birthdate,
        marketing_opt_in: false,
        is_admin: false,
        locale: i18n::FALLBACK.to_owned(),
        created_at: now,
        updated_at: now,
        disabled_at: None,
    };
    Ok((account, details))
}
