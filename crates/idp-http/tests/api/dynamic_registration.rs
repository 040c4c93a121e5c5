//! Dynamic client registration (RFC 7591), its management API (RFC 7592),
//! and signed UserInfo answers for the apps that register for them.

use idp_core::clients::NewClient;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::oauth_helpers::*;
use crate::oidc_helpers::{jwks_at, verified_id_token, verify_jwt_with};
use crate::on_both_databases;

/// The initial access token of the apps that require one (≥ 32 characters).
const INITIAL_TOKEN: &str = "initial-access-token-0123456789-abcdefghij";

crate::for_both_backends! {
    a_client_registers_for_pairwise_subjects,
    open_registration_issues_credentials_and_the_app_signs_people_in,
    bad_metadata_is_refused,
    an_initial_access_token_guards_registration,
    a_registered_client_reads_replaces_and_deletes_itself,
    userinfo_is_signed_for_clients_that_registered_for_it,
}

fn text<'a>(body: &'a Value, name: &str) -> &'a str {
    body[name]
        .as_str()
        .unwrap_or_else(|| panic!("no `{name}` in {body}"))
}

/// An RFC 7591/7592 error: its status, code and `Cache-Control`; a 401 also
/// carries a Bearer challenge naming and describing the error.
fn assert_error((status, headers, body): &(u16, HeaderMap, Value), expected: u16, code: &str) {
    assert_eq!(
        (*status, body["error"].as_str()),
        (expected, Some(code)),
        "{body}"
    );
    assert!(body["error_description"].is_string(), "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    if expected == 401 {
        let challenge = headers["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.starts_with("Bearer ")
                && challenge.contains(&format!("error=\"{code}\""))
                && challenge.contains("error_description=\""),
            "{challenge}"
        );
    }
}

/// The 401 of a call that carried no Bearer token: `invalid_token` in the
/// body, and a challenge without error attributes (RFC 6750 §3.1).
fn assert_without_token((status, headers, body): &(u16, HeaderMap, Value)) {
    assert_eq!(
        (*status, body["error"].as_str()),
        (401, Some("invalid_token")),
        "{body}"
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["www-authenticate"], "Bearer realm=\"idp\"");
}

async fn discovery(app: &TestApp, path: &str) -> Value {
    reqwest::get(app.url(path))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Status of a token request authenticated with this secret: 400
/// `invalid_grant` (the code is made up) shows the secret was accepted.
async fn secret_works(app: &TestApp, client_id: &str, secret: &str) -> bool {
    let (status, _, body) = post_form(
        app,
        "/token",
        Some((client_id, secret)),
        &[
            ("grant_type", "authorization_code"),
            ("code", "made-up-code"),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    match status {
        400 => {
            assert_eq!(body["error"], "invalid_grant", "{body}");
            true
        }
        401 => {
            assert_eq!(body["error"], "invalid_client", "{body}");
            false
        }
        other => panic!("unexpected {other}: {body}"),
    }
}

on_both_databases! {
    async fn registration_is_off_by_default(app) {
        let body = json!({"redirect_uris": [REDIRECT_URI]});
        let refused = register(&app, None, body.clone()).await;
        assert_error(&refused, 404, "not_found");
        // Not even an initial access token opens it.
        assert_eq!(register(&app, Some(INITIAL_TOKEN), body).await.0, 404);
        assert!(app.idp.list_clients().unwrap().is_empty());

        let (id, _) = web_app(&app, "Shop", &["openid"]);
        let uri = app.url(&format!("/register/{id}"));
        for method in [Method::GET, Method::DELETE] {
            let (status, _, _) = json_call(method, &uri, Some("anything"), None).await;
            assert_eq!(status, 404);
        }
        let (status, _, _) = json_call(Method::PUT, &uri, Some("anything"), Some(json!({"redirect_uris": [REDIRECT_URI]}))).await;
        assert_eq!(status, 404);

        for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"] {
            let document = discovery(&app, path).await;
            assert!(document.get("registration_endpoint").is_none(), "{document}");
        }
    }
}

async fn open_registration_issues_credentials_and_the_app_signs_people_in(backend: Backend) {
    let app = with_registration(backend, None).await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let document = discovery(&app, path).await;
        assert_eq!(document["registration_endpoint"], app.url("/register"));
    }

    let body = registered(
        &app,
        None,
        json!({
            "client_name": "Recipe Box",
            "redirect_uris": [REDIRECT_URI],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": "openid email offline_access",
            "token_endpoint_auth_method": "client_secret_basic",
            "logo_uri": "https://recipes.example.com/logo.png",
            "policy_uri": "https://recipes.example.com/privacy",
            // Not client metadata: a registering app cannot skip consent.
            "skip_consent": true,
            // Unknown members are ignored (RFC 7591 §2).
            "software_id": "4NRB1-0XZABZI9E6-5SM3R",
        }),
    )
    .await;
    let client_id = text(&body, "client_id").to_owned();
    let secret = text(&body, "client_secret").to_owned();
    let registration_token = text(&body, "registration_access_token");
    assert!(client_id.len() >= 16 && secret.len() >= 32 && registration_token.len() >= 32);
    assert_ne!(secret, registration_token);
    assert_eq!(body["client_secret_expires_at"], 0);
    assert_eq!(
        body["registration_client_uri"],
        format!("{}/register/{client_id}", app.address)
    );
    // client_id_issued_at is OPTIONAL (RFC 7591 §3.2.1); idp does not send
    // it today. When it does, it must be a number of seconds.
    if let Some(issued) = body.get("client_id_issued_at") {
        assert!(issued.is_i64(), "{body}");
    }
    assert_eq!(body["client_name"], "Recipe Box");
    assert_eq!(body["redirect_uris"], json!([REDIRECT_URI]));
    assert_eq!(
        body["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(body["response_types"], json!(["code"]));
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(body["scope"], "openid email offline_access");
    assert_eq!(body["logo_uri"], "https://recipes.example.com/logo.png");
    assert_eq!(body["policy_uri"], "https://recipes.example.com/privacy");
    assert_eq!(body["subject_type"], "public");
    assert_eq!(body["id_token_signed_response_alg"], "RS256");
    assert!(body.get("skip_consent").is_none() && body.get("software_id").is_none());

    let stored = app.idp.client(&client_id).unwrap().expect("stored");
    assert!(
        !stored.metadata.skip_consent,
        "registered clients never skip consent"
    );
    assert_eq!(stored.name, "Recipe Box");

    // A person uses the app: consent, code, tokens for this client.
    let (account_id, browser) = signed_in_person(&app, "reg@example.com", false).await;
    let tokens =
        code_flow_with_consent(&app, &browser, (&client_id, Some(&secret)), "openid email").await;
    let claims = verified_id_token(&app.address, &client_id, text(&tokens, "id_token")).await;
    assert_eq!(claims["sub"], account_id.as_str());
    // Without userinfo_signed_response_alg, UserInfo is plain JSON.
    let (status, info) = userinfo(&app, text(&tokens, "access_token")).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["email"], "reg@example.com");

    // Defaults: the code grant, the default scopes, client_secret_basic.
    let body = registered(&app, None, json!({"redirect_uris": [REDIRECT_URI]})).await;
    assert_eq!(body["grant_types"], json!(["authorization_code"]));
    assert_eq!(body["response_types"], json!(["code"]));
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(
        body["scope"],
        "openid profile email phone address offline_access"
    );
    assert!(body["client_name"].is_string());
    assert!(body["client_secret"].is_string());

    // A public client (a native app) gets no secret and still needs consent.
    let body = registered(
        &app,
        None,
        json!({
            "client_name": "Recipe Box for phones",
            "redirect_uris": ["com.example.recipes:/cb", REDIRECT_URI],
            "token_endpoint_auth_method": "none",
            "scope": "openid",
        }),
    )
    .await;
    assert_eq!(body["token_endpoint_auth_method"], "none");
    assert!(body.get("client_secret").is_none(), "{body}");
    assert!(body.get("client_secret_expires_at").is_none(), "{body}");
    assert!(body["registration_access_token"].is_string());
    let public_id = text(&body, "client_id").to_owned();
    let tokens = code_flow_with_consent(&app, &browser, (&public_id, None), "openid").await;
    assert!(tokens["id_token"].is_string());

    // client_secret_post is honoured too.
    let body = registered(
        &app,
        None,
        json!({"redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "client_secret_post"}),
    )
    .await;
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_post");
    assert!(body["client_secret"].is_string());
}

async fn bad_metadata_is_refused(backend: Backend) {
    let app = with_registration(backend, None).await;
    let ok_uri = json!([REDIRECT_URI]);
    let cases: Vec<(Value, &str)> = vec![
        // Plain http is for loopback only.
        (
            json!({"redirect_uris": ["http://recipes.example.com/cb"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": ["https://recipes.example.com/cb#frag"]}),
            "invalid_redirect_uri",
        ),
        (json!({"redirect_uris": ["/cb"]}), "invalid_redirect_uri"),
        (
            json!({"redirect_uris": ["javascript:alert(1)"]}),
            "invalid_redirect_uri",
        ),
        // The code grant needs somewhere to send codes.
        (json!({"client_name": "No URIs"}), "invalid_redirect_uri"),
        (
            json!({"redirect_uris": ok_uri, "response_types": ["token"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "response_types": ["code", "id_token"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "subject_type": "anonymous"}),
            "invalid_client_metadata",
        ),
        // Pairwise subjects without a sector identifier need one host.
        (
            json!({
                "redirect_uris": [REDIRECT_URI, "https://recipes.example.com/cb"],
                "subject_type": "pairwise",
            }),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "sector_identifier_uri": "https://recipes.example.com/s.json"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "scope": "openid admin"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "scope": "introspect"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "grant_types": ["password"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "grant_types": ["implicit"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "token_endpoint_auth_method": "client_secret_jwt"}),
            "invalid_client_metadata",
        ),
        // A public client holds no secret, so no client credentials.
        (
            json!({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "none"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "id_token_signed_response_alg": "HS256"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "userinfo_signed_response_alg": "none"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "id_token_encrypted_response_alg": "RSA-OAEP"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "jwks": {"kty": "RSA"}}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "jwks_uri": "ftp://recipes.example.com/jwks"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "logo_uri": "javascript:alert(1)"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": ok_uri, "client_name": "   "}),
            "invalid_client_metadata",
        ),
        // Wrong JSON types.
        (
            json!({"redirect_uris": REDIRECT_URI}),
            "invalid_client_metadata",
        ),
        (json!(["not", "an", "object"]), "invalid_client_metadata"),
    ];
    for (body, code) in cases {
        let refused = register(&app, None, body.clone()).await;
        assert_eq!(refused.2["error"], code, "{body}: {}", refused.2);
        assert_error(&refused, 400, code);
    }
    // A body that is not JSON at all.
    let r = reqwest::Client::new()
        .post(app.url("/register"))
        .header("Content-Type", "application/json")
        .body("redirect_uris=http://127.0.0.1:9/cb")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client_metadata");
    assert!(
        app.idp.list_clients().unwrap().is_empty(),
        "nothing was registered"
    );

    // A private_key_jwt client names its keys one way: `jwks` or `jwks_uri`
    // (RFC 7591 §2: they MUST NOT both be present), and not none.
    let keys = json!({"keys": []});
    let cases = [
        json!({"jwks": keys, "jwks_uri": "https://recipes.example.com/jwks.json"}),
        json!({}),
    ];
    for extra in cases {
        let mut body = json!({
            "redirect_uris": ok_uri,
            "token_endpoint_auth_method": "private_key_jwt",
        });
        for (name, value) in extra.as_object().unwrap() {
            body[name] = value.clone();
        }
        let refused = register(&app, None, body.clone()).await;
        assert_error(&refused, 400, "invalid_client_metadata");
    }
    assert!(
        app.idp.list_clients().unwrap().is_empty(),
        "nothing was registered"
    );
}

async fn an_initial_access_token_guards_registration(backend: Backend) {
    let app = with_registration(backend, Some(INITIAL_TOKEN)).await;
    let document = discovery(&app, "/.well-known/openid-configuration").await;
    assert_eq!(document["registration_endpoint"], app.url("/register"));
    let body = json!({"client_name": "Guarded", "redirect_uris": [REDIRECT_URI]});

    assert_without_token(&register(&app, None, body.clone()).await);
    assert_error(
        &register(
            &app,
            Some("initial-access-token-0123456789-abcdefghiX"),
            body.clone(),
        )
        .await,
        401,
        "invalid_token",
    );
    assert_error(
        &register(&app, Some(&INITIAL_TOKEN[..20]), body.clone()).await,
        401,
        "invalid_token",
    );
    // The token as HTTP Basic is not a Bearer token.
    let r = reqwest::Client::new()
        .post(app.url("/register"))
        .basic_auth(INITIAL_TOKEN, Some(""))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"idp\"");
    // The token in the body does not count either.
    let mut in_body = body.clone();
    in_body["access_token"] = json!(INITIAL_TOKEN);
    assert_without_token(&register(&app, None, in_body).await);
    assert!(app.idp.list_clients().unwrap().is_empty());

    let created = registered(&app, Some(INITIAL_TOKEN), body.clone()).await;
    assert_eq!(created["client_name"], "Guarded");
    // The initial token is reusable (it is not a registration access token).
    let again = registered(&app, Some(INITIAL_TOKEN), body).await;
    assert_ne!(again["client_id"], created["client_id"]);
    assert_eq!(app.idp.list_clients().unwrap().len(), 2);

    // The initial access token does not manage clients; each client's own
    // registration access token does.
    let uri = text(&created, "registration_client_uri").to_owned();
    assert_error(
        &json_call(Method::GET, &uri, Some(INITIAL_TOKEN), None).await,
        401,
        "invalid_token",
    );
    let (status, _, read) = json_call(
        Method::GET,
        &uri,
        Some(text(&created, "registration_access_token")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["client_id"], created["client_id"]);
}

async fn a_registered_client_reads_replaces_and_deletes_itself(backend: Backend) {
    let app = with_registration(backend, None).await;
    let created = registered(
        &app,
        None,
        json!({
            "client_name": "Recipe Box",
            "redirect_uris": [REDIRECT_URI],
            "scope": "openid email",
            "tos_uri": "https://recipes.example.com/terms",
        }),
    )
    .await;
    let client_id = text(&created, "client_id").to_owned();
    let secret = text(&created, "client_secret").to_owned();
    let token = text(&created, "registration_access_token").to_owned();
    let uri = text(&created, "registration_client_uri").to_owned();
    let other = registered(&app, None, json!({"redirect_uris": [REDIRECT_URI]})).await;
    let other_token = text(&other, "registration_access_token").to_owned();

    // Read (RFC 7592 §2.1).
    let (status, headers, read) = json_call(Method::GET, &uri, Some(&token), None).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(read["client_id"], client_id.as_str());
    assert_eq!(read["client_name"], "Recipe Box");
    assert_eq!(read["redirect_uris"], json!([REDIRECT_URI]));
    assert_eq!(read["scope"], "openid email");
    assert_eq!(read["tos_uri"], "https://recipes.example.com/terms");
    assert_eq!(read["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(read["registration_client_uri"], uri.as_str());
    // RFC 7592 §3: the answer carries the registration access token (the
    // one just presented); the client secret, stored hashed, is not shown again.
    assert_eq!(read["registration_access_token"], token.as_str());
    assert!(read.get("client_secret").is_none(), "{read}");

    // Without, with a wrong, or with another client's token: 401.
    assert_without_token(&json_call(Method::GET, &uri, None, None).await);
    assert_error(
        &json_call(Method::GET, &uri, Some("wrong-token"), None).await,
        401,
        "invalid_token",
    );
    assert_error(
        &json_call(Method::GET, &uri, Some(&other_token), None).await,
        401,
        "invalid_token",
    );
    // The client secret is not a registration access token.
    assert_error(
        &json_call(Method::GET, &uri, Some(&secret), None).await,
        401,
        "invalid_token",
    );
    // Unknown clients look the same as a wrong token.
    assert_error(
        &json_call(
            Method::GET,
            &app.url("/register/no-such-client"),
            Some(&token),
            None,
        )
        .await,
        401,
        "invalid_token",
    );
    // Clients an administrator made have no registration access token.
    let (admin_made, _) = web_app(&app, "Shop", &["openid"]);
    let admin_uri = app.url(&format!("/register/{admin_made}"));
    for bearer in [token.as_str(), ""] {
        let (status, _, _) = json_call(Method::GET, &admin_uri, Some(bearer), None).await;
        assert_eq!(status, 401);
    }
    let (status, _, _) = json_call(Method::DELETE, &admin_uri, Some(&token), None).await;
    assert_eq!(status, 401);
    assert!(app.idp.client(&admin_made).unwrap().is_some());

    // Replace (RFC 7592 §2.2): the whole metadata, id and secret unchanged.
    let replacement = json!({
        "client_id": client_id,
        "client_name": "Recipe Box 2",
        "redirect_uris": [REDIRECT_URI, "https://recipes.example.com/cb"],
        "scope": "openid profile",
        "grant_types": ["authorization_code", "refresh_token"],
    });
    assert_error(
        &json_call(
            Method::PUT,
            &uri,
            Some(&other_token),
            Some(replacement.clone()),
        )
        .await,
        401,
        "invalid_token",
    );
    assert_without_token(&json_call(Method::PUT, &uri, None, Some(replacement.clone())).await);
    let (status, headers, replaced) =
        json_call(Method::PUT, &uri, Some(&token), Some(replacement)).await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(replaced["client_id"], client_id.as_str());
    assert_eq!(replaced["client_name"], "Recipe Box 2");
    assert_eq!(
        replaced["redirect_uris"],
        json!([REDIRECT_URI, "https://recipes.example.com/cb"])
    );
    assert_eq!(replaced["scope"], "openid profile");
    assert_eq!(
        replaced["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    // Replaced, not merged: the terms link is gone.
    assert!(replaced.get("tos_uri").is_none(), "{replaced}");
    assert!(replaced.get("client_secret").is_none());
    let (_, _, read) = json_call(Method::GET, &uri, Some(&token), None).await;
    assert_eq!(read["client_name"], "Recipe Box 2");
    assert!(read.get("tos_uri").is_none());
    let stored = app.idp.client(&client_id).unwrap().unwrap();
    assert_eq!(stored.name, "Recipe Box 2");
    assert!(!stored.metadata.skip_consent);
    assert!(
        secret_works(&app, &client_id, &secret).await,
        "the secret stays"
    );

    // A replacement is checked like a registration.
    let bad: Vec<(Value, &str)> = vec![
        (
            json!({"redirect_uris": ["http://recipes.example.com/cb"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": [REDIRECT_URI], "scope": "openid admin"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [REDIRECT_URI], "response_types": ["token"]}),
            "invalid_client_metadata",
        ),
        // Confidential stays confidential.
        (
            json!({"redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none"}),
            "invalid_client_metadata",
        ),
    ];
    for (body, code) in bad {
        assert_error(
            &json_call(Method::PUT, &uri, Some(&token), Some(body)).await,
            400,
            code,
        );
    }
    assert_eq!(
        app.idp.client(&client_id).unwrap().unwrap().name,
        "Recipe Box 2"
    );

    // Delete (RFC 7592 §2.3).
    assert_error(
        &json_call(Method::DELETE, &uri, Some(&other_token), None).await,
        401,
        "invalid_token",
    );
    assert_without_token(&json_call(Method::DELETE, &uri, None, None).await);
    assert!(app.idp.client(&client_id).unwrap().is_some());
    let (status, headers, body) = json_call(Method::DELETE, &uri, Some(&token), None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(app.idp.client(&client_id).unwrap().is_none());
    assert_error(
        &json_call(Method::GET, &uri, Some(&token), None).await,
        401,
        "invalid_token",
    );
    assert_error(
        &json_call(
            Method::PUT,
            &uri,
            Some(&token),
            Some(json!({"redirect_uris": [REDIRECT_URI]})),
        )
        .await,
        401,
        "invalid_token",
    );
    assert_error(
        &json_call(Method::DELETE, &uri, Some(&token), None).await,
        401,
        "invalid_token",
    );
    assert!(
        !secret_works(&app, &client_id, &secret).await,
        "the client is gone"
    );
    // The other client is untouched.
    let (status, _, _) = json_call(
        Method::GET,
        text(&other, "registration_client_uri"),
        Some(&other_token),
        None,
    )
    .await;
    assert_eq!(status, 200);
}

async fn userinfo_is_signed_for_clients_that_registered_for_it(backend: Backend) {
    let app = with_registration(backend, None).await;
    let document = discovery(&app, "/.well-known/openid-configuration").await;
    assert_eq!(
        document["userinfo_signing_alg_values_supported"],
        json!(["RS256", "ES256", "EdDSA"])
    );
    let body = registered(
        &app,
        None,
        json!({
            "client_name": "Signed Recipes",
            "redirect_uris": [REDIRECT_URI],
            "scope": "openid email profile",
            "userinfo_signed_response_alg": "RS256",
        }),
    )
    .await;
    assert_eq!(body["userinfo_signed_response_alg"], "RS256");
    let client_id = text(&body, "client_id").to_owned();
    let secret = text(&body, "client_secret").to_owned();
    let (account_id, browser) = signed_in_person(&app, "signed@example.com", false).await;
    let tokens = code_flow_with_consent(
        &app,
        &browser,
        (&client_id, Some(&secret)),
        "openid email profile",
    )
    .await;
    let access = text(&tokens, "access_token").to_owned();
    let jwks = jwks_at(&app.url("/jwks")).await;

    let check = |jwt: &str, alg: &str, aud: &str| {
        let (header, claims) = verify_jwt_with(&jwks, jwt);
        assert_eq!(header["alg"], alg);
        assert_eq!(claims["iss"], app.address.as_str());
        assert_eq!(claims["aud"], aud);
        assert_eq!(claims["sub"], account_id.as_str());
        assert_eq!(claims["email"], "signed@example.com");
        assert_eq!(claims["given_name"], "Ada");
    };
    let userinfo_get = || reqwest::Client::new().get(app.url("/userinfo"));
    check(
        &signed_userinfo(userinfo_get().bearer_auth(&access)).await,
        "RS256",
        &client_id,
    );
    // POST with the token in the form: the same.
    let posted = reqwest::Client::new()
        .post(app.url("/userinfo"))
        .form(&[("access_token", access.as_str())]);
    check(&signed_userinfo(posted).await, "RS256", &client_id);
    // A bad token is still a plain Bearer error.
    let (status, body) = userinfo(&app, "not-a-token").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token")),
        "{body}"
    );

    // The other algorithms, for clients an administrator made.
    for alg in ["ES256", "EdDSA"] {
        let created = app
            .idp
            .create_client(&NewClient {
                name: format!("Signed {alg}"),
                redirect_uris: vec![REDIRECT_URI.into()],
                skip_consent: true,
                userinfo_signed_response_alg: Some(alg.into()),
                ..NewClient::default()
            })
            .unwrap();
        let id = created.client.client_id.clone();
        let tokens = code_flow(
            &app,
            &browser,
            (&id, created.secret.as_deref().unwrap()),
            "openid email profile",
        )
        .await
        .unwrap();
        let request = userinfo_get().bearer_auth(text(&tokens, "access_token"));
        check(&signed_userinfo(request).await, alg, &id);
    }

    // Clients that did not ask get JSON.
    let (plain, plain_secret) = web_app(&app, "Plain", &["openid", "email"]);
    let tokens = code_flow(&app, &browser, (&plain, &plain_secret), "openid email")
        .await
        .unwrap();
    let url = app.url("/userinfo");
    let token = Some(text(&tokens, "access_token"));
    let (status, headers, info) = json_call(Method::GET, &url, token, None).await;
    assert_eq!(status, 200, "{info}");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(info["email"], "signed@example.com");
    assert!(info.get("aud").is_none());
}

/// A UserInfo answer signed as a JWT (`application/jwt`, never cached): its text.
async fn signed_userinfo(request: reqwest::RequestBuilder) -> String {
    let r = request.send().await.expect("userinfo");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["content-type"], "application/jwt");
    r.text().await.unwrap()
}

/// A client asks for pairwise subjects (its redirect URIs share one host)
/// and may name a login-initiation URI (https, or http on loopback).
async fn a_client_registers_for_pairwise_subjects(backend: Backend) {
    let app = with_registration(backend, None).await;
    let body = registered(
        &app,
        None,
        json!({"redirect_uris": [REDIRECT_URI], "subject_type": "pairwise",
               "initiate_login_uri": "https://recipes.example.com/login"}),
    )
    .await;
    assert_eq!(body["subject_type"], "pairwise");
    let client = app.idp.client(text(&body, "client_id")).unwrap().unwrap();
    assert_eq!(client.metadata.sector.as_deref(), Some("127.0.0.1"));
    let (status, _, error) = register(
        &app,
        None,
        json!({"redirect_uris": [REDIRECT_URI], "initiate_login_uri": "http://recipes.example.com/login"}),
    )
    .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (400, Some("invalid_client_metadata"))
    );
}
