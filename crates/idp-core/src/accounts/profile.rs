//! Names, date of birth and contact details, and changing them from "My
//! Profile" (the page and the API).

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use super::contact::{self, ContactDetails, ContactUpdate};
use super::{AccountError, FieldError};
use crate::db::schema::accounts;
use crate::{now, Idp};

pub const MAX_NAME_LENGTH: usize = 100;
/// Nobody signing up is older than this; an earlier year is a typo.
const MAX_AGE_YEARS: i32 = 130;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new(field, "name_required"));
        }
        if value.chars().count() > MAX_NAME_LENGTH {
            return Err(
                FieldError::new(field, "name_too_long").arg("max", MAX_NAME_LENGTH.to_string())
            );
        }
        if value.chars().any(|c| c.is_control() || "<>\"".contains(c)) {
            return Err(FieldError::new(field, "name_invalid_characters"));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Birthdate(NaiveDate);

impl Birthdate {
    /// `raw` is `YYYY-MM-DD` (what an HTML date input sends).
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new("birthdate", "birthdate_required"));
        }
        let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .filter(|_| raw.len() == 10)
            .ok_or_else(|| FieldError::new("birthdate", "birthdate_invalid"))?;
        if date > today {
            return Err(FieldError::new("birthdate", "birthdate_in_future"));
        }
        if today.year() - date.year() > MAX_AGE_YEARS {
            return Err(FieldError::new("birthdate", "birthdate_too_old"));
        }
        Ok(Self(date))
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

/// Raw profile fields as a form or JSON body sends them.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub given_name: String,
    pub family_name: String,
    pub birthdate: String,
    /// `None` leaves the phone number and postal address as they are.
    pub contact: Option<ContactUpdate>,
}

pub(crate) struct ValidProfile {
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub birthdate: Birthdate,
    pub contact: Option<ContactDetails>,
}

impl ProfileUpdate {
    /// Checks every field and reports all problems at once.
    pub(crate) fn validate(&self, errors: &mut Vec<FieldError>) -> Option<ValidProfile> {
        let given = PersonName::parse("given_name", &self.given_name);
        let family = PersonName::parse("family_name", &self.family_name);
        let birthdate = Birthdate::parse(&self.birthdate, now().date());
        errors.extend(
            [
                given.as_ref().err(),
                family.as_ref().err(),
                birthdate.as_ref().err(),
            ]
            .into_iter()
            .flatten()
            .cloned(),
        );
        let contact = match &self.contact {
            Some(update) => Some(update.validate(errors)?),
            None => None,
        };
        Some(ValidProfile {
            given_name: given.ok()?,
            family_name: family.ok()?,
            birthdate: birthdate.ok()?,
            contact,
        })
    }
}

impl Idp {
    pub fn update_profile(
        &self,
        account_id: &str,
        update: &ProfileUpdate,
    ) -> Result<(), AccountError> {
        let mut errors = Vec::new();
        let valid = update.validate(&mut errors);
        AccountError::check(errors)?;
        let valid = valid.expect("no errors means a valid profile");
        let now = now();
        self.db.write(|conn| {
            let n = diesel::update(accounts::table.find(account_id))
                .set((
                    accounts::given_name.eq(valid.given_name.into_inner()),
                    accounts::family_name.eq(valid.family_name.into_inner()),
                    accounts::birthdate.eq(Some(valid.birthdate.date())),
                    accounts::updated_at.eq(now),
                ))
                .execute(conn)?;
            if n == 0 {
                return Err(AccountError::NotFound);
            }
            if let Some(details) = &valid.contact {
                contact::save(conn, account_id, details, now)?;
            }
            Ok(())
        })
    }

    /// The phone number and postal address of `account_id` (empty when it
    /// has none).
    pub fn contact_details(&self, account_id: &str) -> Result<ContactDetails, AccountError> {
        self.db
            .read(|conn| contact::of(conn, account_id).map_err(AccountError::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn birthdates_must_be_plausible() {
        assert!(Birthdate::parse("1990-02-28", today()).is_ok());
        let code = |s| Birthdate::parse(s, today()).unwrap_err().code;
        assert_eq!(code(""), "birthdate_required");
        assert_eq!(code("1990-02-30"), "birthdate_invalid");
        assert_eq!(code("90-2-3"), "birthdate_invalid");
        assert_eq!(code("2026-11-24"), "birthdate_in_future");
        assert_eq!(code("1850-01-01"), "birthdate_too_old");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            PersonName::parse("given_name", "  Ada ")
                .unwrap()
                .into_inner(),
            "Ada"
        );
        assert!(PersonName::parse("given_name", "José-María O'Neil").is_ok());
        let code = |s: &str| PersonName::parse("given_name", s).unwrap_err().code;
        assert_eq!(code("   "), "name_required");
        assert_eq!(code(&"x".repeat(101)), "name_too_long");
        assert_eq!(code("<script>"), "name_invalid_characters");
        assert_eq!(code("a\u{0}b"), "name_invalid_characters");
    }
}
