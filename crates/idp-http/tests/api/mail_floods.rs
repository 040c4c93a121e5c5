//! Mail floods: requests that make idp write to an address (email change,
//! password reset, verification resend) are limited per account and per
//! address, and a limited request is answered exactly like the others.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;

fn limits() -> (usize, usize) {
    let email = idp_core::config::EmailSettings::default();
    let n = |v: i64| usize::try_from(v).unwrap();
    (
        n(email.max_per_address_per_hour),
        n(email.max_per_account_per_hour),
    )
}

async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = app.signed_up_and_verified(email, PASSWORD).await;
    assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 303);
    client
}

/// Sends `n` copies of one API call at once and returns every answer.
async fn burst(
    app: &TestApp,
    client: &reqwest::Client,
    n: usize,
    path: &str,
    body: Value,
) -> Vec<(u16, Value)> {
    join_all((0..n).map(|_| app.api(client, Method::POST, path, Some(body.clone())))).await
}

fn all_alike(answers: &[(u16, Value)], expected: &(u16, Value)) {
    for answer in answers {
        assert_eq!(answer, expected, "every answer is the same");
    }
}

fn subjects_to(app: &TestApp, to: &str, subject: &str) -> usize {
    app.emails_to(to)
        .iter()
        .filter(|m| m.subject == subject)
        .count()
}

on_both_databases! {
    async fn many_accounts_aiming_at_one_address_share_its_limit(app) {
        for i in 0..4 {
            let client = signed_in(&app, &format!("ring{i}@example.com")).await;
            let body = json!({"new_email": "target@example.com", "current_password": PASSWORD});
            let answers = burst(&app, &client, 2, "/api/v1/profile/email", body).await;
            all_alike(&answers, &(202, json!({"status": "check_email"})));
        }
        let links = subjects_to(&app, "target@example.com", "Confirm your new email address");
        assert_eq!(links, limits().0, "four accounts, two requests each, one address");
    }

    async fn one_account_cannot_spray_many_addresses(app) {
        let client = signed_in(&app, "sprayer@example.com").await;
        for i in 0..12 {
            let body = json!({"new_email": format!("spray{i}@example.com"), "current_password": PASSWORD});
            let (status, body) = app.api(&client, Method::POST, "/api/v1/profile/email", Some(body)).await;
            assert_eq!((status, body), (202, json!({"status": "check_email"})));
        }
        let links = app.emails().iter().filter(|m| m.subject == "Confirm your new email address").count();
        assert_eq!(links, limits().1, "twelve addresses, one account");
    }

    async fn twelve_reset_requests_send_at_most_the_limit_of_codes(app) {
        let _ = app.signed_up_and_verified("forgetful@example.com", PASSWORD).await;
        let body = json!({"email": "forgetful@example.com"});
        let answers = burst(&app, &browser(), 12, "/api/v1/password/reset", body).await;
        all_alike(&answers, &(202, json!({"status": "check_email"})));
        let unknown = app.api(&browser(), Method::POST, "/api/v1/password/reset",
            Some(json!({"email": "nobody@example.com"}))).await;
        assert_eq!(unknown, answers[0], "an unknown address is answered alike");
        let codes = subjects_to(&app, "forgetful@example.com", "Your password reset code");
        assert_eq!(codes, limits().0, "twelve requests, one address");
    }

    async fn twelve_resends_send_at_most_the_limit_of_links(app) {
        let r = app.submit(&browser(), "/signup", "/signup", &signup_fields("slowpoke@example.com", PASSWORD)).await;
        assert_eq!(r.status(), 200);
        let body = json!({"email": "slowpoke@example.com"});
        let answers = burst(&app, &browser(), 12, "/api/v1/email/verify/resend", body).await;
        all_alike(&answers, &(202, json!({"status": "check_email"})));
        let links = subjects_to(&app, "slowpoke@example.com", "Activate your account");
        assert_eq!(links, limits().0, "the sign-up link and twelve resends");
    }
}

/// Twelve email changes at once each check the current password, and the
/// password throttle lets only 5 checks of one account run at a time: these
/// tests raise it to see the mail limit alone.
async fn burst_app(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |s| s.throttle.max_failures_per_account = 100).await
}

async fn twelve_email_changes_to_one_address_send_at_most_the_limit(backend: Backend) {
    let app = burst_app(backend).await;
    let client = signed_in(&app, "flooder@example.com").await;
    let body = json!({"new_email": "victim@example.com", "current_password": PASSWORD});
    let answers = burst(&app, &client, 12, "/api/v1/profile/email", body).await;
    all_alike(&answers, &(202, json!({"status": "check_email"})));
    let links = subjects_to(&app, "victim@example.com", "Confirm your new email address");
    assert_eq!(links, limits().0, "twelve requests, one new address");
    let notices = subjects_to(
        &app,
        "flooder@example.com",
        "Your email address is about to change",
    );
    assert_eq!(
        notices, links,
        "one notice to the old address per request that went through"
    );
}

async fn an_address_that_has_an_account_is_not_flooded_either(backend: Backend) {
    let app = burst_app(backend).await;
    let _ = app
        .signed_up_and_verified("owner@example.com", PASSWORD)
        .await;
    let client = signed_in(&app, "mover@example.com").await;
    let body = json!({"new_email": "owner@example.com", "current_password": PASSWORD});
    let answers = burst(&app, &client, 12, "/api/v1/profile/email", body).await;
    all_alike(&answers, &(202, json!({"status": "check_email"})));
    let warnings = subjects_to(
        &app,
        "owner@example.com",
        "Someone tried to use your address",
    );
    assert_eq!(warnings, limits().0, "twelve requests, one owner");
}

crate::for_both_backends! {
    twelve_email_changes_to_one_address_send_at_most_the_limit,
    an_address_that_has_an_account_is_not_flooded_either,
}
