//! `/api/v1/admin/clients`: service owners register and manage OAuth
//! clients. Callers present a Bearer access token with scope `admin`: an
//! administrator's, or a client-credentials token of a client granted `admin`.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::Administrator;
use idp_core::audit;
use idp_core::clients::{Client, ClientError, NewClient};
use idp_core::Idp;
use serde::{Deserialize, Serialize};

use super::{json, no_content};
use crate::bearer::Refusal;
use crate::blocking;
use crate::error::ApiError;

/// Checks the caller's token (`Idp::check_admin_token`) and says who it is.
pub(super) async fn require_admin(
    req: &HttpRequest,
    idp: &web::Data<Idp>,
) -> Result<Administrator, ApiError> {
    let token = crate::bearer::token(req).ok_or_else(|| {
        ApiError::Bearer(Refusal::no_token(
            "Send an access token with scope admin as `Authorization: Bearer …`.",
        ))
    })?;
    let idp = idp.clone();
    let claims =
        blocking::run(move || idp.check_admin_token(&token).map_err(ApiError::from)).await?;
    Ok(claims.administrator())
}

/// Runs `f` on the blocking pool for a caller `require_admin` let in.
pub(super) async fn as_admin<T: Send + 'static>(
    req: &HttpRequest,
    idp: &web::Data<Idp>,
    f: impl FnOnce(&Idp, Administrator) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let by = require_admin(req, idp).await?;
    let core = idp.clone();
    blocking::run(move || audit::with_actor(audit::Actor::from(&by), || f(&core, by))).await
}

/// Client metadata as RFC 7591 names it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientBody {
    client_name: String,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
    #[serde(default)]
    grant_types: Vec<String>,
    /// Space-separated scopes the client may ask for.
    #[serde(default)]
    scope: Option<String>,
    /// `none` makes a public client.
    #[serde(default)]
    token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    skip_consent: bool,
    logo_uri: Option<String>,
    policy_uri: Option<String>,
    tos_uri: Option<String>,
    id_token_signed_response_alg: Option<String>,
    backchannel_logout_uri: Option<String>,
    jwks: Option<serde_json::Value>,
    jwks_uri: Option<String>,
    /// `public` (default) or `pairwise`.
    subject_type: Option<String>,
}

impl From<ClientBody> for NewClient {
    fn from(b: ClientBody) -> Self {
        let public = b.token_endpoint_auth_method.as_deref() == Some("none");
        NewClient {
            name: b.client_name,
            redirect_uris: b.redirect_uris,
            post_logout_redirect_uris: b.post_logout_redirect_uris,
            public,
            grant_types: b.grant_types,
            scopes: b
                .scope
                .map(|s| s.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            skip_consent: b.skip_consent,
            logo_uri: b.logo_uri,
            policy_uri: b.policy_uri,
            tos_uri: b.tos_uri,
            id_token_signed_response_alg: b.id_token_signed_response_alg,
            token_endpoint_auth_method: b.token_endpoint_auth_method.filter(|m| m != "none"),
            backchannel_logout_uri: b.backchannel_logout_uri,
            jwks: b.jwks,
            jwks_uri: b.jwks_uri,
            userinfo_signed_response_alg: None,
            subject_type: b.subject_type,
        }
    }
}

#[derive(Serialize)]
pub struct ClientView {
    client_id: String,
    client_name: String,
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Vec<String>,
    grant_types: Vec<&'static str>,
    response_types: Vec<&'static str>,
    scope: String,
    token_endpoint_auth_method: &'static str,
    id_token_signed_response_alg: String,
    skip_consent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tos_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backchannel_logout_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jwks: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jwks_uri: Option<String>,
    subject_type: &'static str,
    /// Only when it was just made: it is never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
}

impl ClientView {
    pub fn new(c: &Client, secret: Option<String>) -> Self {
        let m = &c.metadata;
        Self {
            client_id: c.client_id.clone(),
            client_name: c.name.clone(),
            redirect_uris: m.redirect_uris.clone(),
            post_logout_redirect_uris: m.post_logout_redirect_uris.clone(),
            grant_types: m.grant_types.iter().map(|g| g.as_str()).collect(),
            response_types: vec!["code"],
            scope: m.scopes.join(" "),
            token_endpoint_auth_method: m.token_endpoint_auth_method.as_str(),
            id_token_signed_response_alg: m.id_token_signed_response_alg.clone(),
            skip_consent: m.skip_consent,
            logo_uri: m.logo_uri.clone(),
            policy_uri: m.policy_uri.clone(),
            tos_uri: m.tos_uri.clone(),
            backchannel_logout_uri: m.backchannel_logout_uri.clone(),
            jwks: m.jwks.clone(),
            jwks_uri: m.jwks_uri.clone(),
            subject_type: if m.sector.is_some() {
                "pairwise"
            } else {
                "public"
            },
            client_secret: secret,
        }
    }
}

pub async fn create(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<ClientBody>,
) -> Result<HttpResponse, ApiError> {
    let new = NewClient::from(body.into_inner());
    let created = as_admin(&req, &idp, move |idp, _| Ok(idp.create_client(&new)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(ClientView::new(&created.client, created.secret)))
}

pub async fn list(req: HttpRequest, idp: web::Data<Idp>) -> Result<HttpResponse, ApiError> {
    let clients = as_admin(&req, &idp, |idp, _| Ok(idp.list_clients()?)).await?;
    let views: Vec<ClientView> = clients.iter().map(|c| ClientView::new(c, None)).collect();
    Ok(json(&serde_json::json!({ "clients": views })))
}

pub async fn get(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let client = as_admin(&req, &idp, move |idp, _| {
        Ok(idp.client(&id)?.ok_or(ClientError::NotFound)?)
    })
    .await?;
    Ok(json(&ClientView::new(&client, None)))
}

pub async fn update(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<ClientBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, update) = (path.into_inner(), NewClient::from(body.into_inner()));
    let client = as_admin(&req, &idp, move |idp, _| {
        Ok(idp.update_client(&id, &update)?)
    })
    .await?;
    Ok(json(&ClientView::new(&client, None)))
}

pub async fn delete(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    as_admin(&req, &idp, move |idp, _| Ok(idp.delete_client(&id)?)).await?;
    Ok(no_content())
}

pub async fn rotate_secret(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let (client, secret) = as_admin(&req, &idp, move |idp, _| {
        let secret = idp.rotate_client_secret(&id)?;
        let client = idp.client(&id)?.ok_or(ClientError::NotFound)?;
        Ok((client, secret))
    })
    .await?;
    Ok(json(&ClientView::new(&client, Some(secret))))
}
