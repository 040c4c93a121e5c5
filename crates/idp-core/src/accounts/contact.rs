//! A person's optional phone number and postal address (OpenID Connect Core
//! §5.1 `phone_number` and §5.1.1 `address`), for apps such as a shop that
//! pre-fills its checkout. Every way in (My Profile, the profile API, an
//! import) checks them with [`ContactUpdate::validate`]; they are kept in
//! `account_contacts`, one row per account that has any.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::FieldError;
use crate::db::schema::account_contacts as ac;
use crate::db::DbConnection;

/// E.164 allows at most 15 digits after the `+`; fewer than 8 is not a
/// reachable number anywhere.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;
/// What a person may type around the digits (`+40 (721) 234-567`): dropped
/// before the number is checked.
const PHONE_SEPARATORS: &[char] = &[' ', '-', '(', ')', '.', '\u{a0}'];
/// A typed number longer than this is not a phone number with spacing, and
/// is refused before it is looked at further.
const MAX_PHONE_INPUT: usize = 40;
/// The street lines (OIDC allows several).
pub const MAX_STREET_ADDRESS_LENGTH: usize = 200;
/// Each other address part.
pub const MAX_ADDRESS_PART_LENGTH: usize = 100;

/// The contact fields as a form or JSON body sends them; empty means absent.
#[derive(Debug, Clone, Default)]
pub struct ContactUpdate {
    pub phone_number: String,
    pub address: PostalAddress,
}

/// The parts of a postal address (OIDC Core §5.1.1), each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalAddress {
    #[serde(default)]
    pub street_address: Option<String>,
    #[serde(default)]
    pub locality: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

/// Checked contact details: a phone number in E.164 form and address parts
/// that are trimmed, bounded and free of markup and control characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDetails {
    pub phone_number: Option<String>,
    pub address: PostalAddress,
}

impl PostalAddress {
    fn parts(&self) -> [(&'static str, &Option<String>); 5] {
        [
            ("street_address", &self.street_address),
            ("locality", &self.locality),
            ("region", &self.region),
            ("postal_code", &self.postal_code),
            ("country", &self.country),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.parts().iter().all(|(_, v)| v.is_none())
    }

    /// The whole address for display (OIDC `formatted`): the street lines,
    /// then postal code and town, region and country, each on its own line.
    pub fn formatted(&self) -> String {
        let town = [&self.postal_code, &self.locality]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.street_address.clone(),
            Some(town).filter(|t| !t.is_empty()),
            self.region.clone(),
            self.country.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
    }
}

impl ContactDetails {
    pub fn is_empty(&self) -> bool {
        self.phone_number.is_none() && self.address.is_empty()
    }
}

impl ContactUpdate {
    /// Checks every field and reports all problems at once.
    pub fn validate(&self, errors: &mut Vec<FieldError>) -> Option<ContactDetails> {
        let before = errors.len();
        let phone_number = phone_number(&self.phone_number).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let a = &self.address;
        let mut part = |field, raw: &Option<String>, max, lines| {
            address_part(field, raw.as_deref().unwrap_or_default(), max, lines).unwrap_or_else(
                |e| {
                    errors.push(e);
                    None
                },
            )
        };
        let address = PostalAddress {
            street_address: part(
                "street_address",
                &a.street_address,
                MAX_STREET_ADDRESS_LENGTH,
                true,
            ),
            locality: part("locality", &a.locality, MAX_ADDRESS_PART_LENGTH, false),
            region: part("region", &a.region, MAX_ADDRESS_PART_LENGTH, false),
            postal_code: part(
                "postal_code",
                &a.postal_code,
                MAX_ADDRESS_PART_LENGTH,
                false,
            ),
            country: part("country", &a.country, MAX_ADDRESS_PART_LENGTH, false),
        };
        (errors.len() == before).then_some(ContactDetails {
            phone_number,
            address,
        })
    }
}

/// `+` and the country code, then the number, as E.164 writes it
/// (`+40721234567`); `None` when the field was left empty.
fn phone_number(raw: &str) -> Result<Option<String>, FieldError> {
    let invalid = || FieldError::new("phone_number", "phone_invalid");
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.chars().count() > MAX_PHONE_INPUT {
        return Err(invalid());
    }
    let compact: String = raw
        .chars()
        .filter(|c| !PHONE_SEPARATORS.contains(c))
        .collect();
    let digits = compact.strip_prefix('+').ok_or_else(invalid)?;
    let well_formed = PHONE_DIGITS.contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    well_formed.then_some(Some(compact)).ok_or_else(invalid)
}

/// One address part, trimmed; `None` when empty. Only the street may span
/// lines (a textarea's `\r\n` becomes `\n`, blank lines go).
fn address_part(
    field: &'static str,
    raw: &str,
    max: usize,
    lines: bool,
) -> Result<Option<String>, FieldError> {
    let value = if lines {
        raw.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        raw.trim().to_owned()
    };
    if value.is_empty() {
        return Ok(None);
    }
    // Counted before anything else: a 10 000-character paste gets the
    // length message, not a character complaint about its middle.
    if value.chars().count() > max {
        return Err(FieldError::new(field, "address_too_long").arg("max", max.to_string()));
    }
    let refused = |c: char| (c.is_control() && !(lines && c == '\n')) || "<>\"".contains(c);
    if value.chars().any(refused) {
        return Err(FieldError::new(field, "address_invalid_characters"));
    }
    Ok(Some(value))
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = ac)]
struct ContactRow {
    account_id: String,
    phone_number: Option<String>,
    street_address: Option<String>,
    locality: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    updated_at: NaiveDateTime,
}

impl From<ContactRow> for ContactDetails {
    fn from(r: ContactRow) -> Self {
        Self {
            phone_number: r.phone_number,
            address: PostalAddress {
                street_address: r.street_address,
                locality: r.locality,
                region: r.region,
                postal_code: r.postal_code,
                country: r.country,
            },
        }
    }
}

/// The contact details of `account_id` (empty when it has none).
pub(crate) fn of(conn: &mut DbConnection, account_id: &str) -> QueryResult<ContactDetails> {
    let row = ac::table
        .find(account_id)
        .select(ContactRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ContactDetails::from).unwrap_or_default())
}

/// The contact details of several accounts, for those that have any.
pub(crate) fn of_many(
    conn: &mut DbConnection,
    account_ids: &[&str],
) -> QueryResult<Vec<(String, ContactDetails)>> {
    let rows = ac::table
        .filter(ac::account_id.eq_any(account_ids))
        .select(ContactRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.account_id.clone(), ContactDetails::from(r)))
        .collect())
}

/// Replaces the contact details of `account_id` in the caller's
/// transaction. Delete-then-insert works the same on both databases (an
/// upsert does not compile against the multi-backend connection).
pub(crate) fn save(
    conn: &mut DbConnection,
    account_id: &str,
    contact: &ContactDetails,
    now: NaiveDateTime,
) -> QueryResult<()> {
    clear(conn, account_id)?;
    if contact.is_empty() {
        return Ok(());
    }
    let a = contact.address.clone();
    let row = ContactRow {
        account_id: account_id.to_owned(),
        phone_number: contact.phone_number.clone(),
        street_address: a.street_address,
        locality: a.locality,
        region: a.region,
        postal_code: a.postal_code,
        country: a.country,
        updated_at: now,
    };
    diesel::insert_into(ac::table).values(&row).execute(conn)?;
    Ok(())
}

/// Forgets the contact details of `account_id` (an unproven account taken
/// over by the person who proved the address: they were not hers).
pub(crate) fn clear(conn: &mut DbConnection, account_id: &str) -> QueryResult<()> {
    diesel::delete(ac::table.find(account_id)).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(raw: &str) -> Result<Option<String>, &'static str> {
        phone_number(raw).map_err(|e| e.code)
    }

    #[test]
    fn phone_numbers_become_e164() {
        assert_eq!(phone("+40 721 234 567"), Ok(Some("+40721234567".into())));
        assert_eq!(
            phone(" +1 (415) 555-0100 "),
            Ok(Some("+14155550100".into()))
        );
        assert_eq!(phone("+49.30.1234567"), Ok(Some("+49301234567".into())));
        assert_eq!(phone("   "), Ok(None));
        for bad in [
            "0721 234 567",
            "+0721234567",
            "+40 721",
            "+1234567890123456",
            "+40 721 234 567 ext 2",
            "++40721234567",
            "+४०७२१२३४५६७",
            &"+4".repeat(30),
        ] {
            assert_eq!(phone(bad), Err("phone_invalid"), "{bad}");
        }
    }

    fn check(address: PostalAddress) -> Result<ContactDetails, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let update = ContactUpdate {
            phone_number: String::new(),
            address,
        };
        update
            .validate(&mut errors)
            .ok_or_else(|| errors.iter().map(|e| (e.field, e.code)).collect())
    }

    #[test]
    fn address_parts_are_trimmed_bounded_and_plain() {
        let ok = check(PostalAddress {
            street_address: Some(" Strada Lungă 5\r\n\r\n Ap. 3 ".into()),
            locality: Some(" Brașov ".into()),
            region: Some("".into()),
            postal_code: Some("500035".into()),
            country: Some("România".into()),
        })
        .unwrap();
        assert_eq!(
            ok.address.street_address.as_deref(),
            Some("Strada Lungă 5\nAp. 3")
        );
        assert_eq!(ok.address.region, None);
        assert_eq!(
            ok.address.formatted(),
            "Strada Lungă 5\nAp. 3\n500035 Brașov\nRomânia"
        );
        assert!(check(PostalAddress::default()).unwrap().is_empty());

        let errors = check(PostalAddress {
            street_address: Some("x".repeat(10_000)),
            locality: Some("Town\u{0}".into()),
            region: Some("<script>".into()),
            postal_code: Some("12\n34".into()),
            country: Some("\"Land\"".into()),
        })
        .unwrap_err();
        assert_eq!(
            errors,
            [
                ("street_address", "address_too_long"),
                ("locality", "address_invalid_characters"),
                ("region", "address_invalid_characters"),
                ("postal_code", "address_invalid_characters"),
                ("country", "address_invalid_characters"),
            ]
        );
    }
}
