//! Plain-HTTP OAuth helpers shared by the tests: clients, the token
//! endpoint, and a person's authorization code flow with PKCE.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use idp_core::accounts::NewUser;
use idp_core::clients::NewClient;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::helpers::*;

/// Where the test apps' codes go (nothing listens there: tests read `Location`).
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";

/// A confidential client that may use client credentials for `scopes`;
/// returns its id and secret.
pub fn service_client(app: &TestApp, name: &str, scopes: &[&str]) -> (String, String) {
    let created = app
        .idp
        .create_client(&NewClient {
            name: name.into(),
            grant_types: vec!["client_credentials".into()],
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            ..NewClient::default()
        })
        .expect("client created");
    (created.client.client_id, created.secret.expect("a secret"))
}

/// A confidential web app (code flow, refresh tokens, no consent screen).
pub fn web_app(app: &TestApp, name: &str, scopes: &[&str]) -> (String, String) {
    web_app_with(app, name, scopes, NewClient::default())
}

/// [`web_app`] with the rest of its settings from `more` (pairwise
/// subjects, a back-channel logout URI, …).
pub fn web_app_with(
    app: &TestApp,
    name: &str,
    scopes: &[&str],
    more: NewClient,
) -> (String, String) {
    let created = app
        .idp
        .create_client(&NewClient {
            name: name.into(),
            redirect_uris: vec![REDIRECT_URI.into()],
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            skip_consent: true,
            ..more
        })
        .expect("client created");
    (created.client.client_id, created.secret.expect("a secret"))
}

/// A form POST to `path` authenticated with HTTP Basic (when given); the
/// status, the body as JSON (`Null` when empty) and the headers.
pub async fn form_post(
    app: &TestApp,
    path: &str,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = reqwest::Client::new().post(app.url(path)).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let response = request.send().await.expect("POST");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, body, headers)
}

/// `grant_type=client_credentials` at the token endpoint.
pub async fn client_credentials(
    app: &TestApp,
    id: &str,
    secret: &str,
    scope: Option<&str>,
) -> (u16, Value) {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let (status, body, _) = form_post(app, "/token", Some((id, secret)), &form).await;
    (status, body)
}

/// A client-credentials access token, which must be issued.
pub async fn client_token(app: &TestApp, id: &str, secret: &str, scope: &str) -> String {
    let (status, body) = client_credentials(app, id, secret, Some(scope)).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// Makes a verified account (an administrator when `admin`) and signs it in
/// from a new browser.
pub async fn signed_in_person(
    app: &TestApp,
    email: &str,
    admin: bool,
) -> (String, reqwest::Client) {
    let account = app
        .idp
        .create_user(&NewUser {
            email: email.into(),
            password: PASSWORD.into(),
            verified: true,
            admin,
            given_name: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
        })
        .expect("account created");
    let browser = browser();
    assert_eq!(app.sign_in(&browser, email, PASSWORD).await.status(), 303);
    (account.id, browser)
}

/// A PKCE verifier and its S256 challenge.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new(seed: &str) -> Self {
        let verifier = format!("{seed}-verifier-that-is-long-enough-for-pkce");
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

/// An authorization request to [`REDIRECT_URI`] with state `st4te` and PKCE,
/// plus `extra` parameters.
pub fn authorize_url(
    app: &TestApp,
    client_id: &str,
    scope: &str,
    pkce: &Pkce,
    extra: &[(&str, &str)],
) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT_URI),
        ("scope", scope),
        ("state", "st4te"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    url::Url::parse_with_params(&app.url("/authorize"), &params)
        .unwrap()
        .to_string()
}

/// A parameter of the query of `location` (an absolute URL or a path).
pub fn query_param(location: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(location)
        .or_else(|_| {
            url::Url::parse("http://idp.invalid")
                .unwrap()
                .join(location)
        })
        .ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Redeems `code` at the token endpoint, which must answer 200.
pub async fn exchange_code(
    app: &TestApp,
    (client_id, secret): (&str, &str),
    code: &str,
    pkce: &Pkce,
) -> Value {
    let (status, body, _) = form_post(
        app,
        "/token",
        Some((client_id, secret)),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", &pkce.verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Runs the authorization code flow (with PKCE) for the person signed in on
/// `browser`: `Ok(token response)`, or `Err(the error sent to the redirect URI)`.
pub async fn code_flow(
    app: &TestApp,
    browser: &reqwest::Client,
    (client_id, secret): (&str, &str),
    scope: &str,
) -> Result<Value, String> {
    let pkce = Pkce::new(client_id);
    let r = browser
        .get(authorize_url(app, client_id, scope, &pkce, &[]))
        .send()
        .await
        .expect("GET /authorize");
    assert_eq!(r.status(), 302, "{}", r.text().await.unwrap());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(REDIRECT_URI),
        "redirected to {location}"
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("st4te"));
    let Some(code) = query_param(&location, "code") else {
        return Err(query_param(&location, "error").unwrap_or_default());
    };
    Ok(exchange_code(app, (client_id, secret), &code, &pkce).await)
}

/// `GET /userinfo` with a Bearer token: status and body.
pub async fn userinfo(app: &TestApp, token: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(app.url("/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET /userinfo");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `grant_type=refresh_token`: status and body.
pub async fn refresh(app: &TestApp, (id, secret): (&str, &str), token: &str) -> (u16, Value) {
    let form = [("grant_type", "refresh_token"), ("refresh_token", token)];
    let (status, body, _) = form_post(app, "/token", Some((id, secret)), &form).await;
    (status, body)
}
