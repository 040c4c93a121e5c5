//! `/introspect` (RFC 7662) and `/revoke` (RFC 7009), client-authenticated.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use idp_core::oauth::OAuthError;

use super::client_request::client_request;
use crate::error::OAuthEndpointError;
use crate::{blocking, signed_in};

enum Action {
    Introspect,
    Revoke,
}

async fn handle(
    req: &HttpRequest,
    body: &[u8],
    action: Action,
) -> Result<HttpResponse, OAuthEndpointError> {
    let (form, credentials) = client_request(req, body)?;
    let token = form
        .param("token")
        .ok_or_else(|| OAuthError::InvalidRequest("token is required".into()))?;
    let idp = signed_in::idp(req);
    let answer = blocking::run(move || {
        let client = idp.authenticate_client(&credentials)?;
        Ok::<_, OAuthEndpointError>(match action {
            Action::Introspect => Some(idp.introspect(&client, &token)?),
            Action::Revoke => idp.revoke(&client, &token).map(|()| None)?,
        })
    })
    .await?;
    let mut response = HttpResponse::Ok();
    response.insert_header(("Cache-Control", "no-store"));
    Ok(match answer {
        Some(json) => response.json(json),
        None => response.finish(),
    })
}

pub async fn introspect(req: HttpRequest, body: Bytes) -> Result<HttpResponse, OAuthEndpointError> {
    handle(&req, &body, Action::Introspect).await
}

pub async fn revoke(req: HttpRequest, body: Bytes) -> Result<HttpResponse, OAuthEndpointError> {
    handle(&req, &body, Action::Revoke).await
}
