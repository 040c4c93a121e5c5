//! An organization's logo, agreements, email domains and audit trail, and
//! the operator's side of agreements and domains (admin API).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use idp_core::organizations::{logo, AgreementInput, AgreementStatus, Domain, Event, StoredLogo};
use idp_core::Idp;
use serde::Serialize;

use super::admin_clients::as_admin;
use super::organizations::{as_caller, caller, page_json, PageQuery};
use super::{json, no_content, rfc3339};
use crate::blocking;
use crate::error::ApiError;

/// Reads the upload up to the logo limit; a longer one is refused before
/// the rest arrives.
async fn read_upload(mut payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("The upload broke off: {e}"),
            )
        })?;
        if bytes.len() + chunk.len() > logo::MAX_LOGO_BYTES {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "The logo is larger than 1 MiB.",
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The logo's bytes, as idp re-encoded them, with headers that keep a
/// browser from reading them as anything else.
fn logo_response(req: &HttpRequest, logo: StoredLogo) -> HttpResponse {
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == logo.etag));
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, logo.etag.clone()))
        // Private: only members may see it.
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("inline; filename=\"logo\""),
        ));
    if matches {
        return response.finish();
    }
    response.content_type(logo.content_type).body(logo.bytes)
}

pub async fn upload_logo(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let org = path.into_inner();
    // Who asks first: nobody else makes the server buffer an upload.
    let actor = caller(&req, &idp).await?;
    let bytes = read_upload(payload).await?;
    let core = idp.clone();
    let stored = blocking::run(move || {
        core.upload_logo(&actor, &org, &bytes)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(json(&serde_json::json!({
        "content_type": stored.content_type,
        "etag": stored.etag,
        "updated_at": rfc3339(stored.updated_at),
    })))
}

pub async fn get_logo(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org = path.into_inner();
    let logo = as_caller(&req, &idp, move |idp, actor| {
        idp.organization_logo(actor, &org)
    })
    .await?;
    Ok(logo_response(&req, logo))
}

pub async fn delete_logo(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org = path.into_inner();
    as_caller(&req, &idp, move |idp, actor| idp.delete_logo(actor, &org)).await?;
    Ok(no_content())
}

#[derive(Serialize)]
struct AgreementView {
    id: String,
    title: String,
    version: String,
    body: Option<String>,
    url: Option<String>,
    organization_id: Option<String>,
    include_branches: bool,
    created_at: String,
    accepted: Option<AcceptanceView>,
}

#[derive(Serialize)]
struct AcceptanceView {
    account_id: String,
    email: String,
    accepted_at: String,
}

impl From<AgreementStatus> for AgreementView {
    fn from(s: AgreementStatus) -> Self {
        let a = s.agreement;
        Self {
            id: a.id,
            title: a.title,
            version: a.version,
            body: a.body,
            url: a.url,
            organization_id: a.organization_id,
            include_branches: a.include_branches,
            created_at: rfc3339(a.created_at),
            accepted: s.accepted.map(|(account_id, email, at)| AcceptanceView {
                account_id,
                email,
                accepted_at: rfc3339(at),
            }),
        }
    }
}

pub async fn list_agreements(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, page) = (path.into_inner(), query.page()?);
    let found = as_caller(&req, &idp, move |idp, actor| {
        idp.list_agreements(actor, &org, page)
    })
    .await?;
    Ok(page_json("agreements", found, AgreementView::from))
}

pub async fn accept_agreement(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org, agreement) = path.into_inner();
    let accepted = as_caller(&req, &idp, move |idp, actor| {
        idp.accept_agreement(actor, &org, &agreement)
    })
    .await?;
    Ok(json(&AgreementView::from(accepted)))
}

/// The operator publishes an agreement (Bearer token with scope `admin`).
pub async fn create_agreement(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<AgreementInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let made = as_admin(&req, &idp, move |idp, _| Ok(idp.create_agreement(&input)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(AgreementView::from(AgreementStatus {
            agreement: made,
            accepted: None,
        })))
}

#[derive(Serialize)]
struct DomainView {
    domain: String,
    organization_id: String,
    verified: bool,
    verified_at: Option<String>,
    verified_by: Option<String>,
    /// The TXT record to publish, while unverified.
    challenge: Option<ChallengeView>,
    created_at: String,
}

#[derive(Serialize)]
struct ChallengeView {
    record: String,
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
}

impl From<Domain> for DomainView {
    fn from(d: Domain) -> Self {
        Self {
            challenge: d.verified_at.is_none().then(|| ChallengeView {
                record: d.record_name(),
                kind: "TXT",
                value: d.challenge.clone(),
            }),
            verified: d.verified_at.is_some(),
            verified_at: d.verified_at.map(rfc3339),
            verified_by: d.verified_by,
            created_at: rfc3339(d.created_at),
            domain: d.domain,
            organization_id: d.organization_id,
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainBody {
    domain: String,
}

pub async fn claim_domain(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    body: web::Json<DomainBody>,
) -> Result<HttpResponse, ApiError> {
    let (org, domain) = (path.into_inner(), body.into_inner().domain);
    let claimed = as_caller(&req, &idp, move |idp, actor| {
        idp.claim_domain(actor, &org, &domain)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(DomainView::from(claimed)))
}

pub async fn list_domains(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, page) = (path.into_inner(), query.page()?);
    let found = as_caller(&req, &idp, move |idp, actor| {
        idp.list_domains(actor, &org, page)
    })
    .await?;
    Ok(page_json("domains", found, DomainView::from))
}

pub async fn verify_domain(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org, domain) = path.into_inner();
    let verified = as_caller(&req, &idp, move |idp, actor| {
        idp.verify_domain(actor, &org, &domain)
    })
    .await?;
    Ok(json(&DomainView::from(verified)))
}

/// The operator vouches for a domain (Bearer token with scope `admin`).
pub async fn approve_domain(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org, domain) = path.into_inner();
    let approved = as_admin(&req, &idp, move |idp, _| {
        Ok(idp.approve_domain(&org, &domain)?)
    })
    .await?;
    Ok(json(&DomainView::from(approved)))
}

#[derive(Serialize)]
struct EventView {
    id: String,
    action: String,
    actor_id: Option<String>,
    actor_email: String,
    target: String,
    detail: String,
    client_ip: Option<String>,
    at: String,
}

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        Self {
            id: e.id.to_string(),
            action: e.action,
            actor_id: e.actor_id,
            actor_email: e.actor_email,
            target: e.target,
            detail: e.detail,
            client_ip: e.client_ip,
            at: rfc3339(e.at),
        }
    }
}

pub async fn list_events(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, page) = (path.into_inner(), query.page()?);
    let found = as_caller(&req, &idp, move |idp, actor| {
        idp.organization_events(actor, &org, page)
    })
    .await?;
    Ok(page_json("events", found, EventView::from))
}
