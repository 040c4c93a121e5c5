//! `/email/confirm?token=…`: the link sent to a new primary address.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::Idp;
use maud::html;
use serde::Deserialize;

use super::form::Form;

use super::check_csrf;
use super::layout::{button, csrf_field, layout, ok, render, see_other};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::{account_message, classify, PageError};
use crate::lang::Lang;

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct TokenForm {
    token: String,
    csrf_token: String,
}

pub async fn show(query: web::Query<TokenQuery>, lang: Lang, csrf: CsrfToken) -> HttpResponse {
    ok(layout(
        lang,
        &lang.t("page.email_confirm.title"),
        html! {
            form method="post" action="/email/confirm" {
                (csrf_field(&csrf.0))
                input type="hidden" name="token" value=(query.token);
                (button(&lang.t("button.confirm_email")))
            }
        },
    ))
}

pub async fn submit(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<TokenForm>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let token = form.into_inner().token;
    match blocking::run(move || Ok::<_, PageError>(idp.confirm_email_change(&token))).await? {
        Ok(_) => Ok(see_other("/login?notice=email_changed")),
        Err(AccountError::Store(e)) => Err(AccountError::Store(e).into()),
        Err(e) => Ok(render(
            classify(&e).0,
            layout(
                lang,
                &lang.t("page.email_confirm.title"),
                html! {
                    p.alert role="alert" { (account_message(lang.0, &e)) }
                },
            ),
        )),
    }
}
