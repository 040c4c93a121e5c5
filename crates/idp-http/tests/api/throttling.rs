//! Attacks on the throttles with parallel requests, reset-code guessing
//! across accounts, and a burst of sign-ins larger than the argon2 queue.

use diesel::prelude::*;
use idp_core::db::StoreError;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::oidc_helpers::person;
use crate::{for_both_backends, on_both_databases};

struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

/// POSTs every body in `bodies` to the JSON API path at once, each in its own
/// task, from `client` with its CSRF pair; the answers in the order of `bodies`.
async fn api_all_at_once(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    bodies: Vec<Value>,
) -> Vec<Answer> {
    let token = app.api_csrf(client).await;
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let request = client
                .post(app.url(path))
                .header("X-CSRF-Token", token.clone())
                .json(&body);
            actix_web::rt::spawn(async move { answer(request.send().await.expect("POST")).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("request task"));
    }
    answers
}

async fn answer(response: reqwest::Response) -> Answer {
    Answer {
        status: response.status().as_u16(),
        retry_after: response
            .headers()
            .get("Retry-After")
            .map(|v| v.to_str().unwrap().to_owned()),
        body: response.text().await.unwrap(),
    }
}

fn count(answers: &[Answer], status: u16) -> usize {
    answers.iter().filter(|a| a.status == status).count()
}

/// Asks for a reset code for `email` through the API and returns it.
async fn reset_code(app: &TestApp, email: &str) -> String {
    let (status, body) = app
        .api(
            &browser(),
            reqwest::Method::POST,
            "/api/v1/password/reset",
            Some(json!({"email": email})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    app.last_email_to(email).await.code()
}

/// A code of the same shape that is not `code`.
fn wrong(code: &str, n: usize) -> String {
    let candidate = format!("{:08}", n % 100_000_000);
    if candidate == code {
        format!("{:08}", (n + 1) % 100_000_000)
    } else {
        candidate
    }
}

on_both_databases! {
    async fn parallel_wrong_passwords_are_checked_no_more_often_than_the_limit(app) {
        let _ = app.signed_up_and_verified("par@example.com", PASSWORD).await;
        let limit = app.idp.settings.throttle.max_failures_per_account as usize;
        // A known and an unknown address: both throttled alike (no enumeration).
        for email in ["par@example.com", "ghost@example.com"] {
            let bodies = (0..30)
                .map(|i| json!({"email": email, "password": format!("Wrong-Password-{i}")}))
                .collect();
            let answers = api_all_at_once(&app, &browser(), "/api/v1/session", bodies).await;
            let checked = count(&answers, 401);
            let refused = count(&answers, 429);
            assert!(checked <= limit, "{email}: {checked} wrong passwords were checked, limit {limit}");
            assert_eq!(checked + refused, 30, "{email}: only 401 and 429 expected");
            for a in answers.iter().filter(|a| a.status == 429) {
                assert_eq!(a.json()["error"], "too_many_attempts");
                assert!(a.retry_after.as_deref().is_some_and(|s| s.parse::<u64>().is_ok_and(|n| n > 0)));
            }
        }
        // Locked now: the right password is refused without being looked at.
        let (status, body) = app.api(&browser(), reqwest::Method::POST, "/api/v1/session",
            Some(json!({"email": "par@example.com", "password": PASSWORD}))).await;
        assert_eq!(status, 429, "{body}");
    }

    async fn parallel_wrong_current_passwords_are_checked_no_more_often_than_the_limit(app) {
        // A stolen session guessing the password behind it.
        let session = app.signed_up_and_verified("cur@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&session, "cur@example.com", PASSWORD).await.status(), 303);
        let limit = app.idp.settings.throttle.max_failures_per_account as usize;
        let bodies = (0..30)
            .map(|i| json!({"current_password": format!("Wrong-Password-{i}"),
                "new_password": "Quiet-Lantern7!Orbit", "new_password_confirm": "Quiet-Lantern7!Orbit"}))
            .collect();
        let answers = api_all_at_once(&app, &session, "/api/v1/profile/password", bodies).await;
        let checked = count(&answers, 422);
        assert!(checked <= limit, "{checked} wrong current passwords were checked, limit {limit}");
        assert_eq!(checked + count(&answers, 429), 30);
        let (status, body) = app.api(&session, reqwest::Method::POST, "/api/v1/profile/password",
            Some(json!({"current_password": PASSWORD, "new_password": "Quiet-Lantern7!Orbit",
                "new_password_confirm": "Quiet-Lantern7!Orbit"}))).await;
        assert_eq!(status, 429, "{body}");
    }

    async fn successful_sign_ins_do_not_count_toward_the_address_limit(app) {
        let _ = app.signed_up_and_verified("office@example.com", PASSWORD).await;
        let limit = app.idp.settings.throttle.max_failures_per_address;
        // One office behind one address signs in more often than the
        // address may fail, and is never locked out.
        for _ in 0..=limit {
            let (status, body) = app.api(&browser(), reqwest::Method::POST, "/api/v1/session",
                Some(json!({"email": "office@example.com", "password": PASSWORD}))).await;
            assert_eq!(status, 200, "{body}");
        }
        let counted: Option<i32> = app.idp.db.read(|conn| {
            use idp_core::db::schema::login_throttle as t;
            t::table.filter(t::throttle_key.like("ip:%")).select(t::failures)
                .first(conn).optional().map_err(StoreError::from)
        }).unwrap();
        assert!(counted.unwrap_or(0) == 0, "successes counted against the address: {counted:?}");
    }

    async fn wrong_reset_codes_across_accounts_lock_the_client_address(app) {
        let limit = app.idp.settings.throttle.max_reset_code_failures_per_address as usize;
        let accounts = ["r1@example.com", "r2@example.com", "r3@example.com", "r4@example.com"];
        let mut codes = Vec::new();
        for email in accounts {
            let _ = app.signed_up_and_verified(email, PASSWORD).await;
            codes.push(reset_code(&app, email).await);
        }
        let spare = "r5@example.com";
        let _ = app.signed_up_and_verified(spare, PASSWORD).await;
        let spare_code = reset_code(&app, spare).await;
        // Spread over accounts (a few guesses each, below the per-code limit)
        // and over addresses without an account, which count the same.
        let client = browser();
        for n in 0..limit {
            let (email, code) = match n % 5 {
                4 => (format!("nobody{n}@example.com"), "12345678".to_owned()),
                i => (accounts[i].to_owned(), codes[i].clone()),
            };
            let (status, body) = app.api(&client, reqwest::Method::POST, "/api/v1/password/reset/verify",
                Some(json!({"email": email, "code": wrong(&code, n)}))).await;
            assert_eq!(status, 400, "guess {n}: {body}");
        }
        // The next guess from this address is refused, with a retry time...
        let token = app.api_csrf(&client).await;
        let r = answer(client.post(app.url("/api/v1/password/reset/verify"))
            .header("X-CSRF-Token", token)
            .json(&json!({"email": spare, "code": spare_code}))
            .send().await.unwrap()).await;
        assert_eq!(r.status, 429, "{}", r.body);
        assert_eq!(r.json()["error"], "too_many_attempts");
        assert!(r.retry_after.as_deref().is_some_and(|s| s.parse::<u64>().is_ok_and(|n| n > 0)));
        // ...on the page too, in words, even for the right code of a fresh account.
        let r = app.submit(&browser(), "/password/forgot", "/password/forgot/code",
            &[("email", spare), ("code", &spare_code)]).await;
        assert_eq!(r.status(), 429);
        let html = r.text().await.unwrap();
        assert!(html.contains("Try again in 15 minutes"), "{html}");
    }
}

/// Twenty parallel wrong guesses on one code: each guess must take one of the
/// code's attempts before it is compared.
async fn parallel_guesses_on_one_code_use_up_at_most_its_attempts(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        // Only the per-code counter is under test here.
        s.throttle.max_reset_code_failures_per_address = 1_000;
    })
    .await;
    let email = "one@example.com";
    let _ = app.signed_up_and_verified(email, PASSWORD).await;
    let code = reset_code(&app, email).await;
    let max = app.idp.settings.tokens.password_reset_code_attempts;
    let bodies = (0..20)
        .map(|n| json!({"email": email, "code": wrong(&code, n)}))
        .collect();
    let answers = api_all_at_once(&app, &browser(), "/api/v1/password/reset/verify", bodies).await;
    assert_eq!(count(&answers, 400), 20);
    let attempts: i32 = app
        .idp
        .db
        .read(|conn| {
            use idp_core::db::schema::{accounts, one_time_tokens as t};
            t::table
                .inner_join(accounts::table.on(accounts::id.eq(t::account_id)))
                .filter(accounts::email.eq(email))
                .filter(t::purpose.eq("reset_code"))
                .select(t::attempts)
                .first(conn)
                .map_err(StoreError::from)
        })
        .unwrap();
    assert!(
        attempts <= max,
        "{attempts} guesses were compared with the code, limit {max}"
    );
    let (status, body) = app
        .api(
            &browser(),
            reqwest::Method::POST,
            "/api/v1/password/reset/verify",
            Some(json!({"email": email, "code": code})),
        )
        .await;
    assert_eq!(
        status, 400,
        "the right code is dead after the guesses: {body}"
    );
}

for_both_backends!(parallel_guesses_on_one_code_use_up_at_most_its_attempts);

/// More sign-ins at once than argon2 has slots and queue places: the surplus
/// is told at once that the server is busy (and counts toward no lockout),
/// while endpoints that hash nothing keep answering.
async fn a_burst_beyond_the_argon2_queue_is_told_to_come_back(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        // Slow enough hashing that the burst arrives while one runs.
        s.argon2.memory_kib = 65_536;
        s.argon2.max_concurrent = 1;
        s.argon2.max_queue = 1;
    })
    .await;
    let emails: Vec<String> = (0..4).map(|i| format!("burst{i}@example.com")).collect();
    for email in &emails {
        person(&app, email);
    }
    let api = browser();
    let token = app.api_csrf(&api).await;
    // Half the pages in German: the translated error page keeps Retry-After.
    let mut pages = Vec::new();
    for n in 0..emails.len() {
        let lang = if n % 2 == 0 { "en" } else { "de" };
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(reqwest::header::HeaderMap::from_iter([(
                reqwest::header::ACCEPT_LANGUAGE,
                reqwest::header::HeaderValue::from_static(lang),
            )]))
            .build()
            .unwrap();
        let (_, html) = app.page(&client, "/login").await;
        pages.push((client, csrf_in(&html), lang));
    }
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    // Three over the API and one through the page per account: under the
    // per-account limit, so only the hasher can refuse them.
    for (email, (client, csrf, lang)) in emails.iter().zip(&pages) {
        for _ in 0..3 {
            let request = api
                .post(app.url("/api/v1/session"))
                .header("X-CSRF-Token", token.clone())
                .json(&json!({"email": email, "password": PASSWORD}));
            let finished = finished.clone();
            tasks.push((
                None,
                actix_web::rt::spawn(async move {
                    let a = answer(request.send().await.expect("POST")).await;
                    finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    a
                }),
            ));
        }
        let request = client.post(app.url("/login")).form(&[
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("csrf_token", csrf),
        ]);
        let finished = finished.clone();
        tasks.push((
            Some(*lang),
            actix_web::rt::spawn(async move {
                let a = answer(request.send().await.expect("POST")).await;
                finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                a
            }),
        ));
    }
    let total = tasks.len();
    let mut discovery_during_burst = 0;
    while finished.load(std::sync::atomic::Ordering::SeqCst) < total {
        let r = reqwest::get(app.url("/.well-known/openid-configuration"))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        if finished.load(std::sync::atomic::Ordering::SeqCst) < total {
            discovery_during_burst += 1;
        }
    }
    assert!(
        discovery_during_burst > 0,
        "discovery was asked during the burst"
    );
    let (mut busy, mut page_busy) = (0, 0);
    for (page_lang, task) in tasks {
        let a = task.await.unwrap();
        match (page_lang, a.status) {
            (None, 200) | (Some(_), 303) => {}
            (_, 503) => {
                busy += 1;
                let seconds = a
                    .retry_after
                    .as_deref()
                    .unwrap_or_else(|| panic!("no Retry-After: {}", a.body));
                assert!(seconds.parse::<u64>().is_ok_and(|n| n > 0), "{seconds}");
                match page_lang {
                    Some(lang) => {
                        page_busy += 1;
                        let text = match lang {
                            "de" => "Der Server ist gerade ausgelastet.",
                            _ => "The server is busy. Try again in a few seconds.",
                        };
                        assert!(a.body.contains(text), "{}", a.body);
                    }
                    None => assert_eq!(a.json()["error"], "temporarily_unavailable"),
                }
            }
            (_, status) => panic!("unexpected {status}: {}", a.body),
        }
    }
    assert!(busy > 0, "some sign-ins were told the server is busy");
    assert!(page_busy > 0, "the sign-in page says it plainly");
    // Refused for being busy, nothing was checked: nothing counts.
    let counted: Vec<i32> = app
        .idp
        .db
        .read(|conn| {
            use idp_core::db::schema::login_throttle as t;
            t::table
                .select(t::failures)
                .load(conn)
                .map_err(StoreError::from)
        })
        .unwrap();
    assert!(counted.iter().all(|n| *n == 0), "{counted:?}");
}

for_both_backends!(a_burst_beyond_the_argon2_queue_is_told_to_come_back);

on_both_databases! {
    async fn parallel_wrong_client_secrets_are_checked_no_more_often_than_the_limit(app) {
        let (id, secret) = crate::oauth_helpers::service_client(&app, "svc", &["reports"]);
        // An app that authenticates correctly again and again is never locked.
        for _ in 0..25 {
            let (status, body) = crate::oauth_helpers::client_credentials(&app, &id, &secret, None).await;
            assert_eq!(status, 200, "{body}");
        }
        // ...and costs no throttle counter (no database write, nor read).
        let counters: Vec<String> = app
            .idp
            .db
            .read(|conn| {
                use idp_core::db::schema::login_throttle as t;
                t::table.select(t::throttle_key).load(conn).map_err(StoreError::from)
            })
            .unwrap();
        assert!(counters.is_empty(), "{counters:?}");
        let tasks: Vec<_> = (0..40)
            .map(|n| {
                let request = reqwest::Client::new()
                    .post(app.url("/token"))
                    .basic_auth(&id, Some(format!("wrong-{n}")))
                    .form(&[("grant_type", "client_credentials")]);
                actix_web::rt::spawn(async move { answer(request.send().await.unwrap()).await })
            })
            .collect();
        let (mut checked, mut refused) = (0, 0);
        for task in tasks {
            let a = task.await.unwrap();
            assert_eq!(a.status, 401, "{}", a.body);
            assert_eq!(a.json()["error"], "invalid_client");
            match a.json()["error_description"].as_str().unwrap() {
                "client authentication failed" => checked += 1,
                d if d.starts_with("too many failed attempts") => refused += 1,
                d => panic!("{d}"),
            }
        }
        assert!(checked <= 20, "{checked} wrong secrets were checked, limit 20");
        assert_eq!(checked + refused, 40);
        // Locked for this caller now: a wrong secret is refused unchecked...
        let (status, body) = crate::oauth_helpers::client_credentials(&app, &id, "wrong-again", None).await;
        assert_eq!(status, 401, "{body}");
        assert!(body["error_description"].as_str().unwrap().starts_with("too many failed attempts"));
        // ...but the app holding the real secret (256 random bits, which no
        // guessing finds) is not locked out by whoever shares its address.
        let (status, body) = crate::oauth_helpers::client_credentials(&app, &id, &secret, None).await;
        assert_eq!(status, 200, "{body}");
    }
}
