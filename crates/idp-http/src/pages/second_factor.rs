//! `/login/second-factor`: the step after the password when a second factor
//! is owed, and the step-up an app asks for (`acr_values`). Someone who has
//! no factor yet where one is required sets up an authenticator app here.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::{Account, AccountError};
use idp_core::second_factor::is_multi_factor;
use idp_core::sessions::Session;
use maud::{html, Markup};
use serde::Deserialize;

use super::check_csrf;
use super::form::Form;
use super::layout::{button, csrf_field, layout, ok, render, see_other, Errors};
use super::security::{code_field, codes_page, passkey_form, refused, setup_page};
use super::{safe_return_to, with_return_to as here};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::{classify, PageError};
use crate::lang::Lang;
use crate::signed_in;

#[derive(Deserialize)]
pub struct ReturnQuery {
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    otp: String,
    csrf_token: String,
}

/// The session the second factor is for, complete or awaiting it.
async fn session_of(req: &HttpRequest) -> Result<Option<(Session, Account)>, PageError> {
    let idp = signed_in::idp(req);
    let Some(token) = signed_in::session_token(req, &idp) else {
        return Ok(None);
    };
    blocking::run(move || idp.second_factor_session(&token).map_err(PageError::from)).await
}

fn to_login(return_to: &str) -> HttpResponse {
    see_other(&here("/login", return_to))
}

pub async fn show(
    req: HttpRequest,
    query: web::Query<ReturnQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let return_to = safe_return_to(query.return_to.as_deref()).to_owned();
    let Some((session, account)) = session_of(&req).await? else {
        return Ok(to_login(&return_to));
    };
    if !session.awaiting_second_factor && is_multi_factor(&session.amr) {
        return Ok(see_other(&return_to));
    }
    let idp = signed_in::idp(&req);
    let found = blocking::run(move || {
        let status = idp.second_factor_status(&account)?;
        // Nothing to prove yet: the first factor is set up here.
        let has_passkeys = !status.passkeys.is_empty();
        let setup = match status.app_since.is_some() || has_passkeys {
            true => None,
            false => Some(idp.start_totp(&session, &account)),
        };
        Ok::<_, PageError>((setup, has_passkeys))
    })
    .await?;
    match found {
        (None, passkeys) => {
            let errors = Errors::default();
            Ok(ok(code_page(lang, &csrf.0, &return_to, &errors, passkeys)))
        }
        (Some(Ok(setup)), _) => {
            let action = here("/login/second-factor/setup", &return_to);
            Ok(ok(setup_page(
                lang,
                &csrf.0,
                &setup,
                &action,
                &Errors::default(),
            )))
        }
        (Some(Err(e)), _) => refused(lang, e),
    }
}

/// POST: a code from the app or a recovery code.
pub async fn submit(
    req: HttpRequest,
    query: web::Query<ReturnQuery>,
    form: Form<CodeForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let return_to = safe_return_to(query.return_to.as_deref()).to_owned();
    let idp = signed_in::idp(&req);
    let Some(token) = signed_in::session_token(&req, &idp) else {
        return Ok(to_login(&return_to));
    };
    let typed = form.into_inner().otp;
    let core = idp.clone();
    let (proved, passkeys) = blocking::run(move || {
        let proved = core.prove_second_factor(&token, &typed);
        // Refused: the page again, with the passkey button if it had one.
        let passkeys = match (&proved, core.second_factor_session(&token)?) {
            (Err(_), Some((_, account))) => {
                !core.second_factor_status(&account)?.passkeys.is_empty()
            }
            _ => false,
        };
        Ok::<_, PageError>((proved, passkeys))
    })
    .await?;
    match proved {
        Ok(session) => signed_in::arrive(&idp, session, &return_to),
        Err(AccountError::NotFound) => Ok(to_login(&return_to)),
        Err(e @ (AccountError::Store(_) | AccountError::Busy { .. })) => Err(e.into()),
        Err(e) => Ok(render(
            classify(&e).0,
            code_page(
                lang,
                &csrf.0,
                &return_to,
                &Errors::from_account(lang, &e),
                passkeys,
            ),
        )),
    }
}

/// POST `/login/second-factor/setup`: the first code from a new app
/// confirms it and finishes the sign-in; the recovery codes are shown once.
pub async fn setup(
    req: HttpRequest,
    query: web::Query<ReturnQuery>,
    form: Form<CodeForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let return_to = safe_return_to(query.return_to.as_deref()).to_owned();
    let Some((session, account)) = session_of(&req).await? else {
        return Ok(to_login(&return_to));
    };
    let typed = form.into_inner().otp;
    let idp = signed_in::idp(&req);
    let core = idp.clone();
    let (confirmed, again) = blocking::run(move || {
        let confirmed = core.confirm_totp(&session, &account, &typed);
        let again = match &confirmed {
            Err(AccountError::Invalid(_) | AccountError::Throttled { .. }) => {
                Some(core.start_totp(&session, &account))
            }
            _ => None,
        };
        Ok::<_, PageError>((confirmed, again))
    })
    .await?;
    match (confirmed, again) {
        (Ok(done), _) => {
            let mut response = match &done.recovery_codes {
                Some(codes) => ok(codes_page(lang, codes, &return_to)),
                None => see_other(&return_to),
            };
            response
                .add_cookie(&signed_in::session_cookie(&idp, done.session.token))
                .map_err(|e| PageError::BadRequest(e.to_string()))?;
            Ok(response)
        }
        (Err(e), Some(Ok(setup))) => {
            let action = here("/login/second-factor/setup", &return_to);
            let errors = Errors::from_account(lang, &e);
            Ok(render(
                classify(&e).0,
                setup_page(lang, &csrf.0, &setup, &action, &errors),
            ))
        }
        (Err(e), _) => refused(lang, e),
    }
}

fn code_page(lang: Lang, csrf: &str, return_to: &str, errors: &Errors, passkeys: bool) -> Markup {
    layout(
        lang,
        &lang.t("page.second_factor.title"),
        html! {
            (errors.summary(lang))
            @if passkeys {
                (passkey_form(lang, csrf, "verify", Some(return_to), &lang.t("button.use_passkey")))
            }
            form method="post" action=(here("/login/second-factor", return_to)) {
                (csrf_field(csrf))
                (code_field(lang, errors, lang.t("page.second_factor.hint")))
                (button(&lang.t("button.verify_code")))
            }
            p { (lang.t("page.second_factor.lost")) }
            p { a href="/login" { (lang.t("link.other_account")) } }
        },
    )
}
