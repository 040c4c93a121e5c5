//! Back-channel logout: when a person signs out, the shop and the forum
//! they used in that session each receive a signed logout token.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use idp_core::clients::NewClient;
use openidconnect::core::CoreJsonWebKeySet;
use serde_json::Value;

use crate::helpers::*;
use crate::oauth_helpers::{code_flow, signed_in_person, REDIRECT_URI};
use crate::oidc_helpers::{discover, jwt_parts, verify_jwt_with};
use crate::on_both_databases;

/// A loopback HTTP endpoint that answers 200 and hands over each `logout_token`.
pub(crate) fn logout_receiver() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let token = url::form_urlencoded::parse(&body)
                .find(|(k, _)| k == "logout_token")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            let mut out = stream;
            let _ =
                out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = tx.send(token);
        }
    });
    (format!("http://127.0.0.1:{port}/backchannel-logout"), rx)
}

/// The keys an app receiving logout tokens trusts: those the issuer
/// publishes at the `jwks_uri` its discovery document names.
pub(crate) async fn published_keys(app: &TestApp) -> CoreJsonWebKeySet {
    discover(&app.address).await.jwks().clone()
}

/// Checks a logout token as the app receiving it must (OIDC Back-Channel
/// Logout 1.0 §2.4 and §2.6) and returns its claims: signed with a published
/// key, `typ` logout+jwt, from the issuer, for `audience`, issued just now
/// and not expired, with the logout event and a `sid`, and no `nonce`.
pub(crate) fn verified_logout_token(
    keys: &CoreJsonWebKeySet,
    app: &TestApp,
    audience: &str,
    token: &str,
) -> Value {
    let (header, claims) = verify_jwt_with(keys, token);
    assert_eq!(header["typ"], "logout+jwt", "{header}");
    assert_eq!(claims["iss"], app.address.as_str(), "{claims}");
    let aud = &claims["aud"];
    assert!(
        aud == audience
            || aud
                .as_array()
                .is_some_and(|a| a.iter().any(|v| v == audience)),
        "aud {aud} is not {audience}"
    );
    let now = unix_now();
    let iat = claims["iat"].as_i64().expect("iat is a number");
    assert!(
        (now - 60..=now + 5).contains(&iat),
        "iat {iat} is not now ({now})"
    );
    let exp = claims["exp"].as_i64().expect("exp is a number");
    assert!(exp > now && exp > iat, "exp {exp} has passed (now {now})");
    assert!(
        claims["jti"].as_str().is_some_and(|j| !j.is_empty()),
        "{claims}"
    );
    let events = claims["events"].as_object().expect("events is an object");
    assert!(
        events["http://schemas.openid.net/event/backchannel-logout"].is_object(),
        "{claims}"
    );
    assert!(
        claims["sid"].as_str().is_some_and(|s| !s.is_empty()),
        "{claims}"
    );
    assert!(
        claims.get("nonce").is_none(),
        "logout tokens carry no nonce"
    );
    claims
}

fn app_with_backchannel(app: &TestApp, name: &str, uri: &str) -> (String, String) {
    let created = app
        .idp
        .create_client(&NewClient {
            name: name.into(),
            redirect_uris: vec![REDIRECT_URI.into()],
            skip_consent: true,
            backchannel_logout_uri: Some(uri.into()),
            ..NewClient::default()
        })
        .expect("client created");
    (created.client.client_id, created.secret.unwrap())
}

on_both_databases! {
    async fn signing_out_tells_every_app_of_the_session(app) {
        let (uri, received) = logout_receiver();
        let shop = app_with_backchannel(&app, "Shop", &uri);
        let forum = app_with_backchannel(&app, "Forum", &uri);
        let (account_id, browser) = signed_in_person(&app, "both@example.com", false).await;
        code_flow(&app, &browser, (&shop.0, &shop.1), "openid").await.unwrap();
        code_flow(&app, &browser, (&forum.0, &forum.1), "openid").await.unwrap();
        let (_, sessions) = app.api(&browser, reqwest::Method::GET, "/api/v1/sessions", None).await;
        let session_id = sessions["sessions"][0]["id"].as_str().unwrap().to_owned();

        let r = app.submit(&browser, "/logout", "/logout", &[]).await;
        assert_eq!(r.status(), 303);
        let signed_out = Instant::now();

        let keys = published_keys(&app).await;
        let mut audiences = Vec::new();
        for _ in 0..2 {
            let token = received.recv_timeout(Duration::from_secs(10)).expect("a logout token arrived");
            let aud = jwt_parts(&token).1["aud"].as_str().expect("one audience").to_owned();
            assert!(aud == shop.0 || aud == forum.0, "a token for {aud}");
            let claims = verified_logout_token(&keys, &app, &aud, &token);
            assert_eq!(claims["sub"], account_id.as_str());
            assert_eq!(claims["sid"], session_id.as_str());
            audiences.push(aud);
        }
        audiences.sort();
        let mut expected = vec![shop.0.clone(), forum.0.clone()];
        expected.sort();
        assert_eq!(audiences, expected);

        // Each app is told once. What a sign-out sends is settled within the
        // request that ends the session: `take_participants` reads the
        // session's apps and deletes them in the same transaction, and
        // `notify_logout` hands that list to one thread, which sends the
        // tokens one after the other. A second token for either app could
        // only be another entry of that list, sent right after the two that
        // came, at about their pace; there is no later sender, since the
        // session's apps went with it. So waiting four times as long as those
        // two took (at least 2 s) shows that no other is coming, however
        // loaded the machine is.
        let quiet = (signed_out.elapsed() * 4).max(Duration::from_secs(2));
        if let Ok(token) = received.recv_timeout(quiet) {
            panic!("a third logout token, for {}", jwt_parts(&token).1["aud"]);
        }
    }

    async fn a_password_change_ends_other_sessions_and_tells_their_apps(app) {
        let (uri, received) = logout_receiver();
        let shop = app_with_backchannel(&app, "Shop", &uri);
        let (account_id, phone) = signed_in_person(&app, "two@example.com", false).await;
        code_flow(&app, &phone, (&shop.0, &shop.1), "openid").await.unwrap();
        let (_, sessions) = app.api(&phone, reqwest::Method::GET, "/api/v1/sessions", None).await;
        let phone_session = sessions["sessions"][0]["id"].as_str().unwrap().to_owned();
        let laptop = browser();
        assert_eq!(app.sign_in(&laptop, "two@example.com", PASSWORD).await.status(), 303);
        let r = app.submit(&laptop, "/account", "/account/password", &[
            ("current_password", PASSWORD),
            ("new_password", "Quiet-Lantern7!Orbit"),
            ("new_password_confirm", "Quiet-Lantern7!Orbit"),
        ]).await;
        assert_eq!(r.status(), 303);
        let token = received.recv_timeout(Duration::from_secs(10)).expect("the shop was told");
        let claims = verified_logout_token(&published_keys(&app).await, &app, &shop.0, &token);
        assert_eq!(claims["sub"], account_id.as_str());
        assert_eq!(claims["sid"], phone_session.as_str(), "the phone's session ended");
    }
}
