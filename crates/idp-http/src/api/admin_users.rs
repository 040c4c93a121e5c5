//! `/api/v1/admin/users`: administrators find, change, disable and delete
//! accounts. Bearer tokens with scope `admin`, as for the clients API.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::{
    Account, AccountError, Administrator, ContactDetails, PostalAddress, UserUpdate,
    MAX_IMPORT_BATCH,
};
use idp_core::audit;
use idp_core::paging::PageRequest;
use idp_core::Idp;
use serde::{Deserialize, Serialize};

use super::admin_clients::{as_admin, require_admin};
use super::organizations::page_json;
use super::{json, large_json, no_content};
use crate::blocking;
use crate::error::ApiError;

/// An account as administrators see it (never its password hash).
#[derive(Serialize)]
pub(crate) struct UserView {
    id: String,
    email: String,
    email_verified: bool,
    given_name: String,
    family_name: String,
    birthdate: Option<String>,
    marketing_opt_in: bool,
    is_admin: bool,
    locale: String,
    has_password: bool,
    disabled: bool,
    disabled_at: Option<String>,
    created_at: String,
    updated_at: String,
}

impl From<Account> for UserView {
    fn from(a: Account) -> Self {
        let time = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
        Self {
            disabled: a.is_disabled(),
            disabled_at: a.disabled_at.map(time),
            has_password: a.password_hash.is_some(),
            birthdate: a.birthdate.map(|d| d.to_string()),
            created_at: time(a.created_at),
            updated_at: time(a.updated_at),
            id: a.id,
            email: a.email,
            email_verified: a.email_verified,
            given_name: a.given_name,
            family_name: a.family_name,
            marketing_opt_in: a.marketing_opt_in,
            is_admin: a.is_admin,
            locale: a.locale,
        }
    }
}

/// One account with its phone number and postal address, which only the
/// single-account answers carry (`getUser`, `idp user show`): a support
/// person looks one person up, while lists stay one query.
#[derive(Serialize)]
pub(crate) struct UserDetail {
    #[serde(flatten)]
    user: UserView,
    phone_number: Option<String>,
    address: Option<PostalAddress>,
}

impl UserDetail {
    pub(crate) fn of(account: Account, contact: ContactDetails) -> Self {
        Self {
            user: UserView::from(account),
            phone_number: contact.phone_number,
            address: Some(contact.address).filter(|a| !a.is_empty()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Keeps accounts whose address contains this text.
    email: Option<String>,
    limit: Option<i64>,
    page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    email: Option<String>,
    email_verified: Option<bool>,
    given_name: Option<String>,
    family_name: Option<String>,
    birthdate: Option<String>,
    marketing_opt_in: Option<bool>,
    is_admin: Option<bool>,
    locale: Option<String>,
}

impl From<UpdateBody> for UserUpdate {
    fn from(b: UpdateBody) -> Self {
        UserUpdate {
            email: b.email,
            email_verified: b.email_verified,
            given_name: b.given_name,
            family_name: b.family_name,
            birthdate: b.birthdate,
            marketing_opt_in: b.marketing_opt_in,
            is_admin: b.is_admin,
            locale: b.locale,
        }
    }
}

pub async fn list(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::parse(query.limit, query.page_token.as_deref())?;
    let users = as_admin(&req, &idp, move |idp, _| {
        Ok(idp.list_users(query.email.as_deref(), page)?)
    })
    .await?;
    Ok(page_json("users", users, UserView::from))
}

/// An operation on the account `user_id` that answers with the account.
async fn on_user(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    f: impl FnOnce(&Idp, &Administrator, &str) -> Result<Account, AccountError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let user = as_admin(&req, &idp, move |idp, by| Ok(f(idp, &by, &id)?)).await?;
    Ok(json(&UserView::from(user)))
}

pub async fn get(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let user = as_admin(&req, &idp, move |idp, _| {
        Ok(UserDetail::of(idp.account(&id)?, idp.contact_details(&id)?))
    })
    .await?;
    Ok(json(&user))
}

pub async fn update(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<UpdateBody>,
) -> Result<HttpResponse, ApiError> {
    let update = UserUpdate::from(body.into_inner());
    on_user(req, idp, path, move |idp, _, id| {
        idp.update_user(id, &update)
    })
    .await
}

pub async fn disable(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    on_user(req, idp, path, |idp, by, id| idp.disable_user(by, id)).await
}

pub async fn enable(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    on_user(req, idp, path, |idp, _, id| idp.enable_user(id)).await
}

pub async fn delete(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    as_admin(&req, &idp, move |idp, by| Ok(idp.delete_user(&by, &id)?)).await?;
    Ok(no_content())
}

pub async fn end_sessions(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    as_admin(&req, &idp, move |idp, _| Ok(idp.end_user_sessions(&id)?)).await?;
    Ok(no_content())
}

/// For someone who lost every factor: they sign in with their password
/// alone again (and set up a new factor where one is required).
pub async fn reset_second_factors(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    as_admin(&req, &idp, move |idp, _| Ok(idp.reset_second_factors(&id)?)).await?;
    Ok(no_content())
}

pub async fn resend_verification(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    as_admin(&req, &idp, move |idp, _| {
        Ok(idp.resend_user_verification(&id)?)
    })
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Cache-Control", "no-store"))
        .finish())
}

/// The most bytes `importUsers` reads: a thousand records of a few hundred.
const MAX_IMPORT_BYTES: usize = 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// Each checked on its own, so one bad record refuses only itself.
    users: Vec<serde_json::Value>,
}

pub async fn import(
    req: HttpRequest,
    idp: web::Data<Idp>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // The caller first, so nobody else makes the server read a megabyte.
    let by = require_admin(&req, &idp).await?;
    let body: ImportBody = large_json(&req, payload, MAX_IMPORT_BYTES).await?;
    if body.users.len() > MAX_IMPORT_BATCH {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!("At most {MAX_IMPORT_BATCH} users per call; send the rest in further calls."),
        ));
    }
    // A failed database stops the import; what was created stays, and the
    // same call made again skips it.
    let core = idp.into_inner();
    let report = blocking::run(move || {
        audit::with_actor(audit::Actor::from(&by), || core.import_values(body.users))
            .map_err(|(_, e)| ApiError::from(e))
    })
    .await?;
    Ok(json(&report))
}
