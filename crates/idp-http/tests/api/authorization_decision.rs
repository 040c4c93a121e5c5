//! The authorization decision cannot be steered from the browser: a forced
//! sign-in (`prompt=login`, `max_age`) needs a sign-in after the app's
//! request, and the consent form grants exactly what the app asked for, to
//! whom the rules allow, whatever the posted fields say.

use std::time::Duration;

use idp_core::clients::NewClient;
use openidconnect::core::CoreAuthPrompt;
use serde_json::Value;

use crate::helpers::*;
use crate::oauth_helpers::*;
use crate::oidc_helpers::{decide, hidden_fields, open, person, sign_in_at, web_app, Landing, Rp};
use crate::on_both_databases;

/// An app that asks for consent and may request `admin`.
fn portal(app: &TestApp) -> (String, String) {
    let created = app
        .idp
        .create_client(&NewClient {
            name: "Partner Portal".into(),
            redirect_uris: vec![REDIRECT_URI.into()],
            scopes: ["openid", "email", "admin"].map(String::from).to_vec(),
            ..NewClient::default()
        })
        .expect("client created");
    (created.client.client_id, created.secret.expect("a secret"))
}

/// The authorization request's own parameters, as a hand-made consent form
/// would carry them.
fn request_fields<'a>(
    client_id: &'a str,
    scope: &'a str,
    pkce: &'a Pkce,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT_URI),
        ("scope", scope),
        ("state", "st4te"),
        ("code_challenge", &pkce.challenge),
        ("code_challenge_method", "S256"),
    ]
}

/// A CSRF token this browser may use on a form now.
async fn form_token(app: &TestApp, browser: &reqwest::Client) -> String {
    csrf_in(&app.page(browser, "/account").await.1)
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

on_both_databases! {
    async fn a_typed_auth_after_does_not_skip_a_forced_sign_in(app) {
        let (client_id, _) = crate::oauth_helpers::web_app(&app, "Shop", &["openid"]);
        let (_, browser) = signed_in_person(&app, "ada@example.com", false).await;
        actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
        let pkce = Pkce::new("shop");
        for forced in [[("prompt", "login"), ("auth_after", "0")], [("max_age", "0"), ("auth_after", "0")]] {
            let url = authorize_url(&app, &client_id, "openid", Some(&pkce), &forced);
            let r = browser.get(url).send().await.unwrap();
            let to = location(&r);
            assert!(!to.contains("code="), "{forced:?} gave a code without a new sign-in: {to}");
            assert!(to.starts_with("/login?"), "{forced:?}: sent to sign in again, not {to}");
        }
    }

    async fn the_consent_form_cannot_skip_a_forced_sign_in(app) {
        let (client_id, _) = portal(&app);
        let (_, browser) = signed_in_person(&app, "ada@example.com", false).await;
        actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
        let pkce = Pkce::new("portal");
        for forced in [("prompt", "login"), ("max_age", "0")] {
            let token = form_token(&app, &browser).await;
            let mut form = request_fields(&client_id, "openid", &pkce);
            form.extend([forced, ("decision", "allow"), ("csrf_token", &token)]);
            let r = browser.post(app.url("/authorize/consent")).form(&form).send().await.unwrap();
            let to = location(&r);
            assert!(!to.contains("code="), "a hand-posted consent with {forced:?} gave a code: {to}");
        }
    }

    async fn a_forced_sign_in_then_consent_gives_a_fresh_code(app) {
        person(&app, "ada@example.com");
        let portal = Rp::register(&app, NewClient {
            skip_consent: false,
            ..web_app("Portal")
        }).await;
        let browser = browser();
        // A first sign-in, consent given.
        let started = portal.start();
        let login = open(&app.address, &browser, started.url.as_str()).await.sign_in_path();
        let consent = sign_in_at(&app.address, &browser, &login, "ada@example.com").await.consent_page();
        let callback = decide(&app.address, &browser, &consent, "allow").await.callback();
        let first = portal.verify(&portal.redeem(&callback, &started).await.unwrap(), &started.nonce);
        actix_web::rt::time::sleep(Duration::from_millis(1100)).await;

        // prompt=login and prompt=consent: sign in again, then the consent page, then a code.
        let started = portal.start_with(|r| r.add_prompt(CoreAuthPrompt::Login).add_prompt(CoreAuthPrompt::Consent));
        let login = open(&app.address, &browser, started.url.as_str()).await.sign_in_path();
        let consent = sign_in_at(&app.address, &browser, &login, "ada@example.com").await.consent_page();
        let callback = decide(&app.address, &browser, &consent, "allow").await.callback();
        callback.assert_from(&app.address, &started);
        let again = portal.verify(&portal.redeem(&callback, &started).await.unwrap(), &started.nonce);
        assert!(again.auth_time() > first.auth_time(), "the code carries the new sign-in");

        // The consent form works once: posting it again gives no second code.
        let mut form = hidden_fields(&consent, "/authorize/consent");
        form.push(("decision".into(), "allow".into()));
        let r = browser.post(app.url("/authorize/consent")).form(&form).send().await.unwrap();
        assert!(!location(&r).contains("code="), "a replayed consent form gave a code");
    }

    async fn a_hand_posted_consent_form_cannot_grant_admin_to_a_non_administrator(app) {
        let (client_id, secret) = portal(&app);
        let (_, browser) = signed_in_person(&app, "ada@example.com", false).await;
        let pkce = Pkce::new("portal");

        // Without any consent page at all.
        let token = form_token(&app, &browser).await;
        let mut form = request_fields(&client_id, "openid admin", &pkce);
        form.extend([("decision", "allow"), ("csrf_token", &token)]);
        let r = browser.post(app.url("/authorize/consent")).form(&form).send().await.unwrap();
        let to = location(&r);
        assert!(!to.contains("code="), "a consent form posted by hand gave a code: {to}");

        // With the consent page of a request for `openid`, the form edited to ask for more.
        let r = browser.get(authorize_url(&app, &client_id, "openid", Some(&pkce), &[])).send().await.unwrap();
        assert_eq!(r.status(), 200, "the consent page");
        let html = r.text().await.unwrap();
        let mut form: Vec<(String, String)> = hidden_fields(&html, "/authorize/consent")
            .into_iter()
            .filter(|(name, _)| name != "scope")
            .collect();
        form.extend(request_fields(&client_id, "openid admin", &pkce).into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())));
        form.push(("decision".into(), "allow".into()));
        let r = browser.post(app.url("/authorize/consent")).form(&form).send().await.unwrap();
        let to = location(&r);
        let code = query_param(&to, "code").unwrap_or_else(|| panic!("the request itself is allowed: {to}"));
        let tokens = exchange_code(&app, (&client_id, Some(&secret)), &code, &pkce).await;
        assert_eq!(tokens["scope"], "openid", "{tokens}");
        let (_, _, introspected) = post_form(&app, "/introspect", Some((&client_id, &secret)),
            &[("token", tokens["access_token"].as_str().unwrap())]).await;
        assert_eq!(introspected["scope"], "openid", "{introspected}");
    }

    async fn an_administrator_gets_admin_through_the_consent_page(app) {
        let (client_id, secret) = portal(&app);
        let (_, browser) = signed_in_person(&app, "root@example.com", true).await;
        let pkce = Pkce::new("portal");
        let r = browser.get(authorize_url(&app, &client_id, "openid admin", Some(&pkce), &[])).send().await.unwrap();
        assert_eq!(r.status(), 200, "the consent page");
        let html = r.text().await.unwrap();
        let code = match decide(&app.address, &browser, &html, "allow").await {
            Landing::App(callback) => callback.code().to_owned(),
            other => panic!("expected a code, got {other:?}"),
        };
        let tokens: Value = exchange_code(&app, (&client_id, Some(&secret)), &code, &pkce).await;
        assert_eq!(tokens["scope"], "openid admin", "{tokens}");
    }

    async fn a_non_administrator_asking_for_admin_is_denied_before_any_consent(app) {
        let (client_id, _) = portal(&app);
        let (_, browser) = signed_in_person(&app, "ada@example.com", false).await;
        let pkce = Pkce::new("portal");
        let r = browser.get(authorize_url(&app, &client_id, "openid admin", Some(&pkce), &[])).send().await.unwrap();
        let to = location(&r);
        assert_eq!(query_param(&to, "error").as_deref(), Some("access_denied"), "{to}");
    }

    async fn an_app_opening_several_requests_at_once_gets_a_code_for_each(app) {
        let (client_id, _) = crate::oauth_helpers::web_app(&app, "Shop", &["openid"]);
        let (_, browser) = signed_in_person(&app, "ada@example.com", false).await;
        let pkce = Pkce::new("shop");
        let url = authorize_url(&app, &client_id, "openid", Some(&pkce), &[]);
        let answers = futures_util::future::join_all(
            (0..32).map(|_| browser.get(url.clone()).send()),
        ).await;
        for answer in answers {
            let to = location(&answer.unwrap());
            assert!(query_param(&to, "code").is_some(), "{to}");
        }
    }
}
