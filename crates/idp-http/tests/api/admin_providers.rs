//! The admin providers API (`/api/v1/admin/providers`): upstream providers
//! made, read, changed and deleted with a Bearer token of scope `admin`;
//! secrets go in sealed and never come out.

use diesel::prelude::*;
use idp_core::federation::{ProviderInput, ProviderKind};
use reqwest::Method;
use serde_json::json;

use crate::admin_clients::{admin, admin_call, admin_token};
use crate::for_both_backends;
use crate::helpers::*;
use crate::oauth_helpers::{client_token, service_client};

const SECRET: &str = "okta-secret-that-must-stay-inside";

fn okta() -> serde_json::Value {
    json!({"id": "okta", "kind": "oidc", "display_name": "Okta",
           "issuer": "https://example.okta.com", "client_id": "0oa1", "client_secret": SECRET})
}

fn stored_secret(app: &TestApp, id: &str) -> String {
    use idp_core::db::schema::federation_providers as p;
    app.idp
        .db
        .read(|conn| {
            p::table
                .find(id)
                .select(p::client_secret)
                .first::<String>(conn)
                .map_err(idp_core::db::StoreError::from)
        })
        .unwrap()
}

async fn made_read_changed_and_deleted(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.federation.providers.push(ProviderInput {
            id: "google".into(),
            kind: Some(ProviderKind::Google),
            client_id: Some("g".into()),
            client_secret: Some("google-secret".into()),
            ..ProviderInput::default()
        })
    })
    .await;
    let token = admin_token(&app).await;
    let (status, made) = admin(&app, &token, Method::POST, "/admin/providers", Some(okta())).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["source"], "api");
    assert_eq!(made["has_client_secret"], true);
    assert_eq!(made["redirect_uri"], app.url("/federation/okta/callback"));
    assert_eq!(made["trust_email"], false);
    assert!(!made.to_string().contains(SECRET));
    assert!(
        !stored_secret(&app, "okta").contains(SECRET),
        "sealed at rest"
    );
    let (status, list) = admin(&app, &token, Method::GET, "/admin/providers", None).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["google", "okta"]);
    assert_eq!(list["providers"][0]["source"], "config");
    assert!(!list.to_string().contains("google-secret"));
    // The button appears on the sign-in page.
    let (_, login) = app.page(&browser(), "/login").await;
    assert!(login.contains("Continue with Okta"));
    // A replacement without a secret keeps the old one.
    let mut changed = okta();
    changed.as_object_mut().unwrap().remove("client_secret");
    changed.as_object_mut().unwrap().remove("id");
    changed["display_name"] = json!("Okta SSO");
    changed["enabled"] = json!(false);
    let (status, after) = admin(
        &app,
        &token,
        Method::PUT,
        "/admin/providers/okta",
        Some(changed),
    )
    .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["display_name"], "Okta SSO");
    let kept = app.idp.provider("okta").unwrap().unwrap();
    assert_eq!(kept.client_secret, SECRET);
    assert!(!kept.enabled);
    let (status, one) = admin(&app, &token, Method::GET, "/admin/providers/okta", None).await;
    assert_eq!((status, one["enabled"].clone()), (200, json!(false)));
    let (status, _) = admin(&app, &token, Method::DELETE, "/admin/providers/okta", None).await;
    assert_eq!(status, 204);
    let (status, gone) = admin(&app, &token, Method::GET, "/admin/providers/okta", None).await;
    assert_eq!((status, gone["error"].clone()), (404, json!("not_found")));
    // The configuration file's provider is changed there.
    let (status, body) = admin(
        &app,
        &token,
        Method::DELETE,
        "/admin/providers/google",
        None,
    )
    .await;
    assert_eq!((status, body["error"].clone()), (409, json!("conflict")));
    let google = json!({"kind": "google", "client_id": "other"});
    let (status, _) = admin(
        &app,
        &token,
        Method::PUT,
        "/admin/providers/google",
        Some(google),
    )
    .await;
    assert_eq!(status, 409);
    let mut clash = okta();
    clash["id"] = json!("google");
    let (status, _) = admin(&app, &token, Method::POST, "/admin/providers", Some(clash)).await;
    assert_eq!(status, 409);
}

async fn bad_definitions_and_callers_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = admin_token(&app).await;
    let (status, _) = admin(&app, &token, Method::POST, "/admin/providers", Some(okta())).await;
    assert_eq!(status, 201);
    let (status, _) = admin(&app, &token, Method::POST, "/admin/providers", Some(okta())).await;
    assert_eq!(status, 409, "the same id twice");
    let cases = [
        ("colour", json!({"colour": "red"}), 400),
        ("kind", json!({"kind": null}), 422),
        ("id", json!({"id": "Not Valid"}), 422),
        ("issuer", json!({"id": "x", "issuer": null}), 422),
        ("issuer", json!({"id": "fb", "kind": "facebook"}), 422),
        ("tenants", json!({"id": "t", "tenants": ["a"]}), 422),
        (
            "client_secret",
            json!({"id": "s", "client_secret": null}),
            422,
        ),
        ("scopes", json!({"id": "sc", "scopes": ["email"]}), 422),
    ];
    for (key, change, expected) in cases {
        let mut body = okta();
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        let (status, answer) =
            admin(&app, &token, Method::POST, "/admin/providers", Some(body)).await;
        assert_eq!(status, expected, "{key}: {answer}");
        assert!(
            answer["error_description"].as_str().unwrap().contains(key),
            "{key}: {answer}"
        );
    }
    let mut other_id = okta();
    other_id["id"] = json!("renamed");
    let (status, _) = admin(
        &app,
        &token,
        Method::PUT,
        "/admin/providers/okta",
        Some(other_id),
    )
    .await;
    assert_eq!(status, 400);
    // Without a token, and with a token without scope admin.
    let (status, _, _) = admin_call(&app, None, Method::GET, "/admin/providers", None).await;
    assert_eq!(status, 401);
    let (id, secret) = service_client(&app, "reports", &["reports"]);
    let weak = client_token(&app, &id, &secret, "reports").await;
    let (status, _) = admin(&app, &weak, Method::GET, "/admin/providers", None).await;
    assert_eq!(status, 403);
    let (status, _) = admin(&app, &weak, Method::DELETE, "/admin/providers/okta", None).await;
    assert_eq!(status, 403);
    assert!(app.idp.provider("okta").unwrap().is_some());
}

for_both_backends!(
    made_read_changed_and_deleted,
    bad_definitions_and_callers_are_refused,
);
