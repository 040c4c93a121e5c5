//! The JSON API under `/api/v1/` (described by openapi.yaml). Browsers'
//! cookie sessions are protected against CSRF: every call that changes
//! something sends `X-CSRF-Token`, obtained from `GET /api/v1/csrf`.

mod accounts;
mod profile;
mod sessions;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpResponse, ResponseError};

use crate::csrf::{self, CsrfFailure};
use crate::error::ApiError;
use crate::signed_in::{self, SignedIn};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(from_fn(require_csrf_header))
            .route("/csrf", web::get().to(accounts::csrf_token))
            .route(
                "/bot-check/challenge",
                web::get().to(accounts::bot_challenge),
            )
            .route("/signup", web::post().to(accounts::sign_up))
            .route("/email/verify", web::post().to(accounts::verify_email))
            .route(
                "/email/verify/resend",
                web::post().to(accounts::resend_verification),
            )
            .route(
                "/email/change/confirm",
                web::post().to(profile::confirm_email_change),
            )
            .route("/password/reset", web::post().to(accounts::request_reset))
            .route(
                "/password/reset/verify",
                web::post().to(accounts::verify_reset_code),
            )
            .route(
                "/password/reset/confirm",
                web::post().to(accounts::complete_reset),
            )
            .route("/unsubscribe", web::post().to(profile::unsubscribe))
            .service(
                web::resource("/session")
                    .route(web::post().to(sessions::sign_in))
                    .route(web::delete().to(sessions::sign_out)),
            )
            .service(
                web::resource("/profile")
                    .route(web::get().to(profile::get))
                    .route(web::patch().to(profile::update))
                    .route(web::delete().to(profile::delete)),
            )
            .route(
                "/profile/password",
                web::post().to(profile::change_password),
            )
            .route("/profile/email", web::post().to(profile::change_email))
            .route("/profile/marketing", web::put().to(profile::set_marketing))
            .service(
                web::resource("/sessions")
                    .route(web::get().to(sessions::list))
                    .route(web::delete().to(sessions::end_all)),
            )
            .route("/sessions/{id}", web::delete().to(sessions::end_one))
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> HttpResponse {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "No such API operation; see openapi.yaml.",
    )
    .error_response()
}

/// Paths whose own signed token authorises the call (RFC 8058 one-click).
const CSRF_EXEMPT: &[&str] = &["/api/v1/unsubscribe"];

async fn require_csrf_header(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !CSRF_EXEMPT.contains(&req.path()) {
        let token = req
            .headers()
            .get(csrf::HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if let Err(failure) = csrf::verify(req.request(), token) {
            let description = match failure {
                CsrfFailure::NoCookie => {
                    "No idp_csrf cookie: call GET /api/v1/csrf first and keep its cookie."
                }
                CsrfFailure::Mismatch => {
                    "Missing or wrong X-CSRF-Token header: send the csrf_token from GET /api/v1/csrf."
                }
            };
            let error = ApiError::new(StatusCode::FORBIDDEN, "csrf_failed", description);
            return Ok(req.into_response(error.error_response()));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Malformed, oversized or non-JSON bodies get a JSON 400/413/415.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(crate::startup::MAX_BODY_BYTES)
        .error_handler(|err, _req| {
            let (status, code) = match &err {
                actix_web::error::JsonPayloadError::OverflowKnownLength { .. }
                | actix_web::error::JsonPayloadError::Overflow { .. } => {
                    (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
                }
                actix_web::error::JsonPayloadError::ContentType => {
                    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                }
                _ => (StatusCode::BAD_REQUEST, "invalid_request"),
            };
            let response = ApiError::new(status, code, format!("Request body rejected: {err}"))
                .error_response();
            actix_web::error::InternalError::from_response(err, response).into()
        })
}

/// Malformed query strings get a 400 instead of actix's plain-text default.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let response = ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("Query string rejected: {err}"),
        )
        .error_response();
        actix_web::error::InternalError::from_response(err, response).into()
    })
}

/// The signed-in person, or 401.
pub async fn require_user(req: &actix_web::HttpRequest) -> Result<SignedIn, ApiError> {
    signed_in::current::<ApiError>(req)
        .await?
        .ok_or_else(ApiError::unauthenticated)
}

pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}

pub fn accepted(status: &str) -> HttpResponse {
    HttpResponse::Accepted()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({ "status": status }))
}

pub fn json<T: serde::Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(body)
}
