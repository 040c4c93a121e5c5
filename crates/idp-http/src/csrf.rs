//! CSRF protection, in two layers.
//!
//! 1. Where a browser request came from: a state-changing request whose
//!    `Origin` is another site's, or whose `Sec-Fetch-Site` says
//!    `cross-site`, is refused before any handler runs
//!    ([`refuse_cross_site`]). This alone stops login CSRF from a sibling
//!    subdomain that can plant cookies. Endpoints that apps call server to
//!    server, or that other sites post to by design, are exempt.
//! 2. A token: every browser gets a random `idp_csrf` cookie (the browser's
//!    binding); forms carry `csrf_token` and JSON calls send `X-CSRF-Token`,
//!    HMAC(server key, binding and session). Once the browser is signed in
//!    the token is bound to its session too, so someone who planted or knows
//!    the cookie still cannot make a token, and every sign-in changes it.
//!    A request without the cookie comes from a browser that refuses
//!    cookies, and is told so.

use std::future::{ready, Ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, ResponseError};
use idp_core::crypto::{hmac_sign, hmac_verify, random_token, sha256_hex};
use idp_core::Idp;

use crate::cookies;
use crate::error::{ApiError, PageError};

pub const HEADER: &str = "X-CSRF-Token";

/// The browser's CSRF cookie value, as found or as just created.
#[derive(Clone)]
struct Binding {
    value: String,
    fresh: bool,
}

/// Endpoints only apps and servers call: no browser binding is made for
/// them (a random token and a `Set-Cookie` per request that nobody keeps).
const MACHINE_PATHS: &[&str] = &[
    "/token",
    "/introspect",
    "/revoke",
    "/userinfo",
    "/jwks",
    "/register",
    "/.well-known/openid-configuration",
    "/.well-known/oauth-authorization-server",
    "/healthz",
    "/readyz",
];
const MACHINE_PREFIXES: &[&str] = &["/register/", "/api/v1/admin/"];

fn is_machine_path(path: &str) -> bool {
    MACHINE_PATHS.contains(&path) || MACHINE_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Makes sure every response to a browser carries a CSRF cookie.
pub async fn ensure_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if is_machine_path(req.path()) {
        return next.call(req).await;
    }
    let idp = req
        .app_data::<web::Data<Idp>>()
        .expect("Idp is registered")
        .clone();
    let existing = cookies::value(req.request(), &idp, cookies::CSRF)
        .filter(|v| !v.is_empty() && v.len() <= 64);
    let binding = match existing {
        Some(value) => Binding {
            value,
            fresh: false,
        },
        None => Binding {
            value: random_token(32),
            fresh: true,
        },
    };
    req.extensions_mut().insert(binding.clone());
    let mut res = next.call(req).await?;
    if binding.fresh {
        let cookie = cookies::build(&idp, cookies::CSRF, binding.value).finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// The value that names this browser (its CSRF cookie, or the one being set).
pub fn binding(req: &HttpRequest) -> String {
    req.extensions()
        .get::<Binding>()
        .map(|b| b.value.clone())
        .unwrap_or_default()
}

/// What the token signs: the browser's cookie and, once signed in, the session.
fn signed_text(req: &HttpRequest, idp: &Idp, binding: &str) -> String {
    let session = crate::signed_in::session_token(req, idp)
        .map(|token| sha256_hex(&token))
        .unwrap_or_default();
    format!("{binding}|{session}")
}

/// The token to put in a form or give to a JSON client.
pub struct CsrfToken(pub String);

impl FromRequest for CsrfToken {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let idp = req.app_data::<web::Data<Idp>>().expect("Idp is registered");
        let text = signed_text(req, idp, &binding(req));
        ready(Ok(CsrfToken(hmac_sign(&idp.keys.csrf, &text))))
    }
}

/// Why a state-changing request was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CsrfFailure {
    /// The browser sent no cookie at all: it refuses cookies.
    NoCookie,
    Mismatch,
    /// Another site made the browser send it.
    CrossSite,
}

/// Checks `token` against the cookies the browser sent with this request.
pub fn verify(req: &HttpRequest, token: &str) -> Result<(), CsrfFailure> {
    let idp = req.app_data::<web::Data<Idp>>().expect("Idp is registered");
    let Some(cookie) = cookies::value(req, idp, cookies::CSRF) else {
        return Err(CsrfFailure::NoCookie);
    };
    if hmac_verify(&idp.keys.csrf, &signed_text(req, idp, &cookie), token) {
        Ok(())
    } else {
        Err(CsrfFailure::Mismatch)
    }
}

/// Whether the browser says this request comes from idp's own pages. A
/// request without either header (not a browser, or a very old one) is
/// left to the token.
pub fn from_this_site(headers: &HeaderMap, idp: &Idp) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-site") == Some("cross-site") {
        return false;
    }
    match headers.get("origin") {
        None => true,
        Some(origin) => origin.to_str().ok() == Some(idp.settings.issuer_origin().as_str()),
    }
}

/// Endpoints other sites reach on purpose: apps' server-to-server calls
/// (client credentials or Bearer tokens, no cookies), apps sending people to
/// `/authorize` with a form post, mail clients' one-click unsubscribe (its
/// signed token authorises it), and the logout endpoint, which itself turns
/// a cross-site post into the confirmation page.
const EXEMPT: &[&str] = &[
    "/authorize",
    "/token",
    "/introspect",
    "/revoke",
    "/userinfo",
    "/register",
    "/unsubscribe",
    "/logout",
    "/api/v1/unsubscribe",
];
const EXEMPT_PREFIXES: &[&str] = &["/register/", "/api/v1/admin/"];

/// `/federation/{id}/callback`: upstream providers that form-post their
/// answer post it from their own site (the handler only redirects to the GET).
fn is_upstream_callback(path: &str) -> bool {
    path.strip_prefix("/federation/")
        .and_then(|rest| rest.strip_suffix("/callback"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Refuses state-changing browser requests that another site sent.
pub async fn refuse_cross_site(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.path();
    let exempt = EXEMPT.contains(&path)
        || EXEMPT_PREFIXES.iter().any(|p| path.starts_with(p))
        || is_upstream_callback(path)
        || crate::api::judged_by_token(req.request());
    if !safe && !exempt {
        let idp = req.app_data::<web::Data<Idp>>().expect("Idp is registered");
        if !from_this_site(req.headers(), idp) {
            let response = if path.starts_with("/api/") {
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "The request was sent from another site (Origin or Sec-Fetch-Site); \
                     idp takes it only from its own pages.",
                )
                .error_response()
            } else {
                PageError::Csrf(CsrfFailure::CrossSite).error_response()
            };
            return Ok(req.into_response(response));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
