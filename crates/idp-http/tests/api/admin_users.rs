//! The admin users API (`/api/v1/admin/users`): finding, changing,
//! disabling and deleting accounts, and what a disabled account can no
//! longer do (sign in by password or upstream, use its sessions, refresh
//! or access tokens).

use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_clients::{admin, admin_call, admin_token};
use crate::federation_helpers::{federated, location, sign_in_through, upstream_person};
use crate::helpers::*;
use crate::oauth_helpers::{code_flow, refresh, signed_in_person, userinfo, web_app};
use crate::oidc_helpers::account;
use crate::{for_both_backends, on_both_databases};

fn user_path(id: &str, rest: &str) -> String {
    format!("/admin/users/{id}{rest}")
}

/// `POST /api/v1/session` from a new browser: status and error code.
async fn api_sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Value) {
    let (status, body) = app
        .api(
            &browser(),
            Method::POST,
            "/api/v1/session",
            Some(json!({"email": email, "password": password})),
        )
        .await;
    (status, body["error"].clone())
}

on_both_databases! {
    async fn a_disabled_account_loses_its_sessions_and_tokens_until_enabled(app) {
        let (id, person) = signed_in_person(&app, "dora@example.com", false).await;
        let shop = web_app(&app, "Shop", &["openid", "offline_access"]);
        let shop = (shop.0.as_str(), shop.1.as_str());
        let tokens = code_flow(&app, &person, shop, "openid offline_access").await.unwrap();
        let access = tokens["access_token"].as_str().unwrap();
        let refresh_token = tokens["refresh_token"].as_str().unwrap();
        assert_eq!(userinfo(&app, access).await.0, 200);

        let token = admin_token(&app).await;
        let (status, user) = admin(&app, &token, Method::POST, &user_path(&id, "/disable"), None).await;
        assert_eq!(status, 200, "{user}");
        assert_eq!(user["disabled"], true);
        assert!(user["disabled_at"].is_string(), "{user}");

        // Everything the account held stops at once.
        let (status, _) = app.api(&person, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(status, 401, "the session ended");
        assert_eq!(userinfo(&app, access).await.0, 401, "the access token is refused");
        let (status, body) = refresh(&app, shop, refresh_token).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_grant")), "{body}");

        // Only someone who knows the password learns why; a guesser sees
        // what any wrong password gives.
        assert_eq!(api_sign_in(&app, "dora@example.com", PASSWORD).await, (403, json!("account_disabled")));
        assert_eq!(api_sign_in(&app, "dora@example.com", "wrong password").await, (401, json!("invalid_credentials")));
        let page = app.sign_in(&browser(), "dora@example.com", PASSWORD).await;
        assert_eq!(page.status(), 403);
        assert!(page.text().await.unwrap().contains("disabled"));

        // No reset code goes to a disabled account (the answer is the same).
        let (status, _) = app.api(&browser(), Method::POST, "/api/v1/password/reset",
            Some(json!({"email": "dora@example.com"}))).await;
        assert_eq!(status, 202);
        assert!(app.emails_to("dora@example.com").iter().all(|m| !m.text.contains("code")),
            "no reset code was sent");

        // Disabling again changes nothing; enabling lets the person back in.
        let (status, again) = admin(&app, &token, Method::POST, &user_path(&id, "/disable"), None).await;
        assert_eq!((status, &again["disabled_at"]), (200, &user["disabled_at"]));
        let (status, user) = admin(&app, &token, Method::POST, &user_path(&id, "/enable"), None).await;
        assert_eq!((status, &user["disabled"]), (200, &json!(false)), "{user}");
        assert_eq!(api_sign_in(&app, "dora@example.com", PASSWORD).await.0, 200);
        // Tokens revoked while disabled stay revoked.
        assert_eq!(refresh(&app, shop, refresh_token).await.0, 400);
    }

    async fn administrators_find_change_and_remove_accounts(app) {
        let token = admin_token(&app).await;
        let ada = account(&app, "ada@example.com", false);
        account(&app, "bob@example.com", false);
        account(&app, "ada_lovelace@example.org", false);

        // Search by part of the address; `_` matches only itself.
        let (status, list) = admin(&app, &token, Method::GET, "/admin/users?email=ADA", None).await;
        assert_eq!(status, 200, "{list}");
        let emails: Vec<&str> = list["users"].as_array().unwrap().iter()
            .map(|u| u["email"].as_str().unwrap()).collect();
        assert_eq!(emails, ["ada@example.com", "ada_lovelace@example.org"]);
        let (_, list) = admin(&app, &token, Method::GET, "/admin/users?email=a_l", None).await;
        assert_eq!(list["users"].as_array().unwrap().len(), 1, "{list}");
        let (_, list) = admin(&app, &token, Method::GET, "/admin/users?email=a%25e", None).await;
        assert_eq!(list["users"].as_array().unwrap().len(), 0, "% is literal: {list}");
        assert!(list["users"].as_array().unwrap().iter().all(|u| u.get("password_hash").is_none()));

        // Pages.
        let (_, first) = admin(&app, &token, Method::GET, "/admin/users?limit=2", None).await;
        assert_eq!(first["users"].as_array().unwrap().len(), 2);
        let next = first["next_page_token"].as_str().expect("a next page").to_owned();
        let (_, second) = admin(&app, &token, Method::GET, &format!("/admin/users?limit=2&page_token={next}"), None).await;
        assert_eq!(second["users"].as_array().unwrap().len(), 1);
        assert!(second["next_page_token"].is_null());

        // One account, changed.
        let (status, user) = admin(&app, &token, Method::GET, &user_path(&ada, ""), None).await;
        assert_eq!((status, &user["email"], &user["has_password"]), (200, &json!("ada@example.com"), &json!(true)));
        let (status, user) = admin(&app, &token, Method::PATCH, &user_path(&ada, ""),
            Some(json!({"given_name": "Augusta", "is_admin": true, "locale": "de", "birthdate": "1985-12-10"}))).await;
        assert_eq!(status, 200, "{user}");
        assert_eq!((&user["given_name"], &user["family_name"], &user["is_admin"], &user["locale"], &user["birthdate"]),
            (&json!("Augusta"), &json!("Lovelace"), &json!(true), &json!("de"), &json!("1985-12-10")));
        // A new address is unproven until someone vouches for it.
        let (_, user) = admin(&app, &token, Method::PATCH, &user_path(&ada, ""),
            Some(json!({"email": "Augusta@Example.com"}))).await;
        assert_eq!((&user["email"], &user["email_verified"]), (&json!("augusta@example.com"), &json!(false)));
        let (status, _) = admin(&app, &token, Method::POST, &user_path(&ada, "/verification"), None).await;
        assert_eq!(status, 202);
        let mail = app.last_email_to("augusta@example.com").await;
        assert!(mail.text.contains("/verify-email?token="), "{}", mail.text);
        let (_, user) = admin(&app, &token, Method::PATCH, &user_path(&ada, ""),
            Some(json!({"email_verified": true}))).await;
        assert_eq!(user["email_verified"], true);
        let (status, body) = admin(&app, &token, Method::POST, &user_path(&ada, "/verification"), None).await;
        assert_eq!((status, &body["error"]), (409, &json!("already_verified")));
        let (status, body) = admin(&app, &token, Method::PATCH, &user_path(&ada, ""),
            Some(json!({"email": "bob@example.com"}))).await;
        assert_eq!((status, &body["fields"][0]["error"]), (422, &json!("email_taken")), "{body}");

        // Signed out everywhere, then deleted (and told).
        let browser = browser();
        assert_eq!(app.sign_in(&browser, "augusta@example.com", PASSWORD).await.status(), 303);
        let (status, _) = admin(&app, &token, Method::DELETE, &user_path(&ada, "/sessions"), None).await;
        assert_eq!(status, 204);
        assert_eq!(app.api(&browser, Method::GET, "/api/v1/profile", None).await.0, 401);
        let (status, _) = admin(&app, &token, Method::DELETE, &user_path(&ada, ""), None).await;
        assert_eq!(status, 204);
        let (status, body) = admin(&app, &token, Method::GET, &user_path(&ada, ""), None).await;
        assert_eq!((status, &body["error"]), (404, &json!("not_found")));
        assert!(app.last_email_to("augusta@example.com").await.subject.contains("gelöscht"));
        for (method, rest) in [(Method::POST, "/disable"), (Method::POST, "/enable"),
            (Method::DELETE, "/sessions"), (Method::POST, "/verification"), (Method::DELETE, "")] {
            let (status, _) = admin(&app, &token, method.clone(), &user_path(&ada, rest), None).await;
            assert_eq!(status, 404, "{method} {rest} on a deleted account");
        }
    }

    async fn bad_requests_to_the_users_api_are_refused_plainly(app) {
        let token = admin_token(&app).await;
        let id = account(&app, "eve@example.com", false);
        for query in ["limit=0", "limit=201", "page_token=-1", "page_token=x"] {
            let (status, body) = admin(&app, &token, Method::GET, &format!("/admin/users?{query}"), None).await;
            assert_eq!((status, &body["error"]), (422, &json!("invalid_input")), "{query}: {body}");
        }
        let long = "a".repeat(300);
        let (status, _) = admin(&app, &token, Method::GET, &format!("/admin/users?email={long}"), None).await;
        assert_eq!(status, 422);
        for query in ["limit=ten", "colour=red"] {
            let (status, body) = admin(&app, &token, Method::GET, &format!("/admin/users?{query}"), None).await;
            assert_eq!((status, &body["error"]), (400, &json!("invalid_request")), "{query}: {body}");
        }
        let cases = [
            (json!({"password_hash": "x"}), 400),
            (json!({"is_admin": "yes"}), 400),
            (json!({"email": "not an address"}), 422),
            (json!({"birthdate": "2999-01-01"}), 422),
            (json!({"given_name": "<script>"}), 422),
            (json!({"locale": "xx"}), 422),
        ];
        for (body, expected) in cases {
            let (status, answer) = admin(&app, &token, Method::PATCH, &user_path(&id, ""), Some(body.clone())).await;
            assert_eq!(status, expected, "{body}: {answer}");
        }
        let (_, user) = admin(&app, &token, Method::GET, &user_path(&id, ""), None).await;
        assert_eq!((&user["email"], &user["given_name"], &user["is_admin"]),
            (&json!("eve@example.com"), &json!("Ada"), &json!(false)), "nothing changed");
    }

    async fn only_administrators_manage_accounts_and_never_their_own_lockout(app) {
        let eve = account(&app, "eve@example.com", false);
        let (status, _, body) = admin_call(&app, None, Method::POST, &user_path(&eve, "/disable"), None).await;
        assert_eq!(status, 401, "{body}");
        let console = web_app(&app, "Admin console", &["openid", "admin"]);
        let console = (console.0.as_str(), console.1.as_str());
        let (_, person) = signed_in_person(&app, "pat@example.com", false).await;
        let tokens = code_flow(&app, &person, console, "openid").await.unwrap();
        let (status, _) = admin(&app, tokens["access_token"].as_str().unwrap(), Method::GET, "/admin/users", None).await;
        assert_eq!(status, 403);

        let (root, browser) = signed_in_person(&app, "root@example.com", true).await;
        let tokens = code_flow(&app, &browser, console, "openid admin").await.unwrap();
        let mine = tokens["access_token"].as_str().unwrap();
        for (method, rest) in [(Method::POST, "/disable"), (Method::DELETE, "")] {
            let (status, body) = admin(&app, mine, method, &user_path(&root, rest), None).await;
            assert_eq!((status, &body["error"]), (409, &json!("own_account")), "{body}");
        }
        let (status, _) = admin(&app, mine, Method::POST, &user_path(&eve, "/disable"), None).await;
        assert_eq!(status, 200);

        // An administrator demoted or disabled loses the admin API at once.
        let other = admin_token(&app).await;
        admin(&app, &other, Method::PATCH, &user_path(&root, ""), Some(json!({"is_admin": false}))).await;
        assert_eq!(admin(&app, mine, Method::GET, "/admin/users", None).await.0, 403);
        admin(&app, &other, Method::PATCH, &user_path(&root, ""), Some(json!({"is_admin": true}))).await;
        assert_eq!(admin(&app, mine, Method::GET, "/admin/users", None).await.0, 200);
        admin(&app, &other, Method::POST, &user_path(&root, "/disable"), None).await;
        assert_eq!(admin(&app, mine, Method::GET, "/admin/users", None).await.0, 401);
    }
}

/// An account linked to an upstream identity cannot sign in through it
/// while disabled.
async fn a_disabled_account_cannot_sign_in_upstream(backend: Backend) {
    let f = federated(backend, true).await;
    let id = account(&f.app, "cy@example.com", false);
    let jars = upstream_person(&f.up, "cy@example.com").await;
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/account".to_owned())
    );

    let token = admin_token(&f.app).await;
    let (status, _) = admin(
        &f.app,
        &token,
        Method::POST,
        &user_path(&id, "/disable"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = f.app.page(&jars.here, "/account").await;
    assert_ne!(status, 200, "the session the upstream sign-in opened ended");
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("disabled"));
}

for_both_backends!(a_disabled_account_cannot_sign_in_upstream);
