//! `/password/forgot`: email + robot check → emailed code → new password.
//! Each step answers the same whether or not the address has an account.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::Idp;
use maud::html;
use serde::Deserialize;

use super::form::Form;

use super::check_csrf;
use super::layout::{bot_check, button, csrf_field, input, layout, ok, render, see_other, Errors};
use crate::blocking;
use crate::client::Client;
use crate::csrf::CsrfToken;
use crate::error::{classify, PageError};
use crate::lang::Lang;

#[derive(Deserialize)]
pub struct EmailForm {
    email: String,
    csrf_token: String,
    #[serde(default)]
    bot_challenge: String,
    #[serde(default)]
    bot_solution: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    email: String,
    code: String,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    grant: String,
    password: String,
    password_confirm: String,
    csrf_token: String,
}

pub async fn show(idp: web::Data<Idp>, lang: Lang, csrf: CsrfToken) -> HttpResponse {
    ok(email_step(&idp, lang, &csrf.0, "", &Errors::default()))
}

pub async fn request_code(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<EmailForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let core = idp.clone();
    let (email, challenge, solution) = (form.email.clone(), form.bot_challenge, form.bot_solution);
    let sent = blocking::run(move || {
        Ok::<_, PageError>(core.request_password_reset(&email, &challenge, &solution))
    })
    .await?;
    match sent {
        Ok(()) => Ok(ok(code_step(
            lang,
            &csrf.0,
            form.email.trim(),
            &Errors::default(),
        ))),
        Err(e @ AccountError::Store(_)) => Err(e.into()),
        Err(e) => Ok(render(
            classify(&e).0,
            email_step(
                &idp,
                lang,
                &csrf.0,
                &form.email,
                &Errors::from_account(lang, &e),
            ),
        )),
    }
}

pub async fn check_code(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<CodeForm>,
    lang: Lang,
    csrf: CsrfToken,
    client: Client,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let (email, code) = (form.email.clone(), form.code);
    let checked =
        blocking::run(move || Ok::<_, PageError>(idp.verify_reset_code(&email, &code, &client.0)));
    match checked.await? {
        Ok(grant) => Ok(ok(password_step(lang, &csrf.0, &grant, &Errors::default()))),
        Err(e @ AccountError::Store(_)) => Err(e.into()),
        Err(e) => Ok(render(
            classify(&e).0,
            code_step(lang, &csrf.0, &form.email, &Errors::from_account(lang, &e)),
        )),
    }
}

pub async fn set_password(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<NewPasswordForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let grant = form.grant.clone();
    let done = blocking::run(move || {
        Ok::<_, PageError>(idp.complete_password_reset(
            &form.grant,
            &form.password,
            &form.password_confirm,
        ))
    })
    .await?;
    match done {
        Ok(()) => Ok(see_other("/login?notice=password_reset")),
        Err(e @ (AccountError::Store(_) | AccountError::Busy { .. })) => Err(e.into()),
        Err(e @ AccountError::InvalidLink) => Ok(render(
            classify(&e).0,
            layout(
                lang,
                &lang.t("page.forgot.title"),
                html! {
                    p.alert role="alert" { (crate::error::account_message(lang.0, &e)) }
                    p { a href="/password/forgot" { (lang.t("link.start_again")) } }
                },
            ),
        )),
        Err(e) => Ok(render(
            classify(&e).0,
            password_step(lang, &csrf.0, &grant, &Errors::from_account(lang, &e)),
        )),
    }
}

fn email_step(idp: &Idp, lang: Lang, csrf: &str, email: &str, errors: &Errors) -> maud::Markup {
    let challenge = idp.bot_check_enabled().then(|| idp.bot_challenge());
    layout(
        lang,
        &lang.t("page.forgot.title"),
        html! {
            (errors.summary(lang))
            p { (lang.t("page.forgot.intro")) }
            form method="post" action="/password/forgot" {
                (csrf_field(csrf))
                (input(lang, errors, "email", "email", email, "email"))
                (bot_check(lang, challenge.as_ref()))
                (button(&lang.t("button.get_code")))
            }
        },
    )
}

fn code_step(lang: Lang, csrf: &str, email: &str, errors: &Errors) -> maud::Markup {
    layout(
        lang,
        &lang.t("page.forgot_code.title"),
        html! {
            (errors.summary(lang))
            p role="status" { (lang.f("page.forgot_code.intro", &[("email", email)])) }
            form method="post" action="/password/forgot/code" {
                (csrf_field(csrf))
                input type="hidden" name="email" value=(email);
                (input(lang, errors, "code", "text", "", "one-time-code"))
                (button(&lang.t("button.next")))
            }
            p { a href="/password/forgot" { (lang.t("link.send_new_code")) } }
        },
    )
}

fn password_step(lang: Lang, csrf: &str, grant: &str, errors: &Errors) -> maud::Markup {
    layout(
        lang,
        &lang.t("page.forgot_new.title"),
        html! {
            (errors.summary(lang))
            form method="post" action="/password/forgot/new" {
                (csrf_field(csrf))
                input type="hidden" name="grant" value=(grant);
                (input(lang, errors, "password", "password", "", "new-password"))
                (input(lang, errors, "password_confirm", "password", "", "new-password"))
                (button(&lang.t("button.set_password")))
            }
        },
    )
}
