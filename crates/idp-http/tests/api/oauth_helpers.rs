//! The plain-HTTP relying party the tests share: clients, form and JSON
//! calls as apps make them, and a person's authorization code flow with
//! PKCE (with or without a consent page).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use idp_core::clients::NewClient;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::helpers::*;
use crate::oidc_helpers::{account, decide, open};

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

/// A form POST to `path` (repeated names are sent as given), authenticated
/// with HTTP Basic when `basic` is given.
pub async fn post_form(
    app: &TestApp,
    path: &str,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> Reply {
    let mut request = reqwest::Client::new().post(app.url(path)).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    reply_of(request.send().await.expect("POST")).await
}

/// A call to `url` with a JSON body (when given) and a Bearer token (when
/// given), as an app or a management tool makes it: no cookies, no CSRF.
pub async fn json_call(
    method: reqwest::Method,
    url: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    reply_of(request.send().await.expect("JSON call")).await
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
    let (status, _, body) = post_form(app, "/token", Some((id, secret)), &form).await;
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
    let id = account(app, email, admin);
    let browser = browser();
    assert_eq!(app.sign_in(&browser, email, PASSWORD).await.status(), 303);
    (id, browser)
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

/// An authorization request to [`REDIRECT_URI`] with state `st4te`, PKCE
/// when `pkce` is given, plus `extra` parameters.
pub fn authorize_url(
    app: &TestApp,
    client_id: &str,
    scope: &str,
    pkce: Option<&Pkce>,
    extra: &[(&str, &str)],
) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT_URI),
        ("scope", scope),
        ("state", "st4te"),
    ];
    if let Some(pkce) = pkce {
        params.push(("code_challenge", pkce.challenge.as_str()));
        params.push(("code_challenge_method", "S256"));
    }
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

/// Redeems `code` at the token endpoint, which must answer 200: a
/// confidential client authenticates with HTTP Basic, a public one (no
/// secret) names itself in the form.
pub async fn exchange_code(
    app: &TestApp,
    (client_id, secret): (&str, Option<&str>),
    code: &str,
    pkce: &Pkce,
) -> Value {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", &pkce.verifier),
    ];
    if secret.is_none() {
        form.push(("client_id", client_id));
    }
    let basic = secret.map(|s| (client_id, s));
    let (status, _, body) = post_form(app, "/token", basic, &form).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// What the app hears at [`REDIRECT_URI`] (with its state): `Ok(code)`, or
/// `Err(the error)`.
fn code_at(location: &str) -> Result<String, String> {
    assert!(
        location.starts_with(REDIRECT_URI),
        "redirected to {location}"
    );
    assert_eq!(query_param(location, "state").as_deref(), Some("st4te"));
    match query_param(location, "code") {
        Some(code) => Ok(code),
        None => Err(query_param(location, "error").unwrap_or_default()),
    }
}

/// The person signed in on `browser` opens an authorization request of
/// `client_id` (with `pkce`), which comes straight back, without a page:
/// `Ok(code)`, or `Err(the error sent to the redirect URI)`.
pub async fn authorize(
    app: &TestApp,
    browser: &reqwest::Client,
    client_id: &str,
    scope: &str,
    pkce: &Pkce,
) -> Result<String, String> {
    let r = browser
        .get(authorize_url(app, client_id, scope, Some(pkce), &[]))
        .send()
        .await
        .expect("GET /authorize");
    assert_eq!(r.status(), 302, "{}", r.text().await.unwrap());
    code_at(r.headers()["location"].to_str().unwrap())
}

/// The same for a client that asks for consent: the consent page is shown
/// and the person allows. The code.
pub async fn authorize_with_consent(
    app: &TestApp,
    browser: &reqwest::Client,
    client_id: &str,
    scope: &str,
    pkce: &Pkce,
) -> String {
    let url = authorize_url(app, client_id, scope, Some(pkce), &[]);
    let html = open(&app.address, browser, &url).await.consent_page();
    let callback = decide(&app.address, browser, &html, "allow")
        .await
        .callback();
    code_at(callback.url.as_str()).expect("a code after allowing")
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
    let code = authorize(app, browser, client_id, scope, &pkce).await?;
    Ok(exchange_code(app, (client_id, Some(secret)), &code, &pkce).await)
}

/// The code flow for a client that asks for consent (the person allows),
/// public (no secret) or confidential. The token response.
pub async fn code_flow_with_consent(
    app: &TestApp,
    browser: &reqwest::Client,
    (client_id, secret): (&str, Option<&str>),
    scope: &str,
) -> Value {
    let pkce = Pkce::new(client_id);
    let code = authorize_with_consent(app, browser, client_id, scope, &pkce).await;
    exchange_code(app, (client_id, secret), &code, &pkce).await
}

/// `GET /userinfo` with a Bearer token: status and body.
pub async fn userinfo(app: &TestApp, token: &str) -> (u16, Value) {
    let (status, _, body) = json_call(
        reqwest::Method::GET,
        &app.url("/userinfo"),
        Some(token),
        None,
    )
    .await;
    (status, body)
}

/// `grant_type=refresh_token`: status and body.
pub async fn refresh(app: &TestApp, (id, secret): (&str, &str), token: &str) -> (u16, Value) {
    let form = [("grant_type", "refresh_token"), ("refresh_token", token)];
    let (status, _, body) = post_form(app, "/token", Some((id, secret)), &form).await;
    (status, body)
}

/// An app with dynamic client registration on (RFC 7591), guarded by
/// `initial_token` when given.
pub async fn with_registration(backend: Backend, initial_token: Option<&str>) -> TestApp {
    let token = initial_token.map(str::to_owned);
    TestApp::spawn_with(backend, move |s| {
        s.oauth.dynamic_registration = true;
        s.oauth.registration_token = token;
    })
    .await
}

/// `POST /register` with `body` (and an initial access token when given).
pub async fn register(app: &TestApp, bearer: Option<&str>, body: Value) -> Reply {
    json_call(
        reqwest::Method::POST,
        &app.url("/register"),
        bearer,
        Some(body),
    )
    .await
}

/// Registers `body`, which must succeed; the response.
pub async fn registered(app: &TestApp, bearer: Option<&str>, body: Value) -> Value {
    let (status, headers, response) = register(app, bearer, body).await;
    assert_eq!(status, 201, "{response}");
    assert_eq!(headers["cache-control"], "no-store");
    response
}
