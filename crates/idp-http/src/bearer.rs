//! Bearer tokens in `Authorization` (RFC 6750 §2.1).

use actix_web::http::header::AUTHORIZATION;
use actix_web::HttpRequest;

/// The token of `Authorization: Bearer …`; the scheme is case-insensitive
/// (RFC 7235).
pub fn token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}
