//! The consent page: the app's name, logo and links, what it asks for in
//! plain words, and two buttons that say what they do. Consent is
//! remembered per person, app and scopes.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use idp_core::oauth::{AuthorizationRequest, AuthorizeParams};
use maud::html;
use serde::Deserialize;

use super::authorize::{complete, reject};
use crate::blocking;
use crate::error::PageError;
use crate::lang::Lang;
use crate::pages::layout::{csrf_field, layout, ok};
use crate::pages::{check_csrf, Form};
use crate::signed_in::{self, SignedIn};

/// The original request's parameters travel in hidden fields.
const CARRIED: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "max_age",
    "ui_locales",
    "auth_after",
];

pub fn page(
    request: &AuthorizationRequest,
    params: &AuthorizeParams,
    user: &SignedIn,
    lang: Lang,
    csrf: &str,
) -> HttpResponse {
    let client = &request.client;
    let fields = serde_json::to_value(params).unwrap_or_default();
    let title = lang.f("page.consent.title", &[("app", &client.name)]);
    ok(layout(
        lang,
        &title,
        html! {
            @if let Some(logo) = &client.metadata.logo_uri {
                img.app-logo src=(logo) alt=(lang.f("page.consent.logo", &[("app", &client.name)])) width="64" height="64";
            }
            p { (lang.f("page.consent.intro", &[("app", &client.name), ("email", &user.account.email)])) }
            ul.scopes {
                @for scope in request.scopes.iter() {
                    @let key = format!("scope.{scope}");
                    @let text = lang.t(&key);
                    li { @if text == key { (lang.f("scope.other", &[("scope", scope)])) } @else { (text) } }
                }
            }
            @if client.metadata.policy_uri.is_some() || client.metadata.tos_uri.is_some() {
                p.hint {
                    @if let Some(policy) = &client.metadata.policy_uri {
                        a href=(policy) rel="noopener" { (lang.t("page.consent.policy")) } " "
                    }
                    @if let Some(tos) = &client.metadata.tos_uri {
                        a href=(tos) rel="noopener" { (lang.t("page.consent.terms")) }
                    }
                }
            }
            form method="post" action="/authorize/consent" {
                (csrf_field(csrf))
                @for name in CARRIED {
                    @if let Some(value) = fields.get(*name).and_then(|v| v.as_str()) {
                        input type="hidden" name=(name) value=(value);
                    }
                }
                button type="submit" name="decision" value="allow" { (lang.f("button.allow", &[("app", &client.name)])) }
                " "
                button.secondary type="submit" name="decision" value="deny" { (lang.t("button.deny")) }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct ConsentForm {
    csrf_token: String,
    decision: String,
    #[serde(flatten)]
    params: AuthorizeParams,
}

pub async fn submit(
    req: HttpRequest,
    form: Form<ConsentForm>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let idp = signed_in::idp(&req);
    let status = StatusCode::SEE_OTHER;
    let checked = {
        let (idp, params) = (idp.clone(), form.params.clone());
        blocking::run(move || Ok::<_, PageError>(idp.check_authorization(&params))).await?
    };
    let request = match checked {
        Ok(r) => r,
        Err(e) => return reject(e, &idp.settings.issuer, lang, status),
    };
    let Some(user) = signed_in::current::<PageError>(&req).await? else {
        let e = request.error(
            "login_required",
            "the person signed out before allowing the app",
        );
        return reject(e, &idp.settings.issuer, lang, status);
    };
    if form.decision != "allow" {
        let e = request.error("access_denied", "the person did not allow the app");
        return reject(e, &idp.settings.issuer, lang, status);
    }
    let (core, account, client, scopes) = (
        idp.clone(),
        user.account.id.clone(),
        request.client.client_id.clone(),
        request.scopes.clone(),
    );
    blocking::run(move || {
        core.grant_consent(&account, &client, &scopes)
            .map_err(|e| PageError::from(idp_core::accounts::AccountError::Store(e)))
    })
    .await?;
    complete(&idp, &request, &user, status).await
}
