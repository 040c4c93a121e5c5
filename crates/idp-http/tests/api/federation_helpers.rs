//! Two idp servers: `app`, where people sign in, and `up`, another real
//! idp that `app` trusts as the upstream provider `up`. Each browser keeps
//! one cookie jar per server, as a real browser keeps cookies per site
//! (the two servers share a host and differ only by port, and cookies
//! ignore ports).

use idp_core::clients::NewClient;
use idp_core::config::Settings;
use idp_core::federation::{ProviderInput, ProviderKind};

use crate::helpers::*;
use crate::oauth_helpers::query_param;
use crate::oidc_helpers::account;
use crate::upstream_standin::{StandIn, CLIENT_ID, CLIENT_SECRET};

pub struct Federated {
    pub app: TestApp,
    pub up: TestApp,
}

/// A person's browser: one jar for idp, one for the upstream.
pub struct TwoJars {
    pub here: reqwest::Client,
    pub there: reqwest::Client,
}

impl TwoJars {
    pub fn new() -> Self {
        Self {
            here: browser(),
            there: browser(),
        }
    }
}

/// The client `up` knows idp by, registered for `app_issuer`'s callback of
/// provider `provider_id`.
pub fn upstream_client(up: &TestApp, app_issuer: &str, provider_id: &str) -> (String, String) {
    let created = up
        .idp
        .create_client(&NewClient {
            name: format!("idp downstream ({provider_id})"),
            redirect_uris: vec![format!("{app_issuer}/federation/{provider_id}/callback")],
            scopes: vec!["openid".into(), "email".into(), "profile".into()],
            skip_consent: true,
            ..NewClient::default()
        })
        .expect("upstream client");
    (created.client.client_id, created.secret.expect("a secret"))
}

/// A provider definition of kind `oidc` for an idp upstream.
pub fn oidc_provider(
    id: &str,
    up: &TestApp,
    (client_id, secret): (String, String),
) -> ProviderInput {
    ProviderInput {
        id: id.into(),
        kind: Some(ProviderKind::Oidc),
        client_id: Some(client_id),
        client_secret: Some(secret),
        issuer: Some(up.address.clone()),
        display_name: Some(format!("Upstream {id}")),
        ..ProviderInput::default()
    }
}

/// `app` with provider `up` from its configuration file, `adjust`ed.
pub async fn federated_with(
    backend: Backend,
    adjust: impl FnOnce(&mut ProviderInput),
) -> Federated {
    let up = TestApp::spawn(backend).await;
    let app = TestApp::spawn_with(backend, |s: &mut Settings| {
        let mut provider = oidc_provider("up", &up, upstream_client(&up, &s.issuer, "up"));
        adjust(&mut provider);
        s.federation.providers.push(provider);
    })
    .await;
    Federated { app, up }
}

/// The upstream trusts the addresses it asserts (as Google does).
pub async fn federated(backend: Backend, trust_email: bool) -> Federated {
    federated_with(backend, |p| p.trust_email = Some(trust_email)).await
}

/// A person signed in at the upstream (verified there) with a new browser.
pub async fn upstream_person(up: &TestApp, email: &str) -> TwoJars {
    account(up, email, false);
    let jars = TwoJars::new();
    assert_eq!(up.sign_in(&jars.there, email, PASSWORD).await.status(), 303);
    jars
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location in a {} answer", r.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Presses "Continue with …" for `provider` on idp's sign-in page; the
/// upstream authorization URL it redirects to.
pub async fn press_continue(
    app: &TestApp,
    jars: &TwoJars,
    provider: &str,
    return_to: &str,
) -> String {
    let r = app
        .submit(
            &jars.here,
            &format!("/login?return_to={}", urlencode(return_to)),
            &format!("/federation/{provider}/start"),
            &[("return_to", return_to)],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    location(&r)
}

/// The upstream answers its authorization request (the person is signed
/// in there and the client skips consent): the callback URL on idp.
pub async fn upstream_answers(jars: &TwoJars, authorize_url: &str) -> String {
    let r = jars.there.get(authorize_url).send().await.unwrap();
    assert_eq!(r.status(), 302, "{}", r.text().await.unwrap());
    location(&r)
}

/// The whole way out and back: idp's answer to the callback.
pub async fn sign_in_through(
    app: &TestApp,
    jars: &TwoJars,
    provider: &str,
    return_to: &str,
) -> reqwest::Response {
    let out = press_continue(app, jars, provider, return_to).await;
    let back = upstream_answers(jars, &out).await;
    jars.here.get(back).send().await.unwrap()
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The `pending` reference of a redirect to a federation page.
pub fn pending_of(location: &str) -> String {
    query_param(location, "pending").unwrap_or_else(|| panic!("no pending in {location}"))
}

/// Fills in the "complete your account" page; idp's answer.
pub async fn complete(
    app: &TestApp,
    jars: &TwoJars,
    location: &str,
    birthdate: &str,
) -> reqwest::Response {
    let (status, html) = app.page(&jars.here, location).await;
    assert_eq!(status, 200, "{html}");
    let pending = pending_of(location);
    let given = value_of(&html, "given_name");
    let family = value_of(&html, "family_name");
    let token = csrf_in(&html);
    jars.here
        .post(app.url("/federation/complete"))
        .form(&[
            ("pending", pending.as_str()),
            ("csrf_token", &token),
            ("given_name", &given),
            ("family_name", &family),
            ("birthdate", birthdate),
        ])
        .send()
        .await
        .unwrap()
}

/// The `value` of the input named `name`.
pub fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    let tag_start = html[..at].rfind('<').unwrap();
    let tag_end = at + html[at..].find('>').unwrap();
    let tag = &html[tag_start..tag_end];
    tag.split("value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap_or("")
        .to_owned()
}

/// Who `browser` is signed in as on `app` (from My Profile), if anyone.
pub async fn signed_in_as(app: &TestApp, browser: &reqwest::Client) -> Option<String> {
    let (status, html) = app.page(browser, "/account").await;
    if status != 200 {
        return None;
    }
    let marker = "Signed in as ";
    let at = html.find(marker)? + marker.len();
    Some(html[at..].split('<').next()?.trim().to_owned())
}

/// Posts one of the federation pages' forms (`pending` plus `fields`).
pub async fn post_pending(
    app: &TestApp,
    browser: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (status, mut html) = app.page(browser, page).await;
    if status != 200 {
        // Another browser is refused the page: it takes a token where it can.
        html = app.page(browser, "/login").await.1;
    }
    let token = csrf_in(&html);
    let pending = pending_of(page);
    let mut form = vec![
        ("pending", pending.as_str()),
        ("csrf_token", token.as_str()),
    ];
    form.extend_from_slice(fields);
    browser
        .post(app.url(action))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// A provider of `kind` at the scriptable stand-in.
pub fn standin_provider(id: &str, kind: ProviderKind, standin: &StandIn) -> ProviderInput {
    let facebook = kind == ProviderKind::Facebook;
    ProviderInput {
        id: id.into(),
        kind: Some(kind),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(CLIENT_SECRET.into()),
        issuer: (!facebook).then(|| standin.issuer()),
        authorization_endpoint: facebook.then(|| format!("{}/dialog/oauth", standin.base)),
        token_endpoint: facebook.then(|| format!("{}/oauth/access_token", standin.base)),
        graph_url: facebook.then(|| standin.base.clone()),
        ..ProviderInput::default()
    }
}

/// `app` with `providers` from its configuration file.
pub async fn standin_app(backend: Backend, providers: Vec<ProviderInput>) -> TestApp {
    TestApp::spawn_with(backend, |s| s.federation.providers.extend(providers)).await
}

/// Out to the stand-in (which approves at once) and back: idp's answer.
pub async fn round_trip(
    app: &TestApp,
    browser: &reqwest::Client,
    provider: &str,
) -> reqwest::Response {
    let jars = TwoJars {
        here: browser.clone(),
        there: crate::helpers::browser(),
    };
    sign_in_through(app, &jars, provider, "/account").await
}

/// How many accounts `app` holds.
pub fn accounts(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use idp_core::db::schema::accounts;
    app.idp
        .db
        .read(|conn| {
            accounts::table
                .count()
                .get_result::<i64>(conn)
                .map_err(idp_core::db::StoreError::from)
        })
        .unwrap()
}

/// What idp logged while the tests of this binary ran, from the first
/// `capture_logs` on: each test looks for what only it could have caused.
static LOGGED: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOGGED.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends every log event of the process (the blocking pool's threads
/// included, where the federation logs) to [`logged`].
pub fn capture_logs() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(|| LogWriter)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other log subscriber");
    });
}

pub fn logged() -> String {
    String::from_utf8_lossy(&LOGGED.lock().unwrap()).into_owned()
}
