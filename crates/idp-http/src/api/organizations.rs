//! `/api/v1/organizations`: companies, their branches, and who may act on
//! them. Callers are a person's access token with scope `organizations`, or
//! idp's own pages' session cookie (with CSRF). The rules live in
//! `idp_core::organizations`; this file turns them into HTTP.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::Account;
use idp_core::organizations::{Access, Actor, OrgError, Organization, Page, PageRequest};
use idp_core::Idp;
use serde::{Deserialize, Serialize};

use super::{json, no_content, require_user, rfc3339};
use crate::blocking;
use crate::error::ApiError;

/// The person calling, from their Bearer token or, without one, their
/// session. A request with a token is judged by the token alone.
pub(super) async fn caller_account(
    req: &HttpRequest,
    idp: &web::Data<Idp>,
) -> Result<Account, ApiError> {
    match crate::bearer::token(req) {
        Some(token) => {
            let core = idp.clone();
            blocking::run(move || core.organizations_caller(&token).map_err(ApiError::from)).await
        }
        None => Ok(require_user(req).await?.account),
    }
}

pub(super) async fn caller(req: &HttpRequest, idp: &web::Data<Idp>) -> Result<Actor, ApiError> {
    let account = caller_account(req, idp).await?;
    Ok(Actor::new(&account, Some(crate::client::address(req))))
}

/// Finds the caller, then runs `f` with them on a blocking thread.
pub(super) async fn as_caller<T: Send + 'static>(
    req: &HttpRequest,
    idp: &web::Data<Idp>,
    f: impl FnOnce(&Idp, &Actor) -> Result<T, OrgError> + Send + 'static,
) -> Result<T, ApiError> {
    let actor = caller(req, idp).await?;
    let core = idp.clone();
    blocking::run(move || f(&core, &actor).map_err(ApiError::from)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    limit: Option<i64>,
    page_token: Option<String>,
}

impl PageQuery {
    pub(super) fn page(&self) -> Result<PageRequest, ApiError> {
        Ok(PageRequest::parse(self.limit, self.page_token.as_deref())?)
    }
}

/// `{"<name>": [...], "next_page_token": …}`.
pub(super) fn page_json<T, V: Serialize>(
    name: &str,
    page: Page<T>,
    view: impl Fn(T) -> V,
) -> HttpResponse {
    let items: Vec<V> = page.items.into_iter().map(view).collect();
    let mut body = serde_json::Map::new();
    body.insert(name.into(), serde_json::json!(items));
    body.insert(
        "next_page_token".into(),
        serde_json::json!(page.next_page_token),
    );
    json(&body)
}

#[derive(Serialize)]
pub struct OrganizationView {
    id: String,
    name: String,
    parent_id: Option<String>,
    path: Vec<String>,
    /// The caller's effective role (inherited admin included).
    role: &'static str,
    /// The caller's own membership here, if any.
    direct_role: Option<&'static str>,
    created_at: String,
    updated_at: String,
    require_second_factor: bool,
}

impl From<Access> for OrganizationView {
    fn from(a: Access) -> Self {
        let mut view = Self::of(a.organization, a.role.as_str());
        view.direct_role = a.direct.map(|r| r.as_str());
        view
    }
}

impl OrganizationView {
    fn of(o: Organization, role: &'static str) -> Self {
        Self {
            path: o.ancestors(),
            id: o.id,
            name: o.name,
            parent_id: o.parent_id,
            role,
            direct_role: None,
            created_at: rfc3339(o.created_at),
            updated_at: rfc3339(o.updated_at),
            require_second_factor: o.require_second_factor,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameBody {
    name: String,
}

pub async fn create(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<NameBody>,
) -> Result<HttpResponse, ApiError> {
    let name = body.into_inner().name;
    let made = as_caller(&req, &idp, move |idp, actor| {
        idp.create_organization(actor, &name)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(OrganizationView::from(made)))
}

pub async fn list_mine(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let found = as_caller(&req, &idp, move |idp, actor| {
        idp.my_organizations(actor, page)
    })
    .await?;
    Ok(page_json("organizations", found, OrganizationView::from))
}

pub async fn get(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let found = as_caller(&req, &idp, move |idp, actor| idp.organization(actor, &id)).await?;
    Ok(json(&OrganizationView::from(found)))
}

pub async fn update(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<NameBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, name) = (path.into_inner(), body.into_inner().name);
    let changed = as_caller(&req, &idp, move |idp, actor| {
        idp.rename_organization(actor, &id, &name)
    })
    .await?;
    Ok(json(&OrganizationView::from(changed)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorBody {
    required: bool,
}

pub async fn require_second_factor(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<SecondFactorBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, required) = (path.into_inner(), body.required);
    let changed = as_caller(&req, &idp, move |idp, actor| {
        idp.require_organization_second_factor(actor, &id, required)
    })
    .await?;
    Ok(json(&OrganizationView::from(changed)))
}

pub async fn delete(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    as_caller(&req, &idp, move |idp, actor| {
        idp.delete_organization(actor, &id)
    })
    .await?;
    Ok(no_content())
}

pub async fn create_branch(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<NameBody>,
) -> Result<HttpResponse, ApiError> {
    let (parent, name) = (path.into_inner(), body.into_inner().name);
    let made = as_caller(&req, &idp, move |idp, actor| {
        idp.create_branch(actor, &parent, &name)
    })
    .await?;
    // Whoever may create a branch is an admin of it (rights flow down).
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(OrganizationView::of(made, "admin")))
}

pub async fn list_branches(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, page) = (path.into_inner(), query.page()?);
    let found = as_caller(&req, &idp, move |idp, actor| {
        idp.list_branches(actor, &id, page)
    })
    .await?;
    Ok(page_json("branches", found, OrganizationView::from))
}
