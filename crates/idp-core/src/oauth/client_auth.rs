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
    /// private_key_jwt: `client_assertion_type` and `client_assertion`.
    pub assertion_type: Option<String>,
    pub assertion: Option<String>,
}

fn unknown() -> OAuthError {
    OAuthError::InvalidClient("client authentication failed".into())
}

impl Idp {
    pub fn authenticate_client(&self, creds: &ClientCredentials) -> Result<Client, OAuthError> {
        if creds.assertion.is_some() || creds.assertion_type.is_some() {
            return self.authenticate_with_assertion(creds);
        }
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
        // The client comes from the cache and the secret is checked first,
        // so an app that authenticates correctly costs no database round
        // trip. That is safe because client secrets are server-made 256-bit
        // values, which no number of guesses finds: the throttle below
        // bounds how often a wrong one is *answered* as checked (and counted
        // toward a lock), and a caller holding the right secret is let in
        // even while its address is locked (so nobody behind the same
        // address can lock a real app out). See docs/security.md.
        let client = self.client(&client_id)?;
        let ok = client
            .as_ref()
            .is_some_and(|client| match (method, &secret) {
                (TokenEndpointAuth::None, None) => client.is_public(),
                // A confidential client may use either secret method.
                // Only clients registered for a secret method may use a secret.
                (_, Some(secret)) => client.uses_secret() && client.secret_matches(secret),
                _ => false,
            });
        if let (Some(client), true) = (client, ok) {
            return Ok(client);
        }
        let key = [ThrottleKey::Client(&client_id, &creds.client_ip)];
        let now = now();
        let settings = &self.settings.throttle;
        if let Some(seconds) = throttle::admit(&self.db, &key, settings, now)? {
            return Err(OAuthError::InvalidClient(format!(
                "too many failed attempts; try again in {} minute(s)",
                (seconds + 59) / 60
            )));
        }
        throttle::failed(&self.db, &key, settings, now)?;
        Err(unknown())
    }
}

impl Idp {
    fn authenticate_with_assertion(&self, creds: &ClientCredentials) -> Result<Client, OAuthError> {
        if creds.basic.is_some() || creds.client_secret.is_some() {
            return Err(OAuthError::InvalidRequest(
                "use one client authentication method, not two".into(),
            ));
        }
        if creds.assertion_type.as_deref() != Some(super::JWT_BEARER) {
            return Err(OAuthError::InvalidRequest(format!(
                "client_assertion_type must be {}",
                super::JWT_BEARER
            )));
        }
        let assertion = creds
            .assertion
            .as_deref()
            .ok_or_else(|| OAuthError::InvalidRequest("client_assertion is required".into()))?;
        let client_id = super::client_assertion::claimed_client(assertion).ok_or_else(unknown)?;
        if creds.client_id.as_ref().is_some_and(|c| *c != client_id) {
            return Err(OAuthError::InvalidRequest(
                "client_id does not match the assertion".into(),
            ));
        }
        let key = [ThrottleKey::Client(&client_id, &creds.client_ip)];
        let now = now();
        let settings = &self.settings.throttle;
        if throttle::admit(&self.db, &key, settings, now)?.is_some() {
            return Err(OAuthError::InvalidClient(
                "too many failed attempts; try again later".into(),
            ));
        }
        let client = self
            .client(&client_id)?
            .filter(|c| c.uses_private_key_jwt());
        let verified = match &client {
            Some(c) => self.verify_client_assertion(c, assertion),
            None => Err(unknown()),
        };
        match (client, verified) {
            (Some(client), Ok(())) => {
                throttle::refund(&self.db, &key)?;
                Ok(client)
            }
            (_, Err(e)) => {
                // A storage failure says nothing about the assertion.
                if matches!(e, OAuthError::Store(_)) {
                    throttle::refund(&self.db, &key)?;
                } else {
                    throttle::failed(&self.db, &key, settings, now)?;
                }
                Err(e)
            }
            (None, Ok(())) => Err(unknown()),
        }
    }
}
