//! Members and invitations of an organization.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::organizations::{Invitation, Member, Role};
use idp_core::Idp;
use serde::{Deserialize, Serialize};

use super::organizations::{as_caller, caller_account, page_json, OrganizationView, PageQuery};
use super::{json, no_content, rfc3339};
use crate::blocking;
use crate::error::ApiError;

#[derive(Serialize)]
struct MemberView {
    account_id: String,
    email: String,
    given_name: String,
    family_name: String,
    role: &'static str,
    joined_at: String,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        Self {
            account_id: m.account_id,
            email: m.email,
            given_name: m.given_name,
            family_name: m.family_name,
            role: m.role.as_str(),
            joined_at: rfc3339(m.joined_at),
        }
    }
}

#[derive(Serialize)]
struct InvitationView {
    id: String,
    organization_id: String,
    email: String,
    role: &'static str,
    state: &'static str,
    invited_by: Option<String>,
    inviter_name: String,
    created_at: String,
    expires_at: String,
    decided_at: Option<String>,
}

impl From<Invitation> for InvitationView {
    fn from(i: Invitation) -> Self {
        Self {
            id: i.id,
            organization_id: i.organization_id,
            email: i.email,
            role: i.role.as_str(),
            state: i.state.as_str(),
            invited_by: i.invited_by,
            inviter_name: i.inviter_name,
            created_at: rfc3339(i.created_at),
            expires_at: rfc3339(i.expires_at),
            decided_at: i.decided_at.map(rfc3339),
        }
    }
}

pub async fn list(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, page) = (path.into_inner(), query.page()?);
    let found = as_caller(&req, &idp, move |idp, actor| {
        idp.list_members(actor, &id, page)
    })
    .await?;
    Ok(page_json("members", found, MemberView::from))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    role: String,
}

pub async fn update_role(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<(String, String)>,
    body: web::Json<RoleBody>,
) -> Result<HttpResponse, ApiError> {
    let (org, account) = path.into_inner();
    let role = Role::parse(&body.role)?;
    as_caller(&req, &idp, move |idp, actor| {
        idp.update_member_role(actor, &org, &account, role)
    })
    .await?;
    Ok(no_content())
}

pub async fn remove(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org, account) = path.into_inner();
    as_caller(&req, &idp, move |idp, actor| {
        idp.remove_member(actor, &org, &account)
    })
    .await?;
    Ok(no_content())
}

pub async fn leave(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org = path.into_inner();
    as_caller(&req, &idp, move |idp, actor| {
        idp.leave_organization(actor, &org)
    })
    .await?;
    Ok(no_content())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    email: String,
    role: String,
}

pub async fn invite(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<InviteBody>,
) -> Result<HttpResponse, ApiError> {
    let org = path.into_inner();
    let body = body.into_inner();
    let role = Role::parse(&body.role)?;
    let made = as_caller(&req, &idp, move |idp, actor| {
        idp.invite_member(actor, &org, &body.email, role)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(InvitationView::from(made)))
}

pub async fn list_invitations(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, page) = (path.into_inner(), query.page()?);
    let found = as_caller(&req, &idp, move |idp, actor| {
        idp.list_invitations(actor, &org, page)
    })
    .await?;
    Ok(page_json("invitations", found, InvitationView::from))
}

pub async fn resend(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org, invitation) = path.into_inner();
    let sent = as_caller(&req, &idp, move |idp, actor| {
        idp.resend_invitation(actor, &org, &invitation)
    })
    .await?;
    Ok(json(&InvitationView::from(sent)))
}

pub async fn revoke(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org, invitation) = path.into_inner();
    as_caller(&req, &idp, move |idp, actor| {
        idp.revoke_invitation(actor, &org, &invitation)
    })
    .await?;
    Ok(no_content())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    token: String,
}

/// The invitee, signed in (session or token) as the invited address,
/// takes up the invitation from its emailed link's token.
pub async fn accept(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<AcceptBody>,
) -> Result<HttpResponse, ApiError> {
    let token = body.into_inner().token;
    let ip = Some(crate::client::address(&req));
    let account = caller_account(&req, &idp).await?;
    let joined = blocking::run(move || {
        idp.accept_invitation(&account, &token, ip)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(json(&OrganizationView::from(joined)))
}
