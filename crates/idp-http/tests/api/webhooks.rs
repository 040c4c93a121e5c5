//! Webhooks: a receiver that is down at first loses nothing, and once up
//! gets every subscribed event exactly once, in order, signed as Standard
//! Webhooks describe; `listWebhooks` shows how it goes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::Value;
use sha2::Sha256;

use crate::admin_clients::{admin, admin_token};
use crate::for_both_backends;
use crate::helpers::*;
use crate::metrics::{scrape, value};
use crate::oidc_helpers::account;

/// One request the receiver took.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header"))
    }
}

/// A receiver on `listener` that answers 204 to everything and keeps it.
fn receive(listener: TcpListener) -> Arc<Mutex<Vec<Received>>> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(stream);
            let mut headers = Vec::new();
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                let trimmed = line.trim_end();
                if trimmed.is_empty() {
                    break;
                }
                let (k, v) = trimmed.split_once(':').unwrap();
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
            let length: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            kept.lock().unwrap().push(Received {
                headers,
                body: String::from_utf8(body).unwrap(),
            });
            let mut stream = reader.into_inner();
            let _ = stream.write_all(
                b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    got
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "still waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

async fn a_receiver_that_was_down_gets_every_event_once(backend: Backend) {
    let key = [7u8; 32];
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    );
    // A port nobody listens on yet: the receiver is down.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(backend, |s| {
        s.metrics_bind = Some("127.0.0.1:0".into());
        s.webhooks.retry_seconds = 1;
        s.webhooks
            .endpoints
            .push(idp_core::config::WebhookEndpoint {
                id: "siem".into(),
                url: format!("http://127.0.0.1:{port}/hooks/idp"),
                secret,
                events: vec!["user.created".into(), "user.disabled".into()],
            });
    })
    .await;
    let token = admin_token(&app).await;
    let first = account(&app, "first@example.com", false);
    let second = account(&app, "second@example.com", false);
    assert_eq!(
        app.sign_in(&browser(), "first@example.com", PASSWORD)
            .await
            .status(),
        303
    );

    // Tries fail and are shown; nothing is lost.
    let status = || async {
        let (code, body) = admin(&app, &token, Method::GET, "/admin/webhooks", None).await;
        assert_eq!(code, 200, "{body}");
        body["webhooks"][0].clone()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let down = loop {
        let s = status().await;
        if s["attempts"].as_i64() >= Some(1) {
            break s;
        }
        assert!(Instant::now() < deadline, "no failed try shown: {s}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        (&down["delivered"], &down["pending"]),
        (&Value::from(0), &Value::from(2)),
        "{down}"
    );
    assert!(
        down["last_error"].is_string() && down["next_attempt_at"].is_string(),
        "{down}"
    );
    assert!(down.get("secret").is_none());

    // Up: the waiting events arrive, then a new one.
    let got = receive(TcpListener::bind(("127.0.0.1", port)).unwrap());
    let received = got.clone();
    actix_web::rt::task::spawn_blocking(move || {
        wait_until("two deliveries", || received.lock().unwrap().len() >= 2)
    })
    .await
    .unwrap();
    let (code, _) = admin(
        &app,
        &token,
        Method::POST,
        &format!("/admin/users/{second}/disable"),
        None,
    )
    .await;
    assert_eq!(code, 200);
    let received = got.clone();
    actix_web::rt::task::spawn_blocking(move || {
        wait_until("the third", || received.lock().unwrap().len() >= 3)
    })
    .await
    .unwrap();
    // Time for a duplicate to show, were there one.
    actix_web::rt::time::sleep(Duration::from_millis(2500)).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "each event once: {got:?}");

    let bodies: Vec<Value> = got
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    let seen: Vec<(&str, &str)> = bodies
        .iter()
        .map(|b| {
            (
                b["type"].as_str().unwrap(),
                b["data"]["subject"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("user.created", first.as_str()),
            ("user.created", second.as_str()),
            ("user.disabled", second.as_str())
        ]
    );
    let mut ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3, "an id each");
    for r in &got {
        assert_eq!(r.header("content-type"), "application/json");
        let (id, timestamp) = (r.header("webhook-id"), r.header("webhook-timestamp"));
        let ts: i64 = timestamp.parse().unwrap();
        assert!((unix_now() - ts).abs() < 300, "a fresh timestamp");
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{id}.{timestamp}.{}", r.body).as_bytes());
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let signatures: Vec<&str> = r.header("webhook-signature").split(' ').collect();
        assert!(
            signatures.contains(&format!("v1,{expected}").as_str()),
            "a valid signature"
        );
    }

    let up = status().await;
    assert_eq!(
        (
            &up["delivered"],
            &up["pending"],
            &up["attempts"],
            &up["last_status"]
        ),
        (
            &Value::from(3),
            &Value::from(0),
            &Value::from(0),
            &Value::from(204)
        ),
        "{up}"
    );
    let metrics = scrape(&app).await;
    let tries = |outcome| {
        let labels = [("endpoint", "siem"), ("outcome", outcome)];
        value(&metrics, "idp_webhook_deliveries_total", &labels)
    };
    assert_eq!(tries("delivered"), 3.0);
    assert!(tries("failed") >= 1.0);
}

async fn webhook_settings_are_checked(_backend: Backend) {
    let endpoint =
        |id: &str, url: &str, secret: &str, events: &[&str]| idp_core::config::WebhookEndpoint {
            id: id.into(),
            url: url.into(),
            secret: secret.into(),
            events: events.iter().map(|e| e.to_string()).collect(),
        };
    let good = "whsec_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
    let cases = [
        (
            endpoint("Bad Id", "https://siem.example.com/", good, &["*"]),
            "id",
        ),
        (
            endpoint("a", "ftp://siem.example.com/", good, &["*"]),
            "url",
        ),
        (
            endpoint("a", "https://siem.example.com/", "short", &["*"]),
            "secret",
        ),
        (
            endpoint("a", "https://siem.example.com/", good, &["user.exploded"]),
            "events",
        ),
    ];
    for (bad, field) in cases {
        let mut settings = idp_core::config::Settings::default();
        settings.webhooks.endpoints.push(bad);
        let problems: Vec<String> = settings.problems().iter().map(|p| p.to_string()).collect();
        assert!(
            problems
                .iter()
                .any(|p| p.contains(&format!("webhooks.endpoints[0].{field}"))),
            "{field}: {problems:?}"
        );
    }
}

for_both_backends!(
    a_receiver_that_was_down_gets_every_event_once,
    webhook_settings_are_checked
);
