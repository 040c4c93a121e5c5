//! `/login`: sign in with email and password.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::Idp;
use maud::html;
use serde::Deserialize;

use super::form::Form;

use super::layout::{button, csrf_field, input, layout, ok, render, see_other, Errors};
use super::{check_csrf, safe_return_to};
use crate::blocking;
use crate::client::Client;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::lang::Lang;
use crate::signed_in::{self, session_cookie};

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
    notice: Option<String>,
    /// An app's `login_hint`: the address to prefill.
    login_hint: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf_token: String,
    return_to: Option<String>,
}

/// Notices other pages may ask the sign-in page to show.
const NOTICES: &[&str] = &[
    "verified",
    "password_reset",
    "signed_out",
    "confirm_email_sign_in",
    "sign_in_to_link",
];

pub async fn show(
    idp: web::Data<Idp>,
    query: web::Query<LoginQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> HttpResponse {
    let choices = super::federation_choices(&idp).await;
    let notice = query
        .notice
        .as_deref()
        .filter(|n| NOTICES.contains(n))
        .map(|n| lang.t(&format!("notice.{n}")));
    let hint = query.login_hint.as_deref().unwrap_or("");
    ok(login_form(
        lang,
        &csrf.0,
        &choices,
        if hint.len() <= idp_core::accounts::MAX_EMAIL_LENGTH {
            hint
        } else {
            ""
        },
        safe_return_to(query.return_to.as_deref()),
        &Errors::default(),
        notice,
        false,
    ))
}

pub async fn submit(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<LoginForm>,
    lang: Lang,
    csrf: CsrfToken,
    client: Client,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let return_to = safe_return_to(form.return_to.as_deref()).to_owned();
    let previous = signed_in::session_token(&req, &idp);
    let (email, password) = (form.email.clone(), form.password);
    let core = idp.clone();
    let outcome = blocking::run(move || {
        Ok::<_, PageError>(core.sign_in(&email, &password, &client.0, previous.as_deref()))
    })
    .await?;
    match outcome {
        Ok(signed) => {
            let mut response = see_other(&return_to);
            response
                .add_cookie(&session_cookie(&idp, signed.session.token))
                .map_err(|e| PageError::BadRequest(e.to_string()))?;
            Ok(response)
        }
        Err(e @ (AccountError::Store(_) | AccountError::Busy { .. })) => Err(e.into()),
        Err(e) => {
            let choices = super::federation_choices(&idp).await;
            let unverified = matches!(e, AccountError::EmailNotVerified);
            let errors = Errors::from_account(lang, &e);
            Ok(render(
                crate::error::classify(&e).0,
                login_form(
                    lang,
                    &csrf.0,
                    &choices,
                    &form.email,
                    &return_to,
                    &errors,
                    None,
                    unverified,
                ),
            ))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn login_form(
    lang: Lang,
    csrf: &str,
    choices: &[super::federation::Choice],
    email: &str,
    return_to: &str,
    errors: &Errors,
    notice: Option<String>,
    offer_resend: bool,
) -> maud::Markup {
    layout(
        lang,
        &lang.t("page.login.title"),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            (errors.summary())
            @if offer_resend {
                form method="post" action="/verify-email/resend" {
                    (csrf_field(csrf))
                    input type="hidden" name="email" value=(email);
                    (button(&lang.t("button.resend_verification")))
                }
            }
            (super::federation_buttons(lang, csrf, choices, return_to))
            form method="post" action="/login" {
                (csrf_field(csrf))
                input type="hidden" name="return_to" value=(return_to);
                (input(lang, errors, "email", "email", email, "username"))
                (input(lang, errors, "password", "password", "", "current-password"))
                (button(&lang.t("button.sign_in")))
            }
            p { a href="/password/forgot" { (lang.t("link.forgot_password")) } }
            p { (lang.t("page.login.no_account")) " " a href="/signup" { (lang.t("link.sign_up")) } }
        },
    )
}
