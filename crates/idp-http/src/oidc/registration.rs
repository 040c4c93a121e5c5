//! `/register` (RFC 7591) and `/register/{client_id}` (RFC 7592).

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use idp_core::clients::{ClientError, RegistrationError, RegistrationRequest};
use idp_core::Idp;
use serde_json::json;

fn error(status: StatusCode, code: &str, description: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header(("Cache-Control", "no-store"));
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((
            "WWW-Authenticate",
            format!("Bearer realm=\"idp\", error=\"{code}\""),
        ));
    }
    response.json(json!({ "error": code, "error_description": description }))
}

fn failed(e: RegistrationError) -> HttpResponse {
    match e {
        RegistrationError::Disabled => error(
            StatusCode::NOT_FOUND,
            "not_found",
            "Dynamic client registration is off.",
        ),
        // Unknown clients look like a wrong token (RFC 7592 §2.1).
        RegistrationError::Unauthorized | RegistrationError::Client(ClientError::NotFound) => {
            error(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "The access token is missing or wrong for this registration.",
            )
        }
        RegistrationError::Client(ClientError::Invalid { field, message }) => {
            let code = if field == "redirect_uris" {
                "invalid_redirect_uri"
            } else {
                "invalid_client_metadata"
            };
            error(
                StatusCode::BAD_REQUEST,
                code,
                &format!("{field}: {message}"),
            )
        }
        RegistrationError::Client(ClientError::Store(e)) => {
            tracing::error!(error = %e, "storage failure at registration");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "Try again in a moment.",
            )
        }
    }
}

fn parse(body: &[u8]) -> Result<RegistrationRequest, Box<HttpResponse>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "invalid_client_metadata",
            &format!("The body is not valid client metadata: {e}"),
        ))
    })
}

/// The answer to a registration call, whatever the call was.
fn answer(
    result: Result<
        Result<Option<serde_json::Value>, RegistrationError>,
        actix_web::error::BlockingError,
    >,
    status: StatusCode,
) -> HttpResponse {
    match result {
        Ok(Ok(body)) => {
            let mut response = HttpResponse::build(status);
            response.insert_header(("Cache-Control", "no-store"));
            match body {
                Some(body) => response.json(body),
                None => response.finish(),
            }
        }
        Ok(Err(e)) => failed(e),
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "Try again in a moment.",
        ),
    }
}

pub async fn register(req: HttpRequest, idp: web::Data<Idp>, body: Bytes) -> HttpResponse {
    let request = match parse(&body) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    let token = crate::bearer::token(&req);
    let result = web::block(move || {
        idp.register_client(token.as_deref(), request)
            .map(|(created, registration_token)| {
                Some(idp.registration_response(
                    &created.client,
                    created.secret.as_deref(),
                    Some(&registration_token),
                ))
            })
    })
    .await;
    answer(result, StatusCode::CREATED)
}

pub async fn read(req: HttpRequest, idp: web::Data<Idp>, path: web::Path<String>) -> HttpResponse {
    let token = crate::bearer::token(&req).unwrap_or_default();
    let id = path.into_inner();
    let result = web::block(move || {
        // RFC 7592 §3: the answer carries the registration access token.
        idp.registered_client(&id, &token)
            .map(|client| Some(idp.registration_response(&client, None, Some(&token))))
    })
    .await;
    answer(result, StatusCode::OK)
}

pub async fn replace(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: Bytes,
) -> HttpResponse {
    let request = match parse(&body) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    let token = crate::bearer::token(&req).unwrap_or_default();
    let id = path.into_inner();
    let result = web::block(move || {
        idp.update_registered_client(&id, &token, request)
            .map(|client| Some(idp.registration_response(&client, None, Some(&token))))
    })
    .await;
    answer(result, StatusCode::OK)
}

pub async fn remove(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> HttpResponse {
    let token = crate::bearer::token(&req).unwrap_or_default();
    let id = path.into_inner();
    let result = web::block(move || idp.delete_registered_client(&id, &token).map(|()| None)).await;
    answer(result, StatusCode::NO_CONTENT)
}
