//! Enterprise SSO: an organization connects its own OpenID provider (here
//! another idp on loopback), people of its verified domain are sent there
//! from the sign-in page (home-realm discovery), join on first sign-in, and
//! with `require_sso` cannot use a password.

use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_clients::admin_token;
use crate::federation_helpers::*;
use crate::helpers::*;
use crate::oauth_helpers::json_call;
use crate::oidc_helpers::account;
use crate::org_helpers::*;
use crate::upstream_standin::{StandIn, CLIENT_ID, CLIENT_SECRET};

struct Company {
    app: TestApp,
    up: TestApp,
    alice: Person,
    acme: String,
    provider_id: String,
}

/// Acme on `app`, owning the verified domain acme.test, signing its people
/// in through `up`.
async fn company_with_sso(backend: Backend, require_sso: bool) -> Company {
    let up = TestApp::spawn(backend).await;
    let app = TestApp::spawn(backend).await;
    let portal = portal(&app);
    let alice = person(&app, &portal, "alice@acme-admins.test").await;
    let acme = company(&app, &alice, "Acme").await;
    let operator = admin_token(&app).await;
    let (status, _, body) = json_call(
        Method::POST,
        &app.url(&format!(
            "/api/v1/admin/organizations/{acme}/domains/acme.test/approve"
        )),
        Some(&operator),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The redirect URI to register comes from the first answer; the
    // company registers it at its provider and sends the real client.
    let sso_path = format!("/organizations/{acme}/sso");
    let (status, first) = set_sso(
        &app,
        &alice,
        &sso_path,
        &up,
        ("placeholder", "placeholder"),
        false,
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let provider_id = first["provider_id"].as_str().unwrap().to_owned();
    assert_eq!(
        first["redirect_uri"],
        format!("{}/federation/{provider_id}/callback", app.address)
    );
    assert!(first.get("client_secret").is_none());
    let client = upstream_client(&up, &app.address, &provider_id);
    let (status, saved) = set_sso(
        &app,
        &alice,
        &sso_path,
        &up,
        (&client.0, &client.1),
        require_sso,
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["provider_id"], provider_id.as_str(), "the id stays");
    Company {
        app,
        up,
        alice,
        acme,
        provider_id,
    }
}

async fn set_sso(
    app: &TestApp,
    who: &Person,
    path: &str,
    up: &TestApp,
    (client_id, secret): (&str, &str),
    require_sso: bool,
) -> (u16, Value) {
    let body = json!({"issuer": up.address, "client_id": client_id, "client_secret": secret, "require_sso": require_sso});
    call(app, who, Method::PUT, path, Some(body)).await
}

/// Types the work address into "Signing in through your company?".
async fn company_sign_in(app: &TestApp, jars: &TwoJars, email: &str) -> reqwest::Response {
    app.submit(
        &jars.here,
        "/login",
        "/login/company",
        &[("company_email", email), ("return_to", "/account")],
    )
    .await
}

async fn organizations_of(app: &TestApp, browser: &reqwest::Client) -> Vec<Value> {
    let (status, mine) = app
        .api(browser, Method::GET, "/api/v1/organizations", None)
        .await;
    assert_eq!(status, 200, "{mine}");
    mine["organizations"].as_array().unwrap().clone()
}

async fn a_work_address_goes_to_its_company_and_joins_on_first_sign_in(backend: Backend) {
    let c = company_with_sso(backend, false).await;
    let jars = upstream_person(&c.up, "bob@acme.test").await;
    let r = company_sign_in(&c.app, &jars, "Bob@Acme.test").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let out = location(&r);
    assert!(out.starts_with(&c.up.address), "{out}");
    assert!(
        out.contains("login_hint=bob%40acme.test") || out.contains("login_hint=Bob%40Acme.test"),
        "{out}"
    );
    let back = upstream_answers(&jars, &out).await;
    let r = jars.here.get(back).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = complete(&c.app, &jars, &location(&r), "1990-01-01").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(
        signed_in_as(&c.app, &jars.here).await.as_deref(),
        Some("bob@acme.test")
    );
    let orgs = organizations_of(&c.app, &jars.here).await;
    assert_eq!(orgs.len(), 1, "{orgs:?}");
    assert_eq!(
        (orgs[0]["id"].as_str(), orgs[0]["role"].as_str()),
        (Some(c.acme.as_str()), Some("member"))
    );
    // The address was vouched for by the company's own domain.
    let (_, profile) = c
        .app
        .api(&jars.here, Method::GET, "/api/v1/profile", None)
        .await;
    assert_eq!(profile["email_verified"], true);
    // Members read the SSO settings, never the secret; only admins change them.
    let (status, sso) = c
        .app
        .api(
            &jars.here,
            Method::GET,
            &format!("/api/v1/organizations/{}/sso", c.acme),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(!sso.to_string().contains("secret"), "{sso}");
    let (status, _) = c
        .app
        .api(
            &jars.here,
            Method::DELETE,
            &format!("/api/v1/organizations/{}/sso", c.acme),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (_, events) = call(
        &c.app,
        &c.alice,
        Method::GET,
        &format!("/organizations/{}/events", c.acme),
        None,
    )
    .await;
    assert_eq!(events["events"][0]["action"], "member.joined_through_sso");
    // The second time, the same account, no second membership.
    c.app.page(&jars.here, "/logout").await;
    let r = company_sign_in(&c.app, &jars, "bob@acme.test").await;
    let back = upstream_answers(&jars, &location(&r)).await;
    let r = jars.here.get(back).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    assert_eq!(organizations_of(&c.app, &jars.here).await.len(), 1);
}

async fn an_address_without_company_sign_in_is_told_so(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let jars = TwoJars::new();
    let r = company_sign_in(&app, &jars, "someone@nowhere.test").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("No company sign-in is set up"), "{html}");
}

async fn require_sso_refuses_passwords_for_the_domain(backend: Backend) {
    let c = company_with_sso(backend, true).await;
    account(&c.app, "carol@acme.test", false);
    let browser = browser();
    let r = c.app.sign_in(&browser, "carol@acme.test", PASSWORD).await;
    assert_eq!(r.status(), 403);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Acme signs its people in through its own sign-in service"),
        "{html}"
    );
    assert!(
        html.contains(&format!("/federation/{}/start", c.provider_id)),
        "the SSO button is offered"
    );
    let (status, _, body) = json_call(
        Method::POST,
        &c.app.url("/api/v1/session"),
        None,
        Some(json!({"email": "carol@acme.test", "password": PASSWORD})),
    )
    .await;
    assert!(status == 403, "{status} {body}");
    // Another domain signs in with its password as before.
    account(&c.app, "dan@elsewhere.test", false);
    assert_eq!(
        c.app
            .sign_in(&browser, "dan@elsewhere.test", PASSWORD)
            .await
            .status(),
        303
    );
}

async fn the_company_provider_vouches_only_for_its_own_domains(backend: Backend) {
    let c = company_with_sso(backend, false).await;
    // An account elsewhere; the company's provider claims its address.
    account(&c.app, "victim@gmail.test", false);
    account(&c.up, "victim@gmail.test", false);
    let jars = TwoJars::new();
    assert_eq!(
        c.up.sign_in(&jars.there, "victim@gmail.test", PASSWORD)
            .await
            .status(),
        303
    );
    let out = press_continue(&c.app, &jars, &c.provider_id, "/account").await;
    let back = upstream_answers(&jars, &out).await;
    let r = jars.here.get(back).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let next = location(&r);
    assert!(
        next.starts_with("/federation/link"),
        "proof of ownership is asked, not a sign-in: {next}"
    );
    assert_eq!(signed_in_as(&c.app, &jars.here).await, None);
}

/// Entra ID sends no `email_verified`: the company's verified domain is
/// what vouches for its addresses, new and existing.
async fn the_company_domain_vouches_where_the_provider_says_nothing(backend: Backend) {
    let standin = StandIn::start(None).await;
    let app = TestApp::spawn(backend).await;
    let portal = portal(&app);
    let alice = person(&app, &portal, "alice@acme-admins.test").await;
    let acme = company(&app, &alice, "Acme").await;
    let operator = admin_token(&app).await;
    let approve = format!("/api/v1/admin/organizations/{acme}/domains/acme.test/approve");
    let (status, _, _) = json_call(Method::POST, &app.url(&approve), Some(&operator), None).await;
    assert_eq!(status, 200);
    let body =
        json!({"issuer": standin.issuer(), "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET});
    let (status, sso) = call(
        &app,
        &alice,
        Method::PUT,
        &format!("/organizations/{acme}/sso"),
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{sso}");
    // An existing account at a company address: linked, signed in, joined.
    account(&app, "kim@acme.test", false);
    standin.script(|s| {
        s.subject = "entra-kim".into();
        s.email = "kim@acme.test".into();
        s.email_verified = None;
    });
    let jars = TwoJars::new();
    let r = company_sign_in(&app, &jars, "kim@acme.test").await;
    assert_eq!(r.status(), 303);
    let back = upstream_answers(&jars, &location(&r)).await;
    let r = jars.here.get(back).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    assert_eq!(
        signed_in_as(&app, &jars.here).await.as_deref(),
        Some("kim@acme.test")
    );
    assert_eq!(organizations_of(&app, &jars.here).await.len(), 1);
}

/// Outsider-chosen issuers reach only public https addresses.
async fn an_organizations_provider_cannot_point_inside(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.oauth.allow_internal_urls = false).await;
    let portal = portal(&app);
    let alice = person(&app, &portal, "alice@acme.test").await;
    let acme = company(&app, &alice, "Acme").await;
    let path = format!("/organizations/{acme}/sso");
    for (issuer, error) in [
        ("http://127.0.0.1:9", "invalid_input"),
        ("https://127.0.0.1:9", "sso_unreachable"),
        ("https://localhost:9", "sso_unreachable"),
        ("https://[::1]:9", "sso_unreachable"),
        ("https://10.0.0.1", "sso_unreachable"),
        ("ftp://example.com", "invalid_input"),
        ("https://example.com/?x=1", "invalid_input"),
    ] {
        let body = json!({"issuer": issuer, "client_id": "c", "client_secret": "s"});
        let (status, answer) = call(&app, &alice, Method::PUT, &path, Some(body)).await;
        assert_eq!(status, 422, "{issuer}: {answer}");
        assert_eq!(answer["error"], error, "{issuer}: {answer}");
    }
    let (status, _) = call(&app, &alice, Method::GET, &path, None).await;
    assert_eq!(status, 404, "nothing was saved");
}

crate::for_both_backends!(
    the_company_domain_vouches_where_the_provider_says_nothing,
    a_work_address_goes_to_its_company_and_joins_on_first_sign_in,
    an_address_without_company_sign_in_is_told_so,
    require_sso_refuses_passwords_for_the_domain,
    the_company_provider_vouches_only_for_its_own_domains,
    an_organizations_provider_cannot_point_inside,
);
