//! `/metrics`: only on `metrics_bind`, in a format Prometheus parses (read
//! here by a third-party parser), and moving with what happens.

use prometheus_parse::{Scrape, Value};

use crate::for_both_backends;
use crate::helpers::*;
use crate::oauth_helpers::{client_token, service_client};
use crate::oidc_helpers::account;

pub(crate) async fn scrape(app: &TestApp) -> Scrape {
    let url = format!(
        "{}/metrics",
        app.metrics_address.as_deref().expect("metrics_bind is set")
    );
    let r = reqwest::get(url).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("openmetrics-text"));
    let text = r.text().await.unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("Prometheus text format")
}

/// The value of the sample `name` with `labels` (0 when there is none yet).
pub(crate) fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            Value::Summary(_) => 0.0,
        })
        .sum()
}

async fn metrics_move_with_what_happens(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.metrics_bind = Some("127.0.0.1:0".into())).await;
    // Never on the public listener.
    let r = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(r.status(), 404);

    account(&app, "mo@example.com", false);
    let (id, secret) = service_client(&app, "Reports", &["reports"]);
    let before = scrape(&app).await;
    assert_eq!(
        app.sign_in(&browser(), "mo@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.sign_in(&browser(), "mo@example.com", "Wrong-Password-1")
            .await
            .status(),
        401
    );
    client_token(&app, &id, &secret, "reports").await;
    let after = scrape(&app).await;

    let delta = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    assert_eq!(delta("idp_sign_ins_total", &[("result", "ok")]), 1.0);
    assert_eq!(delta("idp_sign_ins_total", &[("result", "wrong")]), 1.0);
    assert_eq!(
        delta(
            "idp_tokens_issued_total",
            &[("grant", "client_credentials"), ("alg", "RS256")]
        ),
        1.0
    );
    // By route template and status; the form posts are two, one of each answer.
    assert_eq!(
        delta(
            "idp_http_requests_total",
            &[("route", "/login"), ("method", "POST"), ("status", "303")]
        ),
        1.0
    );
    assert_eq!(
        delta(
            "idp_http_requests_total",
            &[("route", "/login"), ("method", "POST"), ("status", "401")]
        ),
        1.0
    );
    assert!(
        delta(
            "idp_http_request_duration_seconds_count",
            &[("route", "/token")]
        ) >= 1.0
            || delta("idp_http_request_duration_seconds", &[("route", "/token")]) >= 1.0,
        "a latency histogram for /token"
    );
    assert!(
        delta("idp_argon2_wait_seconds_count", &[]) >= 2.0
            || delta("idp_argon2_wait_seconds", &[]) >= 2.0,
        "argon2 waits are timed"
    );
    // A path nobody routes is one label, whatever the path.
    reqwest::get(app.url("/no/such/page/12345")).await.unwrap();
    let later = scrape(&app).await;
    assert!(value(&later, "idp_http_requests_total", &[("route", "unmatched")]) >= 1.0);
    assert!(!later
        .samples
        .iter()
        .any(|s| s.labels.get("route").is_some_and(|r| r.contains("12345"))));
    assert!(value(&later, "idp_process_resident_memory_bytes", &[]) > 1_000_000.0);
    assert!(
        value(&later, "idp_db_connections_idle", &[])
            + value(&later, "idp_db_connections_in_use", &[])
            >= 1.0
    );
    assert!(later
        .samples
        .iter()
        .any(|s| s.metric == "idp_mail_queue_waiting"));
}

async fn metrics_are_off_by_default(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert!(app.metrics_address.is_none());
    assert_eq!(
        reqwest::get(app.url("/metrics")).await.unwrap().status(),
        404
    );
    let bad = idp_core::config::Settings {
        metrics_bind: Some("everywhere".into()),
        ..idp_core::config::Settings::default()
    };
    assert!(bad
        .validate()
        .unwrap_err()
        .to_string()
        .contains("metrics_bind"));
}

for_both_backends!(metrics_move_with_what_happens, metrics_are_off_by_default);
