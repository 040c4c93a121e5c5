//! `/api/v1/admin/audit-events` (`listAuditEvents`): the audit trail,
//! newest first, for administrators; `/api/v1/admin/webhooks`
//! (`listWebhooks`): where it is sent.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::audit::{AuditEvent, EventFilter, EventType};
use idp_core::Idp;
use serde::Deserialize;

use super::admin_clients::as_admin;
use super::json;
use crate::error::ApiError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// An account id: events it caused or that were about it.
    account: Option<String>,
    #[serde(rename = "type")]
    event_type: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<i64>,
    page_token: Option<String>,
}

fn invalid(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message)
}

/// An RFC 3339 time as the stored (UTC) form.
fn parse_time(raw: &str, name: &str) -> Result<chrono::NaiveDateTime, ApiError> {
    chrono::DateTime::parse_from_rfc3339(raw)
        .map(|t| t.naive_utc())
        .map_err(|_| {
            invalid(&format!(
                "{name} must be an RFC 3339 time such as 2026-12-01T00:00:00Z"
            ))
        })
}

/// The filter a query asks for; what is wrong with it, said plainly.
fn filter_of(account: Option<String>, event_type: Option<&str>) -> Result<EventFilter, ApiError> {
    let event_type = match event_type {
        None => None,
        Some(t) => Some(EventType::parse(t).ok_or_else(|| {
            invalid("type is not an event type (see docs/operations.md, \"Audit events\")")
        })?),
    };
    if account
        .as_ref()
        .is_some_and(|a| a.is_empty() || a.len() > 128)
    {
        return Err(invalid("account must be an account id"));
    }
    Ok(EventFilter {
        account,
        event_type,
        ..EventFilter::default()
    })
}

pub async fn list(
    req: HttpRequest,
    idp: web::Data<Idp>,
    query: web::Query<EventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let mut filter =
        filter_of(q.account, q.event_type.as_deref())?.page(q.limit, q.page_token.as_deref())?;
    filter.since = q
        .since
        .as_deref()
        .map(|s| parse_time(s, "since"))
        .transpose()?;
    filter.until = q
        .until
        .as_deref()
        .map(|s| parse_time(s, "until"))
        .transpose()?;
    let page = as_admin(&req, &idp, move |idp, _| Ok(idp.audit_events(&filter)?)).await?;
    let events: Vec<serde_json::Value> = page.events.iter().map(AuditEvent::to_json).collect();
    Ok(json(&serde_json::json!({
        "events": events,
        "next_page_token": page.next_page_token,
    })))
}

/// `listWebhooks`: every configured endpoint and how its deliveries go.
pub async fn webhooks(req: HttpRequest, idp: web::Data<Idp>) -> Result<HttpResponse, ApiError> {
    let endpoints = as_admin(&req, &idp, |idp, _| Ok(idp.webhook_status()?)).await?;
    Ok(json(&serde_json::json!({ "webhooks": endpoints })))
}
