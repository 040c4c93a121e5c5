//! `/verify-email?token=…`: confirm an address. Opening the link shows a
//! button; only the button (a POST) uses the token, so mail scanners that
//! fetch links cannot burn it.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::Idp;
use maud::html;
use serde::Deserialize;

use super::form::Form;

use super::check_csrf;
use super::layout::{button, csrf_field, input, layout, ok, render, see_other, Errors};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::{classify, PageError};
use crate::lang::Lang;

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct TokenForm {
    token: String,
    csrf_token: String,
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct ResendForm {
    email: String,
    csrf_token: String,
}

pub async fn show(query: web::Query<TokenQuery>, lang: Lang, csrf: CsrfToken) -> HttpResponse {
    ok(layout(
        lang,
        &lang.t("page.verify_email.title"),
        html! {
            form method="post" action="/verify-email" {
                (csrf_field(&csrf.0))
                input type="hidden" name="token" value=(query.token);
                @if let Some(path) = query.return_to.as_deref().and_then(idp_core::local_path) {
                    input type="hidden" name="return_to" value=(path);
                }
                (button(&lang.t("button.verify_email")))
            }
        },
    ))
}

pub async fn submit(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<TokenForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let next = match form.return_to.as_deref().and_then(idp_core::local_path) {
        Some(path) => format!(
            "/login?notice=verified&return_to={}",
            url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
        ),
        None => "/login?notice=verified".to_owned(),
    };
    let token = form.token;
    match blocking::run(move || Ok::<_, PageError>(idp.verify_email(&token))).await? {
        Ok(_) => Ok(see_other(&next)),
        Err(AccountError::Store(e)) => Err(AccountError::Store(e).into()),
        Err(e) => Ok(render(
            classify(&e).0,
            resend_form(lang, &csrf.0, &Errors::from_account(lang, &e)),
        )),
    }
}

/// Asks for a new link. The answer never says whether the address exists.
pub async fn resend(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<ResendForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let email = form.email.clone();
    match blocking::run(move || Ok::<_, PageError>(idp.resend_verification(&email))).await? {
        Ok(()) => Ok(ok(layout(
            lang,
            &lang.t("page.check_email.title"),
            html! { p role="status" { (lang.f("page.resend.body", &[("email", form.email.trim())])) } },
        ))),
        Err(AccountError::Store(e)) => Err(AccountError::Store(e).into()),
        Err(e) => Ok(render(
            classify(&e).0,
            resend_form(lang, &csrf.0, &Errors::from_account(lang, &e)),
        )),
    }
}

fn resend_form(lang: Lang, csrf: &str, errors: &Errors) -> maud::Markup {
    layout(
        lang,
        &lang.t("page.verify_email.title"),
        html! {
            (errors.summary())
            p { (lang.t("page.verify_email.resend_intro")) }
            form method="post" action="/verify-email/resend" {
                (csrf_field(csrf))
                (input(lang, errors, "email", "email", "", "email"))
                (button(&lang.t("button.resend_verification")))
            }
        },
    )
}
