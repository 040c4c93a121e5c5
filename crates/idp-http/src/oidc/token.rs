//! The token endpoint (RFC 6749 §3.2): a form POST, client authentication,
//! one grant; answers with `Cache-Control: no-store` and RFC 6749 §5 errors.

use actix_web::http::header::AUTHORIZATION;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use idp_core::oauth::{ClientCredentials, OAuthError, TokenRequest};

use crate::error::oauth_error_response;
use crate::signed_in;

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

pub async fn token(req: HttpRequest, body: Bytes) -> HttpResponse {
    match handle(&req, &body).await {
        Ok(response) => response,
        Err(e) => oauth_error_response(&e),
    }
}

async fn handle(req: &HttpRequest, body: &[u8]) -> Result<HttpResponse, OAuthError> {
    if req.content_type() != "application/x-www-form-urlencoded" {
        return Err(OAuthError::InvalidRequest(
            "send the parameters as application/x-www-form-urlencoded".into(),
        ));
    }
    let form = parse_form(body)?;
    let param = |name: &str| form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let credentials = ClientCredentials {
        basic: basic_credentials(req)?,
        client_id: param("client_id"),
        client_secret: param("client_secret"),
    };
    let request = match param("grant_type").as_deref() {
        Some("authorization_code") => TokenRequest::AuthorizationCode {
            code: param("code")
                .ok_or_else(|| OAuthError::InvalidRequest("code is required".into()))?,
            redirect_uri: param("redirect_uri"),
            code_verifier: param("code_verifier"),
        },
        Some("refresh_token") => TokenRequest::RefreshToken {
            refresh_token: param("refresh_token")
                .ok_or_else(|| OAuthError::InvalidRequest("refresh_token is required".into()))?,
            scope: param("scope"),
        },
        Some("client_credentials") => TokenRequest::ClientCredentials {
            scope: param("scope"),
        },
        Some(other) => {
            return Err(OAuthError::UnsupportedGrantType(format!(
                "grant_type `{other}` is not supported"
            )))
        }
        None => return Err(OAuthError::InvalidRequest("grant_type is required".into())),
    };
    let idp = signed_in::idp(req);
    let response = actix_web::web::block(move || {
        let client = idp.authenticate_client(&credentials)?;
        idp.token(&client, request)
    })
    .await
    .map_err(|_| OAuthError::Store(idp_core::db::StoreError::Busy))??;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Pragma", "no-cache"))
        .json(response))
}
