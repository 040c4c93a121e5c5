//! Reading the trail (`listAuditEvents`, `idp events tail`) and keeping it
//! within its retention.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::Value;

use super::EventType;
use crate::db::schema::audit_events as ev;
use crate::db::{DbConnection, StoreError};
use crate::paging::{InvalidPage, DEFAULT_PAGE, MAX_PAGE};
use crate::Idp;

/// One recorded event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ev)]
pub struct AuditEvent {
    pub id: i64,
    pub at: NaiveDateTime,
    pub event_type: String,
    /// `account`, `client`, `operator` or `anonymous`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    /// The account acted on.
    pub subject: Option<String>,
    pub client_id: Option<String>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    /// `success` or `failure`.
    pub outcome: String,
    /// A JSON object.
    pub detail: String,
}

impl AuditEvent {
    pub fn detail_json(&self) -> Value {
        serde_json::from_str(&self.detail).unwrap_or(Value::Null)
    }

    /// The event as `listAuditEvents`, `idp events tail --json` and
    /// webhooks show it.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "at": self.at.and_utc().to_rfc3339(),
            "type": self.event_type,
            "actor": {"kind": self.actor_kind, "id": self.actor_id},
            "subject": self.subject,
            "client_id": self.client_id,
            "client_ip": self.client_ip,
            "user_agent": self.user_agent,
            "outcome": self.outcome,
            "detail": self.detail_json(),
        })
    }
}

/// Which events: all filters must hold. `before` and `after` are event ids
/// (the page token going back, `idp events tail --follow` going on).
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// The account as actor or as subject.
    pub account: Option<String>,
    pub event_type: Option<EventType>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub limit: i64,
}

impl EventFilter {
    /// The API's `limit` and `page_token` (an event id: the next page is
    /// the older events).
    pub fn page(
        mut self,
        limit: Option<i64>,
        page_token: Option<&str>,
    ) -> Result<Self, InvalidPage> {
        self.limit = limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&self.limit) {
            return Err(InvalidPage("limit must be between 1 and 200"));
        }
        self.before = match page_token {
            None | Some("") => None,
            Some(t) => Some(
                t.parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or(InvalidPage("page_token is not one this server gave"))?,
            ),
        };
        Ok(self)
    }
}

/// Newest first (oldest first after `after`); `next_page_token` when more
/// match.
#[derive(Debug, Clone)]
pub struct EventPage {
    pub events: Vec<AuditEvent>,
    pub next_page_token: Option<String>,
}

impl Idp {
    pub fn audit_events(&self, filter: &EventFilter) -> Result<EventPage, StoreError> {
        let limit = filter.limit.clamp(1, MAX_PAGE);
        let mut rows = self.db.read(|conn| {
            let mut q = ev::table
                .select(AuditEvent::as_select())
                .limit(limit + 1)
                .into_boxed();
            // Going on from an event (`after`) reads forwards, so that
            // nothing between it and the newest is skipped.
            q = match filter.after {
                Some(_) => q.order(ev::id.asc()),
                None => q.order(ev::id.desc()),
            };
            if let Some(account) = &filter.account {
                q = q.filter(
                    ev::subject
                        .eq(account)
                        .or(ev::actor_kind.eq("account").and(ev::actor_id.eq(account))),
                );
            }
            if let Some(t) = filter.event_type {
                q = q.filter(ev::event_type.eq(t.as_str()));
            }
            if let Some(since) = filter.since {
                q = q.filter(ev::at.ge(since));
            }
            if let Some(until) = filter.until {
                q = q.filter(ev::at.lt(until));
            }
            if let Some(before) = filter.before {
                q = q.filter(ev::id.lt(before));
            }
            if let Some(after) = filter.after {
                q = q.filter(ev::id.gt(after));
            }
            q.load(conn).map_err(StoreError::from)
        })?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        Ok(EventPage {
            next_page_token: match more {
                true => rows.last().map(|e| e.id.to_string()),
                false => None,
            },
            events: rows,
        })
    }
}

/// Deletes events older than the retention (housekeeping).
pub(crate) fn purge_expired(
    conn: &mut DbConnection,
    retention_days: i64,
    now_: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(ev::table.filter(ev::at.lt(now_ - Duration::days(retention_days)))).execute(conn)
}
