//! The session cookie and the signed-in person behind it.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest};
use idp_core::accounts::{Account, AccountError};
use idp_core::sessions::Session;
use idp_core::Idp;

use crate::blocking;

pub const COOKIE: &str = "idp_session";

pub struct SignedIn {
    pub session: Session,
    pub account: Account,
}

/// The signed-in person, if the request carries a live session cookie.
/// Generic over the error so pages and the API each get their own kind.
pub async fn current<E>(req: &HttpRequest) -> Result<Option<SignedIn>, E>
where
    E: From<AccountError> + From<actix_web::error::BlockingError> + Send + 'static,
{
    let Some(token) = req.cookie(COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    let idp = idp(req);
    let found = blocking::run(move || idp.session_by_token(&token).map_err(E::from)).await?;
    Ok(found.map(|(session, account)| SignedIn { session, account }))
}

pub fn idp(req: &HttpRequest) -> web::Data<Idp> {
    req.app_data::<web::Data<Idp>>()
        .expect("Idp is registered")
        .clone()
}

/// The cookie that holds a new session's token.
pub fn session_cookie(idp: &Idp, token: String) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(idp.settings.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::hours(
            idp.settings.sessions.absolute_timeout_hours,
        ))
        .finish()
}

/// A cookie that makes the browser forget its session token.
pub fn removal_cookie(idp: &Idp) -> Cookie<'static> {
    let mut cookie = session_cookie(idp, String::new());
    cookie.make_removal();
    cookie
}
