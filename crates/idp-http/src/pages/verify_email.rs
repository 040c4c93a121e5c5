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
    /// The sign-up's password, when the link is followed in another browser.
    password: Option<String>,
}

#[derive(Deserialize)]
pub struct ResendForm {
    email: String,
    csrf_token: String,
}

pub async fn show(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<TokenQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let (token, browser) = (query.token.clone(), crate::csrf::binding(&req));
    let needs_password = blocking::run(move || {
        idp.verification_needs_password(&token, &browser)
            .map_err(PageError::from)
    })
    .await?;
    let return_to = query.return_to.as_deref().and_then(idp_core::local_path);
    Ok(ok(verify_form(
        lang,
        &csrf.0,
        &query.token,
        return_to,
        needs_password,
        &Errors::default(),
    )))
}

/// The button that uses the link; in a browser other than the one that
/// signed up, with the sign-up's password.
fn verify_form(
    lang: Lang,
    csrf: &str,
    token: &str,
    return_to: Option<&str>,
    needs_password: bool,
    errors: &Errors,
) -> maud::Markup {
    layout(
        lang,
        &lang.t("page.verify_email.title"),
        html! {
            (errors.summary(lang))
            form method="post" action="/verify-email" {
                (csrf_field(csrf))
                input type="hidden" name="token" value=(token);
                @if let Some(path) = return_to {
                    input type="hidden" name="return_to" value=(path);
                }
                @if needs_password {
                    p { (lang.t("page.verify_email.other_browser")) }
                    (input(lang, errors, "password", "password", "", "current-password"))
                }
                (button(&lang.t("button.verify_email")))
            }
        },
    )
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
    let browser = crate::csrf::binding(&req);
    let (token, password) = (form.token.clone(), form.password.clone());
    let verified = blocking::run(move || {
        Ok::<_, PageError>(idp.verify_email(&token, &browser, password.as_deref()))
    })
    .await?;
    match verified {
        Ok(_) => Ok(see_other(&next)),
        Err(e @ AccountError::Store(_)) => Err(e.into()),
        // The password was missing or wrong: the same form again.
        Err(e @ AccountError::Invalid(_)) | Err(e @ AccountError::Throttled { .. }) => {
            let return_to = form.return_to.as_deref().and_then(idp_core::local_path);
            let errors = Errors::from_account(lang, &e);
            Ok(render(
                classify(&e).0,
                verify_form(lang, &csrf.0, &form.token, return_to, true, &errors),
            ))
        }
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
    let (email, browser) = (form.email.clone(), crate::csrf::binding(&req));
    let resent =
        blocking::run(move || Ok::<_, PageError>(idp.resend_verification(&email, &browser)))
            .await?;
    match resent {
        Ok(()) => Ok(ok(layout(
            lang,
            &lang.t("page.check_email.title"),
            html! { p role="status" { (lang.f("page.resend.body", &[("email", form.email.trim())])) } },
        ))),
        Err(e @ AccountError::Store(_)) => Err(e.into()),
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
            (errors.summary(lang))
            p { (lang.t("page.verify_email.resend_intro")) }
            form method="post" action="/verify-email/resend" {
                (csrf_field(csrf))
                (input(lang, errors, "email", "email", "", "email"))
                (button(&lang.t("button.resend_verification")))
            }
        },
    )
}
