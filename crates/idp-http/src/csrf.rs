//! CSRF protection: every browser gets a random `idp_csrf` cookie; forms
//! carry `csrf_token` = HMAC(server key, cookie) and JSON calls send it in
//! `X-CSRF-Token`. A request without the cookie comes from a browser that
//! refuses cookies, and is told so.

use std::future::{ready, Ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use idp_core::crypto::{hmac_sign, hmac_verify, random_token};
use idp_core::Idp;

pub const COOKIE: &str = "idp_csrf";
pub const HEADER: &str = "X-CSRF-Token";

/// The browser's CSRF cookie value, as found or as just created.
#[derive(Clone)]
struct Binding {
    value: String,
    fresh: bool,
}

/// Makes sure every response to a browser carries a CSRF cookie.
pub async fn ensure_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let existing = req
        .cookie(COOKIE)
        .map(|c| c.value().to_owned())
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
    let secure = req
        .app_data::<web::Data<Idp>>()
        .is_some_and(|idp| idp.settings.secure_cookies());
    req.extensions_mut().insert(binding.clone());
    let mut res = next.call(req).await?;
    if binding.fresh {
        let cookie = Cookie::build(COOKIE, binding.value)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// The token to put in a form or give to a JSON client.
pub struct CsrfToken(pub String);

impl FromRequest for CsrfToken {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let idp = req.app_data::<web::Data<Idp>>().expect("Idp is registered");
        let binding = req
            .extensions()
            .get::<Binding>()
            .map(|b| b.value.clone())
            .unwrap_or_default();
        ready(Ok(CsrfToken(hmac_sign(&idp.keys.csrf, &binding))))
    }
}

/// Why a state-changing request was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CsrfFailure {
    /// The browser sent no cookie at all: it refuses cookies.
    NoCookie,
    Mismatch,
}

/// Checks `token` against the cookie the browser sent with this request.
pub fn verify(req: &HttpRequest, token: &str) -> Result<(), CsrfFailure> {
    let idp = req.app_data::<web::Data<Idp>>().expect("Idp is registered");
    let Some(cookie) = req.cookie(COOKIE) else {
        return Err(CsrfFailure::NoCookie);
    };
    if hmac_verify(&idp.keys.csrf, cookie.value(), token) {
        Ok(())
    } else {
        Err(CsrfFailure::Mismatch)
    }
}
