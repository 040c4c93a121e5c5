//! idp's two cookies, the session and the CSRF binding. With an `https`
//! issuer they carry the `__Host-` prefix: the browser then accepts them only
//! from this host, `Secure` and for `Path=/`, so a sibling subdomain cannot
//! plant or overwrite them (and cookies without the prefix are not read).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::HttpRequest;
use idp_core::Idp;

pub const SESSION: &str = "idp_session";
pub const CSRF: &str = "idp_csrf";

/// The name `base` has on this server.
pub fn name(idp: &Idp, base: &'static str) -> &'static str {
    match (idp.settings.secure_cookies(), base) {
        (true, SESSION) => "__Host-idp_session",
        (true, CSRF) => "__Host-idp_csrf",
        _ => base,
    }
}

/// The value of cookie `base` in the request, under this server's name.
pub fn value(req: &HttpRequest, idp: &Idp, base: &'static str) -> Option<String> {
    req.cookie(name(idp, base)).map(|c| c.value().to_owned())
}

/// A cookie readable only by idp's server (`HttpOnly`), sent on top-level
/// navigations from other sites (`SameSite=Lax`, so apps can send people here).
pub fn build(
    idp: &Idp,
    base: &'static str,
    value: String,
) -> actix_web::cookie::CookieBuilder<'static> {
    Cookie::build(name(idp, base), value)
        .path("/")
        .http_only(true)
        .secure(idp.settings.secure_cookies())
        .same_site(SameSite::Lax)
}
