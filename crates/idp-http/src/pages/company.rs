//! "My Company" (`/company`) and "My Colleagues" (`/company/colleagues`):
//! an organization's details, logo, branches, domains, SSO, agreements and
//! audit trail, and its members and invitations. Every change is a form
//! posted to `/company/do` (or `/company/logo` for the upload); the rules
//! are the core's, the same the JSON API applies.

use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use idp_core::organizations::{logo, Access, Actor, OrgError, PageRequest, Role, SsoInput};
use idp_core::Idp;
use maud::{html, Markup};
use serde::Deserialize;

use super::check_csrf;
use super::form::Form;
use super::layout::{button, csrf_field, input_with_id, layout, ok, render, see_other, Errors};
use crate::blocking;
use crate::client::Client;
use crate::csrf::CsrfToken;
use crate::error::{org_classify, org_message, PageError};
use crate::lang::Lang;
use crate::signed_in::{self, SignedIn};

const NOTICES: &[&str] = &[
    "joined",
    "created",
    "renamed",
    "branch_created",
    "deleted",
    "logo_saved",
    "logo_deleted",
    "domain_claimed",
    "domain_verified",
    "sso_saved",
    "sso_deleted",
    "second_factor_required",
    "second_factor_optional",
    "agreement_accepted",
    "invited",
    "resent",
    "revoked",
    "role_changed",
    "removed",
    "left",
];

#[derive(Deserialize)]
pub struct PageQuery {
    org: Option<String>,
    notice: Option<String>,
}

async fn signed_in_or_login(
    req: &HttpRequest,
    back: &str,
) -> Result<Result<SignedIn, HttpResponse>, PageError> {
    Ok(match signed_in::current::<PageError>(req).await? {
        Some(user) => Ok(user),
        None => Err(see_other(&format!(
            "/login?return_to={}",
            url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
        ))),
    })
}

fn actor(req: &HttpRequest, user: &SignedIn) -> Actor {
    Actor::new(&user.account, Some(crate::client::address(req)))
}

fn notice_of(lang: Lang, raw: Option<&str>) -> Option<String> {
    raw.filter(|n| NOTICES.contains(n))
        .map(|n| lang.t(&format!("notice.company.{n}")))
}

/// Everything the company page shows, read at once.
struct Company {
    access: Access,
    branches: Vec<Access>,
    domains: Vec<idp_core::organizations::Domain>,
    sso: Option<idp_core::organizations::OrgSso>,
    /// What the company registers at its provider.
    sso_redirect_uri: Option<String>,
    agreements: Vec<idp_core::organizations::AgreementStatus>,
    events: Vec<idp_core::organizations::Event>,
    has_logo: bool,
}

fn load_company(idp: &Idp, actor: &Actor, org: &str) -> Result<Company, OrgError> {
    let access = idp.organization(actor, org)?;
    let admin = access.role == Role::Admin;
    let all = PageRequest {
        offset: 0,
        limit: 200,
    };
    let sso = match idp.organization_sso(actor, org) {
        Err(OrgError::NoSso) => None,
        other => Some(other?),
    };
    Ok(Company {
        branches: idp.list_branches(actor, org, all)?.items,
        domains: idp.list_domains(actor, org, all)?.items,
        sso_redirect_uri: sso
            .as_ref()
            .map(|s| idp.federation_redirect_uri(&s.provider_id)),
        sso,
        agreements: idp.list_agreements(actor, org, all)?.items,
        events: match admin {
            true => {
                idp.organization_events(
                    actor,
                    org,
                    PageRequest {
                        offset: 0,
                        limit: 20,
                    },
                )?
                .items
            }
            false => Vec::new(),
        },
        has_logo: match idp.organization_logo(actor, org) {
            Err(OrgError::NoLogo) => false,
            other => other.map(|_| true)?,
        },
        access,
    })
}

pub async fn show(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<PageQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let back = match &query.org {
        Some(org) => format!("/company?org={org}"),
        None => "/company".to_owned(),
    };
    let user = match signed_in_or_login(&req, &back).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let notice = notice_of(lang, query.notice.as_deref());
    let actor = actor(&req, &user);
    match query.org.clone() {
        None => {
            let mine = blocking::run(move || {
                idp.my_organizations(
                    &actor,
                    PageRequest {
                        offset: 0,
                        limit: 200,
                    },
                )
                .map_err(PageError::from)
            })
            .await?;
            Ok(ok(list_page(
                lang,
                &csrf.0,
                &mine.items,
                notice,
                &Errors::default(),
            )))
        }
        Some(org) => {
            let company =
                blocking::run(move || load_company(&idp, &actor, &org).map_err(PageError::from))
                    .await?;
            Ok(ok(company_page(
                lang,
                &csrf.0,
                &company,
                notice,
                &Errors::default(),
            )))
        }
    }
}

pub async fn colleagues(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<PageQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let org = query
        .org
        .clone()
        .ok_or(PageError::Organization(OrgError::NotFound))?;
    let user = match signed_in_or_login(&req, &format!("/company/colleagues?org={org}")).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let notice = notice_of(lang, query.notice.as_deref());
    let actor = actor(&req, &user);
    let me = user.account.id.clone();
    let view =
        blocking::run(move || load_colleagues(&idp, &actor, &org).map_err(PageError::from)).await?;
    Ok(ok(colleagues_page(
        lang,
        &csrf.0,
        &me,
        &view,
        notice,
        &Errors::default(),
    )))
}

struct Colleagues {
    access: Access,
    members: Vec<idp_core::organizations::Member>,
    invitations: Vec<idp_core::organizations::Invitation>,
}

fn load_colleagues(idp: &Idp, actor: &Actor, org: &str) -> Result<Colleagues, OrgError> {
    let access = idp.organization(actor, org)?;
    let all = PageRequest {
        offset: 0,
        limit: 200,
    };
    Ok(Colleagues {
        members: idp.list_members(actor, org, all)?.items,
        invitations: match access.role {
            Role::Admin => idp.list_invitations(actor, org, all)?.items,
            Role::Member => Vec::new(),
        },
        access,
    })
}

/// Every form on the two pages posts here; `action` says which.
#[derive(Deserialize)]
pub struct ActionForm {
    csrf_token: String,
    action: String,
    #[serde(default)]
    org: String,
    name: Option<String>,
    email: Option<String>,
    role: Option<String>,
    account_id: Option<String>,
    invitation_id: Option<String>,
    domain: Option<String>,
    agreement_id: Option<String>,
    issuer: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    require_sso: Option<String>,
}

fn field(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// Runs the action; where to go afterwards (page, notice).
fn perform(idp: &Idp, actor: &Actor, f: &ActionForm) -> Result<(String, &'static str), OrgError> {
    let org = f.org.as_str();
    let company = |id: &str| format!("/company?org={id}");
    let colleagues = format!("/company/colleagues?org={org}");
    Ok(match f.action.as_str() {
        "create" => (
            company(
                &idp.create_organization(actor, field(&f.name))?
                    .organization
                    .id,
            ),
            "created",
        ),
        "rename" => (
            company(
                &idp.rename_organization(actor, org, field(&f.name))?
                    .organization
                    .id,
            ),
            "renamed",
        ),
        "delete" => {
            idp.delete_organization(actor, org)?;
            ("/company".to_owned(), "deleted")
        }
        "branch" => (
            company(&idp.create_branch(actor, org, field(&f.name))?.id),
            "branch_created",
        ),
        "delete_logo" => {
            idp.delete_logo(actor, org)?;
            (company(org), "logo_deleted")
        }
        "claim_domain" => {
            idp.claim_domain(actor, org, field(&f.domain))?;
            (company(org), "domain_claimed")
        }
        "verify_domain" => {
            idp.verify_domain(actor, org, field(&f.domain))?;
            (company(org), "domain_verified")
        }
        "set_sso" => {
            let input = SsoInput {
                issuer: field(&f.issuer).to_owned(),
                client_id: field(&f.client_id).to_owned(),
                client_secret: f.client_secret.clone().filter(|s| !s.is_empty()),
                require_sso: f.require_sso.is_some(),
            };
            idp.set_sso(actor, org, &input)?;
            (company(org), "sso_saved")
        }
        "delete_sso" => {
            idp.delete_sso(actor, org)?;
            (company(org), "sso_deleted")
        }
        "require_second_factor" => {
            idp.require_organization_second_factor(actor, org, true)?;
            (company(org), "second_factor_required")
        }
        "allow_single_factor" => {
            idp.require_organization_second_factor(actor, org, false)?;
            (company(org), "second_factor_optional")
        }
        "accept_agreement" => {
            idp.accept_agreement(actor, org, field(&f.agreement_id))?;
            (company(org), "agreement_accepted")
        }
        "invite" => {
            idp.invite_member(actor, org, field(&f.email), Role::parse(field(&f.role))?)?;
            (colleagues, "invited")
        }
        "resend" => {
            idp.resend_invitation(actor, org, field(&f.invitation_id))?;
            (colleagues, "resent")
        }
        "revoke" => {
            idp.revoke_invitation(actor, org, field(&f.invitation_id))?;
            (colleagues, "revoked")
        }
        "role" => {
            idp.update_member_role(
                actor,
                org,
                field(&f.account_id),
                Role::parse(field(&f.role))?,
            )?;
            (colleagues, "role_changed")
        }
        "remove" => {
            idp.remove_member(actor, org, field(&f.account_id))?;
            (colleagues, "removed")
        }
        "leave" => {
            idp.leave_organization(actor, org)?;
            ("/company".to_owned(), "left")
        }
        _ => return Err(OrgError::Invalid("unknown action")),
    })
}

pub async fn act(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<ActionForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let user = match signed_in_or_login(&req, "/company").await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let actor = actor(&req, &user);
    let on_colleagues = matches!(
        form.action.as_str(),
        "invite" | "resend" | "revoke" | "role" | "remove"
    );
    let (core, a) = (idp.clone(), actor.clone());
    let (outcome, form) = blocking::run(move || {
        let outcome = perform(&core, &a, &form);
        Ok::<_, PageError>((outcome, form))
    })
    .await?;
    let e = match outcome {
        Ok((to, notice)) => {
            let sep = if to.contains('?') { '&' } else { '?' };
            return Ok(see_other(&format!("{to}{sep}notice={notice}")));
        }
        Err(e @ (OrgError::Store(_) | OrgError::NotFound)) => return Err(e.into()),
        Err(e) => e,
    };
    // The page again, with what went wrong at the top.
    let status = org_classify(&e).0;
    let errors = Errors::form(org_message(lang.0, &e));
    let me = user.account.id.clone();
    let org = form.org.clone();
    let markup = if form.org.is_empty() {
        let mine = blocking::run(move || {
            idp.my_organizations(
                &actor,
                PageRequest {
                    offset: 0,
                    limit: 200,
                },
            )
            .map_err(PageError::from)
        })
        .await?;
        list_page(lang, &csrf.0, &mine.items, None, &errors)
    } else if on_colleagues {
        let view =
            blocking::run(move || load_colleagues(&idp, &actor, &org).map_err(PageError::from))
                .await?;
        colleagues_page(lang, &csrf.0, &me, &view, None, &errors)
    } else {
        let company =
            blocking::run(move || load_company(&idp, &actor, &org).map_err(PageError::from))
                .await?;
        company_page(lang, &csrf.0, &company, None, &errors)
    };
    Ok(render(status, markup))
}

/// The logo form: multipart, since a file travels in it.
pub async fn upload_logo(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<PageQuery>,
    mut parts: actix_multipart::Multipart,
    lang: Lang,
    csrf: CsrfToken,
    _client: Client,
) -> Result<HttpResponse, PageError> {
    let org = query
        .org
        .clone()
        .ok_or(PageError::Organization(OrgError::NotFound))?;
    let user = match signed_in_or_login(&req, &format!("/company?org={org}")).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let (mut token, mut file) = (String::new(), Vec::new());
    let mut too_large = false;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| PageError::BadRequest(e.to_string()))?;
        let name = part.name().unwrap_or("").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| PageError::BadRequest(e.to_string()))?;
            if bytes.len() + chunk.len() > logo::MAX_LOGO_BYTES {
                too_large = true;
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf_token" => token = String::from_utf8_lossy(&bytes).into_owned(),
            "logo" => file = bytes,
            _ => {}
        }
        if too_large {
            break;
        }
    }
    check_csrf(&req, &token)?;
    let actor = actor(&req, &user);
    let (core, a, o) = (idp.clone(), actor.clone(), org.clone());
    let outcome = blocking::run(move || {
        Ok::<_, PageError>(if too_large {
            Err(OrgError::Logo(logo::LogoError::TooLarge))
        } else {
            core.upload_logo(&a, &o, &file).map(|_| ())
        })
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/company?org={org}&notice=logo_saved"))),
        Err(e @ (OrgError::Store(_) | OrgError::NotFound)) => Err(e.into()),
        Err(e) => {
            let status = org_classify(&e).0;
            let errors = Errors::form(org_message(lang.0, &e));
            let company =
                blocking::run(move || load_company(&idp, &actor, &org).map_err(PageError::from))
                    .await?;
            Ok(render(
                status,
                company_page(lang, &csrf.0, &company, None, &errors),
            ))
        }
    }
}

/// The logo for idp's own pages (members only).
pub async fn logo_image(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let org = query
        .org
        .clone()
        .ok_or(PageError::Organization(OrgError::NotFound))?;
    let user = signed_in::current::<PageError>(&req)
        .await?
        .ok_or(PageError::Organization(OrgError::NotFound))?;
    let actor = actor(&req, &user);
    let found =
        blocking::run(move || idp.organization_logo(&actor, &org).map_err(PageError::from)).await?;
    Ok(HttpResponse::Ok()
        .content_type(found.content_type)
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(found.bytes))
}

/// A small form posting one action.
fn action_form(
    csrf: &str,
    org: &str,
    action: &str,
    hidden: &[(&str, &str)],
    label: &str,
) -> Markup {
    row_action_form(csrf, org, action, hidden, label, None)
}

/// [`action_form`] for one row of a table: the button is described by the
/// element `about` (the person it acts on), so that a screen reader says
/// whom "Remove" removes.
fn row_action_form(
    csrf: &str,
    org: &str,
    action: &str,
    hidden: &[(&str, &str)],
    label: &str,
    about: Option<&str>,
) -> Markup {
    html! {
        form.inline method="post" action="/company/do" {
            (csrf_field(csrf))
            input type="hidden" name="action" value=(action);
            input type="hidden" name="org" value=(org);
            @for (k, v) in hidden { input type="hidden" name=(k) value=(v); }
            button type="submit" aria-describedby=[about] { (label) }
        }
    }
}

fn role_label(lang: Lang, role: Role) -> String {
    lang.t(&format!("page.company.role_{}", role.as_str()))
}

fn list_page(
    lang: Lang,
    csrf: &str,
    mine: &[Access],
    notice: Option<String>,
    errors: &Errors,
) -> Markup {
    layout(
        lang,
        &lang.t("page.company.list_title"),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            (errors.summary(lang))
            @if mine.is_empty() {
                p { (lang.t("page.company.none")) }
            } @else {
                ul {
                    @for a in mine {
                        li { a href=(format!("/company?org={}", a.organization.id)) { (a.organization.name) } " · " (role_label(lang, a.role)) }
                    }
                }
            }
            h2 { (lang.t("page.company.create")) }
            form method="post" action="/company/do" {
                (csrf_field(csrf))
                input type="hidden" name="action" value="create";
                (input_with_id(lang, errors, "new-org-name", "name", "text", "", "organization"))
                (button(&lang.t("button.create_organization")))
            }
            p { a href="/account" { (lang.t("nav.my_profile")) } }
        },
    )
}

fn company_page(
    lang: Lang,
    csrf: &str,
    c: &Company,
    notice: Option<String>,
    errors: &Errors,
) -> Markup {
    let org = &c.access.organization;
    let id = org.id.as_str();
    let admin = c.access.role == Role::Admin;
    layout(
        lang,
        &org.name,
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            (errors.summary(lang))
            p { (lang.f("page.company.your_role", &[("role", &role_label(lang, c.access.role))])) }
            @if let Some(parent) = &org.parent_id {
                p { a href=(format!("/company?org={parent}")) { (lang.t("page.company.parent")) } }
            }
            p { a href=(format!("/company/colleagues?org={id}")) { (lang.t("page.company.colleagues_link")) } }
            section aria-labelledby="logo-h" {
                h2 id="logo-h" { (lang.t("page.company.logo")) }
                @if c.has_logo {
                    img.logo src=(format!("/company/logo?org={id}")) alt=(lang.f("page.invitation.logo", &[("organization", &org.name)])) width="96" height="96";
                } @else {
                    p { (lang.t("page.company.no_logo")) }
                }
                @if admin {
                    form method="post" action=(format!("/company/logo?org={id}")) enctype="multipart/form-data" {
                        (csrf_field(csrf))
                        div.field {
                            label for="logo" { (lang.t("field.logo")) }
                            input id="logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" required;
                        }
                        p.hint { (lang.t("page.company.logo_rule")) }
                        (button(&lang.t("button.upload_logo")))
                    }
                    @if c.has_logo { (action_form(csrf, id, "delete_logo", &[], &lang.t("button.delete_logo"))) }
                }
            }
            @if admin {
                section aria-labelledby="details-h" {
                    h2 id="details-h" { (lang.t("page.company.details")) }
                    form method="post" action="/company/do" {
                        (csrf_field(csrf))
                        input type="hidden" name="action" value="rename";
                        input type="hidden" name="org" value=(id);
                        (input_with_id(lang, errors, "org-name", "name", "text", &org.name, "organization"))
                        (button(&lang.t("button.save")))
                    }
                }
            }
            @if admin {
                section aria-labelledby="second-factor-h" {
                    h2 id="second-factor-h" { (lang.t("page.company.second_factor")) }
                    @if org.require_second_factor {
                        p { (lang.t("page.company.second_factor_on")) }
                        (action_form(csrf, id, "allow_single_factor", &[], &lang.t("button.allow_single_factor")))
                    } @else {
                        p { (lang.t("page.company.second_factor_off")) }
                        (action_form(csrf, id, "require_second_factor", &[], &lang.t("button.require_second_factor")))
                    }
                }
            }
            section aria-labelledby="branches-h" {
                h2 id="branches-h" { (lang.t("page.company.branches")) }
                @if c.branches.is_empty() { p { (lang.t("page.company.no_branches")) } }
                ul { @for b in &c.branches { li { a href=(format!("/company?org={}", b.organization.id)) { (b.organization.name) } } } }
                @if admin {
                    form method="post" action="/company/do" {
                        (csrf_field(csrf))
                        input type="hidden" name="action" value="branch";
                        input type="hidden" name="org" value=(id);
                        (input_with_id(lang, errors, "branch-name", "name", "text", "", "off"))
                        (button(&lang.t("button.create_branch")))
                    }
                }
            }
            section aria-labelledby="agreements-h" {
                h2 id="agreements-h" { (lang.t("page.company.agreements")) }
                @if c.agreements.is_empty() { p { (lang.t("page.company.no_agreements")) } }
                ul {
                    @for s in &c.agreements {
                        li {
                            strong { (s.agreement.title) } " (" (s.agreement.version) ")"
                            @if let Some(url) = &s.agreement.url { " · " a href=(url) rel="noopener noreferrer" { (lang.t("page.company.read")) } }
                            @if let Some(body) = &s.agreement.body { details { summary { (lang.t("page.company.read")) } p { (body) } } }
                            @match &s.accepted {
                                Some((_, email, at)) => { " · " (lang.f("page.company.accepted_by", &[("email", email), ("date", &idp_core::i18n::date(lang.0, *at))])) }
                                None if admin => { (action_form(csrf, id, "accept_agreement", &[("agreement_id", &s.agreement.id)], &lang.t("button.accept_agreement"))) }
                                None => { " · " (lang.t("page.company.awaits_admin")) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="domains-h" {
                h2 id="domains-h" { (lang.t("page.company.domains")) }
                @if c.domains.is_empty() { p { (lang.t("page.company.no_domains")) } }
                ul {
                    @for d in &c.domains {
                        li {
                            (d.domain) " · "
                            @if d.organization_id != id {
                                (lang.t("page.company.domain_inherited"))
                            } @else if d.verified_at.is_some() {
                                (lang.t("page.company.domain_verified"))
                            } @else {
                                (lang.f("page.company.domain_challenge", &[("record", &d.record_name()), ("value", &d.challenge)]))
                                @if admin { (action_form(csrf, id, "verify_domain", &[("domain", &d.domain)], &lang.t("button.verify_domain"))) }
                            }
                        }
                    }
                }
                @if admin {
                    form method="post" action="/company/do" {
                        (csrf_field(csrf))
                        input type="hidden" name="action" value="claim_domain";
                        input type="hidden" name="org" value=(id);
                        (input_with_id(lang, errors, "domain", "domain", "text", "", "off"))
                        (button(&lang.t("button.claim_domain")))
                    }
                }
            }
            section aria-labelledby="sso-h" {
                h2 id="sso-h" { (lang.t("page.company.sso")) }
                @match &c.sso {
                    Some(s) => {
                        p { (lang.f("page.company.sso_on", &[("issuer", &s.issuer)])) }
                        @if let Some(uri) = &c.sso_redirect_uri {
                            p { (lang.t("page.company.sso_redirect")) " " code { (uri) } }
                        }
                        @if s.require_sso { p { (lang.t("page.company.sso_required")) } }
                    }
                    None => { p { (lang.t("page.company.sso_off")) } }
                }
                @if admin {
                    p.hint { (lang.t("page.company.sso_presets")) }
                    form method="post" action="/company/do" {
                        (csrf_field(csrf))
                        input type="hidden" name="action" value="set_sso";
                        input type="hidden" name="org" value=(id);
                        (input_with_id(lang, errors, "issuer", "issuer", "url", c.sso.as_ref().map_or("", |s| s.issuer.as_str()), "off"))
                        (input_with_id(lang, errors, "client_id", "client_id", "text", c.sso.as_ref().map_or("", |s| s.client_id.as_str()), "off"))
                        div.field {
                            label for="client_secret" { (lang.t("field.client_secret")) }
                            input id="client_secret" name="client_secret" type="password" autocomplete="off";
                        }
                        div.field.checkbox {
                            input id="require_sso" name="require_sso" type="checkbox" value="yes" checked[c.sso.as_ref().is_some_and(|s| s.require_sso)];
                            label for="require_sso" { (lang.t("field.require_sso")) }
                        }
                        (button(&lang.t("button.save")))
                    }
                    @if c.sso.is_some() { (action_form(csrf, id, "delete_sso", &[], &lang.t("button.delete_sso"))) }
                }
            }
            @if admin {
                section aria-labelledby="events-h" {
                    h2 id="events-h" { (lang.t("page.company.events")) }
                    @let (when, who, what) = (lang.t("page.company.when"), lang.t("page.company.who"), lang.t("page.company.what"));
                    table.stack {
                        thead { tr { th scope="col" { (when) } th scope="col" { (who) } th scope="col" { (what) } } }
                        tbody {
                            @for e in &c.events {
                                tr {
                                    td data-label=(when) { (idp_core::i18n::date_time(lang.0, e.at)) }
                                    td.long data-label=(who) { (e.actor_email) }
                                    td.long data-label=(what) { (e.action) " " (e.detail) }
                                }
                            }
                        }
                    }
                }
                section aria-labelledby="danger-h" {
                    h2 id="danger-h" { (lang.t("page.company.delete")) }
                    (action_form(csrf, id, "delete", &[], &lang.t("button.delete_organization")))
                }
            }
            @if c.access.direct.is_some() { (action_form(csrf, id, "leave", &[], &lang.t("button.leave_organization"))) }
            p { a href="/company" { (lang.t("page.company.list_title")) } " · " a href="/account" { (lang.t("nav.my_profile")) } }
        },
    )
}

fn colleagues_page(
    lang: Lang,
    csrf: &str,
    me: &str,
    v: &Colleagues,
    notice: Option<String>,
    errors: &Errors,
) -> Markup {
    let org = &v.access.organization;
    let id = org.id.as_str();
    let admin = v.access.role == Role::Admin;
    let (name, email, role) = (
        lang.t("page.colleagues.name"),
        lang.t("field.email"),
        lang.t("page.colleagues.role"),
    );
    let (state, actions) = (
        lang.t("page.colleagues.state"),
        lang.t("page.colleagues.actions"),
    );
    layout(
        lang,
        &lang.f("page.colleagues.title", &[("organization", &org.name)]),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            (errors.summary(lang))
            section aria-labelledby="members-h" {
                h2 id="members-h" { (lang.t("page.colleagues.members")) }
                table.stack {
                    thead { tr { th scope="col" { (name) } th scope="col" { (email) } th scope="col" { (role) } @if admin { th scope="col" { (actions) } } } }
                    tbody {
                        @for m in &v.members {
                            @let who = format!("member-{}", m.account_id);
                            tr {
                                td id=(who) data-label=(name) { (m.given_name) " " (m.family_name) }
                                td.long data-label=(email) { (m.email) }
                                td data-label=(role) { (role_label(lang, m.role)) }
                                @if admin && m.account_id != me {
                                    td data-label=(actions) {
                                        @let other = if m.role == Role::Admin { "member" } else { "admin" };
                                        (row_action_form(csrf, id, "role", &[("account_id", &m.account_id), ("role", other)], &lang.t(&format!("button.make_{other}")), Some(&who)))
                                        (row_action_form(csrf, id, "remove", &[("account_id", &m.account_id)], &lang.t("button.remove_member"), Some(&who)))
                                    }
                                } @else if admin { td {} }
                            }
                        }
                    }
                }
            }
            @if admin {
                section aria-labelledby="invitations-h" {
                    h2 id="invitations-h" { (lang.t("page.colleagues.invitations")) }
                    table.stack {
                        thead { tr { th scope="col" { (email) } th scope="col" { (role) } th scope="col" { (state) } th scope="col" { (actions) } } }
                        tbody {
                            @for i in &v.invitations {
                                @let who = format!("invitation-{}", i.id);
                                tr {
                                    td.long id=(who) data-label=(email) { (i.email) }
                                    td data-label=(role) { (role_label(lang, i.role)) }
                                    td data-label=(state) { (lang.t(&format!("page.colleagues.state_{}", i.state.as_str()))) }
                                    td data-label=(actions) {
                                        @if matches!(i.state.as_str(), "pending" | "expired") {
                                            (row_action_form(csrf, id, "resend", &[("invitation_id", &i.id)], &lang.t("button.resend_invitation"), Some(&who)))
                                        }
                                        @if i.state.as_str() == "pending" {
                                            (row_action_form(csrf, id, "revoke", &[("invitation_id", &i.id)], &lang.t("button.revoke_invitation"), Some(&who)))
                                        }
                                    }
                                }
                            }
                        }
                    }
                    h3 { (lang.t("page.colleagues.invite")) }
                    form method="post" action="/company/do" {
                        (csrf_field(csrf))
                        input type="hidden" name="action" value="invite";
                        input type="hidden" name="org" value=(id);
                        (input_with_id(lang, errors, "invite-email", "email", "email", "", "off"))
                        div.field {
                            label for="invite-role" { (lang.t("page.colleagues.role")) }
                            select id="invite-role" name="role" {
                                option value="member" selected { (role_label(lang, Role::Member)) }
                                option value="admin" { (role_label(lang, Role::Admin)) }
                            }
                        }
                        (button(&lang.t("button.invite")))
                    }
                }
            }
            p { a href=(format!("/company?org={id}")) { (org.name) } " · " a href="/account" { (lang.t("nav.my_profile")) } }
        },
    )
}
