//! Signing in through upstream providers: the "Continue with …" buttons,
//! the way out and back (`/federation/{id}/…`), and the pages an identity
//! may need before it signs in: completing a new account, or proving and
//! confirming that an existing account is the person's own. The rules are
//! in `idp_core::federation`; these handlers only render what it decides.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::federation::{
    valid_reference, Arrival, Callback, Completion, FederationError, PendingIdentity, Provider,
    Start, Visitor,
};
use idp_core::Idp;
use maud::{html, Markup};
use serde::Deserialize;

use super::check_csrf;
use super::form::Form;
use super::layout::{button, csrf_field, input, layout, ok, render, see_other, Errors};
use crate::blocking;
use crate::client::Client;
use crate::csrf::{self, CsrfToken};
use crate::error::{classify, PageError};
use crate::lang::Lang;
use crate::signed_in;

/// A button's provider: id and label.
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// The enabled providers, for the buttons (none when the store is down:
/// the password form still works).
pub async fn choices(idp: &web::Data<Idp>) -> Vec<Choice> {
    let idp = idp.clone();
    match blocking::run(move || idp.enabled_providers().map_err(PageError::from)).await {
        Ok(providers) => providers
            .into_iter()
            .map(|p: Provider| Choice {
                id: p.id,
                name: p.display_name,
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot list upstream providers");
            Vec::new()
        }
    }
}

/// "Continue with …" buttons: forms, so that starting carries the CSRF token.
pub fn buttons(lang: Lang, csrf: &str, choices: &[Choice], return_to: &str) -> Markup {
    html! {
        @if !choices.is_empty() {
            div.federation {
                @for c in choices {
                    form method="post" action={"/federation/" (c.id) "/start"} {
                        (csrf_field(csrf))
                        input type="hidden" name="return_to" value=(return_to);
                        button type="submit" { (lang.f("button.continue_with", &[("provider", &c.name)])) }
                    }
                }
                p.separator { (lang.t("page.federation.or")) }
            }
        }
    }
}

fn provider_id(path: &str) -> Result<String, PageError> {
    if valid_reference(path) {
        Ok(path.to_owned())
    } else {
        Err(FederationError::UnknownProvider.into())
    }
}

#[derive(Deserialize)]
pub struct StartForm {
    csrf_token: String,
    return_to: Option<String>,
}

/// POST `/federation/{id}/start`: off to the provider.
pub async fn start(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    form: Form<StartForm>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let id = provider_id(&path)?;
    let return_to = super::safe_return_to(form.return_to.as_deref()).to_owned();
    redirect_out(&req, idp, id, return_to, None, None).await
}

pub(super) async fn redirect_out(
    req: &HttpRequest,
    idp: web::Data<Idp>,
    id: String,
    return_to: String,
    login_hint: Option<String>,
    link_account: Option<String>,
) -> Result<HttpResponse, PageError> {
    let binding = csrf::binding(req);
    let url = blocking::run(move || {
        idp.federation_start(&Start {
            provider_id: &id,
            binding: &binding,
            return_to: &return_to,
            login_hint: login_hint.as_deref(),
            link_account: link_account.as_deref(),
        })
        .map_err(PageError::from)
    })
    .await?;
    Ok(see_other(&url))
}

#[derive(Deserialize)]
pub struct InitiatedQuery {
    iss: Option<String>,
    login_hint: Option<String>,
    target_link_uri: Option<String>,
}

/// GET `/federation/{id}/login`: a sign-in the upstream's portal started
/// (OpenID Connect Core §4). `iss` must name the provider's issuer.
pub async fn initiated(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    query: web::Query<InitiatedQuery>,
) -> Result<HttpResponse, PageError> {
    let id = provider_id(&path)?;
    let query = query.into_inner();
    let (core, lookup, iss) = (idp.clone(), id.clone(), query.iss.clone());
    blocking::run(move || {
        core.federation_initiated(&lookup, iss.as_deref())
            .map_err(PageError::from)
    })
    .await?;
    // target_link_uri is a URL on idp; only its path is kept.
    let target = query.target_link_uri.as_deref().and_then(|t| {
        t.strip_prefix(idp.settings.issuer.as_str())
            .or(Some(t))
            .and_then(idp_core::local_path)
            .map(str::to_owned)
    });
    let return_to = target.unwrap_or_else(|| "/account".into());
    let hint = query
        .login_hint
        .filter(|h| h.len() <= idp_core::accounts::MAX_EMAIL_LENGTH);
    redirect_out(&req, idp, id, return_to, hint, None).await
}

/// GET `/federation/{id}/callback`: the provider sent the browser back.
pub async fn callback(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    query: web::Query<Callback>,
    client: Client,
) -> Result<HttpResponse, PageError> {
    let id = provider_id(&path)?;
    let binding = csrf::binding(&req);
    let previous = signed_in::session_token(&req, &idp);
    let core = idp.clone();
    let callback = query.into_inner();
    let arrival = blocking::run(move || {
        let visitor = Visitor {
            binding: &binding,
            session_token: previous.as_deref(),
            client: &client.0,
        };
        core.federation_callback(&id, &callback, &visitor)
            .map_err(PageError::from)
    })
    .await?;
    match arrival {
        Arrival::SignedIn { session, return_to } => signed_in_to(&idp, session, &return_to),
        Arrival::Linked { return_to } => Ok(see_other(&return_to)),
        Arrival::Complete { pending } => {
            Ok(see_other(&pending_path("/federation/complete", &pending)))
        }
        Arrival::ProveOwnership { pending } => {
            Ok(see_other(&pending_path("/federation/link", &pending)))
        }
    }
}

/// POST `/federation/{id}/callback` (providers that form-post): the same
/// answer as a GET. A cross-site POST carries no `SameSite=Lax` cookie, so
/// the browser is sent to the GET, which carries them.
pub async fn callback_post(
    path: web::Path<String>,
    form: Form<Callback>,
) -> Result<HttpResponse, PageError> {
    let id = provider_id(&path)?;
    let query = serde_urlencoded::to_string(form.into_inner())
        .map_err(|e| PageError::BadRequest(e.to_string()))?;
    Ok(see_other(&format!("/federation/{id}/callback?{query}")))
}

fn pending_path(base: &str, pending: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("pending", pending);
    format!("{base}?{}", query.finish())
}

fn signed_in_to(
    idp: &Idp,
    session: idp_core::sessions::NewSession,
    return_to: &str,
) -> Result<HttpResponse, PageError> {
    signed_in::arrive(idp, session, super::safe_return_to(Some(return_to)))
}

#[derive(Deserialize)]
pub struct PendingQuery {
    pending: String,
    notice: Option<String>,
}

async fn pending_identity(
    req: &HttpRequest,
    idp: &web::Data<Idp>,
    pending: &str,
) -> Result<PendingIdentity, PageError> {
    let binding = csrf::binding(req);
    let (core, pending) = (idp.clone(), pending.to_owned());
    blocking::run(move || {
        core.federation_pending(&pending, &binding)
            .map_err(PageError::from)
    })
    .await
}

/// GET `/federation/complete`: the details a new account still needs.
pub async fn complete_show(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<PendingQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let found = pending_identity(&req, &idp, &query.pending).await?;
    let values = CompleteForm {
        pending: query.pending.clone(),
        given_name: found.given_name.clone(),
        family_name: found.family_name.clone(),
        birthdate: found.birthdate.map(|d| d.to_string()).unwrap_or_default(),
        ..CompleteForm::default()
    };
    Ok(ok(complete_page(
        lang,
        &csrf.0,
        &found,
        &values,
        &Errors::default(),
    )))
}

#[derive(Deserialize, Default)]
pub struct CompleteForm {
    pending: String,
    csrf_token: String,
    given_name: String,
    family_name: String,
    birthdate: String,
    marketing_opt_in: Option<String>,
}

/// POST `/federation/complete`: the account is made and signed in.
pub async fn complete_submit(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<CompleteForm>,
    lang: Lang,
    csrf: CsrfToken,
    client: Client,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let binding = csrf::binding(&req);
    let previous = signed_in::session_token(&req, &idp);
    let core = idp.clone();
    let completion = Completion {
        given_name: form.given_name.clone(),
        family_name: form.family_name.clone(),
        birthdate: form.birthdate.clone(),
        marketing_opt_in: form.marketing_opt_in.is_some(),
        locale: lang.0.to_owned(),
    };
    let pending = form.pending.clone();
    let outcome = blocking::run(move || {
        let visitor = Visitor {
            binding: &binding,
            session_token: previous.as_deref(),
            client: &client.0,
        };
        Ok::<_, PageError>(core.federation_complete(&pending, &completion, &visitor))
    })
    .await?;
    match outcome {
        Ok((session, return_to)) => signed_in_to(&idp, session, &return_to),
        Err(FederationError::Account(e @ AccountError::Invalid(_))) => {
            let found = pending_identity(&req, &idp, &form.pending).await?;
            Ok(render(
                classify(&e).0,
                complete_page(
                    lang,
                    &csrf.0,
                    &found,
                    &form,
                    &Errors::from_account(lang, &e),
                ),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

fn complete_page(
    lang: Lang,
    csrf: &str,
    found: &PendingIdentity,
    values: &CompleteForm,
    errors: &Errors,
) -> Markup {
    layout(
        lang,
        &lang.t("page.federation.complete_title"),
        html! {
            p { (lang.f("page.federation.complete_intro", &[("provider", &found.provider_name), ("email", &found.email)])) }
            @if !found.email_verified {
                p { (lang.f("page.federation.unverified_note", &[("email", &found.email)])) }
            }
            (errors.summary(lang))
            form method="post" action="/federation/complete" {
                (csrf_field(csrf))
                input type="hidden" name="pending" value=(values.pending);
                (input(lang, errors, "given_name", "text", &values.given_name, "given-name"))
                (input(lang, errors, "family_name", "text", &values.family_name, "family-name"))
                (input(lang, errors, "birthdate", "date", &values.birthdate, "bday"))
                div.field.checkbox {
                    input id="marketing_opt_in" name="marketing_opt_in" type="checkbox" value="yes"
                        checked[values.marketing_opt_in.is_some()];
                    label for="marketing_opt_in" { (lang.t("field.marketing_opt_in")) }
                }
                (button(&lang.t("button.create_account")))
            }
            (cancel_form(lang, csrf, &values.pending))
        },
    )
}

fn cancel_form(lang: Lang, csrf: &str, pending: &str) -> Markup {
    html! {
        form method="post" action="/federation/cancel" {
            (csrf_field(csrf))
            input type="hidden" name="pending" value=(pending);
            button.secondary type="submit" { (lang.t("button.cancel")) }
        }
    }
}

/// GET `/federation/link`: prove the existing account is yours, then confirm.
pub async fn link_show(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<PendingQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let found = pending_identity(&req, &idp, &query.pending).await?;
    let notice = query
        .notice
        .as_deref()
        .filter(|n| *n == "link_code_sent")
        .map(|n| lang.t(&format!("notice.{n}")));
    Ok(ok(link_page(
        lang,
        &csrf.0,
        &query.pending,
        &found,
        notice,
        &Errors::default(),
    )))
}

fn link_page(
    lang: Lang,
    csrf: &str,
    pending: &str,
    found: &PendingIdentity,
    notice: Option<String>,
    errors: &Errors,
) -> Markup {
    let Some(target) = &found.link_to else {
        return html! {};
    };
    let provider = found.provider_name.as_str();
    if found.proven {
        return layout(
            lang,
            &lang.f("page.federation.confirm_title", &[("provider", provider)]),
            html! {
                p { (lang.f("page.federation.confirm_intro", &[("provider", provider), ("email", &target.email)])) }
                form method="post" action="/federation/link/confirm" {
                    (csrf_field(csrf))
                    input type="hidden" name="pending" value=(pending);
                    button type="submit" { (lang.f("button.link_account", &[("provider", provider)])) }
                }
                (cancel_form(lang, csrf, pending))
            },
        );
    }
    layout(
        lang,
        &lang.t("page.federation.link_title"),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            p { (lang.f("page.federation.link_intro", &[("provider", provider), ("email", &target.email)])) }
            (errors.summary(lang))
            @if target.has_password {
                form method="post" action="/federation/link/password" {
                    (csrf_field(csrf))
                    input type="hidden" name="pending" value=(pending);
                    (input(lang, errors, "password", "password", "", "current-password"))
                    (button(&lang.t("button.prove_password")))
                }
                p { (lang.t("page.federation.link_code_intro")) }
            } @else {
                p { (lang.f("page.federation.link_no_password", &[("email", &target.email)])) }
            }
            form method="post" action="/federation/link/send-code" {
                (csrf_field(csrf))
                input type="hidden" name="pending" value=(pending);
                (button(&lang.t("button.send_link_code")))
            }
            form method="post" action="/federation/link/code" {
                (csrf_field(csrf))
                input type="hidden" name="pending" value=(pending);
                div.field {
                    label for="code" { (lang.t("field.code")) }
                    input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required;
                }
                (button(&lang.t("button.prove_code")))
            }
            (cancel_form(lang, csrf, pending))
        },
    )
}

#[derive(Deserialize)]
pub struct PendingForm {
    pending: String,
    csrf_token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// Which proof the person sent.
pub enum Proof {
    Password,
    Code,
    SendCode,
}

/// POST `/federation/link/password`, `/link/code` and `/link/send-code`.
pub async fn prove(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<PendingForm>,
    lang: Lang,
    csrf: CsrfToken,
    client: Client,
    proof: Proof,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let binding = csrf::binding(&req);
    let core = idp.clone();
    let (pending, password, code) = (form.pending.clone(), form.password, form.code);
    let sends = matches!(proof, Proof::SendCode);
    let result = blocking::run(move || {
        let visitor = Visitor {
            binding: &binding,
            session_token: None,
            client: &client.0,
        };
        Ok::<_, PageError>(match proof {
            Proof::Password => core.federation_prove_password(&pending, &password, &visitor),
            Proof::Code => core.federation_prove_code(&pending, &code, &binding),
            Proof::SendCode => core.federation_send_link_code(&pending, &binding),
        })
    })
    .await?;
    let back = pending_path("/federation/link", &form.pending);
    match result {
        Ok(()) if sends => Ok(see_other(&format!("{back}&notice=link_code_sent"))),
        Ok(()) => Ok(see_other(&back)),
        Err(FederationError::Account(
            e @ (AccountError::InvalidCredentials
            | AccountError::InvalidCode
            | AccountError::Throttled { .. }),
        )) => {
            let found = pending_identity(&req, &idp, &form.pending).await?;
            Ok(render(
                classify(&e).0,
                link_page(
                    lang,
                    &csrf.0,
                    &form.pending,
                    &found,
                    None,
                    &Errors::from_account(lang, &e),
                ),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// POST `/federation/link/confirm`: linked and signed in.
pub async fn link_confirm(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<PendingForm>,
    client: Client,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let binding = csrf::binding(&req);
    let previous = signed_in::session_token(&req, &idp);
    let (core, pending) = (idp.clone(), form.pending.clone());
    let (session, return_to) = blocking::run(move || {
        let visitor = Visitor {
            binding: &binding,
            session_token: previous.as_deref(),
            client: &client.0,
        };
        core.federation_confirm_link(&pending, &visitor)
            .map_err(PageError::from)
    })
    .await?;
    signed_in_to(&idp, session, &return_to)
}

/// POST `/federation/cancel`: the waiting identity is dropped.
pub async fn cancel(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<PendingForm>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let binding = csrf::binding(&req);
    let (core, pending) = (idp.clone(), form.pending.clone());
    blocking::run(move || {
        core.federation_cancel(&pending, &binding)
            .map_err(PageError::from)
    })
    .await?;
    Ok(see_other("/login"))
}

#[derive(Deserialize)]
pub struct LinkForm {
    provider_id: String,
    csrf_token: String,
}

/// POST `/account/identities/link`: a signed-in person adds a method,
/// having signed in recently.
pub async fn account_link(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<LinkForm>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let Some(user) = signed_in::current::<PageError>(&req).await? else {
        return Ok(see_other("/login?return_to=/account"));
    };
    if !idp.fresh_for_linking(&user.session) {
        return Ok(see_other(
            "/login?return_to=/account&notice=sign_in_to_link",
        ));
    }
    let id = provider_id(&form.provider_id)?;
    redirect_out(
        &req,
        idp,
        id,
        "/account?notice=identity_linked".into(),
        None,
        Some(user.account.id),
    )
    .await
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    identity_id: String,
    csrf_token: String,
}

/// POST `/account/identities/unlink`.
pub async fn account_unlink(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<UnlinkForm>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let Some(user) = signed_in::current::<PageError>(&req).await? else {
        return Ok(see_other("/login?return_to=/account"));
    };
    let identity = form.identity_id.clone();
    blocking::run(move || {
        idp.unlink_identity(&user.account, &identity)
            .map_err(PageError::from)
    })
    .await?;
    Ok(see_other("/account?notice=identity_unlinked"))
}
