//! Claims about a person, released by scope (OIDC Core §5.4).

use serde_json::{json, Map, Value};

use super::Scopes;
use crate::accounts::Account;

/// `subject` is what the asking client knows the person as (pairwise or not).
pub fn userinfo_claims(subject: &str, account: &Account, scopes: &Scopes) -> Map<String, Value> {
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
    claims
}
