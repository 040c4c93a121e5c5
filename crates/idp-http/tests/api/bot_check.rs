//! The robot check: a proof of work the browser solves, usable once.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

async fn with_bot_check(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |s| {
        s.bot_check = idp_core::config::Toggle::On;
        s.bot_check_difficulty = 8;
    })
    .await
}

async fn sign_up_needs_a_solved_single_use_challenge(backend: Backend) {
    let app = with_bot_check(backend).await;
    let client = browser();
    let (_, html) = app.page(&client, "/signup").await;
    assert!(html.contains("name=\"bot_challenge\"") && html.contains("/static/botcheck.js"));

    // Without the work: refused, nothing stored, nothing sent.
    let (status, body) = app
        .api(
            &client,
            Method::POST,
            "/api/v1/signup",
            Some(signup_json(None)),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "bot_check_failed");
    assert!(app.emails().is_empty());

    let (_, challenge) = app
        .api(&client, Method::GET, "/api/v1/bot-check/challenge", None)
        .await;
    assert_eq!(challenge["enabled"], true);
    let c = idp_core::botcheck::Challenge {
        challenge: challenge["challenge"].as_str().unwrap().to_owned(),
        difficulty: challenge["difficulty"].as_u64().unwrap() as u8,
    };
    let solution = idp_core::botcheck::solve(&c);
    let solved = Some((c.challenge.as_str(), solution.as_str()));
    let (status, body) = app
        .api(
            &client,
            Method::POST,
            "/api/v1/signup",
            Some(signup_json(solved)),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    // The same solution cannot be used twice.
    let (status, body) = app.api(&client, Method::POST, "/api/v1/password/reset",
        Some(json!({"email": "bot@example.com", "bot_challenge": c.challenge, "bot_solution": solution}))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("bot_check_failed"))
    );
    // A tampered challenge fails.
    let tampered = c.challenge.replacen(".8.", ".1.", 1);
    let (status, _) = app
        .api(
            &client,
            Method::POST,
            "/api/v1/password/reset",
            Some(
                json!({"email": "bot@example.com", "bot_challenge": tampered, "bot_solution": "1"}),
            ),
        )
        .await;
    assert_eq!(status, 400);
}

fn signup_json(bot: Option<(&str, &str)>) -> serde_json::Value {
    let mut body = json!({
        "email": "bot@example.com", "password": PASSWORD, "password_confirm": PASSWORD,
        "given_name": "Ro", "family_name": "Bot", "birthdate": "2000-01-01", "marketing_opt_in": false
    });
    if let Some((challenge, solution)) = bot {
        body["bot_challenge"] = json!(challenge);
        body["bot_solution"] = json!(solution);
    }
    body
}

crate::for_both_backends! {
    sign_up_needs_a_solved_single_use_challenge,
}
