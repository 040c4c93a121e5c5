//! The session cookie and the signed-in person behind it.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie};
use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::{Account, AccountError};
use idp_core::sessions::{NewSession, Session};
use idp_core::Idp;

use crate::{blocking, cookies};

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
    let idp = idp(req);
    let Some(token) = session_token(req, &idp) else {
        return Ok(None);
    };
    let found = blocking::run(move || idp.session_by_token(&token).map_err(E::from)).await?;
    Ok(found.map(|(session, account)| SignedIn { session, account }))
}

/// The session token the browser sent, if any.
pub fn session_token(req: &HttpRequest, idp: &Idp) -> Option<String> {
    cookies::value(req, idp, cookies::SESSION)
}

pub fn idp(req: &HttpRequest) -> web::Data<Idp> {
    req.app_data::<web::Data<Idp>>()
        .expect("Idp is registered")
        .clone()
}

/// The cookie that holds a new session's token.
pub fn session_cookie(idp: &Idp, token: String) -> Cookie<'static> {
    cookies::build(idp, cookies::SESSION, token)
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

/// Where a browser goes once a sign-in opened `session`: on to
/// `return_to`, or first to the second-factor page when the session still
/// owes one (it signs nobody in until then).
pub fn arrive(
    idp: &Idp,
    session: NewSession,
    return_to: &str,
) -> Result<HttpResponse, crate::error::PageError> {
    let target = match session.session.awaiting_second_factor {
        true => crate::pages::with_return_to("/login/second-factor", return_to),
        false => return_to.to_owned(),
    };
    let mut response = crate::pages::layout::see_other(&target);
    response
        .add_cookie(&session_cookie(idp, session.token))
        .map_err(|e| crate::error::PageError::BadRequest(e.to_string()))?;
    Ok(response)
}
