//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): where to
//! send the person after signing out, checked against the app's registered
//! `post_logout_redirect_uris` (exact match).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clients::ClientError;
use crate::Idp;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct LogoutParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_logout_redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ui_locales: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logout_hint: Option<String>,
}

impl LogoutParams {
    pub fn is_empty(&self) -> bool {
        self.id_token_hint.is_none()
            && self.client_id.is_none()
            && self.post_logout_redirect_uri.is_none()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LogoutError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Client(#[from] ClientError),
}

fn invalid(message: &str) -> LogoutError {
    LogoutError::Invalid(message.into())
}

impl Idp {
    /// The URI to send the person to after signing out (with `state`), if
    /// the request names a valid one.
    pub fn check_logout(&self, p: &LogoutParams) -> Result<Option<String>, LogoutError> {
        // An expired ID token is still a fine hint (the spec says so).
        let hinted_client = match &p.id_token_hint {
            Some(hint) => {
                let (_, claims) = self
                    .signing
                    .verify_jwt(hint)
                    .ok_or_else(|| invalid("id_token_hint is not an ID token issued here"))?;
                if claims.get("iss").and_then(Value::as_str) != Some(self.settings.issuer.as_str())
                {
                    return Err(invalid("id_token_hint was issued by someone else"));
                }
                let aud = match claims.get("aud") {
                    Some(Value::String(a)) => Some(a.clone()),
                    Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_owned),
                    _ => None,
                };
                Some(aud.ok_or_else(|| invalid("id_token_hint names no audience"))?)
            }
            None => None,
        };
        let client_id = match (&p.client_id, hinted_client) {
            (Some(given), Some(hinted)) if *given != hinted => {
                return Err(invalid("client_id does not match the id_token_hint"))
            }
            (Some(given), _) => Some(given.clone()),
            (None, hinted) => hinted,
        };
        let Some(uri) = &p.post_logout_redirect_uri else {
            return Ok(None);
        };
        let client_id = client_id
            .ok_or_else(|| invalid("post_logout_redirect_uri needs client_id or id_token_hint"))?;
        let client = self
            .client(&client_id)?
            .ok_or_else(|| invalid("the app is not registered"))?;
        if !client
            .metadata
            .post_logout_redirect_uris
            .iter()
            .any(|r| r == uri)
        {
            return Err(invalid(
                "post_logout_redirect_uri is not registered for this app",
            ));
        }
        let mut target = uri.clone();
        if let Some(state) = &p.state {
            let encoded: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("state", state)
                .finish();
            target.push(if target.contains('?') { '&' } else { '?' });
            target.push_str(&encoded);
        }
        Ok(Some(target))
    }
}
