//! The token endpoint (RFC 6749 §3.2): a form POST, client authentication,
//! one grant; answers with `Cache-Control: no-store` and RFC 6749 §5 errors.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use idp_core::oauth::{OAuthError, TokenRequest};

use super::client_request::client_request;

use crate::error::OAuthEndpointError;
use crate::{blocking, signed_in};

pub async fn token(req: HttpRequest, body: Bytes) -> Result<HttpResponse, OAuthEndpointError> {
    let (form, credentials) = client_request(&req, &body)?;
    let param = |name: &str| form.param(name);
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
            ))
            .into())
        }
        None => return Err(OAuthError::InvalidRequest("grant_type is required".into()).into()),
    };
    let idp = signed_in::idp(&req);
    let response = blocking::run(move || {
        let client = idp.authenticate_client(&credentials)?;
        Ok::<_, OAuthEndpointError>(idp.token(&client, request)?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Pragma", "no-cache"))
        .json(response))
}
