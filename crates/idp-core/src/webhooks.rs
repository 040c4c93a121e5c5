//! Webhooks: audit events sent to the operator's endpoints as JSON, signed
//! as Standard Webhooks describe (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
//!
//! The audit trail is the durable queue: an event is in it once the change
//! that caused it committed, and each endpoint keeps its place in the trail
//! (`webhook_state.last_event_id`), moving on only after a 2xx. A receiver
//! that is down loses nothing: the same event is sent again, with growing
//! pauses, until it is taken, and the ones after it wait behind it (they
//! arrive in order). One node at a time delivers to an endpoint: the one
//! holding its lease. Delivery is at least once; receivers deduplicate by
//! `webhook-id`.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::audit::AuditEvent;
use crate::config::WebhookEndpoint;
use crate::db::schema::{audit_events as ev, webhook_state as ws};
use crate::db::{DbConnection, StoreError};
use crate::email::Outgoing;
use crate::{now, Idp};

/// How often the worker looks for events.
const POLL: Duration = Duration::from_secs(1);
/// How long a node holds an endpoint without renewing.
const LEASE_SECONDS: i64 = 30;
/// Events sent per endpoint per pass.
const BATCH: i64 = 50;
const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest pause between two tries.
const MAX_BACKOFF_SECONDS: i64 = 3600;
/// How much of a receiver's error is kept.
const MAX_ERROR: usize = 300;

/// An endpoint as the admin API shows it (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct WebhookStatus {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    /// Events taken by the receiver.
    pub delivered: i64,
    /// Events waiting for it (the one being retried included).
    pub pending: i64,
    /// Failed tries of the event at the head.
    pub attempts: i32,
    pub next_attempt_at: Option<String>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_delivered_at: Option<String>,
}

#[derive(Queryable)]
struct State {
    last_event_id: i64,
    delivered: i64,
    attempts: i32,
    next_attempt_at: Option<NaiveDateTime>,
    last_error: Option<String>,
    last_status: Option<i32>,
    last_delivered_at: Option<NaiveDateTime>,
}

/// The worker thread of this node; stopped when dropped.
pub struct WebhookWorker {
    wake: Arc<Outgoing>,
    thread: Option<JoinHandle<()>>,
}

impl WebhookWorker {
    /// `None` when no endpoint is configured.
    pub fn start(idp: Idp) -> std::io::Result<Option<Self>> {
        if idp.settings.webhooks.endpoints.is_empty() {
            return Ok(None);
        }
        // Each endpoint's place is taken now, before requests are served:
        // it gets every event from this start on.
        for endpoint in &idp.settings.webhooks.endpoints {
            if let Err(e) = idp
                .db
                .write(|conn| place(conn, &endpoint.id).map_err(StoreError::from))
            {
                tracing::warn!(endpoint = %endpoint.id, error = %e, "webhook endpoint not set up yet");
            }
        }
        let wake = Arc::new(Outgoing::default());
        let line = wake.clone();
        let thread = std::thread::Builder::new()
            .name("idp-webhooks".into())
            .spawn(move || run(&idp, &line))?;
        Ok(Some(Self {
            wake,
            thread: Some(thread),
        }))
    }

    pub fn stop(mut self) {
        self.wake.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for WebhookWorker {
    fn drop(&mut self) {
        self.wake.stop();
    }
}

fn run(idp: &Idp, wake: &Outgoing) {
    let owner = crate::crypto::random_token(9);
    loop {
        if let Err(e) = idp.deliver_webhooks(&owner, || !wake.stopped()) {
            tracing::warn!(error = %e, "webhooks cannot be delivered now");
        }
        if !wake.wait(POLL) {
            break;
        }
    }
}

impl Idp {
    /// One pass: for each endpoint this node can lease, sends the events
    /// that are due, in order, stopping at the first refusal.
    pub fn deliver_webhooks(
        &self,
        owner: &str,
        keep_going: impl Fn() -> bool,
    ) -> Result<usize, StoreError> {
        let mut sent = 0;
        for endpoint in &self.settings.webhooks.endpoints {
            if !keep_going() {
                break;
            }
            let leased = self
                .db
                .write(|conn| lease(conn, &endpoint.id, owner).map_err(StoreError::from))?;
            let Some(state) = leased else {
                continue;
            };
            if state.next_attempt_at.is_some_and(|at| at > now()) {
                continue;
            }
            let events = self.db.read(|conn| {
                due_events(conn, endpoint, state.last_event_id, BATCH).map_err(StoreError::from)
            })?;
            for event in events {
                if !keep_going() {
                    break;
                }
                let answer = self.post(endpoint, &event);
                let delivered = answer.is_ok();
                self.metrics.webhook_delivery(&endpoint.id, delivered);
                self.db
                    .write(|conn| record(conn, &endpoint.id, &event, answer, self.retry(&state)))?;
                if !delivered {
                    break;
                }
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// The pause before the next try after `state.attempts + 1` failures.
    fn retry(&self, state: &State) -> i64 {
        let base = self.settings.webhooks.retry_seconds;
        let doublings = u32::try_from(state.attempts.clamp(0, 20)).unwrap_or(20);
        base.saturating_mul(1i64 << doublings)
            .min(MAX_BACKOFF_SECONDS)
    }

    /// Sends one event; the receiver's status, or why it was not taken.
    fn post(
        &self,
        endpoint: &WebhookEndpoint,
        event: &AuditEvent,
    ) -> Result<u16, (Option<u16>, String)> {
        let key = endpoint
            .key()
            .ok_or((None, "the endpoint's secret is unusable".to_owned()))?;
        let body = serde_json::json!({
            "type": event.event_type,
            "timestamp": event.at.and_utc().to_rfc3339(),
            "data": event.to_json(),
        })
        .to_string();
        let id = format!("evt_{}", event.id);
        let timestamp = now().and_utc().timestamp();
        let signature = sign(&key, &id, timestamp, &body);
        let allow_internal = self.settings.oauth.allow_internal_urls;
        let http = crate::outbound::client_for(&endpoint.url, allow_internal, TIMEOUT)
            .map_err(|e| (None, e.to_string()))?;
        let answer = http
            .post(&endpoint.url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", format!("v1,{signature}"))
            .body(body)
            .send()
            .map_err(|e| (None, e.without_url().to_string()))?;
        let status = answer.status().as_u16();
        match answer.status().is_success() {
            true => Ok(status),
            false => Err((Some(status), format!("answered {status}"))),
        }
    }

    /// Every configured endpoint and how its deliveries go.
    pub fn webhook_status(&self) -> Result<Vec<WebhookStatus>, StoreError> {
        let time = |t: NaiveDateTime| t.and_utc().to_rfc3339();
        self.settings
            .webhooks
            .endpoints
            .iter()
            .map(|endpoint| {
                let state: Option<State> = self.db.read(|conn| {
                    state_query(&endpoint.id)
                        .first(conn)
                        .optional()
                        .map_err(StoreError::from)
                })?;
                let after = state.as_ref().map_or(0, |s| s.last_event_id);
                let pending = match &state {
                    // Not started yet: it begins with the events after its start.
                    None => 0,
                    Some(_) => self
                        .db
                        .read(|conn| due_count(conn, endpoint, after).map_err(StoreError::from))?,
                };
                Ok(WebhookStatus {
                    id: endpoint.id.clone(),
                    url: endpoint.url.clone(),
                    events: endpoint.events.clone(),
                    delivered: state.as_ref().map_or(0, |s| s.delivered),
                    pending,
                    attempts: state.as_ref().map_or(0, |s| s.attempts),
                    next_attempt_at: state.as_ref().and_then(|s| s.next_attempt_at).map(time),
                    last_status: state.as_ref().and_then(|s| s.last_status),
                    last_error: state.as_ref().and_then(|s| s.last_error.clone()),
                    last_delivered_at: state.as_ref().and_then(|s| s.last_delivered_at).map(time),
                })
            })
            .collect()
    }
}

/// The Standard Webhooks signature of one message.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[allow(clippy::type_complexity)]
fn state_query(
    endpoint_id: &str,
) -> diesel::dsl::Select<
    diesel::dsl::Find<ws::table, &str>,
    (
        ws::last_event_id,
        ws::delivered,
        ws::attempts,
        ws::next_attempt_at,
        ws::last_error,
        ws::last_status,
        ws::last_delivered_at,
    ),
> {
    ws::table.find(endpoint_id).select((
        ws::last_event_id,
        ws::delivered,
        ws::attempts,
        ws::next_attempt_at,
        ws::last_error,
        ws::last_status,
        ws::last_delivered_at,
    ))
}

/// Gives an endpoint seen for the first time its place after the newest
/// event: it gets what happens from then on, not the whole history.
fn place(conn: &mut DbConnection, endpoint_id: &str) -> QueryResult<()> {
    if state_query(endpoint_id)
        .first::<State>(conn)
        .optional()?
        .is_some()
    {
        return Ok(());
    }
    let newest: Option<i64> = ev::table.select(diesel::dsl::max(ev::id)).first(conn)?;
    crate::db::on_either_backend!(conn, |c| diesel::insert_into(ws::table)
        .values((
            ws::endpoint_id.eq(endpoint_id),
            ws::last_event_id.eq(newest.unwrap_or(0)),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// The endpoint's state when this node holds (or now takes) its lease.
fn lease(conn: &mut DbConnection, endpoint_id: &str, owner: &str) -> QueryResult<Option<State>> {
    let now = now();
    place(conn, endpoint_id)?;
    let taken = diesel::update(
        ws::table.find(endpoint_id).filter(
            ws::lease_until
                .is_null()
                .or(ws::lease_until.lt(now))
                .or(ws::lease_owner.eq(owner)),
        ),
    )
    .set((
        ws::lease_owner.eq(owner),
        ws::lease_until.eq(now + chrono::Duration::seconds(LEASE_SECONDS)),
    ))
    .execute(conn)?;
    match taken {
        1 => state_query(endpoint_id).first(conn).optional(),
        _ => Ok(None),
    }
}

fn due_events(
    conn: &mut DbConnection,
    endpoint: &WebhookEndpoint,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    let mut q = ev::table
        .filter(ev::id.gt(after))
        .order(ev::id.asc())
        .limit(limit)
        .select(AuditEvent::as_select())
        .into_boxed();
    if !endpoint.wants_all() {
        q = q.filter(ev::event_type.eq_any(&endpoint.events));
    }
    q.load(conn)
}

fn due_count(conn: &mut DbConnection, endpoint: &WebhookEndpoint, after: i64) -> QueryResult<i64> {
    let mut q = ev::table.filter(ev::id.gt(after)).count().into_boxed();
    if !endpoint.wants_all() {
        q = q.filter(ev::event_type.eq_any(&endpoint.events));
    }
    q.get_result(conn)
}

/// What one try came to: the endpoint moves past the event, or waits
/// `retry_in` seconds to send it again.
fn record(
    conn: &mut DbConnection,
    endpoint_id: &str,
    event: &AuditEvent,
    answer: Result<u16, (Option<u16>, String)>,
    retry_in: i64,
) -> Result<(), StoreError> {
    let now = now();
    let row = ws::table.find(endpoint_id);
    match answer {
        Ok(status) => diesel::update(row)
            .set((
                ws::last_event_id.eq(event.id),
                ws::delivered.eq(ws::delivered + 1),
                ws::attempts.eq(0),
                ws::next_attempt_at.eq(None::<NaiveDateTime>),
                ws::last_status.eq(Some(i32::from(status))),
                ws::last_error.eq(None::<String>),
                ws::last_delivered_at.eq(Some(now)),
            ))
            .execute(conn)?,
        Err((status, error)) => {
            tracing::warn!(endpoint = endpoint_id, event = event.id, error = %error, "webhook not taken; will try again");
            let error: String = error.chars().take(MAX_ERROR).collect();
            diesel::update(row)
                .set((
                    ws::attempts.eq(ws::attempts + 1),
                    ws::next_attempt_at.eq(Some(now + chrono::Duration::seconds(retry_in))),
                    ws::last_status.eq(status.map(i32::from)),
                    ws::last_error.eq(Some(error)),
                ))
                .execute(conn)?
        }
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signatures_match_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        use base64::Engine;
        let key = base64::engine::general_purpose::STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
