//! What idp counts for `/metrics` (Prometheus text format). Counters are
//! bumped where the thing happens (an atomic add each); what describes a
//! state (queue depths, pool use, memory) is read when scraped. The argon2
//! and database wait histograms belong to the hasher and the pool, which
//! time their own waits; they are registered here.

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::Idp;

/// How a password sign-in ended.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum SignInResult {
    ok,
    wrong,
    unverified,
    throttled,
    disabled,
    busy,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SignInLabels {
    result: SignInResult,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    grant: &'static str,
    alg: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WebhookLabels {
    endpoint: String,
    outcome: &'static str,
}

/// One HTTP request: the route as registered (`/api/v1/admin/users/{user_id}`),
/// never the path as sent, so that the label set stays bounded.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: &'static str,
    pub route: String,
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// Latency buckets from 1 ms to about 16 s.
fn latency() -> Histogram {
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.001, 2.0, 15,
    ))
}

/// A histogram of waits, as the hasher and the pool keep them.
pub fn wait_histogram() -> Histogram {
    latency()
}

pub struct Metrics {
    registry: Registry,
    sign_ins: Family<SignInLabels, Counter>,
    tokens: Family<TokenLabels, Counter>,
    backchannel: Family<OutcomeLabels, Counter>,
    webhooks: Family<WebhookLabels, Counter>,
    mail_failures: Counter,
    http_requests: Family<HttpLabels, Counter>,
    http_seconds: HistogramFamily<RouteLabels>,
    argon2_waiting: Gauge,
    db_in_use: Gauge,
    db_idle: Gauge,
    mail_waiting: Gauge,
    mail_given_up: Gauge,
    resident_bytes: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// The registry, with the hasher's and the pool's wait histograms.
    pub(crate) fn new(argon2_wait: Histogram, db_wait: Histogram) -> Self {
        let mut m = Metrics {
            registry: Registry::with_prefix("idp"),
            sign_ins: Family::default(),
            tokens: Family::default(),
            backchannel: Family::default(),
            webhooks: Family::default(),
            mail_failures: Counter::default(),
            http_requests: Family::default(),
            http_seconds: Family::new_with_constructor(latency),
            argon2_waiting: Gauge::default(),
            db_in_use: Gauge::default(),
            db_idle: Gauge::default(),
            mail_waiting: Gauge::default(),
            mail_given_up: Gauge::default(),
            resident_bytes: Gauge::default(),
        };
        let r = &mut m.registry;
        r.register(
            "http_requests",
            "HTTP requests by route template, method and status",
            m.http_requests.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "HTTP request latency by route template",
            m.http_seconds.clone(),
        );
        r.register(
            "sign_ins",
            "Password sign-ins by result",
            m.sign_ins.clone(),
        );
        r.register(
            "tokens_issued",
            "Tokens issued at the token endpoint by grant and access-token algorithm",
            m.tokens.clone(),
        );
        r.register(
            "argon2_waiting",
            "Password checks waiting for an argon2 slot",
            m.argon2_waiting.clone(),
        );
        r.register(
            "argon2_wait_seconds",
            "Time a password check waited for an argon2 slot",
            argon2_wait,
        );
        r.register(
            "db_connections_in_use",
            "Pooled database connections lent out",
            m.db_in_use.clone(),
        );
        r.register(
            "db_connections_idle",
            "Pooled database connections idle",
            m.db_idle.clone(),
        );
        r.register(
            "db_wait_seconds",
            "Time a call waited for a pooled database connection",
            db_wait,
        );
        r.register(
            "mail_queue_waiting",
            "Emails not sent yet (waiting or being sent)",
            m.mail_waiting.clone(),
        );
        r.register(
            "mail_queue_given_up",
            "Emails given up on in the last day",
            m.mail_given_up.clone(),
        );
        r.register(
            "mail_send_failures",
            "Failed attempts to send an email (each retry counts)",
            m.mail_failures.clone(),
        );
        r.register(
            "backchannel_logouts",
            "Back-channel logout deliveries by outcome",
            m.backchannel.clone(),
        );
        r.register(
            "webhook_deliveries",
            "Webhook tries by endpoint and outcome",
            m.webhooks.clone(),
        );
        r.register(
            "process_resident_memory_bytes",
            "Resident memory of this process",
            m.resident_bytes.clone(),
        );
        m
    }

    pub fn sign_in(&self, result: SignInResult) {
        self.sign_ins.get_or_create(&SignInLabels { result }).inc();
    }

    pub(crate) fn token_issued(&self, grant: &'static str, alg: &'static str) {
        self.tokens.get_or_create(&TokenLabels { grant, alg }).inc();
    }

    pub(crate) fn backchannel_logout(&self, outcome: &'static str) {
        self.backchannel
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// `endpoint` is a configured id, so the label set stays bounded.
    pub(crate) fn webhook_delivery(&self, endpoint: &str, delivered: bool) {
        let outcome = if delivered { "delivered" } else { "failed" };
        let labels = WebhookLabels {
            endpoint: endpoint.to_owned(),
            outcome,
        };
        self.webhooks.get_or_create(&labels).inc();
    }

    pub(crate) fn mail_send_failed(&self) {
        self.mail_failures.inc();
    }

    /// One answered HTTP request and how long it took.
    pub fn http_request(&self, labels: HttpLabels, seconds: f64) {
        let route = RouteLabels {
            method: labels.method,
            route: labels.route.clone(),
        };
        self.http_requests.get_or_create(&labels).inc();
        self.http_seconds.get_or_create(&route).observe(seconds);
    }

    /// The text a scrape gets, with the state gauges read now. A gauge
    /// whose source does not answer (the database) keeps its last value.
    pub fn render(&self, idp: &Idp) -> String {
        self.argon2_waiting
            .set(i64::try_from(idp.passwords.waiting()).unwrap_or(i64::MAX));
        let (in_use, idle) = idp.db.connections();
        self.db_in_use.set(i64::from(in_use));
        self.db_idle.set(i64::from(idle));
        if let Ok(counts) = idp.mail_queue_counts() {
            self.mail_waiting.set(counts.waiting);
            self.mail_given_up.set(counts.failed);
        }
        if let Some(bytes) = resident_bytes() {
            self.resident_bytes.set(bytes);
        }
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// This process's resident set (`VmRSS` in `/proc/self/status`, Linux).
fn resident_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
