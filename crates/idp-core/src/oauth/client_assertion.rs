//! `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9): the client proves itself
//! with a short-lived JWT signed by one of its keys. Each assertion works
//! once: its `jti` is remembered until it expires.

use std::time::Duration as StdDuration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use super::OAuthError;
use crate::clients::Client;
use crate::crypto::sha256_hex;
use crate::db::schema::used_client_assertions as u;
use crate::db::StoreError;
use crate::{now, Idp};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Longest an assertion may claim to live; longer ones are refused.
const MAX_LIFETIME_SECS: i64 = 600;
/// Clock skew tolerated on `exp`.
const LEEWAY_SECS: u64 = 30;
const JWKS_FETCH_TIMEOUT: StdDuration = StdDuration::from_secs(5);
const MAX_JWKS_BYTES: usize = 64 * 1024;

fn refused(message: &str) -> OAuthError {
    OAuthError::InvalidClient(format!("client assertion refused: {message}"))
}

/// The `iss` an assertion claims, read before its signature is checked (to
/// know whose keys to check it with).
pub fn claimed_client(assertion: &str) -> Option<String> {
    let claims = assertion.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()?;
    claims.get("iss")?.as_str().map(str::to_owned)
}

impl Idp {
    pub(crate) fn verify_client_assertion(
        &self,
        client: &Client,
        assertion: &str,
    ) -> Result<(), OAuthError> {
        if assertion.len() > 8 * 1024 {
            return Err(refused("too long"));
        }
        let header = jsonwebtoken::decode_header(assertion).map_err(|_| refused("not a JWT"))?;
        if !matches!(
            header.alg,
            Algorithm::RS256 | Algorithm::ES256 | Algorithm::EdDSA | Algorithm::PS256
        ) {
            return Err(refused("use RS256, PS256, ES256 or EdDSA"));
        }
        let keys = self.client_keys(client)?;
        let candidates: Vec<&Jwk> = keys
            .keys
            .iter()
            .filter(|k| header.kid.is_none() || k.common.key_id == header.kid)
            .collect();
        if candidates.is_empty() {
            return Err(refused("no key of the client matches its kid"));
        }
        let mut validation = Validation::new(header.alg);
        let token_endpoint = format!("{}/token", self.settings.issuer);
        validation.set_audience(&[token_endpoint.as_str(), self.settings.issuer.as_str()]);
        validation.set_issuer(&[client.client_id.as_str()]);
        validation.sub = Some(client.client_id.clone());
        validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        validation.leeway = LEEWAY_SECS;
        let claims: Value = candidates
            .iter()
            .filter_map(|jwk| DecodingKey::from_jwk(jwk).ok())
            .find_map(|key| jsonwebtoken::decode::<Value>(assertion, &key, &validation).ok())
            .map(|data| data.claims)
            .ok_or_else(|| refused("bad signature, audience, issuer, subject or expiry"))?;
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        let now = now();
        if exp - now.and_utc().timestamp() > MAX_LIFETIME_SECS {
            return Err(refused("it may live at most ten minutes"));
        }
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .filter(|j| !j.is_empty())
            .ok_or_else(|| refused("jti is required"))?;
        // Remembered as long as the signature check would still accept it.
        let expires_at =
            chrono::DateTime::from_timestamp(exp + i64::try_from(LEEWAY_SECS).unwrap_or(0) + 1, 0)
                .map(|t| t.naive_utc())
                .unwrap_or(now);
        self.remember_assertion(&client.client_id, jti, expires_at, now)
    }

    fn remember_assertion(
        &self,
        client_id: &str,
        jti: &str,
        expires_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<(), OAuthError> {
        let inserted = self.db.write(|conn| {
            diesel::delete(u::table.filter(u::expires_at.lt(now))).execute(conn)?;
            diesel::insert_into(u::table)
                .values((
                    u::jti_hash.eq(sha256_hex(&format!("{client_id}:{jti}"))),
                    u::expires_at.eq(expires_at),
                ))
                .execute(conn)
                .map_err(StoreError::from)
        });
        match inserted {
            Ok(_) => Ok(()),
            Err(e) if e.is_unique_violation() => Err(refused("this assertion was used already")),
            Err(e) => Err(OAuthError::Store(e)),
        }
    }

    /// The client's keys: inline, or fetched from its `jwks_uri` each time
    /// (so a client's key rotation takes effect at once). Whoever calls the
    /// token endpoint learns only that the keys could not be read: why
    /// (names, addresses, connection errors) would map the operator's
    /// network for them, so that goes to the log.
    fn client_keys(&self, client: &Client) -> Result<JwkSet, OAuthError> {
        let value = match (&client.metadata.jwks, &client.metadata.jwks_uri) {
            (Some(jwks), _) => jwks.clone(),
            (None, Some(uri)) => {
                let allow_internal = self.settings.oauth.allow_internal_urls;
                let fetched =
                    crate::outbound::get(uri, allow_internal, JWKS_FETCH_TIMEOUT, MAX_JWKS_BYTES)
                        .map_err(|e| e.to_string())
                        .and_then(|body| {
                            serde_json::from_slice(&body).map_err(|e| format!("not JSON: {e}"))
                        });
                fetched.map_err(|error| {
                    tracing::warn!(client_id = %client.client_id, %error, "jwks_uri not read");
                    refused("the client's keys cannot be read")
                })?
            }
            (None, None) => return Err(refused("the client has no keys")),
        };
        serde_json::from_value(value).map_err(|_| refused("the client's JWK Set is malformed"))
    }
}
