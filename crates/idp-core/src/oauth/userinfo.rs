//! The UserInfo answer (OIDC Core §5.3) for a presented access token.

use serde_json::{json, Map, Value};

use super::claims::{needs_contact, userinfo_claims};
use super::AccessError;
use crate::accounts::ContactDetails;
use crate::db::StoreError;
use crate::keys::Alg;
use crate::organizations::ORGANIZATIONS_SCOPE;
use crate::Idp;

/// The claims, as JSON or, for a client that registered
/// `userinfo_signed_response_alg`, as a signed JWT (OIDC Core §5.3.2).
#[derive(Debug)]
pub enum UserInfo {
    Claims(Map<String, Value>),
    Signed(String),
}

impl Idp {
    /// The claims `access_token` lets its client read about its person,
    /// under the subject that client knows them by.
    pub fn userinfo(&self, access_token: &str) -> Result<UserInfo, AccessError> {
        // A client's own token (client credentials) is about no person.
        let (claims, account) = self
            .verify_access_token_of_account(access_token)?
            .ok_or(AccessError::InvalidToken)?;
        if !claims.scopes.contains("openid") {
            return Err(AccessError::InsufficientScope(
                "the token was not issued with scope openid",
            ));
        }
        let contact = match needs_contact(&claims.scopes) {
            true => self.db.read(|conn| {
                crate::accounts::contact_of(conn, &account.id).map_err(StoreError::from)
            })?,
            false => ContactDetails::default(),
        };
        let mut body = userinfo_claims(&claims.sub, &account, &contact, &claims.scopes);
        if claims.scopes.contains(ORGANIZATIONS_SCOPE) {
            body.insert(
                ORGANIZATIONS_SCOPE.into(),
                json!(self.organization_claims(&account.id)?),
            );
        }
        let alg = self
            .client(&claims.client_id)?
            .and_then(|c| c.metadata.userinfo_signed_response_alg)
            .as_deref()
            .and_then(Alg::parse);
        Ok(match alg {
            None => UserInfo::Claims(body),
            Some(alg) => {
                body.insert("iss".into(), json!(self.settings.issuer));
                body.insert("aud".into(), json!(claims.client_id));
                UserInfo::Signed(self.signing.sign_jwt(alg, "JWT", &Value::Object(body)))
            }
        })
    }
}
