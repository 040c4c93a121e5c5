//! Client metadata (the RFC 7591 names), checked when a client is made.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{invalid, ClientError, NewClient};
use crate::oauth::PERSON_SCOPES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
}

impl GrantType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "authorization_code" => Some(Self::AuthorizationCode),
            "refresh_token" => Some(Self::RefreshToken),
            "client_credentials" => Some(Self::ClientCredentials),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::RefreshToken => "refresh_token",
            Self::ClientCredentials => "client_credentials",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenEndpointAuth {
    ClientSecretBasic,
    ClientSecretPost,
    /// RFC 7523: a JWT signed with a key from the client's `jwks`/`jwks_uri`.
    PrivateKeyJwt,
    None,
}

impl TokenEndpointAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::None => "none",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientMetadata {
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub token_endpoint_auth_method: TokenEndpointAuth,
    /// The scopes this client may ask for.
    pub scopes: Vec<String>,
    pub id_token_signed_response_alg: String,
    #[serde(default)]
    pub skip_consent: bool,
    #[serde(default)]
    pub logo_uri: Option<String>,
    #[serde(default)]
    pub policy_uri: Option<String>,
    #[serde(default)]
    pub tos_uri: Option<String>,
    /// Where logout tokens are POSTed when a session the client took part in ends.
    #[serde(default)]
    pub backchannel_logout_uri: Option<String>,
    /// The client's public keys (private_key_jwt), inline or by URL.
    #[serde(default)]
    pub jwks: Option<serde_json::Value>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// When set, UserInfo answers with a JWT signed with this algorithm.
    #[serde(default)]
    pub userinfo_signed_response_alg: Option<String>,
    /// Set for pairwise clients (OIDC Core §8): the host their redirect URIs
    /// share, which keys the subject identifiers they see.
    #[serde(default)]
    pub sector: Option<String>,
}

impl ClientMetadata {
    pub fn build(new: &NewClient) -> Result<Self, ClientError> {
        let grant_types = if new.grant_types.is_empty() {
            vec![GrantType::AuthorizationCode, GrantType::RefreshToken]
        } else {
            let mut grants = Vec::new();
            for g in &new.grant_types {
                let grant = GrantType::parse(g).ok_or_else(|| {
                    invalid(
                        "grant_types",
                        format!("`{g}` is not one of authorization_code, refresh_token, client_credentials"),
                    )
                })?;
                if !grants.contains(&grant) {
                    grants.push(grant);
                }
            }
            grants
        };
        if new.public && grant_types.contains(&GrantType::ClientCredentials) {
            return Err(invalid(
                "grant_types",
                "a public client holds no secret, so it cannot use client_credentials",
            ));
        }
        if grant_types.contains(&GrantType::AuthorizationCode) && new.redirect_uris.is_empty() {
            return Err(invalid(
                "redirect_uris",
                "authorization_code needs at least one redirect URI",
            ));
        }
        for uri in new
            .redirect_uris
            .iter()
            .chain(&new.post_logout_redirect_uris)
        {
            check_redirect_uri(uri)?;
        }
        let scopes = if new.scopes.is_empty() {
            // The ordinary person scopes when none are named.
            PERSON_SCOPES.iter().map(|s| s.to_string()).collect()
        } else {
            for s in &new.scopes {
                if s.is_empty()
                    || s.len() > 64
                    || !s
                        .chars()
                        .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
                {
                    return Err(invalid("scope", format!("`{s}` is not a valid scope name")));
                }
            }
            new.scopes.clone()
        };
        let token_endpoint_auth_method = match (new.public, new.token_endpoint_auth_method.as_deref()) {
            (true, None | Some("none")) => TokenEndpointAuth::None,
            (false, None | Some("client_secret_basic")) => TokenEndpointAuth::ClientSecretBasic,
            (false, Some("client_secret_post")) => TokenEndpointAuth::ClientSecretPost,
            (false, Some("private_key_jwt")) => TokenEndpointAuth::PrivateKeyJwt,
            (_, Some(other)) => {
                return Err(invalid(
                    "token_endpoint_auth_method",
                    format!("`{other}` does not fit this client (none for public clients; client_secret_basic, client_secret_post or private_key_jwt otherwise)"),
                ))
            }
        };
        if token_endpoint_auth_method == TokenEndpointAuth::PrivateKeyJwt
            && new.jwks.is_some() == new.jwks_uri.is_some()
        {
            return Err(invalid(
                "jwks",
                "private_key_jwt needs the client's keys: jwks or jwks_uri (one of them)",
            ));
        }
        let alg = new
            .id_token_signed_response_alg
            .as_deref()
            .unwrap_or("RS256");
        if crate::keys::Alg::parse(alg).is_none() {
            return Err(invalid(
                "id_token_signed_response_alg",
                "must be RS256, ES256 or EdDSA",
            ));
        }
        let web_uri =
            |field: &'static str, value: &Option<String>| -> Result<Option<String>, ClientError> {
                match value {
                    Some(v) => match Url::parse(v) {
                        Ok(u) if matches!(u.scheme(), "https" | "http") && v.len() <= 2000 => {
                            Ok(Some(v.clone()))
                        }
                        _ => Err(invalid(field, format!("`{v}` is not an http(s) URL"))),
                    },
                    None => Ok(None),
                }
            };
        Ok(Self {
            redirect_uris: new.redirect_uris.clone(),
            post_logout_redirect_uris: new.post_logout_redirect_uris.clone(),
            grant_types,
            token_endpoint_auth_method,
            scopes,
            id_token_signed_response_alg: alg.to_owned(),
            skip_consent: new.skip_consent,
            logo_uri: web_uri("logo_uri", &new.logo_uri)?,
            policy_uri: web_uri("policy_uri", &new.policy_uri)?,
            tos_uri: web_uri("tos_uri", &new.tos_uri)?,
            backchannel_logout_uri: match &new.backchannel_logout_uri {
                Some(uri) => {
                    check_redirect_uri(uri).map_err(|_| {
                        invalid(
                            "backchannel_logout_uri",
                            format!("`{uri}` must be https (http only on loopback)"),
                        )
                    })?;
                    if !uri.starts_with("http") {
                        return Err(invalid("backchannel_logout_uri", "must be an http(s) URL"));
                    }
                    Some(uri.clone())
                }
                None => None,
            },
            jwks: match &new.jwks {
                Some(jwks) if jwks.get("keys").is_some_and(|k| k.is_array()) => Some(jwks.clone()),
                Some(_) => return Err(invalid("jwks", "must be a JWK Set: {\"keys\": [...]}")),
                None => None,
            },
            jwks_uri: web_uri("jwks_uri", &new.jwks_uri)?,
            sector: match new.subject_type.as_deref() {
                None | Some("public") => None,
                Some("pairwise") => Some(sector_of(&new.redirect_uris)?),
                Some(other) => {
                    return Err(invalid(
                        "subject_type",
                        format!("`{other}` is neither public nor pairwise"),
                    ))
                }
            },
            userinfo_signed_response_alg: match new.userinfo_signed_response_alg.as_deref() {
                Some(a) if crate::keys::Alg::parse(a).is_some() => Some(a.to_owned()),
                Some(_) => {
                    return Err(invalid(
                        "userinfo_signed_response_alg",
                        "must be RS256, ES256 or EdDSA",
                    ))
                }
                None => None,
            },
        })
    }
}

/// The one host every redirect URI of a pairwise client shares (without a
/// `sector_identifier_uri`, which idp does not support, they must share one).
fn sector_of(redirect_uris: &[String]) -> Result<String, ClientError> {
    let mut hosts = redirect_uris
        .iter()
        .filter_map(|u| Url::parse(u).ok())
        .map(|u| u.host_str().unwrap_or(u.scheme()).to_owned());
    let first = hosts
        .next()
        .ok_or_else(|| invalid("subject_type", "pairwise needs redirect URIs"))?;
    if hosts.any(|h| h != first) {
        return Err(invalid(
            "subject_type",
            "pairwise clients' redirect URIs must share one host",
        ));
    }
    Ok(first)
}

/// Absolute, no fragment; https, or http only on loopback, or a private-use
/// scheme (`com.example.app:/cb`) for native apps (RFC 8252).
fn check_redirect_uri(uri: &str) -> Result<(), ClientError> {
    let parsed = Url::parse(uri)
        .map_err(|_| invalid("redirect_uris", format!("`{uri}` is not an absolute URI")))?;
    if parsed.fragment().is_some() || uri.len() > 2000 {
        return Err(invalid(
            "redirect_uris",
            format!("`{uri}` must not have a fragment"),
        ));
    }
    let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(invalid(
            "redirect_uris",
            format!("`{uri}`: plain http is allowed only on loopback; use https"),
        )),
        "javascript" | "data" | "file" | "vbscript" => Err(invalid(
            "redirect_uris",
            format!("`{uri}` has a forbidden scheme"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(uris: &[&str]) -> NewClient {
        NewClient {
            name: "shop".into(),
            redirect_uris: uris.iter().map(|s| s.to_string()).collect(),
            ..NewClient::default()
        }
    }

    #[test]
    fn redirect_uris_are_checked() {
        assert!(ClientMetadata::build(&new(&["https://shop.example.com/cb"])).is_ok());
        assert!(ClientMetadata::build(&new(&["http://127.0.0.1:9/cb"])).is_ok());
        assert!(ClientMetadata::build(&new(&["com.example.app:/cb"])).is_ok());
        for bad in [
            "http://shop.example.com/cb",
            "https://x/cb#frag",
            "/relative",
            "javascript:alert(1)",
        ] {
            assert!(ClientMetadata::build(&new(&[bad])).is_err(), "{bad}");
        }
        assert!(ClientMetadata::build(&new(&[])).is_err());
    }

    #[test]
    fn public_clients_cannot_use_client_credentials() {
        let mut c = new(&["https://a.example.com/cb"]);
        c.public = true;
        c.grant_types = vec!["client_credentials".into()];
        assert!(ClientMetadata::build(&c).is_err());
        c.grant_types = vec!["password".into()];
        assert!(ClientMetadata::build(&c).is_err());
    }
}
