//! Client authentication at the token endpoint: HTTP Basic (credentials
//! form-urlencoded first, RFC 6749 §2.3.1), form fields, or none for public
//! clients. Exactly one method per request.

use super::OAuthError;
use crate::clients::{Client, TokenEndpointAuth};
use crate::Idp;

#[derive(Debug, Default)]
pub struct ClientCredentials {
    /// From `Authorization: Basic`, already decoded.
    pub basic: Option<(String, String)>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

fn unknown() -> OAuthError {
    OAuthError::InvalidClient("client authentication failed".into())
}

impl Idp {
    pub fn authenticate_client(&self, creds: &ClientCredentials) -> Result<Client, OAuthError> {
        let (client_id, secret, method) = match (&creds.basic, &creds.client_secret) {
            (Some(_), Some(_)) => {
                return Err(OAuthError::InvalidRequest(
                    "use one client authentication method, not two".into(),
                ))
            }
            (Some((id, secret)), None) => {
                if creds.client_id.as_ref().is_some_and(|c| c != id) {
                    return Err(OAuthError::InvalidRequest(
                        "client_id does not match".into(),
                    ));
                }
                (
                    id.clone(),
                    Some(secret.clone()),
                    TokenEndpointAuth::ClientSecretBasic,
                )
            }
            (None, Some(secret)) => (
                creds.client_id.clone().ok_or_else(unknown)?,
                Some(secret.clone()),
                TokenEndpointAuth::ClientSecretPost,
            ),
            (None, None) => (
                creds.client_id.clone().ok_or_else(unknown)?,
                None,
                TokenEndpointAuth::None,
            ),
        };
        let client = self.client(&client_id)?.ok_or_else(unknown)?;
        let ok = match (method, secret) {
            (TokenEndpointAuth::None, None) => client.is_public(),
            // A confidential client may use either secret method.
            (_, Some(secret)) => !client.is_public() && client.secret_matches(&secret),
            _ => false,
        };
        if ok {
            Ok(client)
        } else {
            Err(unknown())
        }
    }
}
