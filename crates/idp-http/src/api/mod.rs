//! The JSON API under `/api/v1/` (described by openapi.yaml). Browsers'
//! cookie sessions are protected against CSRF: every call that changes
//! something sends `X-CSRF-Token`, obtained from `GET /api/v1/csrf`.

mod accounts;
mod admin_clients;
mod admin_events;
mod admin_providers;
mod admin_users;
mod org_assets;
mod org_members;
mod org_sso;
mod organizations;
mod profile;
mod sessions;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpResponse, ResponseError};

pub(crate) use admin_clients::ClientView;
pub(crate) use admin_users::{UserDetail, UserView};

use crate::csrf::{self, CsrfFailure};
use crate::error::ApiError;
use crate::signed_in::{self, SignedIn};

/// Declares every operation once: the routes and the list the contract test
/// compares with openapi.yaml come from the same lines.
macro_rules! operations {
    ($($method:ident $path:literal => $handler:path,)*) => {
        /// Every `(METHOD, path)` of the JSON API, paths relative to `/api/v1`.
        pub const OPERATIONS: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        fn register(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::method(Method::$method).to($handler));)*
        }
    };
}

operations! {
    GET "/csrf" => accounts::csrf_token,
    GET "/bot-check/challenge" => accounts::bot_challenge,
    POST "/signup" => accounts::sign_up,
    POST "/email/verify" => accounts::verify_email,
    POST "/email/verify/resend" => accounts::resend_verification,
    POST "/email/change/confirm" => profile::confirm_email_change,
    POST "/password/reset" => accounts::request_reset,
    POST "/password/reset/verify" => accounts::verify_reset_code,
    POST "/password/reset/confirm" => accounts::complete_reset,
    POST "/unsubscribe" => profile::unsubscribe,
    POST "/session" => sessions::sign_in,
    DELETE "/session" => sessions::sign_out,
    POST "/session/second-factor" => sessions::prove_second_factor,
    GET "/profile" => profile::get,
    PATCH "/profile" => profile::update,
    DELETE "/profile" => profile::delete,
    POST "/profile/password" => profile::change_password,
    POST "/profile/email" => profile::change_email,
    PUT "/profile/marketing" => profile::set_marketing,
    PUT "/profile/language" => profile::set_language,
    GET "/sessions" => sessions::list,
    DELETE "/sessions" => sessions::end_all,
    DELETE "/sessions/{id}" => sessions::end_one,
    POST "/admin/clients" => admin_clients::create,
    GET "/admin/clients" => admin_clients::list,
    GET "/admin/clients/{client_id}" => admin_clients::get,
    PUT "/admin/clients/{client_id}" => admin_clients::update,
    DELETE "/admin/clients/{client_id}" => admin_clients::delete,
    POST "/admin/clients/{client_id}/secret" => admin_clients::rotate_secret,
    GET "/admin/audit-events" => admin_events::list,
    GET "/admin/webhooks" => admin_events::webhooks,
    GET "/admin/users" => admin_users::list,
    POST "/admin/users/import" => admin_users::import,
    GET "/admin/users/{user_id}" => admin_users::get,
    PATCH "/admin/users/{user_id}" => admin_users::update,
    DELETE "/admin/users/{user_id}" => admin_users::delete,
    POST "/admin/users/{user_id}/disable" => admin_users::disable,
    POST "/admin/users/{user_id}/enable" => admin_users::enable,
    DELETE "/admin/users/{user_id}/sessions" => admin_users::end_sessions,
    DELETE "/admin/users/{user_id}/second-factors" => admin_users::reset_second_factors,
    POST "/admin/users/{user_id}/verification" => admin_users::resend_verification,
    GET "/admin/providers" => admin_providers::list,
    POST "/admin/providers" => admin_providers::create,
    GET "/admin/providers/{provider_id}" => admin_providers::get,
    PUT "/admin/providers/{provider_id}" => admin_providers::update,
    DELETE "/admin/providers/{provider_id}" => admin_providers::delete,
    POST "/admin/agreements" => org_assets::create_agreement,
    POST "/admin/organizations/{org_id}/domains/{domain}/approve" => org_assets::approve_domain,
    GET "/organizations" => organizations::list_mine,
    POST "/organizations" => organizations::create,
    GET "/organizations/{org_id}" => organizations::get,
    PATCH "/organizations/{org_id}" => organizations::update,
    DELETE "/organizations/{org_id}" => organizations::delete,
    PUT "/organizations/{org_id}/second-factor" => organizations::require_second_factor,
    GET "/organizations/{org_id}/branches" => organizations::list_branches,
    POST "/organizations/{org_id}/branches" => organizations::create_branch,
    GET "/organizations/{org_id}/members" => org_members::list,
    PATCH "/organizations/{org_id}/members/{account_id}" => org_members::update_role,
    DELETE "/organizations/{org_id}/members/{account_id}" => org_members::remove,
    POST "/organizations/{org_id}/leave" => org_members::leave,
    GET "/organizations/{org_id}/invitations" => org_members::list_invitations,
    POST "/organizations/{org_id}/invitations" => org_members::invite,
    POST "/organizations/{org_id}/invitations/{invitation_id}/resend" => org_members::resend,
    DELETE "/organizations/{org_id}/invitations/{invitation_id}" => org_members::revoke,
    POST "/invitations/accept" => org_members::accept,
    GET "/organizations/{org_id}/logo" => org_assets::get_logo,
    PUT "/organizations/{org_id}/logo" => org_assets::upload_logo,
    DELETE "/organizations/{org_id}/logo" => org_assets::delete_logo,
    GET "/organizations/{org_id}/agreements" => org_assets::list_agreements,
    POST "/organizations/{org_id}/agreements/{agreement_id}/accept" => org_assets::accept_agreement,
    GET "/organizations/{org_id}/domains" => org_assets::list_domains,
    POST "/organizations/{org_id}/domains" => org_assets::claim_domain,
    POST "/organizations/{org_id}/domains/{domain}/verify" => org_assets::verify_domain,
    GET "/organizations/{org_id}/events" => org_assets::list_events,
    GET "/organizations/{org_id}/sso" => org_sso::get,
    PUT "/organizations/{org_id}/sso" => org_sso::set,
    DELETE "/organizations/{org_id}/sso" => org_sso::delete,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(from_fn(require_csrf_header))
            .configure(register)
            .default_service(web::to(unknown_operation)),
    );
}

async fn unknown_operation() -> HttpResponse {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_operation",
        "No such API operation; see openapi.yaml.",
    )
    .error_response()
}

/// Paths whose own signed token authorises the call (RFC 8058 one-click).
const CSRF_EXEMPT: &[&str] = &["/api/v1/unsubscribe"];
/// The admin API takes Bearer tokens only, never cookies: nothing to forge.
const BEARER_ONLY_PREFIX: &str = "/api/v1/admin/";
/// These take a Bearer token or the session cookie; a request with a token
/// is judged by the token alone (never the cookie), which no other site can
/// make a browser send.
const BEARER_OR_COOKIE_PREFIXES: &[&str] = &["/api/v1/organizations", "/api/v1/invitations/"];

/// A call that carries a Bearer token to an API that then ignores the
/// cookie: no browser sends such a header for another site, so neither the
/// CSRF header nor the Origin check has anything to protect.
pub fn judged_by_token(req: &actix_web::HttpRequest) -> bool {
    crate::bearer::token(req).is_some()
        && BEARER_OR_COOKIE_PREFIXES
            .iter()
            .any(|p| req.path().starts_with(p))
}

async fn require_csrf_header(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let exempt = CSRF_EXEMPT.contains(&req.path())
        || req.path().starts_with(BEARER_ONLY_PREFIX)
        || judged_by_token(req.request());
    if !safe && !exempt {
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
                CsrfFailure::Mismatch | CsrfFailure::CrossSite => {
                    "Missing or wrong X-CSRF-Token header: send the csrf_token from GET /api/v1/csrf \
                     (it changes when the browser signs in or out)."
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
            let response = body_rejected(&err).error_response();
            actix_web::error::InternalError::from_response(err, response).into()
        })
}

fn body_rejected(err: &actix_web::error::JsonPayloadError) -> ApiError {
    let (status, code) = match err {
        actix_web::error::JsonPayloadError::OverflowKnownLength { .. }
        | actix_web::error::JsonPayloadError::Overflow { .. } => {
            (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
        }
        actix_web::error::JsonPayloadError::ContentType => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        }
        _ => (StatusCode::BAD_REQUEST, "invalid_request"),
    };
    ApiError::new(status, code, format!("Request body rejected: {err}"))
}

/// A JSON body larger than the default limit allows, for the one operation
/// that takes one (`importUsers`); errors as for every other body.
pub(crate) async fn large_json<T: serde::de::DeserializeOwned>(
    req: &actix_web::HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, ApiError> {
    let mut payload = payload.into_inner();
    actix_web::dev::JsonBody::new(req, &mut payload, None, true)
        .limit(limit)
        .await
        .map_err(|e| body_rejected(&e))
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

pub fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
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
