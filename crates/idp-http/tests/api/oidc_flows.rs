//! Apps sign people in with idp through a third-party OpenID Connect
//! library (the `openidconnect` crate), as a shop or a forum would.

use std::time::Duration;

use idp_core::clients::NewClient;
use openidconnect::core::{
    CoreAuthPrompt, CoreClaimName, CoreJsonWebKeyType, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreResponseMode, CoreResponseType, CoreUserInfoClaims,
};
use openidconnect::{
    AuthType, CsrfToken, IssuerUrl, JsonWebKey, LoginHint, LogoutRequest, OAuth2TokenResponse,
    PostLogoutRedirectUrl, ResponseTypes, Scope, SubjectIdentifier, TokenResponse,
};

use crate::helpers::*;
use crate::oidc_helpers::*;
use crate::on_both_databases;

on_both_databases! {
    async fn an_app_finds_every_endpoint_and_key_through_discovery(app) {
        let issuer = IssuerUrl::new(app.address.clone()).unwrap();
        let provider = CoreProviderMetadata::discover_async(issuer.clone(), &rp_http())
            .await
            .expect("discovery and JWKS");
        assert_eq!(provider.issuer(), &issuer);
        assert_eq!(provider.authorization_endpoint().as_str(), app.url("/authorize"));
        assert_eq!(provider.token_endpoint().unwrap().as_str(), app.url("/token"));
        assert_eq!(provider.userinfo_endpoint().unwrap().as_str(), app.url("/userinfo"));
        assert_eq!(provider.jwks_uri().as_str(), app.url("/jwks"));
        assert_eq!(
            provider.response_types_supported(),
            &vec![ResponseTypes::new(vec![CoreResponseType::Code])]
        );
        let modes = provider.response_modes_supported().unwrap();
        for mode in [CoreResponseMode::Query, CoreResponseMode::Fragment, CoreResponseMode::FormPost] {
            assert!(modes.contains(&mode), "{mode:?}");
        }
        let algs = provider.id_token_signing_alg_values_supported();
        for alg in [
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EdDsa,
        ] {
            assert!(algs.contains(&alg), "{alg:?}");
        }
        let claims = provider.claims_supported().unwrap();
        assert!(claims.contains(&CoreClaimName::new("at_hash".into())));

        // One key per algorithm, each with its kid, parsed by the crate.
        let keys = provider.jwks().keys();
        for kty in [CoreJsonWebKeyType::RSA, CoreJsonWebKeyType::EllipticCurve, CoreJsonWebKeyType::OctetKeyPair] {
            assert_eq!(keys.iter().filter(|k| *k.key_type() == kty).count(), 1, "{kty:?}");
        }
        assert!(keys.iter().all(|k| k.key_id().is_some()));

        // RP-Initiated Logout and what only the JSON says.
        let with_logout = discover(&app.address).await;
        assert_eq!(
            with_logout.additional_metadata().end_session_endpoint.as_ref().unwrap().as_str(),
            app.url("/logout")
        );
        let raw: serde_json::Value = rp_http().get(app.url("/.well-known/openid-configuration"))
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(raw["code_challenge_methods_supported"], serde_json::json!(["S256"]));
        assert_eq!(raw["authorization_response_iss_parameter_supported"], true);
        let twin: serde_json::Value = rp_http().get(app.url("/.well-known/oauth-authorization-server"))
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(twin, raw);
    }

    async fn a_shop_signs_a_person_in_with_the_authorization_code_flow(app) {
        let ada = person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();

        let started = shop.start_with(|r| r.set_login_hint(LoginHint::new("ada@example.com".into())));
        let query: std::collections::HashMap<_, _> = started.url.query_pairs().into_owned().collect();
        assert_eq!(query["code_challenge_method"], "S256");
        assert!(query.contains_key("nonce") && query.contains_key("state"));

        // Not signed in: idp shows its sign-in form, prefilled from login_hint.
        let login = open(&app.address, &browser, started.url.as_str()).await.sign_in_path();
        let (status, html) = app.page(&browser, &login).await;
        assert_eq!(status, 200);
        assert!(html.contains("value=\"ada@example.com\""), "{html}");
        let callback = sign_in_at(&app.address, &browser, &login, "ada@example.com").await.callback();
        assert_eq!(callback.target(), callback_of("Shop"));
        callback.assert_from(&app.address, &started);

        let tokens = shop.redeem(&callback, &started).await.expect("code redeemed");
        assert_eq!(tokens.token_type().as_ref(), "bearer");
        assert!(tokens.expires_in().unwrap() > Duration::from_secs(60));
        assert!(tokens.refresh_token().is_some(), "offline_access gives a refresh token");
        let scopes = tokens.scopes().unwrap();
        assert!(scopes.contains(&Scope::new("openid".into())) && scopes.contains(&Scope::new("email".into())));

        let claims = shop.verify(&tokens, &started.nonce);
        assert_eq!(claims.subject().as_str(), ada);
        assert_eq!(claims.issuer().as_str(), app.address);
        assert_eq!(claims.audiences().len(), 1);
        assert_eq!(claims.audiences()[0].as_str(), shop.client_id);
        assert_eq!(claims.authorized_party().unwrap().as_str(), shop.client_id);
        assert_eq!(claims.nonce().unwrap().secret(), started.nonce.secret());
        let now = chrono::Utc::now();
        assert!((now - claims.auth_time().unwrap()).num_seconds() < 30);
        assert!(claims.expiration() > now);
        assert_eq!(claims.auth_method_refs().unwrap()[0].as_str(), "pwd");
        assert_eq!(claims.email().unwrap().as_str(), "ada@example.com");
        assert_eq!(claims.email_verified(), Some(true));
        assert_eq!(claims.given_name().unwrap().get(None).unwrap().as_str(), "Ada");
        assert_eq!(claims.family_name().unwrap().get(None).unwrap().as_str(), "Lovelace");
        let id_token = tokens.id_token().unwrap().to_string();
        let (header, payload) = jwt_parts(&id_token);
        assert_eq!(header["alg"], "RS256");
        assert!(payload["sid"].as_str().is_some_and(|s| !s.is_empty()), "{payload}");

        // The access token is an RFC 9068 JWT that idp's userinfo accepts.
        let jwks = jwks_at(&app.url("/jwks")).await;
        let (header, payload) = verify_jwt_with(&jwks, tokens.access_token().secret());
        assert_eq!(header["typ"], "at+jwt");
        assert_eq!(payload["sub"], ada.as_str());
        assert_eq!(payload["client_id"], shop.client_id.as_str());

        let info: CoreUserInfoClaims = shop.oidc
            .user_info(tokens.access_token().clone(), Some(SubjectIdentifier::new(ada.clone())))
            .unwrap()
            .request_async(&shop.http)
            .await
            .expect("userinfo");
        assert_eq!(info.email().unwrap().as_str(), "ada@example.com");
        assert_eq!(info.name().unwrap().get(None).unwrap().as_str(), "Ada Lovelace");
        assert_eq!(info.email_verified(), Some(true));
    }

    async fn a_single_page_app_without_a_secret_signs_in_with_pkce(app) {
        let ada = person(&app, "ada@example.com");
        let spa = Rp::register(&app, NewClient { public: true, ..web_app("Spa") }).await;
        assert!(spa.secret.is_none());
        let browser = browser();
        let started = spa.start();
        let callback = sign_in_for(&app, &browser, &started, "ada@example.com").await;
        // No secret: the crate sends client_id in the form (auth method none).
        let tokens = spa.redeem(&callback, &started).await.expect("code redeemed with PKCE alone");
        let claims = spa.verify(&tokens, &started.nonce);
        assert_eq!(claims.subject().as_str(), ada);
        let refreshed = spa.oidc.exchange_refresh_token(tokens.refresh_token().unwrap()).unwrap()
            .request_async(&spa.http).await.expect("a public client refreshes too");
        assert!(refreshed.refresh_token().is_some());
    }

    async fn refresh_tokens_rotate_and_an_old_one_is_refused(app) {
        let ada = person(&app, "ada@example.com");
        // This shop sends its secret in the form (client_secret_post).
        let mut shop = Rp::register(&app, NewClient {
            token_endpoint_auth_method: Some("client_secret_post".into()),
            ..web_app("Shop")
        }).await;
        shop.oidc = shop.oidc.set_auth_type(AuthType::RequestBody);
        let browser = browser();
        let started = shop.start();
        let callback = sign_in_for(&app, &browser, &started, "ada@example.com").await;
        let tokens = shop.redeem(&callback, &started).await.unwrap();
        let first = tokens.refresh_token().unwrap().clone();

        let refreshed = shop.oidc.exchange_refresh_token(&first).unwrap()
            .request_async(&shop.http).await.expect("refreshed");
        let second = refreshed.refresh_token().expect("a new refresh token").clone();
        assert_ne!(second.secret(), first.secret());
        assert_ne!(refreshed.access_token().secret(), tokens.access_token().secret());
        // OIDC Core §12.2: same person and original auth_time; no new nonce.
        let original = shop.verify(&tokens, &started.nonce);
        let claims = shop.verify_refreshed(refreshed.id_token().expect("a new ID token"));
        assert_eq!(claims.subject().as_str(), ada);
        assert_eq!(claims.auth_time(), original.auth_time());
        assert!(claims.nonce().is_none_or(|n| n.secret() == started.nonce.secret()));

        let third = shop.oidc.exchange_refresh_token(&second).unwrap()
            .request_async(&shop.http).await.expect("refreshed again")
            .refresh_token().unwrap().clone();
        assert_ne!(third.secret(), second.secret());

        // A rotated token comes back: refused, and its whole family ends.
        let reused = shop.oidc.exchange_refresh_token(&first).unwrap().request_async(&shop.http).await;
        assert_eq!(oauth_error(reused), "invalid_grant");
        let newest = shop.oidc.exchange_refresh_token(&third).unwrap().request_async(&shop.http).await;
        assert_eq!(oauth_error(newest), "invalid_grant", "reuse revoked the family");
    }

    async fn a_second_app_signs_the_person_in_without_the_form(app) {
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let forum = Rp::register(&app, web_app("Forum")).await;
        let browser = browser();
        let started = shop.start();
        let callback = sign_in_for(&app, &browser, &started, "ada@example.com").await;
        let shop_tokens = shop.redeem(&callback, &started).await.unwrap();
        let at_shop = shop.verify(&shop_tokens, &started.nonce);
        let shop_nonce = started.nonce;

        // Single sign-on: the forum's request comes straight back with a code.
        let started = forum.start();
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        assert_eq!(callback.target(), callback_of("Forum"));
        callback.assert_from(&app.address, &started);
        let tokens = forum.redeem(&callback, &started).await.unwrap();
        let at_forum = forum.verify(&tokens, &started.nonce);
        assert_eq!(at_forum.subject(), at_shop.subject());
        assert_eq!(at_forum.auth_time(), at_shop.auth_time(), "the same sign-in");
        assert_eq!(at_forum.audiences()[0].as_str(), forum.client_id);
        let sid = |t: &openidconnect::core::CoreTokenResponse| {
            jwt_parts(&t.id_token().unwrap().to_string()).1["sid"].clone()
        };
        assert_eq!(sid(&tokens), sid(&shop_tokens), "one session at idp");

        // The shop's ID token is no good as the forum's.
        let verifier = forum.oidc.id_token_verifier();
        assert!(shop_tokens.id_token().unwrap().claims(&verifier, &shop_nonce).is_err());
    }

    async fn a_backend_service_gets_a_jwt_access_token_with_client_credentials(app) {
        let service = Rp::register(&app, NewClient {
            name: "Stock service".into(),
            grant_types: vec!["client_credentials".into()],
            scopes: vec!["orders.read".into(), "orders.write".into()],
            ..NewClient::default()
        }).await;
        let tokens = service.oidc.exchange_client_credentials().unwrap()
            .add_scope(Scope::new("orders.read".into()))
            .request_async(&service.http).await.expect("client credentials");
        assert!(tokens.refresh_token().is_none() && tokens.id_token().is_none());
        assert_eq!(tokens.scopes().unwrap(), &vec![Scope::new("orders.read".into())]);

        let jwks = jwks_at(&app.url("/jwks")).await;
        let (header, claims) = verify_jwt_with(&jwks, tokens.access_token().secret());
        assert_eq!(header["typ"], "at+jwt");
        assert_eq!(header["alg"], "RS256");
        assert_eq!(claims["iss"], app.address.as_str());
        assert_eq!(claims["sub"], service.client_id.as_str());
        assert_eq!(claims["client_id"], service.client_id.as_str());
        assert_eq!(claims["scope"], "orders.read");
        assert!(claims["aud"].is_string() || claims["aud"].is_array());
        assert!(claims["jti"].is_string() && claims["iat"].is_i64());
        assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());

        // A scope it was not registered for is refused.
        let other = service.oidc.exchange_client_credentials().unwrap()
            .add_scope(Scope::new("admin".into()))
            .request_async(&service.http).await;
        assert_eq!(oauth_error(other), "invalid_scope");
    }

    async fn a_third_party_app_asks_for_consent_once(app) {
        person(&app, "ada@example.com");
        let forum = Rp::register(&app, NewClient { skip_consent: false, ..web_app("Forum") }).await;
        let browser = browser();

        let started = forum.start();
        let login = open(&app.address, &browser, started.url.as_str()).await.sign_in_path();
        let html = sign_in_at(&app.address, &browser, &login, "ada@example.com").await.consent_page();
        assert!(html.contains("Forum"), "{html}");
        assert!(html.contains("name=\"decision\" value=\"allow\"") && html.contains("name=\"decision\" value=\"deny\""));
        assert!(html.contains("name=\"csrf_token\""));

        // "Deny": the app hears access_denied.
        let callback = decide(&app.address, &browser, &html, "deny").await.callback();
        assert_eq!(callback.error(), Some("access_denied"));
        assert!(callback.get("code").is_none());
        callback.assert_from(&app.address, &started);

        // Asked again; "Allow" gives a code.
        let started = forum.start();
        let html = open(&app.address, &browser, started.url.as_str()).await.consent_page();
        let callback = decide(&app.address, &browser, &html, "allow").await.callback();
        callback.assert_from(&app.address, &started);
        let tokens = forum.redeem(&callback, &started).await.unwrap();
        forum.verify(&tokens, &started.nonce);

        // Remembered: the next request comes straight back...
        let started = forum.start();
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        callback.assert_from(&app.address, &started);
        assert!(callback.get("code").is_some());
        // ...unless the app asks for the page with prompt=consent.
        let started = forum.start_with(|r| r.add_prompt(CoreAuthPrompt::Consent));
        open(&app.address, &browser, started.url.as_str()).await.consent_page();
    }

    async fn prompt_none_answers_without_showing_a_page(app) {
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let forum = Rp::register(&app, NewClient { skip_consent: false, ..web_app("Forum") }).await;
        let browser = browser();

        let started = shop.start_with(|r| r.add_prompt(CoreAuthPrompt::None));
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        assert_eq!(callback.error(), Some("login_required"));
        assert!(callback.get("code").is_none());
        callback.assert_from(&app.address, &started);

        // Signed in, but the forum was never allowed: consent_required.
        sign_in_for(&app, &browser, &shop.start(), "ada@example.com").await;
        let started = forum.start_with(|r| r.add_prompt(CoreAuthPrompt::None));
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        assert_eq!(callback.error(), Some("consent_required"));
        callback.assert_from(&app.address, &started);

        let started = shop.start_with(|r| r.add_prompt(CoreAuthPrompt::None));
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        assert!(callback.get("code").is_some(), "{:?}", callback);
    }

    async fn prompt_login_and_max_age_zero_ask_for_the_password_again(app) {
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        let started = shop.start();
        let callback = sign_in_for(&app, &browser, &started, "ada@example.com").await;
        let first = shop.verify(&shop.redeem(&callback, &started).await.unwrap(), &started.nonce);
        // auth_time has one-second resolution; let a second pass.
        actix_web::rt::time::sleep(Duration::from_millis(1100)).await;

        // A session of any age satisfies a generous max_age.
        let started = shop.start_with(|r| r.set_max_age(Duration::from_secs(3600)));
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        let claims = shop.verify(&shop.redeem(&callback, &started).await.unwrap(), &started.nonce);
        assert_eq!(claims.auth_time(), first.auth_time());

        let prompt_login: for<'a> fn(AuthRequest<'a>) -> AuthRequest<'a> =
            |r| r.add_prompt(CoreAuthPrompt::Login);
        let max_age_zero: for<'a> fn(AuthRequest<'a>) -> AuthRequest<'a> =
            |r| r.set_max_age(Duration::ZERO);
        for adjust in [prompt_login, max_age_zero] {
            let before = chrono::Utc::now() - chrono::Duration::seconds(1);
            let started = shop.start_with(adjust);
            let login = open(&app.address, &browser, started.url.as_str()).await.sign_in_path();
            let callback = sign_in_at(&app.address, &browser, &login, "ada@example.com").await.callback();
            callback.assert_from(&app.address, &started);
            let claims = shop.verify(&shop.redeem(&callback, &started).await.unwrap(), &started.nonce);
            assert!(claims.auth_time().unwrap() >= before, "a fresh sign-in");
            assert!(claims.auth_time() > first.auth_time());
            actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
        }

        // prompt=create: the person is offered the sign-up page instead.
        let started = shop.start_with(|r| r.add_prompt(CoreAuthPrompt::Extension("create".into())));
        match open(&app.address, &browser, started.url.as_str()).await {
            Landing::Redirect(path) => assert!(path.starts_with("/signup"), "{path}"),
            other => panic!("expected the sign-up page, got {other:?}"),
        }
    }

    async fn the_app_signs_the_person_out_and_gets_them_back(app) {
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        let started = shop.start();
        let callback = sign_in_for(&app, &browser, &started, "ada@example.com").await;
        let tokens = shop.redeem(&callback, &started).await.unwrap();
        let id_token = tokens.id_token().unwrap();

        let end_session = shop.provider.additional_metadata().end_session_endpoint.clone().unwrap();
        let state = CsrfToken::new_random();
        let url = LogoutRequest::from(end_session)
            .set_id_token_hint(id_token)
            .set_post_logout_redirect_uri(PostLogoutRedirectUrl::new(after_logout_of("Shop")).unwrap())
            .set_state(state.clone())
            .http_get_url();

        // Opening the link only asks; the person presses "Log out".
        let r = browser.get(url.as_str()).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        let mut fields = hidden_fields(&html, "/logout");
        assert!(fields.iter().any(|(n, _)| n == "csrf_token"));
        fields.retain(|(n, _)| n != "everywhere");
        let r = browser.post(app.url("/logout")).form(&fields).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let back = Callback::parse(r.headers()["location"].to_str().unwrap());
        assert_eq!(back.target(), after_logout_of("Shop"));
        assert_eq!(back.get("state"), Some(state.secret().as_str()));

        // Signed out at idp: a silent request now needs a sign-in.
        let started = shop.start_with(|r| r.add_prompt(CoreAuthPrompt::None));
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        assert_eq!(callback.error(), Some("login_required"));

        // An unregistered post_logout_redirect_uri is not followed.
        let url = LogoutRequest::from(shop.provider.additional_metadata().end_session_endpoint.clone().unwrap())
            .set_id_token_hint(id_token)
            .set_post_logout_redirect_uri(PostLogoutRedirectUrl::new("https://evil.example.com/".into()).unwrap())
            .http_get_url();
        let r = browser.get(url.as_str()).send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.headers().get("location").is_none());
    }

    async fn apps_that_registered_es256_or_eddsa_get_id_tokens_signed_so(app) {
        let ada = person(&app, "ada@example.com");
        let browser = browser();
        let jwks = jwks_at(&app.url("/jwks")).await;
        for (alg, expected) in [
            ("ES256", CoreJwsSigningAlgorithm::EcdsaP256Sha256),
            ("EdDSA", CoreJwsSigningAlgorithm::EdDsa),
        ] {
            let name = format!("Shop{alg}");
            let shop = Rp::register(&app, NewClient {
                id_token_signed_response_alg: Some(alg.into()),
                ..web_app(&name)
            }).await;
            let started = shop.start();
            let callback = match open(&app.address, &browser, started.url.as_str()).await {
                Landing::SignIn(login) => sign_in_at(&app.address, &browser, &login, "ada@example.com").await.callback(),
                other => other.callback(),
            };
            callback.assert_from(&app.address, &started);
            let tokens = shop.redeem(&callback, &started).await.unwrap();
            // The crate checks the signature with the EC / OKP key and at_hash
            // with SHA-256 / SHA-512.
            let claims = shop.verify(&tokens, &started.nonce);
            assert_eq!(claims.subject().as_str(), ada);
            assert_eq!(tokens.id_token().unwrap().signing_alg().unwrap(), &expected);
            let (header, _) = verify_jwt_with(&jwks, &tokens.id_token().unwrap().to_string());
            assert_eq!(header["alg"], alg);
            // Refreshed ID tokens keep the app's algorithm.
            let refreshed = shop.oidc.exchange_refresh_token(tokens.refresh_token().unwrap()).unwrap()
                .request_async(&shop.http).await.unwrap();
            let id_token = refreshed.id_token().unwrap();
            assert_eq!(id_token.signing_alg().unwrap(), &expected);
            shop.verify_refreshed(id_token);
        }
    }

    async fn the_code_can_travel_in_the_fragment_or_a_form_post(app) {
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        sign_in_for(&app, &browser, &shop.start(), "ada@example.com").await;

        let started = shop.start_with(|r| r.add_extra_param("response_mode", "fragment"));
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        assert!(callback.url.query().is_none(), "{}", callback.url);
        callback.assert_from(&app.address, &started);
        shop.verify(&shop.redeem(&callback, &started).await.unwrap(), &started.nonce);

        let started = shop.start_with(|r| r.add_extra_param("response_mode", "form_post"));
        let html = match open(&app.address, &browser, started.url.as_str()).await {
            Landing::Page(200, html) => html,
            other => panic!("expected the auto-submitting form, got {other:?}"),
        };
        let marker = format!("action=\"{}\"", callback_of("Shop"));
        assert!(html.contains(&marker), "{html}");
        let fields: std::collections::HashMap<_, _> = hidden_fields(&html, &callback_of("Shop")).into_iter().collect();
        assert_eq!(fields["state"], *started.state.secret());
        assert_eq!(fields["iss"], app.address);
        let query = form(&fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>());
        let callback = Callback::parse(&format!("{}?{query}", callback_of("Shop")));
        shop.verify(&shop.redeem(&callback, &started).await.unwrap(), &started.nonce);
    }
}

/// The operator's `IDP_ACCESS_TOKEN_ALG` signs access tokens with ES256 or
/// EdDSA; apps verify them with the published keys.
async fn access_tokens_signed_with_es256_or_eddsa_verify_against_the_jwks(backend: Backend) {
    for alg in ["ES256", "EdDSA"] {
        let app = TestApp::spawn_with(backend, |s| {
            s.tokens.access_token_alg = alg.into();
        })
        .await;
        person(&app, "ada@example.com");
        let shop = Rp::register(&app, web_app("Shop")).await;
        let browser = browser();
        let started = shop.start();
        let callback = sign_in_for(&app, &browser, &started, "ada@example.com").await;
        let tokens = shop.redeem(&callback, &started).await.unwrap();
        // The ID token stays RS256, and its at_hash covers the other-alg access token.
        let claims = shop.verify(&tokens, &started.nonce);
        let jwks = jwks_at(&app.url("/jwks")).await;
        let (header, payload) = verify_jwt_with(&jwks, tokens.access_token().secret());
        assert_eq!(header["alg"], alg);
        assert_eq!(header["typ"], "at+jwt");
        assert_eq!(payload["sub"], claims.subject().as_str());
        let info: CoreUserInfoClaims = shop
            .oidc
            .user_info(tokens.access_token().clone(), None)
            .unwrap()
            .request_async(&shop.http)
            .await
            .expect("userinfo accepts it");
        assert_eq!(info.subject(), claims.subject());
    }
}

crate::for_both_backends! {
    access_tokens_signed_with_es256_or_eddsa_verify_against_the_jwks,
}
