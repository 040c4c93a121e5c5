//! Login CSRF and its relatives: forms and the cookie-authenticated API
//! refuse requests another site made the browser send, a CSRF cookie that
//! someone planted gives them no token once the person is signed in, and
//! with an `https` issuer the cookies cannot be planted at all.

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::oauth_helpers::signed_in_person;
use crate::oidc_helpers::person;
use crate::on_both_databases;

const EVIL: &str = "https://evil.example";

/// The value of cookie `name` among the response's `Set-Cookie` headers.
fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(SET_COOKIE).iter().find_map(|h| {
        let h = h.to_str().ok()?;
        let value = h.strip_prefix(&format!("{name}="))?;
        Some(value.split(';').next().unwrap_or_default().to_owned())
    })
}

/// Posts the sign-in form with a valid CSRF pair plus `headers`.
async fn post_sign_in(app: &TestApp, headers: &[(&str, &str)]) -> reqwest::Response {
    let client = browser();
    let token = csrf_in(&app.page(&client, "/login").await.1);
    let mut request = client.post(app.url("/login")).form(&[
        ("email", "ada@example.com"),
        ("password", PASSWORD),
        ("csrf_token", &token),
    ]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

on_both_databases! {
    async fn a_sign_in_form_sent_from_another_site_is_refused(app) {
        person(&app, "ada@example.com");
        for headers in [
            vec![("Origin", EVIL)],
            vec![("Sec-Fetch-Site", "cross-site")],
            vec![("Origin", "null")],
            vec![("Origin", EVIL), ("Sec-Fetch-Site", "same-site")],
        ] {
            let r = post_sign_in(&app, &headers).await;
            assert_eq!(r.status(), 403, "{headers:?}");
            assert!(set_cookie(r.headers(), "idp_session").is_none(), "{headers:?} signed the browser in");
            let html = r.text().await.unwrap();
            assert!(html.contains("sent from another site"), "{html}");
        }
        // The browser's own page, same origin: signed in.
        let own = app.address.clone();
        let r = post_sign_in(&app, &[("Origin", &own), ("Sec-Fetch-Site", "same-origin")]).await;
        assert_eq!(r.status(), 303);
        assert!(set_cookie(r.headers(), "idp_session").is_some());
        // Clients that send neither header (not a browser) need the CSRF pair as before.
        assert_eq!(post_sign_in(&app, &[]).await.status(), 303);
    }

    async fn the_cookie_api_refuses_calls_from_another_site(app) {
        person(&app, "ada@example.com");
        let client = browser();
        let token = app.api_csrf(&client).await;
        let r = client.post(app.url("/api/v1/session"))
            .header("X-CSRF-Token", &token)
            .header("Origin", EVIL)
            .json(&json!({"email": "ada@example.com", "password": PASSWORD}))
            .send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert!(set_cookie(r.headers(), "idp_session").is_none());
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "csrf_failed", "{body}");
        // Same origin works.
        let r = client.post(app.url("/api/v1/session"))
            .header("X-CSRF-Token", &token)
            .header("Origin", &app.address)
            .json(&json!({"email": "ada@example.com", "password": PASSWORD}))
            .send().await.unwrap();
        assert_eq!(r.status(), 200);
    }

    async fn the_server_to_server_endpoints_still_take_requests_from_anywhere(app) {
        let (id, secret) = crate::oauth_helpers::service_client(&app, "Reports", &["reports"]);
        let r = reqwest::Client::new().post(app.url("/token"))
            .basic_auth(&id, Some(&secret))
            .header("Origin", EVIL)
            .header("Sec-Fetch-Site", "cross-site")
            .form(&[("grant_type", "client_credentials"), ("scope", "reports")])
            .send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    async fn a_planted_csrf_cookie_yields_no_token_for_a_signed_in_browser(app) {
        person(&app, "ada@example.com");
        // The attacker gets a cookie value and its token from the server...
        let attacker = browser();
        let r = attacker.get(app.url("/login")).send().await.unwrap();
        let planted = set_cookie(r.headers(), "idp_csrf").expect("a CSRF cookie");
        let attacker_token = csrf_in(&r.text().await.unwrap());
        // ...and plants the cookie in the victim's browser (a sibling subdomain can).
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        jar.add_cookie_str(&format!("idp_csrf={planted}; Path=/"), &app.address.parse().unwrap());
        let victim = reqwest::Client::builder()
            .cookie_provider(jar)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        assert_eq!(app.sign_in(&victim, "ada@example.com", PASSWORD).await.status(), 303);
        // A form the attacker makes the signed-in victim send (no Origin: an old
        // browser, say) with the token made for the planted cookie is refused.
        let r = victim.post(app.url("/account/sessions/end-all"))
            .form(&[("csrf_token", attacker_token.as_str())])
            .send().await.unwrap();
        assert_eq!(r.status(), 403, "the planted cookie's token worked for a signed-in browser");
        let (status, body) = app.api(&victim, Method::GET, "/api/v1/sessions", None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["sessions"].as_array().unwrap().len(), 1, "still signed in");
    }

    async fn the_csrf_token_changes_at_sign_in(app) {
        person(&app, "ada@example.com");
        let client = browser();
        let before = csrf_in(&app.page(&client, "/login").await.1);
        assert_eq!(app.sign_in(&client, "ada@example.com", PASSWORD).await.status(), 303);
        let after = csrf_in(&app.page(&client, "/account").await.1);
        assert_ne!(before, after, "the token is bound to the new session");
        let r = client.post(app.url("/account/sessions/end-all"))
            .form(&[("csrf_token", before.as_str())])
            .send().await.unwrap();
        assert_eq!(r.status(), 403, "a token from before the sign-in still works");
        let r = client.post(app.url("/account/sessions/end-all"))
            .form(&[("csrf_token", after.as_str())])
            .send().await.unwrap();
        assert_eq!(r.status(), 303);
    }

    async fn an_apps_logout_post_from_its_site_asks_first_even_with_a_valid_pair(app) {
        let (_, browser) = signed_in_person(&app, "ada@example.com", false).await;
        let token = csrf_in(&app.page(&browser, "/account").await.1);
        let r = browser.post(app.url("/logout"))
            .header("Origin", EVIL)
            .form(&[("csrf_token", token.as_str())])
            .send().await.unwrap();
        assert_eq!(r.status(), 200, "the confirmation page");
        let (status, _) = app.api(&browser, Method::GET, "/api/v1/sessions", None).await;
        assert_eq!(status, 200, "still signed in");
    }
}

async fn cookies_are_host_only_and_secure_with_an_https_issuer(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.issuer = "https://id.example.com".into();
    })
    .await;
    person(&app, "ada@example.com");
    // The cookie store would not send Secure cookies over plain HTTP; carry them by hand.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client.get(app.url("/login")).send().await.unwrap();
    let all: Vec<String> = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|h| h.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(all.len(), 1, "{all:?}");
    let csrf = set_cookie(r.headers(), "__Host-idp_csrf").unwrap_or_else(|| panic!("{all:?}"));
    for attribute in ["Secure", "Path=/", "HttpOnly"] {
        assert!(all[0].contains(attribute), "{attribute} missing: {all:?}");
    }
    assert!(!all[0].contains("Domain"), "{all:?}");
    let token = csrf_in(&r.text().await.unwrap());
    // Signs in with the CSRF pair, the cookie sent under `name`.
    let sign_in = |name: &'static str| {
        client
            .post(app.url("/login"))
            .header("Cookie", format!("{name}={csrf}"))
            .form(&[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ])
            .send()
    };
    let r = sign_in("__Host-idp_csrf").await.unwrap();
    assert_eq!(r.status(), 303);
    let session: Vec<String> = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|h| h.to_str().unwrap().to_owned())
        .filter(|h| h.starts_with("__Host-idp_session="))
        .collect();
    assert_eq!(session.len(), 1, "{session:?}");
    for attribute in ["Secure", "Path=/", "HttpOnly", "SameSite=Lax"] {
        assert!(
            session[0].contains(attribute),
            "{attribute} missing: {session:?}"
        );
    }
    // A cookie without the prefix is not read (it could have been planted).
    assert_eq!(sign_in("idp_csrf").await.unwrap().status(), 403);
}

crate::for_both_backends! {
    cookies_are_host_only_and_secure_with_an_https_issuer,
}
