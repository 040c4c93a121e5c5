//! `/login`: sign in with email and password.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::Idp;
use maud::html;
use serde::Deserialize;

use super::form::Form;

use super::layout::{button, csrf_field, input, input_with_id, layout, ok, render, Errors};
use super::{check_csrf, safe_return_to};
use crate::blocking;
use crate::client::Client;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::lang::Lang;
use crate::signed_in;

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
    /// Empty: home-realm discovery (the address's company may sign it in).
    #[serde(default)]
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
        idp.passkeys_available(),
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
    let route = sso_route(&idp, &form.email).await?;
    if let Some(route) = &route {
        if form.password.is_empty() {
            let hint = Some(form.email.trim().to_owned());
            let id = route.provider_id.clone();
            return super::federation::redirect_out(&req, idp, id, return_to, hint, None).await;
        }
    }
    let (email, password) = (form.email.clone(), form.password);
    let core = idp.clone();
    let outcome = blocking::run(move || {
        Ok::<_, PageError>(core.sign_in(&email, &password, &client.0, previous.as_deref()))
    })
    .await?;
    match outcome {
        Ok(signed) => signed_in::arrive(&idp, signed.session, &return_to),
        Err(e @ (AccountError::Store(_) | AccountError::Busy { .. })) => Err(e.into()),
        Err(e) => {
            let mut choices = super::federation_choices(&idp).await;
            if let AccountError::SsoRequired {
                organization,
                provider_id,
            } = &e
            {
                choices.insert(
                    0,
                    super::federation::Choice {
                        id: provider_id.clone(),
                        name: organization.clone(),
                    },
                );
            }
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
                    idp.passkeys_available(),
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
    passkeys: bool,
) -> maud::Markup {
    layout(
        lang,
        &lang.t("page.login.title"),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            (errors.summary(lang))
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
            @if passkeys {
                (super::security::passkey_form(lang, csrf, "sign-in", Some(return_to), &lang.t("button.sign_in_passkey")))
            }
            p { a href="/password/forgot" { (lang.t("link.forgot_password")) } }
            h2 { (lang.t("page.login.company_title")) }
            form method="post" action="/login/company" {
                (csrf_field(csrf))
                input type="hidden" name="return_to" value=(return_to);
                (input_with_id(lang, errors, "company-email", "company_email", "email", "", "username"))
                (button(&lang.t("button.company_sign_in")))
            }
            p { (lang.t("page.login.no_account")) " " a href="/signup" { (lang.t("link.sign_up")) } }
        },
    )
}

#[derive(Deserialize)]
pub struct CompanyForm {
    company_email: String,
    csrf_token: String,
    return_to: Option<String>,
}

/// Home-realm discovery: the work address's company signs it in.
pub async fn company(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<CompanyForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let return_to = safe_return_to(form.return_to.as_deref()).to_owned();
    if let Some(route) = sso_route(&idp, &form.company_email).await? {
        let hint = Some(form.company_email.trim().to_owned());
        return super::federation::redirect_out(
            &req,
            idp,
            route.provider_id,
            return_to,
            hint,
            None,
        )
        .await;
    }
    let choices = super::federation_choices(&idp).await;
    let errors = Errors::form(lang.t("error.no_company_sign_in"));
    Ok(render(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        login_form(
            lang,
            &csrf.0,
            &choices,
            "",
            &return_to,
            &errors,
            None,
            false,
            idp.passkeys_available(),
        ),
    ))
}

/// The company sign-in an address's domain leads to, if any.
async fn sso_route(
    idp: &web::Data<Idp>,
    email: &str,
) -> Result<Option<idp_core::organizations::SsoRoute>, PageError> {
    let Ok(address) = idp_core::accounts::EmailAddress::parse(email) else {
        return Ok(None);
    };
    let idp = idp.clone();
    blocking::run(move || idp.sso_for_email(&address).map_err(PageError::from)).await
}
