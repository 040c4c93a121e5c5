//! The authorization endpoint (GET and POST): check the request, make sure
//! the person is signed in recently enough, ask for consent when needed,
//! then send a code back.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::oauth::{AuthorizationRequest, AuthorizeError, AuthorizeParams, Prompt};
use idp_core::Idp;

use super::{consent, redirect};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::lang::Lang;
use crate::pages::error_page;
use crate::signed_in::{self, SignedIn};

pub async fn get(
    req: HttpRequest,
    params: web::Query<AuthorizeParams>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    handle(req, params.into_inner(), lang, csrf, StatusCode::FOUND).await
}

pub async fn post(
    req: HttpRequest,
    params: crate::pages::Form<AuthorizeParams>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    handle(req, params.into_inner(), lang, csrf, StatusCode::SEE_OTHER).await
}

/// Turns a failed check into the right answer: an error page or a redirect.
pub fn reject(
    error: AuthorizeError,
    issuer: &str,
    lang: Lang,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    match error {
        AuthorizeError::Page(message) => Ok(error_page(StatusCode::BAD_REQUEST, lang.0, &message)),
        AuthorizeError::Redirect {
            redirect_uri,
            response_mode,
            state,
            error,
            description,
        } => {
            let mut params = vec![
                ("error", error),
                ("error_description", description.as_str()),
            ];
            if let Some(state) = &state {
                params.push(("state", state));
            }
            params.push(("iss", issuer));
            Ok(redirect::respond(
                &redirect_uri,
                response_mode,
                &params,
                status,
            ))
        }
        AuthorizeError::Store(e) => Err(idp_core::accounts::AccountError::Store(e).into()),
    }
}

async fn handle(
    req: HttpRequest,
    params: AuthorizeParams,
    lang: Lang,
    csrf: CsrfToken,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let idp = signed_in::idp(&req);
    let issuer = idp.settings.issuer.clone();
    let checked = {
        let (idp, params) = (idp.clone(), params.clone());
        blocking::run(move || Ok::<_, PageError>(idp.check_authorization(&params))).await?
    };
    let request = match checked {
        Ok(r) => r,
        Err(e) => return reject(e, &issuer, lang, status),
    };
    if request.has_prompt(Prompt::Create) {
        return Ok(send_to_sign_up(params));
    }
    let user = signed_in::current::<PageError>(&req).await?;
    let user = match user {
        Some(u) if fresh_enough(&request, &u) => u,
        _ if request.has_prompt(Prompt::None) => {
            let e = request.error("login_required", "the person is not signed in");
            return reject(e, &issuer, lang, status);
        }
        _ => return Ok(send_to_sign_in(&request, params)),
    };
    if request.scopes.contains(crate::api::ADMIN_SCOPE) && !user.account.is_admin {
        let e = request.error("access_denied", "scope admin is for administrators only");
        return reject(e, &issuer, lang, status);
    }
    let needs_consent = !request.client.metadata.skip_consent
        && (request.has_prompt(Prompt::Consent) || {
            let (idp, account, client, scopes) = (
                idp.clone(),
                user.account.id.clone(),
                request.client.client_id.clone(),
                request.scopes.clone(),
            );
            !blocking::run(move || {
                idp.has_consent(&account, &client, &scopes)
                    .map_err(|e| PageError::from(idp_core::accounts::AccountError::Store(e)))
            })
            .await?
        });
    if needs_consent {
        if request.has_prompt(Prompt::None) {
            let e = request.error(
                "consent_required",
                "the person has not allowed this app yet",
            );
            return reject(e, &issuer, lang, status);
        }
        return Ok(consent::page(&request, &params, &user, lang, &csrf.0));
    }
    complete(&idp, &request, &user, status).await
}

/// Whether the session satisfies `prompt=login`, `max_age` and a pending re-login.
fn fresh_enough(request: &AuthorizationRequest, user: &SignedIn) -> bool {
    let auth_time = user.session.auth_time.and_utc().timestamp();
    let now = idp_core::now().and_utc().timestamp();
    let after_ok = request.auth_after.is_none_or(|t| auth_time >= t);
    let login_ok = !request.has_prompt(Prompt::Login) || request.auth_after.is_some();
    let age_ok = request.max_age.is_none_or(|m| now - auth_time <= m)
        || request.auth_after.is_some_and(|t| auth_time >= t);
    after_ok && login_ok && age_ok
}

/// To the sign-in page, coming back here afterwards. A forced re-login
/// (prompt=login, max_age) marks the return so the new session counts.
fn send_to_sign_in(request: &AuthorizationRequest, mut params: AuthorizeParams) -> HttpResponse {
    if request.has_prompt(Prompt::Login) || request.max_age.is_some() {
        params.auth_after = Some(idp_core::now().and_utc().timestamp().to_string());
    }
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    let return_to = format!("/authorize?{query}");
    let mut login = url::form_urlencoded::Serializer::new(String::new());
    login.append_pair("return_to", &return_to);
    if let Some(hint) = &request.login_hint {
        login.append_pair("login_hint", hint);
    }
    if let Some(locales) = &request.ui_locales {
        login.append_pair("ui_locales", locales);
    }
    crate::pages::see_other(&format!("/login?{}", login.finish()))
}

/// To the sign-up page; once the address is verified and the person signs
/// in, the same request goes on (without asking to create again).
fn send_to_sign_up(mut params: AuthorizeParams) -> HttpResponse {
    params.prompt = None;
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    let return_to = format!("/authorize?{query}");
    let target: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("return_to", &return_to)
        .finish();
    crate::pages::see_other(&format!("/signup?{target}"))
}

/// Issues the code and sends it back.
pub async fn complete(
    idp: &web::Data<Idp>,
    request: &AuthorizationRequest,
    user: &SignedIn,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let (core, r, account, session, auth_time) = (
        idp.clone(),
        request.clone(),
        user.account.id.clone(),
        user.session.id.clone(),
        user.session.auth_time,
    );
    let code = blocking::run(move || {
        core.issue_code(&r, &account, &session, auth_time)
            .map_err(|e| PageError::from(idp_core::accounts::AccountError::Store(e)))
    })
    .await?;
    let mut params = vec![("code", code.as_str())];
    if let Some(state) = &request.state {
        params.push(("state", state));
    }
    params.push(("iss", idp.settings.issuer.as_str()));
    Ok(redirect::respond(
        &request.redirect_uri,
        request.response_mode,
        &params,
        status,
    ))
}
