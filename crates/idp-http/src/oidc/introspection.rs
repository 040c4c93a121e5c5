//! `/introspect` (RFC 7662) and `/revoke` (RFC 7009), client-authenticated.

use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use idp_core::db::StoreError;
use idp_core::oauth::OAuthError;

use super::client_request::client_request;
use crate::error::oauth_error_response;
use crate::signed_in;

enum Action {
    Introspect,
    Revoke,
}

async fn handle(
    req: &HttpRequest,
    body: &[u8],
    action: Action,
) -> Result<HttpResponse, OAuthError> {
    let (form, credentials) = client_request(req, body)?;
    let token = form
        .param("token")
        .ok_or_else(|| OAuthError::InvalidRequest("token is required".into()))?;
    let idp = signed_in::idp(req);
    let answer = web::block(move || {
        let client = idp.authenticate_client(&credentials)?;
        match action {
            Action::Introspect => idp.introspect(&client, &token).map(Some),
            Action::Revoke => idp.revoke(&client, &token).map(|_| None),
        }
    })
    .await
    .map_err(|_| OAuthError::Store(StoreError::Busy))??;
    let mut response = HttpResponse::Ok();
    response.insert_header(("Cache-Control", "no-store"));
    Ok(match answer {
        Some(json) => response.json(json),
        None => response.finish(),
    })
}

pub async fn introspect(req: HttpRequest, body: Bytes) -> HttpResponse {
    handle(&req, &body, Action::Introspect)
        .await
        .unwrap_or_else(|e| oauth_error_response(&e))
}

pub async fn revoke(req: HttpRequest, body: Bytes) -> HttpResponse {
    handle(&req, &body, Action::Revoke)
        .await
        .unwrap_or_else(|e| oauth_error_response(&e))
}
