//! What the token, introspection and revocation endpoints share: a form
//! body with every parameter at most once, and client credentials from
//! HTTP Basic (both parts form-urlencoded, RFC 6749 §2.3.1) or the form.

use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpMessage, HttpRequest};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use idp_core::oauth::{ClientCredentials, OAuthError};

pub struct FormParams(Vec<(String, String)>);

impl FormParams {
    pub fn param(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

pub fn client_request(
    req: &HttpRequest,
    body: &[u8],
) -> Result<(FormParams, ClientCredentials), OAuthError> {
    if req.content_type() != "application/x-www-form-urlencoded" {
        return Err(OAuthError::InvalidRequest(
            "send the parameters as application/x-www-form-urlencoded".into(),
        ));
    }
    let form = FormParams(parse_form(body)?);
    let credentials = ClientCredentials {
        basic: basic_credentials(req)?,
        client_id: form.param("client_id"),
        client_secret: form.param("client_secret"),
        client_ip: crate::client::address(req),
        assertion_type: form.param("client_assertion_type"),
        assertion: form.param("client_assertion"),
    };
    Ok((form, credentials))
}

/// Parses the body; every parameter at most once (RFC 6749 §3.2).
fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, OAuthError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| OAuthError::InvalidRequest("the body is not a valid form".into()))?;
    for (i, (name, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(n, _)| n == name) {
            return Err(OAuthError::InvalidRequest(format!("`{name}` is repeated")));
        }
    }
    Ok(pairs)
}

/// `Authorization: Basic` with both parts form-urlencoded (RFC 6749 §2.3.1).
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, OAuthError> {
    let Some(header) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || OAuthError::InvalidClient("the Authorization header is malformed".into());
    let value = header.to_str().map_err(|_| bad())?;
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Err(bad());
    };
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).map_err(|_| bad())?)
        .map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((unescape(id), unescape(secret))))
}
