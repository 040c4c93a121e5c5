//! `/logout`: a page with a button (a GET must not sign anyone out, or any
//! site could do it with an image tag), and the POST that ends the session.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::Idp;
use maud::html;
use serde::Deserialize;

use super::form::Form;

use super::check_csrf;
use super::layout::{button, csrf_field, layout, ok, see_other};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::PageError;
use crate::lang::Lang;
use crate::signed_in::{self, removal_cookie};

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf_token: String,
    everywhere: Option<String>,
}

pub async fn show(lang: Lang, csrf: CsrfToken) -> HttpResponse {
    ok(layout(
        lang,
        &lang.t("page.logout.title"),
        html! {
            form method="post" action="/logout" {
                (csrf_field(&csrf.0))
                (button(&lang.t("button.log_out")))
            }
            form method="post" action="/logout" {
                (csrf_field(&csrf.0))
                input type="hidden" name="everywhere" value="yes";
                (button(&lang.t("button.log_out_everywhere")))
            }
        },
    ))
}

pub async fn submit(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<LogoutForm>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
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
    let mut response = see_other("/login?notice=signed_out");
    let _ = response.add_cookie(&removal_cookie(&idp));
    Ok(response)
}
