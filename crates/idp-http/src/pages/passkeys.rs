//! The passkey steps that pages take from script (`static/passkeys.js`):
//! each starts or finishes one WebAuthn ceremony and answers JSON. The
//! page's CSRF token travels in the body and is checked like a form's.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::second_factor::PasskeyOptions;
use idp_core::sessions::NewSession;
use idp_core::Idp;
use serde::{Deserialize, Serialize};

use super::safe_return_to;
use crate::blocking;
use crate::client::Client;
use crate::csrf;
use crate::error::ApiError;
use crate::signed_in;

#[derive(Deserialize)]
pub struct Start {
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct Finish {
    csrf_token: String,
    ceremony: String,
    credential: serde_json::Value,
    /// The person's label (adding a passkey only).
    #[serde(default)]
    name: String,
    return_to: Option<String>,
}

#[derive(Serialize)]
struct Options {
    ceremony: String,
    options: serde_json::Value,
}

#[derive(Serialize)]
struct Next<'a> {
    next: &'a str,
}

fn checked(req: &HttpRequest, token: &str) -> Result<(), ApiError> {
    csrf::verify(req, token).map_err(|_| {
        ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "csrf_failed",
            "This page has expired. Reload it and try again.",
        )
    })
}

fn session_token(req: &HttpRequest, idp: &Idp) -> Result<String, ApiError> {
    signed_in::session_token(req, idp).ok_or_else(ApiError::unauthenticated)
}

fn options((ceremony, options): PasskeyOptions) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Options { ceremony, options })
}

/// The session is done (a new cookie); the page goes to `next`.
fn onward(idp: &Idp, session: NewSession, next: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .cookie(signed_in::session_cookie(idp, session.token))
        .json(Next { next })
}

/// The session a factor is added to: complete, or awaiting its first factor.
async fn with_session<T: Send + 'static>(
    req: &HttpRequest,
    idp: &web::Data<Idp>,
    action: impl FnOnce(
            &Idp,
            &idp_core::sessions::Session,
            &idp_core::accounts::Account,
        ) -> Result<T, AccountError>
        + Send
        + 'static,
) -> Result<T, ApiError> {
    let token = session_token(req, idp)?;
    let core = idp.clone();
    blocking::run(move || {
        let (session, account) = core
            .second_factor_session(&token)?
            .ok_or_else(ApiError::unauthenticated)?;
        Ok::<_, ApiError>(action(&core, &session, &account)?)
    })
    .await
}

pub async fn add_start(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<Start>,
) -> Result<HttpResponse, ApiError> {
    checked(&req, &body.csrf_token)?;
    let started = with_session(&req, &idp, |idp, session, account| {
        idp.start_adding_passkey(session, account)
    })
    .await?;
    Ok(options(started))
}

pub async fn add_finish(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<Finish>,
) -> Result<HttpResponse, ApiError> {
    checked(&req, &body.csrf_token)?;
    let body = body.into_inner();
    let next = match body.return_to.as_deref() {
        Some(to) => safe_return_to(Some(to)).to_owned(),
        None => "/account/security?notice=passkey_added".to_owned(),
    };
    let session = with_session(&req, &idp, move |idp, session, account| {
        idp.finish_adding_passkey(
            session,
            account,
            &body.ceremony,
            &body.credential,
            &body.name,
        )
    })
    .await?;
    Ok(onward(&idp, session, &next))
}

pub async fn verify_start(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<Start>,
) -> Result<HttpResponse, ApiError> {
    checked(&req, &body.csrf_token)?;
    let token = session_token(&req, &idp)?;
    let core = idp.clone();
    let started =
        blocking::run(move || Ok::<_, ApiError>(core.start_passkey_second_factor(&token)?)).await?;
    Ok(options(started))
}

pub async fn verify_finish(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<Finish>,
) -> Result<HttpResponse, ApiError> {
    checked(&req, &body.csrf_token)?;
    let token = session_token(&req, &idp)?;
    let body = body.into_inner();
    let next = safe_return_to(body.return_to.as_deref()).to_owned();
    let core = idp.clone();
    let session = blocking::run(move || {
        Ok::<_, ApiError>(core.prove_passkey(&token, &body.ceremony, &body.credential)?)
    })
    .await?;
    Ok(onward(&idp, session, &next))
}

pub async fn sign_in_start(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<Start>,
) -> Result<HttpResponse, ApiError> {
    checked(&req, &body.csrf_token)?;
    let core = idp.clone();
    let (ceremony, mut options) =
        blocking::run(move || Ok::<_, ApiError>(core.start_passkey_sign_in()?)).await?;
    // Asked on a button press, not offered in the address field's autofill.
    if let Some(o) = options.as_object_mut() {
        o.remove("mediation");
    }
    Ok(self::options((ceremony, options)))
}

pub async fn sign_in_finish(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<Finish>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    checked(&req, &body.csrf_token)?;
    let previous = signed_in::session_token(&req, &idp);
    let body = body.into_inner();
    let next = safe_return_to(body.return_to.as_deref()).to_owned();
    let core = idp.clone();
    let signed = blocking::run(move || {
        Ok::<_, ApiError>(core.sign_in_with_passkey(
            &body.ceremony,
            &body.credential,
            &client.0,
            previous.as_deref(),
        )?)
    })
    .await?;
    Ok(onward(&idp, signed.session, &next))
}
