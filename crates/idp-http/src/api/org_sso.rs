//! An organization's enterprise SSO: its own OpenID provider. The answers
//! carry the `redirect_uri` to register at that provider, never the secret.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::organizations::{OrgSso, SsoInput};
use idp_core::Idp;
use serde::Serialize;

use super::organizations::as_caller;
use super::{json, no_content, rfc3339};
use crate::error::ApiError;

#[derive(Serialize)]
struct SsoView {
    organization_id: String,
    provider_id: String,
    issuer: String,
    client_id: String,
    require_sso: bool,
    /// The callback to register at the organization's provider.
    redirect_uri: String,
    created_at: String,
    updated_at: String,
}

impl SsoView {
    fn new(idp: &Idp, s: OrgSso) -> Self {
        Self {
            redirect_uri: idp.federation_redirect_uri(&s.provider_id),
            organization_id: s.organization_id,
            provider_id: s.provider_id,
            issuer: s.issuer,
            client_id: s.client_id,
            require_sso: s.require_sso,
            created_at: rfc3339(s.created_at),
            updated_at: rfc3339(s.updated_at),
        }
    }
}

pub async fn get(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org = path.into_inner();
    let found = as_caller(&req, &idp, move |idp, actor| {
        idp.organization_sso(actor, &org)
    })
    .await?;
    Ok(json(&SsoView::new(&idp, found)))
}

pub async fn set(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<SsoInput>,
) -> Result<HttpResponse, ApiError> {
    let (org, input) = (path.into_inner(), body.into_inner());
    let saved = as_caller(&req, &idp, move |idp, actor| {
        idp.set_sso(actor, &org, &input)
    })
    .await?;
    Ok(json(&SsoView::new(&idp, saved)))
}

pub async fn delete(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org = path.into_inner();
    as_caller(&req, &idp, move |idp, actor| idp.delete_sso(actor, &org)).await?;
    Ok(no_content())
}
