//! `/api/v1/admin/providers`: the upstream providers people sign in
//! through, managed while idp runs. Bearer tokens with scope `admin`, like
//! the clients API. Secrets go in and never come out.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::federation::{Provider, ProviderError, ProviderInput, Source};
use idp_core::Idp;
use serde::Serialize;

use super::admin_clients::as_admin;
use super::{json, no_content};
use crate::error::ApiError;

#[derive(Serialize)]
pub struct ProviderView {
    id: String,
    kind: &'static str,
    display_name: String,
    client_id: String,
    has_client_secret: bool,
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    graph_url: Option<String>,
    scopes: Vec<String>,
    trust_email: bool,
    sync: &'static str,
    enabled: bool,
    tenants: Vec<String>,
    source: Source,
    /// What the operator registers at the provider.
    redirect_uri: String,
}

impl ProviderView {
    fn new(idp: &Idp, p: Provider) -> Self {
        Self {
            redirect_uri: idp.federation_redirect_uri(&p.id),
            kind: p.kind.as_str(),
            sync: p.sync.as_str(),
            has_client_secret: !p.client_secret.is_empty(),
            id: p.id,
            display_name: p.display_name,
            client_id: p.client_id,
            issuer: p.issuer,
            authorization_endpoint: p.authorization_endpoint,
            token_endpoint: p.token_endpoint,
            graph_url: p.graph_url,
            scopes: p.scopes,
            trust_email: p.trust_email,
            enabled: p.enabled,
            tenants: p.tenants,
            source: p.source,
        }
    }
}

pub async fn create(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<ProviderInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let made = as_admin(&req, &idp, move |idp, _| Ok(idp.create_provider(input)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(ProviderView::new(&idp, made)))
}

pub async fn list(req: HttpRequest, idp: web::Data<Idp>) -> Result<HttpResponse, ApiError> {
    let all = as_admin(&req, &idp, |idp, _| Ok(idp.providers()?)).await?;
    let views: Vec<ProviderView> = all
        .into_iter()
        .map(|p| ProviderView::new(&idp, p))
        .collect();
    Ok(json(&serde_json::json!({ "providers": views })))
}

pub async fn get(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let found = as_admin(&req, &idp, move |idp, _| {
        idp.provider(&id)?
            .ok_or_else(|| ApiError::from(ProviderError::NotFound(id)))
    })
    .await?;
    Ok(json(&ProviderView::new(&idp, found)))
}

pub async fn update(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<ProviderInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (path.into_inner(), body.into_inner());
    let changed = as_admin(&req, &idp, move |idp, _| {
        if !input.id.is_empty() && input.id != id {
            return Err(ApiError::new(
                actix_web::http::StatusCode::BAD_REQUEST,
                "invalid_request",
                "The body's id differs from the path's; a provider's id cannot change.",
            ));
        }
        Ok(idp.update_provider(&id, input)?)
    })
    .await?;
    Ok(json(&ProviderView::new(&idp, changed)))
}

pub async fn delete(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    as_admin(&req, &idp, move |idp, _| Ok(idp.delete_provider(&id)?)).await?;
    Ok(no_content())
}
