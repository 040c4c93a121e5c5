//! The authorization endpoint (GET and POST), the return to a pending
//! request after signing in, and the consent form's answer. Each hands the
//! browser's request to [`Idp::authorize`], which decides; this file only
//! renders the outcome.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::oauth::{
    AuthorizationResponse, AuthorizeOutcome, AuthorizeParams, AuthorizeStep, Browser,
};
use serde::Deserialize;

use super::{consent, redirect};
use crate::blocking;
use crate::csrf::{self, CsrfToken};
use crate::error::PageError;
use crate::lang::Lang;
use crate::pages::{check_csrf, error_page, see_other, Form};
use crate::signed_in;

pub async fn get(
    req: HttpRequest,
    params: web::Query<AuthorizeParams>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let step = AuthorizeStep::Start(Box::new(params.into_inner()));
    decide(&req, step, lang, csrf, StatusCode::FOUND).await
}

pub async fn post(
    req: HttpRequest,
    params: Form<AuthorizeParams>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let step = AuthorizeStep::Start(Box::new(params.into_inner()));
    decide(&req, step, lang, csrf, StatusCode::SEE_OTHER).await
}

#[derive(Deserialize)]
pub struct ResumeQuery {
    pending: String,
}

/// Back from the sign-in page to a request that waited for it.
pub async fn resume(
    req: HttpRequest,
    query: web::Query<ResumeQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let step = AuthorizeStep::Resume(query.into_inner().pending);
    decide(&req, step, lang, csrf, StatusCode::FOUND).await
}

/// The consent page's form: which pending request, and which button.
#[derive(Deserialize)]
pub struct ConsentForm {
    csrf_token: String,
    pending: String,
    decision: String,
}

pub async fn answer(
    req: HttpRequest,
    form: Form<ConsentForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let step = AuthorizeStep::Consent {
        allow: form.decision == "allow",
        pending: form.pending,
    };
    decide(&req, step, lang, csrf, StatusCode::SEE_OTHER).await
}

async fn decide(
    req: &HttpRequest,
    step: AuthorizeStep,
    lang: Lang,
    csrf: CsrfToken,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let idp = signed_in::idp(req);
    let binding = csrf::binding(req);
    let session = signed_in::session_token(req, &idp);
    let outcome = blocking::run(move || {
        let browser = Browser {
            binding: &binding,
            session_token: session.as_deref(),
        };
        idp.authorize(step, &browser).map_err(PageError::from)
    })
    .await?;
    Ok(match outcome {
        AuthorizeOutcome::ErrorPage(message) => {
            error_page(StatusCode::BAD_REQUEST, lang.0, &message)
        }
        AuthorizeOutcome::Reject(response) | AuthorizeOutcome::Issue(response) => {
            back_to_app(&response, status)
        }
        AuthorizeOutcome::SignIn {
            return_to,
            login_hint,
            ui_locales,
        } => {
            let mut login = url::form_urlencoded::Serializer::new(String::new());
            login.append_pair("return_to", &return_to);
            if let Some(hint) = &login_hint {
                login.append_pair("login_hint", hint);
            }
            if let Some(locales) = &ui_locales {
                login.append_pair("ui_locales", locales);
            }
            see_other(&format!("/login?{}", login.finish()))
        }
        AuthorizeOutcome::SignUp { return_to } => {
            see_other(&crate::pages::with_return_to("/signup", &return_to))
        }
        AuthorizeOutcome::SecondFactor { return_to } => see_other(&crate::pages::with_return_to(
            "/login/second-factor",
            &return_to,
        )),
        AuthorizeOutcome::AskConsent {
            pending,
            request,
            account,
        } => consent::page(&request, &account, &pending, lang, &csrf.0),
    })
}

fn back_to_app(response: &AuthorizationResponse, status: StatusCode) -> HttpResponse {
    let params: Vec<(&str, &str)> = response
        .params
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    redirect::respond(
        &response.redirect_uri,
        response.response_mode,
        &params,
        status,
    )
}
