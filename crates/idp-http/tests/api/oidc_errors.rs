//! What apps hear when a request is wrong, at the authorization, token and
//! userinfo endpoints, as the RFCs say (driven through the `openidconnect`
//! crate where it can send the request, by hand where it cannot).

use std::borrow::Cow;

use idp_core::clients::NewClient;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreTokenResponse, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, Nonce, OAuth2TokenResponse,
    PkceCodeVerifier, RedirectUrl, ResourceOwnerPassword, ResourceOwnerUsername, Scope,
    UserInfoError,
};
use serde_json::Value;

use crate::helpers::*;
use crate::oauth_helpers::{json_call, post_form};
use crate::oidc_helpers::*;
use crate::on_both_databases;

/// A person signed in at the shop; the shop holds a fresh code.
async fn code_for(app: &TestApp, shop: &Rp, browser: &reqwest::Client) -> (Callback, Started) {
    let started = shop.start();
    let landing = open(&app.address, browser, started.url.as_str()).await;
    let callback = match landing {
        Landing::SignIn(login) => sign_in_at(&app.address, browser, &login, "ada@example.com")
            .await
            .callback(),
        other => other.callback(),
    };
    callback.assert_from(&app.address, &started);
    (callback, started)
}

/// `GET /userinfo`, with a Bearer token when given: status, the
/// `WWW-Authenticate` challenge, body.
async fn userinfo_challenge(app: &TestApp, token: Option<&str>) -> (u16, Option<String>, Value) {
    let (status, headers, body) =
        json_call(reqwest::Method::GET, &app.url("/userinfo"), token, None).await;
    let challenge = headers
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, challenge, body)
}

fn assert_redirected_error(app: &TestApp, landing: Landing, started: &Started, error: &str) {
    let callback = landing.callback();
    assert_eq!(callback.error(), Some(error), "{}", callback.url);
    assert!(callback.get("error_description").is_some());
    assert!(callback.get("code").is_none());
    callback.assert_from(&app.address, started);
}

on_both_databases! {
    async fn an_unknown_app_or_redirect_uri_gets_an_error_page_not_a_redirect(app) {
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();

        let stranger = CoreClient::from_provider_metadata(
            shop.provider.clone(), ClientId::new("no-such-app".into()), None,
        ).set_redirect_uri(RedirectUrl::new("https://evil.example.com/cb".into()).unwrap());
        let (url, _, _) = stranger
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .url();
        let r = browser.get(url.as_str()).send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.headers().get("location").is_none());
        assert!(r.text().await.unwrap().contains("not registered"));

        // A registered app, but a redirect URI it never registered.
        for uri in ["https://evil.example.com/cb", "https://shop.example.com/oidc/callback/", "https://shop.example.com/oidc/callback?x=1"] {
            let started = shop.start_with(|r| r.set_redirect_uri(Cow::Owned(RedirectUrl::new(uri.into()).unwrap())));
            match open(&app.address, &browser, started.url.as_str()).await {
                Landing::Page(400, html) => assert!(html.contains("redirect_uri"), "{html}"),
                other => panic!("{uri}: expected an error page, got {other:?}"),
            }
        }
        // And with none at all.
        let (url, _, _) = CoreClient::from_provider_metadata(
            shop.provider.clone(), ClientId::new(shop.client_id.clone()), None,
        )
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .url();
        let r = browser.get(url.as_str()).send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.headers().get("location").is_none());
    }

    async fn a_bad_authorization_request_goes_back_to_the_app_with_error_state_and_iss(app) {
        let spa = Rp::register(&app, NewClient { public: true, ..web_app("Spa") }).await;
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();

        // A public client must use PKCE.
        let started = spa.start_without_pkce(|r| r);
        let landing = open(&app.address, &browser, started.url.as_str()).await;
        assert_redirected_error(&app, landing, &started, "invalid_request");

        // Only S256: plain is refused, for public and confidential clients alike.
        for rp in [&spa, &shop] {
            let started = rp.start_without_pkce(|r| r
                .add_extra_param("code_challenge", "a".repeat(43))
                .add_extra_param("code_challenge_method", "plain"));
            let landing = open(&app.address, &browser, started.url.as_str()).await;
            assert_redirected_error(&app, landing, &started, "invalid_request");
        }

        // The implicit flow (response_type=id_token) is not offered.
        let (url, state, _) = shop.oidc
            .authorize_url(CoreAuthenticationFlow::Implicit(false), CsrfToken::new_random, Nonce::new_random)
            .url();
        let started = Started { url, state, nonce: Nonce::new_random(), verifier: None };
        let landing = open(&app.address, &browser, started.url.as_str()).await;
        assert_redirected_error(&app, landing, &started, "unsupported_response_type");

        // A scope the app was not registered for.
        let started = shop.start_with(|r| r.add_scope(Scope::new("admin".into())));
        let landing = open(&app.address, &browser, started.url.as_str()).await;
        assert_redirected_error(&app, landing, &started, "invalid_scope");

        // A parameter sent twice (RFC 6749 §3.1) gets no code: an error
        // page, or the error sent back to the app.
        let started = shop.start();
        let url = format!("{}&state=again", started.url);
        match open(&app.address, &browser, &url).await {
            Landing::Page(400, _) => {}
            Landing::App(callback) => assert_eq!(callback.error(), Some("invalid_request")),
            other => panic!("a repeated state: {other:?}"),
        }

        // The same answers come back to a signed-in person.
        person(&app, "ada@example.com");
        assert_eq!(app.sign_in(&browser, "ada@example.com", PASSWORD).await.status(), 303);
        let started = spa.start_without_pkce(|r| r);
        let landing = open(&app.address, &browser, started.url.as_str()).await;
        assert_redirected_error(&app, landing, &started, "invalid_request");
    }

    async fn a_confidential_app_with_the_wrong_secret_is_unauthorized(app) {
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        let (callback, started) = code_for(&app, &shop, &browser).await;

        let wrong = CoreClient::from_provider_metadata(
            shop.provider.clone(),
            ClientId::new(shop.client_id.clone()),
            Some(ClientSecret::new("not-the-secret".into())),
        ).set_redirect_uri(RedirectUrl::new(shop.redirect_uri.clone()).unwrap());
        let result = wrong
            .exchange_code(AuthorizationCode::new(callback.code().into())).unwrap()
            .set_pkce_verifier(PkceCodeVerifier::new(started.verifier.as_ref().unwrap().secret().clone()))
            .request_async(&shop.http).await;
        assert_eq!(oauth_error(result), "invalid_client");

        let body = &[("grant_type", "authorization_code"), ("code", callback.code()),
            ("redirect_uri", &shop.redirect_uri)];
        let (status, headers, json) = post_form(&app, "/token", Some((&shop.client_id, "not-the-secret")), body).await;
        assert_eq!(status, 401);
        assert_eq!(json["error"], "invalid_client");
        assert!(headers.get("www-authenticate").is_some());
        assert_eq!(headers["cache-control"], "no-store");
        // Without any secret, a confidential client is not authenticated either.
        let body = &[("grant_type", "authorization_code"), ("code", callback.code()),
            ("redirect_uri", &shop.redirect_uri), ("client_id", &shop.client_id)];
        let (status, _, json) = post_form(&app, "/token", None, body).await;
        assert_eq!(status, 401);
        assert_eq!(json["error"], "invalid_client");

        // The code was not spent by those attempts.
        shop.redeem(&callback, &started).await.expect("the right secret works");
    }

    async fn a_replayed_code_is_refused_and_revokes_what_it_gave(app) {
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        let (callback, started) = code_for(&app, &shop, &browser).await;
        let tokens = shop.redeem(&callback, &started).await.unwrap();
        let info: Result<CoreUserInfoClaims, _> = shop.oidc
            .user_info(tokens.access_token().clone(), None).unwrap()
            .request_async(&shop.http).await;
        assert!(info.is_ok(), "{info:?}");

        let again = shop.redeem(&callback, &started).await;
        assert_eq!(oauth_error(again), "invalid_grant");

        // The access token and refresh token from the first redemption are dead.
        let info: Result<CoreUserInfoClaims, _> = shop.oidc
            .user_info(tokens.access_token().clone(), None).unwrap()
            .request_async(&shop.http).await;
        match info {
            Err(UserInfoError::Response(status, _, _)) => assert_eq!(status.as_u16(), 401),
            other => panic!("expected a 401, got {other:?}"),
        }
        let (status, challenge, body) = userinfo_challenge(&app, Some(tokens.access_token().secret())).await;
        assert_eq!(status, 401);
        assert!(challenge.unwrap().contains("error=\"invalid_token\""));
        assert_eq!(body["error"], "invalid_token");
        let refreshed = shop.oidc.exchange_refresh_token(tokens.refresh_token().unwrap()).unwrap()
            .request_async(&shop.http).await;
        assert_eq!(oauth_error(refreshed), "invalid_grant");
    }

    async fn a_code_only_works_with_its_redirect_uri_and_verifier(app) {
        person(&app, "ada@example.com");
        let second = "https://shop.example.com/oidc/other-callback".to_owned();
        let mut new = web_app("Shop");
        new.redirect_uris.push(second.clone());
        let shop = Rp::register(&app, new).await;
        let browser = browser();

        // Another of the app's registered redirect URIs is still the wrong one.
        let (callback, started) = code_for(&app, &shop, &browser).await;
        let result = shop.oidc.exchange_code(AuthorizationCode::new(callback.code().into())).unwrap()
            .set_pkce_verifier(PkceCodeVerifier::new(started.verifier.as_ref().unwrap().secret().clone()))
            .set_redirect_uri(Cow::Owned(RedirectUrl::new(second).unwrap()))
            .request_async(&shop.http).await;
        assert_eq!(oauth_error(result), "invalid_grant");
        // Without redirect_uri at all.
        let body = &[("grant_type", "authorization_code"), ("code", callback.code()),
            ("code_verifier", started.verifier.as_ref().unwrap().secret())];
        let (status, _, json) = post_form(&app, "/token", Some((&shop.client_id, shop.secret.as_deref().unwrap())), body).await;
        // RFC 6749 §4.1.3: required when the authorization request had one.
        assert_eq!((status, json["error"].as_str()), (400, Some("invalid_request")));

        // Someone else's verifier, or none.
        let (callback, _) = code_for(&app, &shop, &browser).await;
        let result = shop.oidc.exchange_code(AuthorizationCode::new(callback.code().into())).unwrap()
            .set_pkce_verifier(PkceCodeVerifier::new("x".repeat(64)))
            .request_async(&shop.http).await;
        assert_eq!(oauth_error(result), "invalid_grant");
        let result = shop.oidc.exchange_code(AuthorizationCode::new(callback.code().into())).unwrap()
            .request_async(&shop.http).await;
        assert_eq!(oauth_error(result), "invalid_grant");

        // A code made up, or another app's.
        let result = shop.oidc.exchange_code(AuthorizationCode::new("made-up".into())).unwrap()
            .request_async(&shop.http).await;
        assert_eq!(oauth_error(result), "invalid_grant");
        let forum = Rp::register(&app, web_app("Forum")).await;
        let (callback, started) = code_for(&app, &forum, &browser).await;
        let result = shop.oidc.exchange_code(AuthorizationCode::new(callback.code().into())).unwrap()
            .set_pkce_verifier(PkceCodeVerifier::new(started.verifier.as_ref().unwrap().secret().clone()))
            .set_redirect_uri(Cow::Owned(RedirectUrl::new(callback_of("Forum")).unwrap()))
            .request_async(&shop.http).await;
        assert_eq!(oauth_error(result), "invalid_grant");
    }

    async fn a_code_expires_after_a_minute(app) {
        use diesel::prelude::*;
        use idp_core::db::schema::authorization_codes as codes;
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        let (callback, started) = code_for(&app, &shop, &browser).await;

        let (created, expires): (chrono::NaiveDateTime, chrono::NaiveDateTime) = app.idp.db.read(|conn| {
            codes::table.select((codes::created_at, codes::expires_at)).first(conn)
                .map_err(idp_core::db::StoreError::from)
        }).unwrap();
        assert_eq!((expires - created).num_seconds(), 60);
        // A minute passes.
        app.idp.db.write(|conn| {
            diesel::update(codes::table)
                .set((codes::created_at.eq(created - chrono::Duration::seconds(61)),
                      codes::expires_at.eq(expires - chrono::Duration::seconds(61))))
                .execute(conn)
                .map_err(idp_core::db::StoreError::from)
        }).unwrap();
        let result = shop.redeem(&callback, &started).await;
        assert_eq!(oauth_error(result), "invalid_grant");
    }

    async fn the_token_endpoint_refuses_odd_requests_and_is_never_cached(app) {
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        let secret = shop.secret.clone().unwrap();
        let basic = Some((shop.client_id.as_str(), secret.as_str()));

        // The password grant is not offered.
        let result = shop.oidc.exchange_password(
            &ResourceOwnerUsername::new("ada@example.com".into()),
            &ResourceOwnerPassword::new(PASSWORD.into()),
        ).unwrap().request_async(&shop.http).await;
        assert_eq!(oauth_error(result), "unsupported_grant_type");
        let (status, headers, json) = post_form(&app, "/token", basic,
            &[("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", "x")]).await;
        assert_eq!((status, json["error"].as_str()), (400, Some("unsupported_grant_type")));
        assert_eq!(headers["cache-control"], "no-store");

        // The shop is not registered for client_credentials.
        let result = shop.oidc.exchange_client_credentials().unwrap().request_async(&shop.http).await;
        assert_eq!(oauth_error(result), "unauthorized_client");

        // Every parameter at most once (RFC 6749 §3.2).
        let (callback, started) = code_for(&app, &shop, &browser).await;
        let verifier = started.verifier.as_ref().unwrap().secret().clone();
        for repeated in ["code", "grant_type", "redirect_uri", "code_verifier"] {
            let mut pairs = vec![("grant_type", "authorization_code"), ("code", callback.code()),
                ("redirect_uri", shop.redirect_uri.as_str()), ("code_verifier", verifier.as_str())];
            let extra = *pairs.iter().find(|(n, _)| *n == repeated).unwrap();
            pairs.push(extra);
            let (status, headers, json) = post_form(&app, "/token", basic, &pairs).await;
            assert_eq!((status, json["error"].as_str()), (400, Some("invalid_request")), "{repeated}");
            assert_eq!(headers["cache-control"], "no-store");
        }

        // JSON is not a form.
        let r = rp_http().post(app.url("/token")).basic_auth(&shop.client_id, Some(&secret))
            .json(&serde_json::json!({"grant_type": "authorization_code", "code": callback.code()}))
            .send().await.unwrap();
        assert_eq!(r.status(), 400);

        // The good request, by hand: tokens are not to be cached.
        let (status, headers, json) = post_form(&app, "/token", basic, &[
            ("grant_type", "authorization_code"), ("code", callback.code()),
            ("redirect_uri", &shop.redirect_uri), ("code_verifier", &verifier)]).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["pragma"], "no-cache");
        assert!(headers["content-type"].to_str().unwrap().starts_with("application/json"));
        let tokens: CoreTokenResponse = serde_json::from_value(json).expect("a token response");
        shop.verify(&tokens, &started.nonce);
        // A refresh answer too.
        let (status, headers, _) = post_form(&app, "/token", basic, &[
            ("grant_type", "refresh_token"), ("refresh_token", tokens.refresh_token().unwrap().secret())]).await;
        assert_eq!(status, 200);
        assert_eq!(headers["cache-control"], "no-store");
    }

    async fn userinfo_wants_a_valid_bearer_token(app) {
        let (status, challenge, _) = userinfo_challenge(&app, None).await;
        assert_eq!(status, 401);
        let challenge = challenge.expect("WWW-Authenticate");
        assert!(challenge.starts_with("Bearer"), "{challenge}");
        assert!(!challenge.contains("error="), "no error code without credentials (RFC 6750 §3.1): {challenge}");

        let (status, challenge, body) = userinfo_challenge(&app, Some("garbage")).await;
        assert_eq!(status, 401);
        assert!(challenge.unwrap().contains("error=\"invalid_token\""));
        assert_eq!(body["error"], "invalid_token");

        // A well-formed JWT that idp never signed.
        let forged = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.c2ln";
        let (status, challenge, _) = userinfo_challenge(&app, Some(forged)).await;
        assert_eq!(status, 401);
        assert!(challenge.unwrap().contains("invalid_token"));

        // Through the crate: an RP sees the failure as a 401.
        let shop = Rp::register(&app, web_app("Shop")).await;
        let info: Result<CoreUserInfoClaims, _> = shop.oidc
            .user_info(openidconnect::AccessToken::new("garbage".into()), None).unwrap()
            .request_async(&shop.http).await;
        match info {
            Err(UserInfoError::Response(status, _, _)) => assert_eq!(status.as_u16(), 401),
            other => panic!("expected a 401, got {other:?}"),
        }
    }
}
