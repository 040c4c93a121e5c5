//! Client authentication at the token endpoint: HTTP Basic (credentials
//! form-urlencoded first, RFC 6749 §2.3.1), form fields, or none for public
//! clients. Exactly one method per request.

use super::OAuthError;
use crate::clients::{Client, TokenEndpointAuth};
use crate::throttle::{self, ThrottleKey};
use crate::{now, Idp};

#[derive(Debug, Default)]
pub struct ClientCredentials {
    /// From `Authorization: Basic`, already decoded.
    pub basic: Option<(String, String)>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Where the request came from (failures are throttled per address).
    pub client_ip: String,
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
        let key = ThrottleKey::Client(&client_id, &creds.client_ip);
        let now = now();
        if let Some(seconds) = throttle::locked_for(&self.db, std::slice::from_ref(&key), now)? {
            return Err(OAuthError::InvalidClient(format!(
                "too many failed attempts; try again in {} minute(s)",
                (seconds + 59) / 60
            )));
        }
        let client = self.client(&client_id)?;
        let ok = client
            .as_ref()
            .is_some_and(|client| match (method, &secret) {
                (TokenEndpointAuth::None, None) => client.is_public(),
                // A confidential client may use either secret method.
                (_, Some(secret)) => !client.is_public() && client.secret_matches(secret),
                _ => false,
            });
        match client {
            Some(client) if ok => Ok(client),
            _ => {
                throttle::record_failure(&self.db, &key, &self.settings.throttle, now)?;
                Err(unknown())
            }
        }
    }
}
