//! Back-channel logout: when a person signs out, the shop and the forum
//! they used in that session each receive a signed logout token.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use idp_core::clients::NewClient;

use crate::helpers::*;
use crate::oauth_helpers::{code_flow, signed_in_person, REDIRECT_URI};
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

        let mut audiences = Vec::new();
        for _ in 0..2 {
            let token = received.recv_timeout(Duration::from_secs(10)).expect("a logout token arrived");
            let (header, claims) = app.idp.signing.verify_jwt(&token).expect("signed by idp");
            assert_eq!(header["typ"], "logout+jwt");
            assert_eq!(claims["iss"], app.address.as_str());
            assert_eq!(claims["sub"], account_id.as_str());
            assert_eq!(claims["sid"], session_id.as_str());
            assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
            assert!(claims.get("nonce").is_none(), "logout tokens carry no nonce");
            assert!(claims["jti"].is_string() && claims["exp"].is_i64());
            audiences.push(claims["aud"].as_str().unwrap().to_owned());
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
            let (_, claims) = app.idp.signing.verify_jwt(&token).expect("signed by idp");
            panic!("a third logout token, for {}", claims["aud"]);
        }
    }

    async fn a_password_change_ends_other_sessions_and_tells_their_apps(app) {
        let (uri, received) = logout_receiver();
        let shop = app_with_backchannel(&app, "Shop", &uri);
        let (_, phone) = signed_in_person(&app, "two@example.com", false).await;
        code_flow(&app, &phone, (&shop.0, &shop.1), "openid").await.unwrap();
        let laptop = browser();
        assert_eq!(app.sign_in(&laptop, "two@example.com", PASSWORD).await.status(), 303);
        let r = app.submit(&laptop, "/account", "/account/password", &[
            ("current_password", PASSWORD),
            ("new_password", "Quiet-Lantern7!Orbit"),
            ("new_password_confirm", "Quiet-Lantern7!Orbit"),
        ]).await;
        assert_eq!(r.status(), 303);
        let token = received.recv_timeout(Duration::from_secs(10)).expect("the shop was told");
        let (_, claims) = app.idp.signing.verify_jwt(&token).unwrap();
        assert_eq!(claims["aud"], shop.0.as_str());
    }
}
