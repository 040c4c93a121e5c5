//! `/invitation?token=…`, where an emailed invitation leads: it shows the
//! organization, its logo and who invited, then lets the invitee accept
//! (signed in as the invited address), switch accounts, or create their
//! account right there (the click proved the address).

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::organizations::{InvitationView, OrgError};
use idp_core::Idp;
use maud::{html, Markup};
use serde::Deserialize;

use super::check_csrf;
use super::form::Form;
use super::layout::{button, csrf_field, layout, ok, render, see_other, Errors};
use super::signup::{account_fields, SignUpForm};
use crate::blocking;
use crate::client::Client;
use crate::csrf::CsrfToken;
use crate::error::{org_classify, org_message, PageError};
use crate::lang::Lang;
use crate::signed_in::{self, SignedIn};

/// Tokens are 43 characters; anything far longer is not one of ours.
const MAX_TOKEN: usize = 128;

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

fn token_of(raw: Option<&str>) -> Result<String, PageError> {
    raw.filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN)
        .map(str::to_owned)
        .ok_or(PageError::Organization(OrgError::InvitationInvalid))
}

fn here(token: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    format!("/invitation?token={encoded}")
}

async fn view_of(idp: &web::Data<Idp>, token: &str) -> Result<InvitationView, PageError> {
    let (idp, token) = (idp.clone(), token.to_owned());
    blocking::run(move || idp.invitation_by_token(&token).map_err(PageError::from)).await
}

pub async fn show(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<TokenQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let token = token_of(query.token.as_deref())?;
    let view = view_of(&idp, &token).await?;
    let user = signed_in::current::<PageError>(&req).await?;
    Ok(ok(page(
        &idp,
        lang,
        &csrf.0,
        &token,
        &view,
        user.as_ref(),
        &SignUpForm::default(),
        &Errors::default(),
    )))
}

/// The logo, for the invitation page: its token is what lets a person who
/// is no member yet see it.
pub async fn logo(
    idp: web::Data<Idp>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, PageError> {
    let token = token_of(query.token.as_deref())?;
    let found = blocking::run(move || idp.invitation_logo(&token).map_err(PageError::from)).await?;
    Ok(HttpResponse::Ok()
        .content_type(found.content_type)
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(found.bytes))
}

#[derive(Deserialize)]
pub struct AcceptForm {
    token: String,
    csrf_token: String,
}

pub async fn accept(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<AcceptForm>,
    client: Client,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let token = token_of(Some(&form.token))?;
    let Some(user) = signed_in::current::<PageError>(&req).await? else {
        return Ok(see_other(&format!(
            "/login?return_to={}",
            url::form_urlencoded::byte_serialize(here(&token).as_bytes()).collect::<String>()
        )));
    };
    let ip = Some(client.0.ip_address);
    let joined = blocking::run(move || {
        idp.accept_invitation(&user.account, &token, ip)
            .map_err(PageError::from)
    })
    .await?;
    Ok(see_other(&format!(
        "/company?org={}&notice=joined",
        joined.organization.id
    )))
}

#[derive(Deserialize)]
pub struct InvitedSignUpForm {
    token: String,
    #[serde(flatten)]
    account: SignUpForm,
}

/// A person without an account completes sign-up for the invited address.
pub async fn sign_up(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<InvitedSignUpForm>,
    lang: Lang,
    csrf: CsrfToken,
    client: Client,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    check_csrf(&req, form.account.csrf_token())?;
    let token = token_of(Some(&form.token))?;
    let view = view_of(&idp, &token).await?;
    let signup = form.account.to_sign_up(&req, lang);
    let (core, t) = (idp.clone(), token.clone());
    let outcome =
        blocking::run(move || Ok::<_, PageError>(core.sign_up_invited(&t, &signup, &client.0)))
            .await?;
    match outcome {
        Ok((session, access)) => {
            let to = format!("/company?org={}&notice=joined", access.organization.id);
            signed_in::arrive(&idp, session, &to)
        }
        Err(
            e @ (OrgError::Store(_) | OrgError::InvitationInvalid | OrgError::InvitationExpired),
        ) => Err(e.into()),
        Err(OrgError::Account(e))
            if matches!(
                e,
                idp_core::accounts::AccountError::Store(_)
                    | idp_core::accounts::AccountError::Busy { .. }
            ) =>
        {
            Err(e.into())
        }
        Err(e) => {
            let errors = match &e {
                OrgError::Account(a) => Errors::from_account(lang, a),
                other => Errors::form(org_message(lang.0, other)),
            };
            let status = org_classify(&e).0;
            Ok(render(
                status,
                page(
                    &idp,
                    lang,
                    &csrf.0,
                    &token,
                    &view,
                    None,
                    &form.account,
                    &errors,
                ),
            ))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn page(
    idp: &Idp,
    lang: Lang,
    csrf: &str,
    token: &str,
    view: &InvitationView,
    user: Option<&SignedIn>,
    values: &SignUpForm,
    errors: &Errors,
) -> Markup {
    let org = &view.organization.name;
    let invited = &view.invitation.email;
    let role = lang.t(&format!(
        "page.invitation.role_{}",
        view.invitation.role.as_str()
    ));
    let login = format!(
        "/login?return_to={}&login_hint={}",
        url::form_urlencoded::byte_serialize(here(token).as_bytes()).collect::<String>(),
        url::form_urlencoded::byte_serialize(invited.as_bytes()).collect::<String>(),
    );
    let logo_alt = lang.f("page.invitation.logo", &[("organization", org)]);
    layout(
        lang,
        &lang.f("page.invitation.title", &[("organization", org)]),
        html! {
            @if view.has_logo {
                img.logo src=(format!("/invitation/logo?token={}", url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()))
                    alt=(logo_alt) width="96" height="96";
            }
            p { (lang.f("page.invitation.intro", &[
                ("inviter", &view.invitation.inviter_name),
                ("organization", org),
                ("role", &role),
            ])) }
            (errors.summary(lang))
            @match user {
                Some(u) if u.account.email.eq_ignore_ascii_case(invited) => {
                    form method="post" action="/invitation/accept" {
                        (csrf_field(csrf))
                        input type="hidden" name="token" value=(token);
                        (button(&lang.f("button.join", &[("organization", org)])))
                    }
                }
                Some(u) => {
                    p role="alert" { (lang.f("page.invitation.other_account", &[
                        ("invited", invited),
                        ("current", &u.account.email),
                    ])) }
                    p { a href=(login) { (lang.f("page.invitation.switch", &[("invited", invited)])) } }
                }
                None => {
                    h2 { (lang.t("page.invitation.have_account")) }
                    p { a href=(login) { (lang.f("page.invitation.sign_in", &[("invited", invited)])) } }
                    h2 { (lang.t("page.invitation.new_here")) }
                    form method="post" action="/invitation/signup" {
                        (csrf_field(csrf))
                        input type="hidden" name="token" value=(token);
                        p { (lang.f("page.invitation.address", &[("invited", invited)])) }
                        (account_fields(idp, lang, values, errors))
                        (button(&lang.t("button.create_account")))
                    }
                }
            }
        },
    )
}
