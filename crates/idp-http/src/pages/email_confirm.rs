//! `/email/confirm?token=…`: the link sent to a new primary address. It
//! works only signed in to the account that asked (the sign-in page comes
//! first otherwise): receiving the mail alone must not move someone else's
//! account to your address.

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
use crate::signed_in;

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

pub async fn show(
    req: HttpRequest,
    query: web::Query<TokenQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    if signed_in::current::<PageError>(&req).await?.is_none() {
        return Ok(sign_in_first(&query.token));
    }
    Ok(ok(layout(
        lang,
        &lang.t("page.email_confirm.title"),
        html! {
            form method="post" action="/email/confirm" {
                (csrf_field(&csrf.0))
                input type="hidden" name="token" value=(query.token);
                (button(&lang.t("button.confirm_email")))
            }
        },
    )))
}

/// To the sign-in page, coming back to this link afterwards.
fn sign_in_first(token: &str) -> HttpResponse {
    let back = format!(
        "/email/confirm?token={}",
        url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
    );
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("notice", "confirm_email_sign_in")
        .append_pair("return_to", &back)
        .finish();
    see_other(&format!("/login?{query}"))
}

pub async fn submit(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<TokenForm>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let token = form.into_inner().token;
    let Some(user) = signed_in::current::<PageError>(&req).await? else {
        return Ok(sign_in_first(&token));
    };
    let confirmed = blocking::run(move || {
        Ok::<_, PageError>(idp.confirm_email_change(&token, &user.account.id))
    })
    .await?;
    match confirmed {
        Ok(_) => Ok(see_other("/account?notice=email_changed")),
        Err(e @ AccountError::Store(_)) => Err(e.into()),
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
