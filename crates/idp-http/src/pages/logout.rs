//! `/logout`, also the OpenID Connect `end_session_endpoint`. Opening it
//! (GET, or an app's POST without our CSRF token) only shows the buttons: a
//! GET must not sign anyone out, or any site could do it with an image tag.
//! The button's POST ends the session, then returns to the app's registered
//! `post_logout_redirect_uri` when the request named one.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::oauth::{LogoutError, LogoutParams};
use idp_core::Idp;
use maud::{html, Markup};
use serde::Deserialize;

use super::form::Form;

use super::check_csrf;
use super::layout::{button, csrf_field, error_page, layout, ok, see_other};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::lang::Lang;
use crate::signed_in::{self, removal_cookie};

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf_token: Option<String>,
    everywhere: Option<String>,
    #[serde(flatten)]
    params: LogoutParams,
}

/// Where to go after signing out, or the error page for a bad request.
async fn target(
    idp: &web::Data<Idp>,
    params: &LogoutParams,
    lang: Lang,
) -> Result<Result<Option<String>, HttpResponse>, PageError> {
    if params.is_empty() {
        return Ok(Ok(None));
    }
    let (core, p) = (idp.clone(), params.clone());
    // A bad request is the app's to hear about; storage failing is not.
    let checked = blocking::run(move || match core.check_logout(&p) {
        Err(LogoutError::Client(e)) => Err(PageError::from(e)),
        other => Ok(other),
    })
    .await?;
    Ok(checked.map_err(|e| error_page(StatusCode::BAD_REQUEST, lang.0, &e.to_string())))
}

pub async fn show(
    req: HttpRequest,
    idp: web::Data<Idp>,
    params: web::Query<LogoutParams>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    confirm(&req, &idp, &params, lang, &csrf.0).await
}

async fn confirm(
    req: &HttpRequest,
    idp: &web::Data<Idp>,
    params: &LogoutParams,
    lang: Lang,
    csrf: &str,
) -> Result<HttpResponse, PageError> {
    let target = match target(idp, params, lang).await? {
        Ok(t) => t,
        Err(page) => return Ok(page),
    };
    // Nobody is signed in here: nothing to confirm.
    if signed_in::current::<PageError>(req).await?.is_none() {
        if let Some(target) = target {
            return Ok(see_other(&target));
        }
    }
    let hidden = |everywhere: bool| -> Markup {
        let fields = serde_json::to_value(params).unwrap_or_default();
        html! {
            (csrf_field(csrf))
            @if let Some(map) = fields.as_object() {
                @for (name, value) in map {
                    @if let Some(v) = value.as_str() { input type="hidden" name=(name) value=(v); }
                }
            }
            @if everywhere { input type="hidden" name="everywhere" value="yes"; }
        }
    };
    Ok(ok(layout(
        lang,
        &lang.t("page.logout.title"),
        html! {
            form method="post" action="/logout" {
                (hidden(false))
                (button(&lang.t("button.log_out")))
            }
            form method="post" action="/logout" {
                (hidden(true))
                (button(&lang.t("button.log_out_everywhere")))
            }
        },
    )))
}

pub async fn submit(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<LogoutForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    // An app's POST to the end_session_endpoint (or any post another site
    // made the browser send): ask the person first.
    let token = form
        .csrf_token
        .as_ref()
        .filter(|_| crate::csrf::from_this_site(req.headers(), &idp));
    let Some(token) = token else {
        return confirm(&req, &idp, &form.params, lang, &csrf.0).await;
    };
    check_csrf(&req, token)?;
    let target = match target(&idp, &form.params, lang).await? {
        Ok(t) => t,
        Err(page) => return Ok(page),
    };
    if let Some(user) = signed_in::current::<PageError>(&req).await? {
        let core = idp.clone();
        let everywhere = form.everywhere.is_some();
        blocking::run(move || {
            if everywhere {
                core.end_all_sessions(&user.account.id).map(|_| ())
            } else {
                core.end_session(&user.account.id, &user.session.id)
            }
            .map_err(PageError::from)
        })
        .await?;
    }
    let mut response = see_other(target.as_deref().unwrap_or("/login?notice=signed_out"));
    let _ = response.add_cookie(&removal_cookie(&idp));
    Ok(response)
}
