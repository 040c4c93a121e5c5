//! `/register` (RFC 7591) and `/register/{client_id}` (RFC 7592).

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use idp_core::clients::{Client, RegistrationError, RegistrationRequest};
use idp_core::Idp;

use crate::blocking;
use crate::error::RegistrationFailure;

fn parse(body: &[u8]) -> Result<RegistrationRequest, RegistrationFailure> {
    serde_json::from_slice(body).map_err(|e| RegistrationFailure::BadBody(e.to_string()))
}

/// The answer to a registration call that worked.
fn answer(status: StatusCode, body: Option<serde_json::Value>) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header(("Cache-Control", "no-store"));
    match body {
        Some(body) => response.json(body),
        None => response.finish(),
    }
}

pub async fn register(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: Bytes,
) -> Result<HttpResponse, RegistrationFailure> {
    let request = parse(&body)?;
    let token = crate::bearer::token(&req);
    let body = blocking::run(move || {
        let (created, registration_token) = idp.register_client(token.as_deref(), request)?;
        Ok::<_, RegistrationFailure>(idp.registration_response(
            &created.client,
            created.secret.as_deref(),
            Some(&registration_token),
        ))
    })
    .await?;
    Ok(answer(StatusCode::CREATED, Some(body)))
}

/// A registered client's configuration, after `find` checked the token and
/// found (or replaced) the client; RFC 7592 §3: it carries the registration
/// access token presented.
async fn configuration(
    req: &HttpRequest,
    idp: web::Data<Idp>,
    find: impl FnOnce(&Idp, Option<&str>) -> Result<Client, RegistrationError> + Send + 'static,
) -> Result<HttpResponse, RegistrationFailure> {
    let token = crate::bearer::token(req);
    let body = blocking::run(move || {
        let client = find(&idp, token.as_deref())?;
        Ok::<_, RegistrationFailure>(idp.registration_response(&client, None, token.as_deref()))
    })
    .await?;
    Ok(answer(StatusCode::OK, Some(body)))
}

pub async fn read(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, RegistrationFailure> {
    let id = path.into_inner();
    configuration(&req, idp, move |idp, token| {
        idp.registered_client(&id, token)
    })
    .await
}

pub async fn replace(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: Bytes,
) -> Result<HttpResponse, RegistrationFailure> {
    let request = parse(&body)?;
    let id = path.into_inner();
    configuration(&req, idp, move |idp, token| {
        idp.update_registered_client(&id, token, request)
    })
    .await
}

pub async fn remove(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, RegistrationFailure> {
    let token = crate::bearer::token(&req);
    let id = path.into_inner();
    blocking::run(move || {
        idp.delete_registered_client(&id, token.as_deref())
            .map_err(RegistrationFailure::from)
    })
    .await?;
    Ok(answer(StatusCode::NO_CONTENT, None))
}
