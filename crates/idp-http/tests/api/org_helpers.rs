//! People and calls for the organizations tests: each person has a
//! signed-in browser and an access token with scope `organizations` from a
//! partner-portal app, as an app would hold one.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::oauth_helpers::{code_flow, json_call, signed_in_person, web_app};

pub const PORTAL_SCOPES: &str = "openid email organizations offline_access";

pub struct Person {
    pub id: String,
    pub email: String,
    pub browser: reqwest::Client,
    pub token: String,
}

/// The partner portal: a web app allowed the organizations scope.
pub fn portal(app: &TestApp) -> (String, String) {
    web_app(
        app,
        "Partner portal",
        &["openid", "email", "organizations", "offline_access"],
    )
}

/// A verified account, signed in, with a fresh token from `portal`.
pub async fn person(app: &TestApp, portal: &(String, String), email: &str) -> Person {
    let (id, browser) = signed_in_person(app, email, false).await;
    let tokens = code_flow(app, &browser, (&portal.0, &portal.1), PORTAL_SCOPES)
        .await
        .expect("code flow");
    Person {
        id,
        email: email.into(),
        token: tokens["access_token"].as_str().unwrap().to_owned(),
        browser,
    }
}

impl Person {
    /// A new token, so it carries what changed since (claims are read at
    /// issue time).
    pub async fn fresh_tokens(&self, app: &TestApp, portal: &(String, String)) -> Value {
        code_flow(app, &self.browser, (&portal.0, &portal.1), PORTAL_SCOPES)
            .await
            .expect("code flow")
    }
}

/// An organizations API call with `who`'s Bearer token.
pub async fn call(
    app: &TestApp,
    who: &Person,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, _, body) = json_call(
        method,
        &app.url(&format!("/api/v1{path}")),
        Some(&who.token),
        body,
    )
    .await;
    (status, body)
}

/// Creates a top-level organization; `who` is its admin.
pub async fn company(app: &TestApp, who: &Person, name: &str) -> String {
    let (status, body) = call(
        app,
        who,
        Method::POST,
        "/organizations",
        Some(json!({"name": name})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

pub async fn branch(app: &TestApp, who: &Person, parent: &str, name: &str) -> String {
    let (status, body) = call(
        app,
        who,
        Method::POST,
        &format!("/organizations/{parent}/branches"),
        Some(json!({"name": name})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// The token in the newest invitation mailed to `email`.
pub async fn invitation_token(app: &TestApp, email: &str) -> String {
    let link = app.last_email_to(email).await.link("/invitation?token=");
    link.split("token=").nth(1).unwrap().to_owned()
}

/// `admin` invites `who` with `role`, and `who` accepts from the email.
pub async fn join(app: &TestApp, admin: &Person, org: &str, who: &Person, role: &str) {
    let (status, body) = call(
        app,
        admin,
        Method::POST,
        &format!("/organizations/{org}/invitations"),
        Some(json!({"email": who.email, "role": role})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let token = invitation_token(app, &who.email).await;
    let (status, body) = call(
        app,
        who,
        Method::POST,
        "/invitations/accept",
        Some(json!({"token": token})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}
