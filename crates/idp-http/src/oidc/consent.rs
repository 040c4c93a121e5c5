//! The consent page: the app's name and links, what it asks for in plain
//! words, and two buttons that say what they do. The app's `logo_uri` is not
//! shown: loading it would tell the app's server who is looking (pages load
//! nothing from other origins, see the CSP). Consent is remembered per
//! person, app and scopes.

use actix_web::HttpResponse;
use idp_core::accounts::Account;
use idp_core::oauth::AuthorizationRequest;
use maud::html;

use crate::lang::Lang;
use crate::pages::layout::{csrf_field, layout, ok};

/// The form names only the pending request the server keeps: what is asked
/// for cannot be changed in the browser.
pub fn page(
    request: &AuthorizationRequest,
    account: &Account,
    pending: &str,
    lang: Lang,
    csrf: &str,
) -> HttpResponse {
    let client = &request.client;
    let title = lang.f("page.consent.title", &[("app", &client.name)]);
    ok(layout(
        lang,
        &title,
        html! {
            p { (lang.f("page.consent.intro", &[("app", &client.name), ("email", &account.email)])) }
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
                input type="hidden" name="pending" value=(pending);
                button type="submit" name="decision" value="allow" { (lang.f("button.allow", &[("app", &client.name)])) }
                " "
                button.secondary type="submit" name="decision" value="deny" { (lang.t("button.deny")) }
            }
        },
    ))
}
