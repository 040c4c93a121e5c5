//! `/unsubscribe?token=…`: works without signing in. GET shows a button;
//! POST unsubscribes, both from that button and from a mail client's
//! RFC 8058 one-click request (`List-Unsubscribe=One-Click`). The signed
//! token is the authorisation, so no CSRF token is needed here.

use actix_web::{web, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::Idp;
use maud::html;
use serde::Deserialize;

use super::layout::{button, layout, ok, render};
use crate::blocking;
use crate::error::{account_message, classify, PageError};
use crate::lang::Lang;

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn show(query: web::Query<TokenQuery>, lang: Lang) -> HttpResponse {
    let action = format!("/unsubscribe?token={}", url_encode(&query.token));
    ok(layout(
        lang,
        &lang.t("page.unsubscribe.title"),
        html! {
            p { (lang.t("page.unsubscribe.intro")) }
            form method="post" action=(action) {
                (button(&lang.t("button.unsubscribe")))
            }
        },
    ))
}

pub async fn submit(
    idp: web::Data<Idp>,
    query: web::Query<TokenQuery>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let token = query.into_inner().token;
    match blocking::run(move || Ok::<_, PageError>(idp.unsubscribe(&token))).await? {
        Ok(()) => Ok(ok(layout(
            lang,
            &lang.t("page.unsubscribe.title"),
            html! { p role="status" { (lang.t("page.unsubscribe.done")) } },
        ))),
        Err(e @ AccountError::Store(_)) => Err(e.into()),
        Err(e) => Ok(render(
            classify(&e).0,
            layout(
                lang,
                &lang.t("page.unsubscribe.title"),
                html! {
                    p.alert role="alert" { (account_message(lang.0, &e)) }
                },
            ),
        )),
    }
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
