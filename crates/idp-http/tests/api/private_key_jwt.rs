//! private_key_jwt client authentication (RFC 7523 §2.2, OIDC Core §9):
//! apps prove themselves with a short-lived JWT signed by their own key,
//! which idp finds inline (`jwks`) or at the app's `jwks_uri`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use idp_core::clients::NewClient;
use idp_core::crypto::random_token;
use idp_core::oauth::JWT_BEARER;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::oauth_helpers::*;
use crate::oidc_helpers::{verified_access_token, verified_id_token};
use crate::on_both_databases;

/// A client's RSA key pair: signs assertions; its public half is a JWK.
/// (The upstream stand-in signs its ID tokens with these too.)
pub(crate) struct ClientKey {
    kid: String,
    encoding: EncodingKey,
    pub(crate) jwk: Value,
}

impl ClientKey {
    pub(crate) fn generate(kid: &str) -> Self {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("an RSA key");
        let der = private.to_pkcs1_der().expect("PKCS#1 DER");
        let b64 = |n: &rsa::BigUint| URL_SAFE_NO_PAD.encode(n.to_bytes_be());
        Self {
            kid: kid.into(),
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            jwk: json!({
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                "n": b64(private.n()), "e": b64(private.e()),
            }),
        }
    }

    /// An RS256 JWT with this key's `kid`.
    fn sign(&self, claims: &Value) -> String {
        self.sign_as(Some(&self.kid), claims)
    }

    pub(crate) fn sign_as(&self, kid: Option<&str>, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("signed")
    }
}

fn jwks(keys: &[&ClientKey]) -> Value {
    json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()})
}

/// The claims of a good assertion: iss = sub = the client, aud = the token
/// endpoint, two minutes to live, a fresh jti.
fn claims(app: &TestApp, client_id: &str) -> Value {
    let now = unix_now();
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": app.url("/token"),
        "iat": now,
        "exp": now + 120,
        "jti": random_token(16),
    })
}

/// A private_key_jwt client (code flow without consent, and client
/// credentials for `inventory:read`); its id. It gets no secret.
fn key_client(app: &TestApp, name: &str, jwks: Option<Value>, jwks_uri: Option<String>) -> String {
    let created = app
        .idp
        .create_client(&NewClient {
            name: name.into(),
            redirect_uris: vec![REDIRECT_URI.into()],
            grant_types: vec!["authorization_code".into(), "client_credentials".into()],
            scopes: vec!["openid".into(), "email".into(), "inventory:read".into()],
            skip_consent: true,
            token_endpoint_auth_method: Some("private_key_jwt".into()),
            jwks,
            jwks_uri,
            ..NewClient::default()
        })
        .expect("client created");
    assert!(
        created.secret.is_none(),
        "a private_key_jwt client has no secret"
    );
    assert!(created.client.uses_private_key_jwt());
    created.client.client_id
}

/// A token request with `grant` plus the assertion (and `extra`).
async fn token_with(
    app: &TestApp,
    grant: &[(&str, &str)],
    assertion: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let mut form = grant.to_vec();
    form.push(("client_assertion_type", JWT_BEARER));
    form.push(("client_assertion", assertion));
    form.extend_from_slice(extra);
    post_form(app, "/token", None, &form).await
}

/// A client-credentials request with a fresh assertion `key` signed for `client_id`.
async fn client_credentials_signed_by(app: &TestApp, key: &ClientKey, client_id: &str) -> Reply {
    token_with(
        app,
        CLIENT_CREDENTIALS,
        &key.sign(&claims(app, client_id)),
        &[],
    )
    .await
}

const CLIENT_CREDENTIALS: &[(&str, &str)] = &[
    ("grant_type", "client_credentials"),
    ("scope", "inventory:read"),
];

/// Client credentials with this assertion: status and body.
async fn with_assertion(app: &TestApp, assertion: &str) -> (u16, Value) {
    let (status, _, body) = token_with(app, CLIENT_CREDENTIALS, assertion, &[]).await;
    (status, body)
}

/// Client credentials with this assertion must succeed for `client_id`.
async fn assert_accepted(app: &TestApp, client_id: &str, assertion: &str) -> String {
    let (status, body) = with_assertion(app, assertion).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "inventory:read");
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let token = body["access_token"].as_str().unwrap().to_owned();
    let (_, claims) = verified_access_token(&app.address, &token).await;
    assert_eq!(claims["client_id"], client_id);
    token
}

fn assert_invalid_client((status, headers, body): &Reply, why: &str) {
    assert_eq!(
        (*status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{why}: {body}"
    );
    assert!(headers.contains_key("www-authenticate"), "{why}");
}

fn assert_invalid_request((status, _, body): &Reply, why: &str) {
    assert_eq!(
        (*status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "{why}: {body}"
    );
}

/// The code flow, the code redeemed with a private_key_jwt assertion.
async fn code_exchange(
    app: &TestApp,
    browser: &reqwest::Client,
    client_id: &str,
    key: &ClientKey,
    account_id: &str,
) {
    let pkce = Pkce::new(client_id);
    let code = authorize(app, browser, client_id, "openid email", &pkce)
        .await
        .expect("a code");
    let grant = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    // Without client authentication (the client is not public): refused,
    // and the code is not spent.
    let mut unauthenticated = grant.to_vec();
    unauthenticated.push(("client_id", client_id));
    let (status, _, body) = post_form(app, "/token", None, &unauthenticated).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );

    // client_id may accompany the assertion when it names the same client.
    let assertion = key.sign(&claims(app, client_id));
    let (status, _, body) = token_with(app, &grant, &assertion, &[("client_id", client_id)]).await;
    assert_eq!(status, 200, "{body}");
    let id_token = body["id_token"].as_str().expect("an ID token");
    let id_claims = verified_id_token(&app.address, client_id, id_token).await;
    assert_eq!(id_claims["sub"], account_id);
    let (status, info) = userinfo(app, body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["sub"], account_id);
}

on_both_databases! {
    async fn inline_keys_authenticate_a_client_once_per_assertion(app) {
        let document: Value = reqwest::get(app.url("/.well-known/openid-configuration")).await.unwrap().json().await.unwrap();
        let methods = document["token_endpoint_auth_methods_supported"].as_array().unwrap();
        assert!(methods.contains(&json!("private_key_jwt")), "{document}");
        assert!(document["token_endpoint_auth_signing_alg_values_supported"].as_array().unwrap().contains(&json!("RS256")));

        let key = ClientKey::generate("warehouse-1");
        // Another key under the same kid: a forger's.
        let forger = ClientKey::generate("warehouse-1");
        let client_id = key_client(&app, "Warehouse", Some(jwks(&[&key])), None);

        let first = key.sign(&claims(&app, &client_id));
        assert_accepted(&app, &client_id, &first).await;
        // The audience may also be the issuer (RFC 7523 §3), or a list.
        let mut to_issuer = claims(&app, &client_id);
        to_issuer["aud"] = json!(app.address);
        assert_accepted(&app, &client_id, &key.sign(&to_issuer)).await;
        let mut listed = claims(&app, &client_id);
        listed["aud"] = json!(["https://elsewhere.example.com", app.url("/token")]);
        assert_accepted(&app, &client_id, &key.sign(&listed)).await;
        // Without a kid every key of the client is tried.
        assert_accepted(&app, &client_id, &key.sign_as(None, &claims(&app, &client_id))).await;

        // Each assertion works once.
        assert_invalid_client(&token_with(&app, CLIENT_CREDENTIALS, &first, &[]).await, "replayed");

        let now = unix_now();
        let tampered = |change: &dyn Fn(&mut Value)| {
            let mut c = claims(&app, &client_id);
            change(&mut c);
            c
        };
        // Failures count against this client from this address (20 lock it for
        // 15 minutes): this test stays below that.
        let refused: Vec<(&str, String)> = vec![
            ("aud of another endpoint", key.sign(&tampered(&|c| c["aud"] = json!(app.url("/userinfo"))))),
            ("aud of another server", key.sign(&tampered(&|c| c["aud"] = json!("https://idp.example.org/token")))),
            ("no aud", key.sign(&tampered(&|c| { c.as_object_mut().unwrap().remove("aud"); }))),
            ("expired", key.sign(&tampered(&|c| c["exp"] = json!(now - 120)))),
            ("no exp", key.sign(&tampered(&|c| { c.as_object_mut().unwrap().remove("exp"); }))),
            ("lives an hour", key.sign(&tampered(&|c| c["exp"] = json!(now + 3600)))),
            ("no jti", key.sign(&tampered(&|c| { c.as_object_mut().unwrap().remove("jti"); }))),
            ("empty jti", key.sign(&tampered(&|c| c["jti"] = json!("")))),
            ("sub is someone else", key.sign(&tampered(&|c| c["sub"] = json!("someone-else")))),
            ("iss is unknown", key.sign(&tampered(&|c| c["iss"] = json!("no-such-client")))),
            ("the forger's key, same kid", forger.sign(&claims(&app, &client_id))),
            ("the forger's key, no kid", forger.sign_as(None, &claims(&app, &client_id))),
            ("a kid the client does not have", key.sign_as(Some("warehouse-9"), &claims(&app, &client_id))),
            ("HS256 with a guessable secret", jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &claims(&app, &client_id),
                &EncodingKey::from_secret(client_id.as_bytes()),
            ).unwrap()),
            ("not a JWT", "not.a.jwt".into()),
        ];
        for (why, assertion) in &refused {
            assert_invalid_client(&token_with(&app, CLIENT_CREDENTIALS, assertion, &[]).await, why);
        }

        // A secret is no way in: the client has none.
        let made_up = random_token(32);
        let (status, body) = client_credentials(&app, &client_id, &made_up, Some("inventory:read")).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
        let (status, _, body) = post_form(&app, "/token", None, &[
            ("grant_type", "client_credentials"), ("client_id", &client_id), ("client_secret", &made_up),
        ]).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");

        // One method per request, the right assertion type, one client.
        let good = key.sign(&claims(&app, &client_id));
        assert_invalid_request(&token_with(&app, CLIENT_CREDENTIALS, &good, &[("client_secret", &made_up)]).await, "assertion and secret");
        let r = reqwest::Client::new().post(app.url("/token")).basic_auth(&client_id, Some(&made_up))
            .form(&[("grant_type", "client_credentials"), ("client_assertion_type", JWT_BEARER), ("client_assertion", &good)])
            .send().await.unwrap();
        assert_eq!(r.status(), 400, "assertion and Basic");
        assert_invalid_request(&token_with(&app, CLIENT_CREDENTIALS, &good, &[("client_id", "someone-else")]).await, "client_id differs");
        let (status, _, body) = post_form(&app, "/token", None, &[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"),
            ("client_assertion", &good),
        ]).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
        let (status, _, _) = post_form(&app, "/token", None, &[
            ("grant_type", "client_credentials"), ("client_assertion_type", JWT_BEARER),
        ]).await;
        assert_eq!(status, 400, "assertion type without an assertion");
        // None of these spent it.
        let token = assert_accepted(&app, &client_id, &good).await;

        // The revocation endpoint takes assertions too.
        let mut form = vec![("token", token.as_str())];
        let revoke_assertion = key.sign(&claims(&app, &client_id));
        form.push(("client_assertion_type", JWT_BEARER));
        form.push(("client_assertion", &revoke_assertion));
        let resource_server = service_client(&app, "Resource server", &["introspect"]);
        let rs = Some((resource_server.0.as_str(), resource_server.1.as_str()));
        let (_, _, introspected) = post_form(&app, "/introspect", rs, &[("token", &token)]).await;
        assert_eq!(introspected["active"], true, "{introspected}");
        let (status, _, body) = post_form(&app, "/revoke", None, &form).await;
        assert_eq!(status, 200, "{body}");
        let (_, _, introspected) = post_form(&app, "/introspect", rs, &[("token", &token)]).await;
        assert_eq!(introspected, json!({"active": false}), "revoked");

        // A person signs in through the app; the code is redeemed with an assertion.
        let (account_id, browser) = signed_in_person(&app, "keys@example.com", false).await;
        code_exchange(&app, &browser, &client_id, &key, &account_id).await;

        // A client made for secrets cannot switch to assertions, keys or not.
        let created = app.idp.create_client(&NewClient {
            name: "Secret keeper".into(),
            grant_types: vec!["client_credentials".into()],
            scopes: vec!["inventory:read".into()],
            jwks: Some(jwks(&[&key])),
            ..NewClient::default()
        }).unwrap();
        let keeper = created.client.client_id;
        assert_invalid_client(
            &token_with(&app, CLIENT_CREDENTIALS, &key.sign(&claims(&app, &keeper)), &[]).await,
            "a client_secret_basic client",
        );
        client_token(&app, &keeper, created.secret.as_deref().unwrap(), "inventory:read").await;
    }

    async fn keys_at_a_jwks_uri_are_fetched_each_time(app) {
        let old_key = ClientKey::generate("2025");
        let new_key = ClientKey::generate("2026");
        let server = JwksServer::start(jwks(&[&old_key]));
        let client_id = key_client(&app, "Depot", None, Some(server.url.clone()));

        let first = old_key.sign(&claims(&app, &client_id));
        assert_accepted(&app, &client_id, &first).await;
        assert!(server.hits() >= 1, "the keys were fetched");
        assert_invalid_client(&token_with(&app, CLIENT_CREDENTIALS, &first, &[]).await, "replayed");
        assert_invalid_client(
            &token_with(&app, CLIENT_CREDENTIALS, &new_key.sign(&claims(&app, &client_id)), &[]).await,
            "a key not published yet",
        );
        let mut expired = claims(&app, &client_id);
        expired["exp"] = json!(unix_now() - 300);
        assert_invalid_client(&token_with(&app, CLIENT_CREDENTIALS, &old_key.sign(&expired), &[]).await, "expired");
        let mut wrong_aud = claims(&app, &client_id);
        wrong_aud["aud"] = json!("https://idp.example.org/token");
        assert_invalid_client(&token_with(&app, CLIENT_CREDENTIALS, &old_key.sign(&wrong_aud), &[]).await, "wrong aud");
        let (account_id, browser) = signed_in_person(&app, "depot@example.com", false).await;
        code_exchange(&app, &browser, &client_id, &old_key, &account_id).await;

        // The app rotates its key: the new one works at once, the old one no more.
        server.publish(jwks(&[&new_key]));
        let before = server.hits();
        assert_accepted(&app, &client_id, &new_key.sign(&claims(&app, &client_id))).await;
        assert!(server.hits() > before, "fetched again");
        assert_invalid_client(
            &token_with(&app, CLIENT_CREDENTIALS, &old_key.sign(&claims(&app, &client_id)), &[]).await,
            "a retired key",
        );

        // When the keys cannot be read, nobody gets in.
        server.fail_with(500);
        assert_invalid_client(
            &token_with(&app, CLIENT_CREDENTIALS, &new_key.sign(&claims(&app, &client_id)), &[]).await,
            "the jwks_uri fails",
        );
        server.fail_with(200);
        assert_accepted(&app, &client_id, &new_key.sign(&claims(&app, &client_id))).await;

        // Nor when they are not a JWK Set.
        server.publish(json!({"not": "a JWK Set"}));
        assert_invalid_client(
            &token_with(&app, CLIENT_CREDENTIALS, &new_key.sign(&claims(&app, &client_id)), &[]).await,
            "a malformed JWK Set",
        );
    }

    async fn an_assertion_cannot_be_replayed_while_it_is_still_accepted(app) {
        let key = ClientKey::generate("k");
        let client_id = key_client(&app, "Warehouse", Some(jwks(&[&key])), None);
        // Just past its exp, but within the 30 seconds of clock skew idp allows.
        let mut c = claims(&app, &client_id);
        c["exp"] = json!(unix_now() - 5);
        let assertion = key.sign(&c);
        assert_accepted(&app, &client_id, &assertion).await;
        // Its jti is remembered for as long as the signature check accepts it.
        let replayed = token_with(&app, CLIENT_CREDENTIALS, &assertion, &[]).await;
        assert_invalid_client(&replayed, "replayed within the exp leeway");
    }
}

crate::for_both_backends! {
    registered_clients_use_keys,
    a_client_using_a_secret_cannot_switch_to_keys,
    a_client_using_keys_cannot_switch_to_a_secret,
}

/// RFC 7592 §2.2: replaces the registered client's metadata.
async fn replace(registered: &Value, body: Value) -> (u16, Value) {
    let (status, _, body) = json_call(
        reqwest::Method::PUT,
        registered["registration_client_uri"].as_str().unwrap(),
        registered["registration_access_token"].as_str(),
        Some(body),
    )
    .await;
    (status, body)
}

/// Registration (RFC 7591) with private_key_jwt, inline keys or a jwks_uri.
async fn registered_clients_use_keys(backend: Backend) {
    let app = with_registration(backend, None).await;
    let key = ClientKey::generate("reg-1");
    let body = registered(
        &app,
        None,
        json!({
            "client_name": "Registered warehouse",
            "grant_types": ["client_credentials"],
            "scope": "inventory:read",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": jwks(&[&key]),
        }),
    )
    .await;
    assert_eq!(body["token_endpoint_auth_method"], "private_key_jwt");
    assert!(body.get("client_secret").is_none(), "{body}");
    assert!(body["registration_access_token"].is_string());
    assert_eq!(body["jwks"], jwks(&[&key]));
    let client_id = body["client_id"].as_str().unwrap().to_owned();
    let first = key.sign(&claims(&app, &client_id));
    assert_accepted(&app, &client_id, &first).await;
    assert_invalid_client(
        &token_with(&app, CLIENT_CREDENTIALS, &first, &[]).await,
        "replayed",
    );
    let (status, body) = client_credentials(&app, &client_id, "guessed-secret", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );

    let server = JwksServer::start(jwks(&[&key]));
    let body = registered(
        &app,
        None,
        json!({
            "grant_types": ["client_credentials"],
            "scope": "inventory:read",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks_uri": server.url,
        }),
    )
    .await;
    assert_eq!(body["jwks_uri"], server.url.as_str());
    assert!(body.get("jwks").is_none() && body.get("client_secret").is_none());
    let by_uri = body["client_id"].as_str().unwrap().to_owned();
    assert_accepted(&app, &by_uri, &key.sign(&claims(&app, &by_uri))).await;
    assert!(server.hits() >= 1);
    // An assertion names one client: the first one's does not serve the second.
    let (status, _, body) = token_with(
        &app,
        CLIENT_CREDENTIALS,
        &key.sign(&claims(&app, &client_id)),
        &[("client_id", &by_uri)],
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

/// A client registered with a secret asks (RFC 7592) to use private_key_jwt
/// instead: refused, since the secret would linger and still work; the
/// secret stays its way in and the keys are not.
async fn a_client_using_a_secret_cannot_switch_to_keys(backend: Backend) {
    let app = with_registration(backend, None).await;
    let key = ClientKey::generate("switch-1");
    let registered = registered(
        &app,
        None,
        json!({
            "client_name": "Switcher",
            "grant_types": ["client_credentials"],
            "scope": "inventory:read",
        }),
    )
    .await;
    let client_id = registered["client_id"].as_str().unwrap().to_owned();
    let secret = registered["client_secret"].as_str().unwrap().to_owned();
    client_token(&app, &client_id, &secret, "inventory:read").await;
    let (status, replaced) = replace(
        &registered,
        json!({
            "client_id": client_id,
            "client_name": "Switcher",
            "grant_types": ["client_credentials"],
            "scope": "inventory:read",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": jwks(&[&key]),
        }),
    )
    .await;
    assert_eq!(status, 400, "{replaced}");
    assert_eq!(replaced["error"], "invalid_client_metadata");
    client_token(&app, &client_id, &secret, "inventory:read").await;
    let (status, _, body) = client_credentials_signed_by(&app, &key, &client_id).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
}

/// A private_key_jwt client asks (RFC 7592) to use client_secret_basic
/// instead: refused, since idp would have to hand a secret to whoever holds
/// the registration access token, and the client keeps using its keys.
async fn a_client_using_keys_cannot_switch_to_a_secret(backend: Backend) {
    let app = with_registration(backend, None).await;
    let key = ClientKey::generate("switch-2");
    let registered = registered(
        &app,
        None,
        json!({
            "grant_types": ["client_credentials"],
            "scope": "inventory:read",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": jwks(&[&key]),
        }),
    )
    .await;
    let client_id = registered["client_id"].as_str().unwrap().to_owned();
    for method in ["client_secret_basic", "client_secret_post"] {
        let (status, replaced) = replace(
            &registered,
            json!({
                "client_id": client_id,
                "grant_types": ["client_credentials"],
                "scope": "inventory:read",
                "token_endpoint_auth_method": method,
            }),
        )
        .await;
        assert_eq!(
            (status, replaced["error"].as_str()),
            (400, Some("invalid_client_metadata")),
            "{method}: {replaced}"
        );
        assert!(replaced.get("client_secret").is_none(), "{replaced}");
    }
    let stored = app
        .idp
        .client(&client_id)
        .unwrap()
        .expect("still registered");
    assert!(stored.uses_private_key_jwt(), "{:?}", stored.metadata);
    assert_accepted(&app, &client_id, &key.sign(&claims(&app, &client_id))).await;
    let (status, body) = client_credentials(&app, &client_id, "guessed-secret", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
}

crate::for_both_backends! {
    a_jwks_uri_inside_the_network_is_not_fetched_nor_described,
    a_jwks_uri_that_fails_is_not_described_to_the_caller,
    a_huge_jwks_document_is_not_read_past_the_limit,
}

/// Someone who may register clients points `jwks_uri` inside the operator's
/// network and asks the token endpoint what happened.
async fn a_jwks_uri_inside_the_network_is_not_fetched_nor_described(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.oauth.dynamic_registration = true;
        s.oauth.allow_internal_urls = false;
    })
    .await;
    let key = ClientKey::generate("inside");
    let server = JwksServer::start(jwks(&[&key]));
    let port = server
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let mut answers = Vec::new();
    for uri in [
        server.url.clone(),
        format!("http://localhost:{port}/jwks.json"),
        format!("http://[::ffff:127.0.0.1]:{port}/jwks.json"),
        format!("http://[::127.0.0.1]:{port}/jwks.json"),
        format!("http://[64:ff9b::7f00:1]:{port}/jwks.json"),
        format!("http://[2002:7f00:1::1]:{port}/jwks.json"),
    ] {
        let registered = registered(
            &app,
            None,
            json!({
                "grant_types": ["client_credentials"],
                "scope": "inventory:read",
                "token_endpoint_auth_method": "private_key_jwt",
                "jwks_uri": uri,
            }),
        )
        .await;
        let client_id = registered["client_id"].as_str().unwrap().to_owned();
        let answer = client_credentials_signed_by(&app, &key, &client_id).await;
        assert_invalid_client(&answer, &uri);
        let description = answer.2["error_description"].as_str().unwrap().to_owned();
        assert_says_nothing_about_the_fetch(&description, port);
        answers.push(description);
    }
    assert_eq!(server.hits(), 0, "idp reached inside the network");
    answers.dedup();
    assert_eq!(
        answers.len(),
        1,
        "every refusal reads the same: {answers:?}"
    );
}

/// What a fetch error may reveal (addresses, ports, names, resolver and
/// connection messages) stays in the log.
fn assert_says_nothing_about_the_fetch(description: &str, port: &str) {
    for revealing in [
        "127.0.0.1",
        "localhost",
        "::",
        port,
        "internal",
        "resolve",
        "lookup",
        "connect",
        "sending request",
        "http",
        "status",
    ] {
        assert!(
            !description.to_ascii_lowercase().contains(revealing),
            "`{revealing}` in `{description}`"
        );
    }
}

/// With internal addresses allowed, a `jwks_uri` where nothing listens: the
/// caller learns that the keys could not be read, not why.
async fn a_jwks_uri_that_fails_is_not_described_to_the_caller(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = ClientKey::generate("nowhere");
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port().to_string();
    drop(closed);
    let client_id = key_client(
        &app,
        "Nowhere",
        None,
        Some(format!("http://127.0.0.1:{port}/jwks.json")),
    );
    let answer = client_credentials_signed_by(&app, &key, &client_id).await;
    assert_invalid_client(&answer, "nothing listens at the jwks_uri");
    assert_says_nothing_about_the_fetch(answer.2["error_description"].as_str().unwrap(), &port);
}

/// A `jwks_uri` that answers with an endless document: idp stops reading
/// at its limit instead of taking in everything and measuring it after.
async fn a_huge_jwks_document_is_not_read_past_the_limit(backend: Backend) {
    const SENT: usize = 64 * 1024 * 1024;
    let app = TestApp::spawn(backend).await;
    let key = ClientKey::generate("huge");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let (done, written) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 2 {
            line.clear();
        }
        let mut out = stream;
        // No Content-Length: the size shows only while reading.
        let mut sent = 0;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"keys\": [";
        if out.write_all(head.as_bytes()).is_ok() {
            let blanks = vec![b' '; 64 * 1024];
            while sent < SENT && out.write_all(&blanks).is_ok() {
                sent += blanks.len();
            }
            let _ = out.write_all(b"]}");
        }
        let _ = done.send(sent);
    });
    let client_id = key_client(&app, "Huge", None, Some(url));
    let answer = client_credentials_signed_by(&app, &key, &client_id).await;
    assert_invalid_client(&answer, "a JWK Set past the limit");
    let sent = written
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the server finished");
    // What idp read, plus what the two sockets' buffers took in (loopback
    // buffers grow to a few MiB), is far from everything.
    assert!(
        sent < SENT / 2,
        "idp took in {} MiB of a 64 KiB document",
        sent / (1024 * 1024)
    );
}

/// A loopback HTTP server publishing a JWK Set that the test can change,
/// counting how often it is fetched.
struct JwksServer {
    url: String,
    document: Arc<Mutex<(u16, Value)>>,
    hits: Arc<AtomicUsize>,
}

impl JwksServer {
    fn start(document: Value) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Mutex::new((200, document)));
        let hits = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (shared.clone(), hits.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let (status, body) = {
                    let guard = served.lock().unwrap();
                    (guard.0, guard.1.to_string())
                };
                let reason = if status == 200 { "OK" } else { "Error" };
                let mut out = stream;
                let _ = out.write_all(
                    format!(
                        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/jwks.json"),
            document: shared,
            hits,
        }
    }

    fn publish(&self, document: Value) {
        *self.document.lock().unwrap() = (200, document);
    }

    fn fail_with(&self, status: u16) {
        self.document.lock().unwrap().0 = status;
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
