//! Second factors (docs/mfa.md): setting up an authenticator app, the
//! second step at sign-in, recovery codes, replay and throttling, step-up
//! for an app asking `acr_values`, the operator's and organizations'
//! policies, and the operator's reset.

use chrono::{Duration, Utc};
use openidconnect::{
    AuthenticationContextClass, AuthenticationMethodReference, OAuth2TokenResponse, TokenResponse,
};
use reqwest::Method;
use serde_json::json;

use crate::admin_clients::{admin, admin_token};
use crate::helpers::*;
use crate::oidc_helpers::{account, open, web_app, Landing, Rp};
use crate::{for_both_backends, on_both_databases};

const MULTI: &str = "urn:idp:acr:multi-factor";
const SINGLE: &str = "urn:idp:acr:single-factor";

/// The key shown on a set-up page (grouped by four for people).
fn secret_in(html: &str) -> String {
    let start = html.find("class=\"secret\">").expect("a key on the page") + 15;
    let end = start + html[start..].find('<').unwrap();
    html[start..end].replace(' ', "")
}

/// The app's code `steps` time steps from now (one step is allowed ahead,
/// so a test need not wait 30 seconds for a code it has not used yet).
fn code(secret: &str, steps: i64) -> String {
    let at = Utc::now().naive_utc() + Duration::seconds(30 * steps);
    idp_core::second_factor::current_code(secret, at).unwrap()
}

/// The recovery codes on the page that shows them once.
fn recovery_codes_in(html: &str) -> Vec<String> {
    html.split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect()
}

/// Sets up the app from My Profile for a signed-in `browser`: its key and
/// the recovery codes shown.
async fn set_up_app(app: &TestApp, browser: &reqwest::Client) -> (String, Vec<String>) {
    let (status, html) = app.page(browser, "/account/security/app").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<svg"), "the QR code is drawn on the page");
    let secret = secret_in(&html);
    let r = app
        .submit(
            browser,
            "/account/security/app",
            "/account/security/app",
            &[("otp", &code(&secret, 0))],
        )
        .await;
    assert_eq!(r.status(), 200);
    let codes = recovery_codes_in(&r.text().await.unwrap());
    (secret, codes)
}

const STEP: &str = "/login/second-factor?return_to=%2Faccount";

/// Types `otp` on the second-factor page of `browser`.
async fn second_step(app: &TestApp, browser: &reqwest::Client, otp: &str) -> reqwest::Response {
    app.submit(browser, STEP, STEP, &[("otp", otp)]).await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

on_both_databases! {
    async fn an_app_once_set_up_is_asked_for_at_every_sign_in_and_a_code_works_once(app) {
        account(&app, "ada@example.com", false);
        let first = browser();
        assert_eq!(app.sign_in(&first, "ada@example.com", PASSWORD).await.status(), 303);
        // A wrong first code does not turn it on.
        let (_, html) = app.page(&first, "/account/security/app").await;
        let secret = secret_in(&html);
        let r = app.submit(&first, "/account/security/app", "/account/security/app", &[("otp", "000000")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("That code is wrong"));
        assert_eq!(secret_in(&app.page(&first, "/account/security/app").await.1), secret, "a reload keeps the key scanned");

        let (secret, codes) = set_up_app(&app, &first).await;
        assert_eq!(codes.len(), 10, "{codes:?}");
        assert_eq!(app.last_email_to("ada@example.com").await.subject, "A second factor was added to your account");
        let (_, html) = app.page(&first, "/account/security").await;
        assert!(html.contains("You have 10 recovery codes left."), "{html}");

        // The password alone opens nothing now.
        let second = browser();
        let r = app.sign_in(&second, "ada@example.com", PASSWORD).await;
        assert_eq!(location(&r), "/login/second-factor?return_to=%2Faccount");
        assert_eq!(app.page(&second, "/account").await.0, 303, "not signed in yet");
        let (status, _) = app.api(&second, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(status, 401);
        let next = code(&secret, 1);
        let r = second_step(&app, &second, &next).await;
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/account".into()));
        assert_eq!(app.page(&second, "/account").await.0, 200);

        // The same code again, even from another browser with the password: refused.
        let third = browser();
        app.sign_in(&third, "ada@example.com", PASSWORD).await;
        let r = second_step(&app, &third, &next).await;
        assert_eq!(r.status(), 422, "a code is good once");
        // A recovery code, typed however, works once and the person is told.
        let r = second_step(&app, &third, &codes[0].to_uppercase().replace('-', " ")).await;
        assert_eq!(r.status(), 303);
        let mail = app.last_email_to("ada@example.com").await;
        assert_eq!(mail.subject, "A recovery code was used");
        assert!(mail.text.contains("You have 9 codes left."), "{}", mail.text);
        let fourth = browser();
        app.sign_in(&fourth, "ada@example.com", PASSWORD).await;
        assert_eq!(second_step(&app, &fourth, &codes[0]).await.status(), 422);
    }

    async fn wrong_codes_lock_the_second_step_like_passwords(app) {
        account(&app, "bo@example.com", false);
        let owner = browser();
        app.sign_in(&owner, "bo@example.com", PASSWORD).await;
        let (secret, _) = set_up_app(&app, &owner).await;
        let thief = browser();
        app.sign_in(&thief, "bo@example.com", PASSWORD).await;
        for guess in ["111111", "222222", "333333", "444444", "555555"] {
            if guess != code(&secret, 0) && guess != code(&secret, 1) && guess != code(&secret, -1) {
                assert_eq!(second_step(&app, &thief, guess).await.status(), 422);
            } else {
                assert_eq!(second_step(&app, &thief, "999999x").await.status(), 422);
            }
        }
        let r = second_step(&app, &thief, &code(&secret, 1)).await;
        assert_eq!(r.status(), 429, "locked, even with the right code");
        assert!(r.text().await.unwrap().contains("Too many failed attempts"));
    }

    async fn an_app_asking_for_multi_factor_steps_the_session_up_and_says_so_in_the_id_token(app) {
        account(&app, "cy@example.com", false);
        let rp = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        app.sign_in(&browser, "cy@example.com", PASSWORD).await;

        // A password is enough when nothing more is asked.
        let started = rp.start();
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        let tokens = rp.redeem(&callback, &started).await.unwrap();
        let claims = rp.verify(&tokens, &started.nonce);
        assert_eq!(claims.auth_context_ref(), Some(&AuthenticationContextClass::new(SINGLE.into())));
        assert_eq!(claims.auth_method_refs(), Some(&vec![AuthenticationMethodReference::new("pwd".into())]));

        // prompt=none cannot step up.
        let started = rp.start_with(|r| {
            r.add_auth_context_value(AuthenticationContextClass::new(MULTI.into()))
                .add_prompt(openidconnect::core::CoreAuthPrompt::None)
        });
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        assert_eq!(callback.error(), Some("interaction_required"));

        // Asked for multi-factor: the person, who has no factor yet, sets one
        // up on the way, with no password asked again.
        let started = rp.start_with(|r| r.add_auth_context_value(AuthenticationContextClass::new(MULTI.into())));
        let step = match open(&app.address, &browser, started.url.as_str()).await {
            Landing::SignIn(path) => path,
            other => panic!("expected the second-factor page, got {other:?}"),
        };
        assert!(step.starts_with("/login/second-factor?return_to=%2Fauthorize"), "{step}");
        let (status, html) = app.page(&browser, &step).await;
        assert_eq!(status, 200);
        let secret = secret_in(&html);
        let setup = step.replace("/login/second-factor?", "/login/second-factor/setup?");
        let r = app.submit(&browser, &step, &setup, &[("otp", &code(&secret, 0))]).await;
        assert_eq!(r.status(), 200, "the recovery codes, once");
        let html = r.text().await.unwrap();
        assert_eq!(recovery_codes_in(&html).len(), 10);
        let onward = html.split("href=\"").find(|s| s.starts_with("/authorize")).unwrap();
        let onward = onward.split('"').next().unwrap().replace("&amp;", "&");
        let callback = open(&app.address, &browser, &app.url(&onward)).await.callback();
        let tokens = rp.redeem(&callback, &started).await.unwrap();
        let claims = rp.verify(&tokens, &started.nonce);
        assert_eq!(claims.auth_context_ref(), Some(&AuthenticationContextClass::new(MULTI.into())));
        let methods: Vec<String> = claims.auth_method_refs().unwrap().iter().map(|m| m.to_string()).collect();
        assert_eq!(methods, ["pwd", "otp", "mfa"]);
        // A refreshed ID token tells of the same sign-in.
        let refreshed = rp
            .oidc
            .exchange_refresh_token(tokens.refresh_token().unwrap())
            .unwrap()
            .request_async(&rp.http)
            .await
            .unwrap();
        let again = rp.verify_refreshed(refreshed.id_token().unwrap());
        assert_eq!(again.auth_context_ref(), claims.auth_context_ref());
        assert_eq!(again.auth_method_refs(), claims.auth_method_refs());

        // The session is multi-factor now: the next request goes straight through.
        let started = rp.start_with(|r| r.add_auth_context_value(AuthenticationContextClass::new(MULTI.into())));
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        let claims = rp.verify(&rp.redeem(&callback, &started).await.unwrap(), &started.nonce);
        assert_eq!(claims.auth_context_ref(), Some(&AuthenticationContextClass::new(MULTI.into())));

        // Discovery says which values idp knows.
        let (_, discovery) = app.api(&crate::helpers::browser(), Method::GET, "/.well-known/openid-configuration", None).await;
        assert_eq!(discovery["acr_values_supported"], json!([SINGLE, MULTI]));
    }

    async fn a_consent_given_on_a_stronger_session_does_not_count_on_a_weaker_one(app) {
        let id = account(&app, "di@example.com", false);
        let mut new = web_app("Forum");
        new.skip_consent = false;
        let rp = Rp::register(&app, new).await;
        let browser = browser();
        app.sign_in(&browser, "di@example.com", PASSWORD).await;
        set_up_app(&app, &browser).await;
        // The app asks for multi-factor; the session has it; consent is asked.
        let strong = rp.start_with(|r| r.add_auth_context_value(AuthenticationContextClass::new(MULTI.into())));
        let html = open(&app.address, &browser, strong.url.as_str()).await.consent_page();
        let mut form = crate::oidc_helpers::hidden_fields(&html, "/authorize/consent");
        // Before answering, the factors go (an operator's reset) and the
        // person signs in again in this browser with the password alone.
        let token = admin_token(&app).await;
        admin(&app, &token, Method::DELETE, &format!("/admin/users/{id}/second-factors"), None).await;
        assert_eq!(location(&app.sign_in(&browser, "di@example.com", PASSWORD).await), "/account");
        // The form still names the pending request; a fresh CSRF token rides it.
        let fresh = csrf_in(&app.page(&browser, "/account").await.1);
        form.retain(|(k, _)| k != "csrf_token");
        form.push(("csrf_token".into(), fresh));
        form.push(("decision".into(), "allow".into()));
        let r = browser.post(app.url("/authorize/consent")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let went = location(&r);
        assert!(went.starts_with("/login/second-factor"), "no code for a single factor: {went}");
    }

    async fn an_organization_requires_a_second_factor_of_its_members_and_branches(app) {
        let portal = crate::org_helpers::portal(&app);
        let boss = crate::org_helpers::person(&app, &portal, "boss@example.com").await;
        let worker = crate::org_helpers::person(&app, &portal, "worker@example.com").await;
        let top = crate::org_helpers::company(&app, &boss, "Acme").await;
        let branch = crate::org_helpers::branch(&app, &boss, &top, "Acme East").await;
        crate::org_helpers::join(&app, &boss, &branch, &worker, "member").await;
        let (status, body) = crate::org_helpers::call(&app, &worker, Method::PUT,
            &format!("/organizations/{branch}/second-factor"), Some(json!({"required": true}))).await;
        assert_eq!(status, 403, "members cannot: {body}");
        let (status, body) = crate::org_helpers::call(&app, &boss, Method::PUT,
            &format!("/organizations/{top}/second-factor"), Some(json!({"required": true}))).await;
        assert_eq!((status, &body["require_second_factor"]), (200, &json!(true)), "{body}");
        let again = browser();
        let r = app.sign_in(&again, "worker@example.com", PASSWORD).await;
        assert_eq!(location(&r), "/login/second-factor?return_to=%2Faccount", "a branch's member too");
        let (status, body) = app.api(&browser(), Method::POST, "/api/v1/session",
            Some(json!({"email": "worker@example.com", "password": PASSWORD}))).await;
        assert_eq!((status, &body["error"]), (403, &json!("second_factor_required")));

        // Its administrator turns the rule off on My Company.
        let company = format!("/company?org={top}");
        let (_, html) = app.page(&boss.browser, &company).await;
        assert!(html.contains("sign in with a second factor"), "{html}");
        let r = app.submit(&boss.browser, &company, "/company/do",
            &[("action", "allow_single_factor"), ("org", &top)]).await;
        assert_eq!(location(&r), format!("{company}&notice=second_factor_optional"));
        let r = app.sign_in(&crate::helpers::browser(), "worker@example.com", PASSWORD).await;
        assert_eq!(location(&r), "/account");
    }

    async fn changing_factors_needs_a_recent_sign_in_and_tells_the_person(app) {
        let id = account(&app, "eve@example.com", false);
        let browser = browser();
        app.sign_in(&browser, "eve@example.com", PASSWORD).await;
        let (secret, _) = set_up_app(&app, &browser).await;
        // An hour later the same session may use idp but not change factors.
        app.idp.db.write(|conn| {
            use diesel::prelude::*;
            use idp_core::db::schema::sessions as s;
            diesel::update(s::table.filter(s::account_id.eq(&id)))
                .set(s::auth_time.eq(Utc::now().naive_utc() - Duration::hours(1)))
                .execute(conn).map_err(idp_core::db::StoreError::from)
        }).unwrap();
        let r = app.submit(&browser, "/account/security", "/account/security/app/remove", &[]).await;
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("sign in again"));
        let r = app.submit(&browser, "/account/security", "/account/security/recovery-codes", &[]).await;
        assert_eq!(r.status(), 403);

        // Signed in afresh (with the app), the person removes it and is told.
        app.sign_in(&browser, "eve@example.com", PASSWORD).await;
        assert_eq!(second_step(&app, &browser, &code(&secret, 1)).await.status(), 303);
        let r = app.submit(&browser, "/account/security", "/account/security/recovery-codes", &[]).await;
        assert_eq!(recovery_codes_in(&r.text().await.unwrap()).len(), 10);
        assert_eq!(app.last_email_to("eve@example.com").await.subject, "New recovery codes were made");
        let r = app.submit(&browser, "/account/security", "/account/security/app/remove", &[]).await;
        assert_eq!(location(&r), "/account/security?notice=app_removed");
        assert_eq!(app.last_email_to("eve@example.com").await.subject, "A second factor was removed from your account");
        assert_eq!(location(&app.sign_in(&crate::helpers::browser(), "eve@example.com", PASSWORD).await), "/account");
    }

    async fn an_operator_resets_the_factors_of_someone_who_lost_them(app) {
        let id = account(&app, "fay@example.com", false);
        let phone = browser();
        app.sign_in(&phone, "fay@example.com", PASSWORD).await;
        let (secret, _) = set_up_app(&app, &phone).await;
        let token = admin_token(&app).await;
        let (status, _) = admin(&app, &token, Method::DELETE, &format!("/admin/users/{id}/second-factors"), None).await;
        assert_eq!(status, 204);
        assert_eq!(app.page(&phone, "/account").await.0, 303, "every session ended");
        assert_eq!(app.last_email_to("fay@example.com").await.subject, "Your second factor was removed");
        assert_eq!(location(&app.sign_in(&phone, "fay@example.com", PASSWORD).await), "/account");
        // The old app's codes mean nothing now.
        let (status, _) = app.api(&phone, Method::POST, "/api/v1/session/second-factor",
            Some(json!({"otp": code(&secret, 1)}))).await;
        assert_eq!(status, 422);
        let (status, _) = admin(&app, &token, Method::DELETE, "/admin/users/nobody/second-factors", None).await;
        assert_eq!(status, 404);
    }

    async fn the_json_api_signs_in_in_two_steps(app) {
        account(&app, "gil@example.com", false);
        let phone = browser();
        app.sign_in(&phone, "gil@example.com", PASSWORD).await;
        let (secret, _) = set_up_app(&app, &phone).await;
        let client = browser();
        let (status, body) = app.api(&client, Method::POST, "/api/v1/session",
            Some(json!({"email": "gil@example.com", "password": PASSWORD}))).await;
        assert_eq!((status, &body["error"]), (403, &json!("second_factor_required")), "{body}");
        let (status, _) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(status, 401, "not signed in yet");
        let (status, body) = app.api(&client, Method::POST, "/api/v1/session/second-factor",
            Some(json!({"otp": "12345"}))).await;
        assert_eq!((status, &body["fields"][0]["field"]), (422, &json!("otp")), "{body}");
        let (status, body) = app.api(&client, Method::POST, "/api/v1/session/second-factor",
            Some(json!({"otp": code(&secret, 1)}))).await;
        assert_eq!((status, &body["email"]), (200, &json!("gil@example.com")), "{body}");
        let (status, _) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(status, 200);
        let (status, _) = app.api(&browser(), Method::POST, "/api/v1/session/second-factor",
            Some(json!({"otp": "123456"}))).await;
        assert_eq!(status, 401, "no session to finish");
    }
}

async fn the_operator_requires_a_second_factor_of_administrators(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.second_factor.require = idp_core::config::SecondFactorRequirement::Admins;
    })
    .await;
    account(&app, "root@example.com", true);
    account(&app, "user@example.com", false);
    let user = browser();
    assert_eq!(
        location(&app.sign_in(&user, "user@example.com", PASSWORD).await),
        "/account"
    );
    let admin_browser = browser();
    let r = app
        .sign_in(&admin_browser, "root@example.com", PASSWORD)
        .await;
    assert_eq!(location(&r), "/login/second-factor?return_to=%2Faccount");
    // With nothing set up, the step is setting the app up.
    let (_, html) = app.page(&admin_browser, STEP).await;
    let secret = secret_in(&html);
    let r = app
        .submit(
            &admin_browser,
            STEP,
            "/login/second-factor/setup?return_to=%2Faccount",
            &[("otp", &code(&secret, 0))],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.page(&admin_browser, "/account").await.0, 200);
    let (_, html) = app.page(&admin_browser, "/account/security").await;
    assert!(
        html.contains("Your account must use a second factor."),
        "{html}"
    );
}

for_both_backends!(the_operator_requires_a_second_factor_of_administrators);

/// A passkey step's JSON call from `browser`, with the page's CSRF token.
async fn passkey_call(
    app: &TestApp,
    browser: &reqwest::Client,
    step: &str,
    csrf: Option<&str>,
) -> (u16, serde_json::Value) {
    let token = match csrf {
        Some(t) => t.to_owned(),
        None => csrf_in(&app.page(browser, "/login").await.1),
    };
    let r = browser
        .post(app.url(&format!("/passkeys/{step}")))
        .json(&json!({"csrf_token": token, "ceremony": "x", "credential": {}, "name": "Laptop"}))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

on_both_databases! {
    async fn passkeys_keep_the_rules_of_every_factor(app) {
        account(&app, "hal@example.com", false);
        let owner = browser();
        app.sign_in(&owner, "hal@example.com", PASSWORD).await;
        set_up_app(&app, &owner).await;

        // Someone with the password only (the app not proved yet) cannot add
        // a passkey to get around it.
        let thief = browser();
        app.sign_in(&thief, "hal@example.com", PASSWORD).await;
        let (status, body) = passkey_call(&app, &thief, "add/start", None).await;
        assert_eq!((status, &body["error"]), (409, &json!("second_factor_exists")), "{body}");
        let (status, _) = passkey_call(&app, &thief, "add/finish", None).await;
        assert_eq!(status, 409);
        // Nor with a forged or missing token, nor with no session at all.
        let (status, body) = passkey_call(&app, &owner, "add/start", Some("forged")).await;
        assert_eq!((status, &body["error"]), (403, &json!("csrf_failed")));
        let (status, _) = passkey_call(&app, &browser(), "add/start", None).await;
        assert_eq!(status, 401);
        let (status, _) = passkey_call(&app, &browser(), "verify/start", None).await;
        assert_eq!(status, 401);

        // The owner's complete session passes the rules; this test server's
        // issuer is an IP address, which cannot hold passkeys: it says so.
        let (status, body) = passkey_call(&app, &owner, "add/start", None).await;
        assert_eq!((status, &body["error"]), (404, &json!("passkeys_unavailable")), "{body}");
        let (status, body) = passkey_call(&app, &browser(), "sign-in/finish", None).await;
        assert_eq!((status, &body["error"]), (404, &json!("passkeys_unavailable")), "{body}");
        let (_, html) = app.page(&browser(), "/login").await;
        assert!(!html.contains("data-passkey"), "no passkey button where passkeys cannot work");
    }
}
