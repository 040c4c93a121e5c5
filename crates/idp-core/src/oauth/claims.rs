//! Claims about a person, released by scope (OIDC Core §5.4).

use serde_json::{json, Map, Value};

use super::Scopes;
use crate::accounts::{Account, ContactDetails};

/// Whether `scopes` release contact details, which are read (a query of
/// their own) only then.
pub(crate) fn needs_contact(scopes: &Scopes) -> bool {
    scopes.contains("phone") || scopes.contains("address")
}

/// `subject` is what the asking client knows the person as (pairwise or
/// not); `contact` matters only when [`needs_contact`].
pub fn userinfo_claims(
    subject: &str,
    account: &Account,
    contact: &ContactDetails,
    scopes: &Scopes,
) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(subject));
    if scopes.contains("profile") {
        let name = format!("{} {}", account.given_name, account.family_name);
        claims.insert("name".into(), json!(name.trim()));
        claims.insert("given_name".into(), json!(account.given_name));
        claims.insert("family_name".into(), json!(account.family_name));
        if let Some(b) = account.birthdate {
            claims.insert("birthdate".into(), json!(b.to_string()));
        }
        claims.insert("locale".into(), json!(account.locale));
        claims.insert(
            "updated_at".into(),
            json!(account.updated_at.and_utc().timestamp()),
        );
    }
    if scopes.contains("email") {
        claims.insert("email".into(), json!(account.email));
        claims.insert("email_verified".into(), json!(account.email_verified));
    }
    if scopes.contains("phone") {
        if let Some(phone) = &contact.phone_number {
            claims.insert("phone_number".into(), json!(phone));
            // idp sends no text messages, so it never proves a number.
            claims.insert("phone_number_verified".into(), json!(false));
        }
    }
    if scopes.contains("address") && !contact.address.is_empty() {
        let mut address = match serde_json::to_value(&contact.address) {
            Ok(Value::Object(parts)) => parts,
            _ => Map::new(),
        };
        // OIDC Core §5.1.1: absent parts are left out, not null.
        address.retain(|_, v| !v.is_null());
        address.insert("formatted".into(), json!(contact.address.formatted()));
        claims.insert("address".into(), Value::Object(address));
    }
    claims
}
