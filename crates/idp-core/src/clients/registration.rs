//! Dynamic client registration (RFC 7591) and its management API (RFC 7592).
//! Off unless `oauth.dynamic_registration` is on; with
//! `oauth.registration_token` set, registering needs that initial access
//! token. Each registered client gets its own registration access token
//! (stored as SHA-256) to read, replace or delete itself.

use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{invalid, Client, ClientError, CreatedClient, NewClient};
use crate::crypto::{constant_time_eq, random_token, sha256_hex};
use crate::db::schema::clients as c;
use crate::Idp;

/// Client metadata as RFC 7591 §2 names it. Members idp does not use are
/// ignored, as the RFC asks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RegistrationRequest {
    pub redirect_uris: Vec<String>,
    pub client_name: Option<String>,
    pub grant_types: Option<Vec<String>>,
    pub response_types: Option<Vec<String>>,
    pub token_endpoint_auth_method: Option<String>,
    pub scope: Option<String>,
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub id_token_signed_response_alg: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    pub jwks: Option<Value>,
    pub jwks_uri: Option<String>,
    pub subject_type: Option<String>,
    pub sector_identifier_uri: Option<String>,
    /// Accepted and unused: request objects are not supported (discovery says so).
    pub request_uris: Option<Vec<String>>,
    pub userinfo_signed_response_alg: Option<String>,
    pub id_token_encrypted_response_alg: Option<String>,
    /// Checked (https, or http on loopback), not kept: idp starts no logins
    /// at the client.
    pub initiate_login_uri: Option<String>,
}

impl RegistrationRequest {
    fn into_new_client(self) -> Result<NewClient, ClientError> {
        if let Some(types) = &self.response_types {
            if types.iter().any(|t| t != "code") {
                return Err(invalid("response_types", "only `code` is supported"));
            }
        }
        if self.sector_identifier_uri.is_some() {
            return Err(invalid(
                "sector_identifier_uri",
                "sector identifiers are not supported: pairwise clients' redirect URIs share one host",
            ));
        }
        if let Some(uri) = &self.initiate_login_uri {
            let parsed = url::Url::parse(uri).ok();
            let loopback = parsed
                .as_ref()
                .is_some_and(|u| matches!(u.host_str(), Some("127.0.0.1" | "[::1]" | "localhost")));
            let ok =
                parsed.is_some_and(|u| u.scheme() == "https" || (u.scheme() == "http" && loopback));
            if !ok {
                return Err(invalid(
                    "initiate_login_uri",
                    "must be an https URL (http only on loopback)",
                ));
            }
        }
        if self.id_token_encrypted_response_alg.is_some() {
            return Err(invalid(
                "id_token_encrypted_response_alg",
                "encrypted ID tokens are not supported",
            ));
        }
        // Naming none gives the ordinary person scopes (as `idp client create`).
        let scope = self
            .scope
            .unwrap_or_else(|| crate::oauth::PERSON_SCOPES.join(" "));
        let scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
        if scopes
            .iter()
            .any(|s| s == "admin" || s == crate::oauth::INTROSPECT_SCOPE)
        {
            return Err(invalid(
                "scope",
                "`admin` and `introspect` are granted by an administrator only",
            ));
        }
        Ok(NewClient {
            name: self.client_name.unwrap_or_else(|| "Unnamed app".into()),
            redirect_uris: self.redirect_uris,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            public: self.token_endpoint_auth_method.as_deref() == Some("none"),
            grant_types: self
                .grant_types
                .unwrap_or_else(|| vec!["authorization_code".into()]),
            scopes,
            skip_consent: false,
            logo_uri: self.logo_uri,
            policy_uri: self.policy_uri,
            tos_uri: self.tos_uri,
            id_token_signed_response_alg: self.id_token_signed_response_alg,
            token_endpoint_auth_method: self.token_endpoint_auth_method.filter(|m| m != "none"),
            backchannel_logout_uri: self.backchannel_logout_uri,
            jwks: self.jwks,
            jwks_uri: self.jwks_uri,
            userinfo_signed_response_alg: self.userinfo_signed_response_alg,
            subject_type: self.subject_type,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error("dynamic registration is off")]
    Disabled,
    /// No token was sent where one is needed.
    #[error("the registration access token is missing")]
    MissingToken,
    #[error("the registration access token is wrong")]
    Unauthorized,
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl Idp {
    /// The client's registration response (RFC 7591 §3.2.1).
    pub fn registration_response(
        &self,
        client: &Client,
        secret: Option<&str>,
        registration_token: Option<&str>,
    ) -> Value {
        let m = &client.metadata;
        let mut out = json!({
            "client_id": client.client_id,
            "client_name": client.name,
            "redirect_uris": m.redirect_uris,
            "post_logout_redirect_uris": m.post_logout_redirect_uris,
            "grant_types": m.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
            "response_types": ["code"],
            "token_endpoint_auth_method": m.token_endpoint_auth_method.as_str(),
            "scope": m.scopes.join(" "),
            "id_token_signed_response_alg": m.id_token_signed_response_alg,
            "subject_type": if m.sector.is_some() { "pairwise" } else { "public" },
            "registration_client_uri": format!("{}/register/{}", self.settings.issuer, client.client_id),
        });
        let optional = [
            ("logo_uri", &m.logo_uri),
            ("policy_uri", &m.policy_uri),
            ("tos_uri", &m.tos_uri),
            ("backchannel_logout_uri", &m.backchannel_logout_uri),
            ("jwks_uri", &m.jwks_uri),
            (
                "userinfo_signed_response_alg",
                &m.userinfo_signed_response_alg,
            ),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                out[name] = json!(v);
            }
        }
        if let Some(jwks) = &m.jwks {
            out["jwks"] = jwks.clone();
        }
        if let Some(secret) = secret {
            out["client_secret"] = json!(secret);
            out["client_secret_expires_at"] = json!(0);
        }
        if let Some(token) = registration_token {
            out["registration_access_token"] = json!(token);
        }
        out
    }

    /// RFC 7591: registers a client; returns it, its secret and its
    /// registration access token.
    pub fn register_client(
        &self,
        initial_token: Option<&str>,
        request: RegistrationRequest,
    ) -> Result<(CreatedClient, String), RegistrationError> {
        let o = &self.settings.oauth;
        if !o.dynamic_registration {
            return Err(RegistrationError::Disabled);
        }
        if let Some(expected) = &o.registration_token {
            let token = initial_token.ok_or(RegistrationError::MissingToken)?;
            if !constant_time_eq(token, expected) {
                return Err(RegistrationError::Unauthorized);
            }
        }
        let created = self.create_client(&request.into_new_client()?)?;
        let token = random_token(32);
        self.db.write(|conn| {
            diesel::update(c::table.find(&created.client.client_id))
                .set(c::registration_token_hash.eq(Some(sha256_hex(&token))))
                .execute(conn)
                .map_err(ClientError::from)
        })?;
        Ok((created, token))
    }

    /// RFC 7592: the client this registration access token manages.
    pub fn registered_client(
        &self,
        client_id: &str,
        token: Option<&str>,
    ) -> Result<Client, RegistrationError> {
        if !self.settings.oauth.dynamic_registration {
            return Err(RegistrationError::Disabled);
        }
        let token = token.ok_or(RegistrationError::MissingToken)?;
        let hash: Option<Option<String>> = self.db.read(|conn| {
            c::table
                .find(client_id)
                .select(c::registration_token_hash)
                .first(conn)
                .optional()
                .map_err(ClientError::from)
        })?;
        let valid = hash
            .flatten()
            .is_some_and(|h| constant_time_eq(&sha256_hex(token), &h));
        if !valid {
            return Err(RegistrationError::Unauthorized);
        }
        Ok(self.client(client_id)?.ok_or(ClientError::NotFound)?)
    }

    /// RFC 7592 §2.2: replaces the metadata of a registered client.
    pub fn update_registered_client(
        &self,
        client_id: &str,
        token: Option<&str>,
        request: RegistrationRequest,
    ) -> Result<Client, RegistrationError> {
        self.registered_client(client_id, token)?;
        Ok(self.update_client(client_id, &request.into_new_client()?)?)
    }

    /// RFC 7592 §2.3.
    pub fn delete_registered_client(
        &self,
        client_id: &str,
        token: Option<&str>,
    ) -> Result<(), RegistrationError> {
        self.registered_client(client_id, token)?;
        Ok(self.delete_client(client_id)?)
    }
}
