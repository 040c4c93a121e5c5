//! Malformed, oversized, replayed and hostile requests get a clear error,
//! and leave nothing half-written behind.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_databases;

fn account_count(app: &TestApp) -> i64 {
    app.idp
        .db
        .read(|conn| {
            use diesel::prelude::*;
            idp_core::db::schema::accounts::table
                .count()
                .get_result(conn)
                .map_err(idp_core::db::StoreError::from)
        })
        .unwrap()
}

/// Signs up with one field replaced and returns status and page.
async fn sign_up_with(app: &TestApp, field: &str, value: &str) -> (u16, String) {
    let client = browser();
    let mut fields = signup_fields("eve@example.com", PASSWORD);
    for f in fields.iter_mut() {
        if f.0 == field {
            f.1 = value;
        }
    }
    let r = app.submit(&client, "/signup", "/signup", &fields).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

on_both_databases! {
    async fn every_bad_sign_up_field_is_explained_and_nothing_is_stored(app) {
        let long_email = format!("{}@example.com", "a".repeat(250));
        let long_name = "N".repeat(101);
        let long_password = format!("Aa1!{}", "x".repeat(70));
        let cases: Vec<(&str, &str, &str)> = vec![
            ("email", "not-an-email", "Enter an email address like name@example.com."),
            ("email", &long_email, "That email address is too long."),
            ("email", "", "Enter your email address."),
            ("password", "Ab1!", "Use at least 8 characters."),
            ("password", &long_password, "Use at most 64 characters."),
            ("password", "abcdefghij", "Use at least three of"),
            ("password", "Eve-example-2024", "Do not use your email address"),
            ("password_confirm", "Different-Password-9!", "The passwords do not match."),
            ("given_name", &long_name, "Use at most 100 characters."),
            ("given_name", "  ", "Enter a name."),
            ("family_name", "<script>", "Names cannot contain"),
            ("birthdate", "2999-01-01", "The date of birth cannot be in the future."),
            ("birthdate", "1850-06-01", "Check the year of your date of birth."),
            ("birthdate", "31.12.1990", "Enter a date like 1990-12-31."),
        ];
        for (field, value, message) in cases {
            let (status, html) = sign_up_with(&app, field, value).await;
            assert_eq!(status, 422, "{field}={value:?}");
            assert!(html.contains(message), "{field}={value:?}: expected {message:?} in {html}");
            assert!(html.contains(&format!("id=\"{field}-error\"")), "the error sits next to {field}");
        }
        assert_eq!(account_count(&app), 0);
        assert!(app.emails().is_empty());
    }

    async fn forms_without_a_valid_csrf_token_are_refused(app) {
        let client = browser();
        let _ = app.page(&client, "/signup").await;
        let mut form = signup_fields("csrf@example.com", PASSWORD);
        form.push(("csrf_token", "forged"));
        let r = client.post(app.url("/signup")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("reload the page"));
        // A browser that refuses cookies is told so plainly.
        let cookieless = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let (_, html) = app.page(&cookieless, "/login").await;
        let token = csrf_in(&html);
        let r = cookieless.post(app.url("/login"))
            .form(&[("email", "a@example.com"), ("password", "x"), ("csrf_token", &token)])
            .send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("Your browser is refusing cookies"));
        // In the reader's language too.
        let r = cookieless.post(app.url("/login"))
            .header("Accept-Language", "de-DE,de;q=0.9")
            .form(&[("email", "a@example.com"), ("password", "x"), ("csrf_token", &token)])
            .send().await.unwrap();
        assert_eq!(r.status(), 403);
        let html = r.text().await.unwrap();
        assert!(html.contains("Ihr Browser lehnt Cookies ab") && html.contains("lang=\"de\""), "{html}");
        assert_eq!(account_count(&app), 0);
    }

    async fn malformed_and_oversized_bodies_get_clear_errors(app) {
        let client = browser();
        let (_, html) = app.page(&client, "/login").await;
        let token = csrf_in(&html);
        // Not UTF-8.
        let r = client.post(app.url("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("email=%FF%FE&password=x&csrf_token={token}"))
            .send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("could not be read"));
        // A missing field.
        let r = client.post(app.url("/login")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 400);
        // Too large.
        let big = "x".repeat(40 * 1024);
        let r = client.post(app.url("/signup")).form(&[("email", big.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 413);
        assert!(r.text().await.unwrap().contains("too large"));

        // The JSON API: wrong type, bad JSON, unknown fields, too large, no CSRF header.
        let csrf = app.api_csrf(&client).await;
        let post = |body: String, content_type: &'static str| {
            client.post(app.url("/api/v1/signup"))
                .header("X-CSRF-Token", csrf.clone())
                .header("Content-Type", content_type)
                .body(body)
                .send()
        };
        let r = post("email=x".into(), "application/x-www-form-urlencoded").await.unwrap();
        assert_eq!(r.status(), 415);
        let r = post("{\"email\": ".into(), "application/json").await.unwrap();
        assert_eq!(r.status(), 400);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
        assert!(body["error_description"].as_str().unwrap().len() > 10);
        let r = post(json!({"email": "a@example.com", "surprise": 1}).to_string(), "application/json").await.unwrap();
        assert_eq!(r.status(), 400);
        let r = post(json!({"email": big}).to_string(), "application/json").await.unwrap();
        assert_eq!(r.status(), 413);
        let r = client.post(app.url("/api/v1/signup")).json(&json!({})).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "csrf_failed");
        let (status, body) = app.api(&client, Method::GET, "/api/v1/nothing-here", None).await;
        assert_eq!((status, body["error"].as_str()), (404, Some("unknown_operation")));
        assert_eq!(account_count(&app), 0);
    }

    async fn expired_forged_and_replayed_links_are_refused(app) {
        let client = browser();
        app.submit(&client, "/signup", "/signup", &signup_fields("late@example.com", PASSWORD)).await;
        let link = app.last_email_to("late@example.com").await.link("token=");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        // Age every token past its expiry.
        app.idp.db.write(|conn| {
            use diesel::prelude::*;
            use idp_core::db::schema::{one_time_tokens as t, pending_signups as p};
            let expired = idp_core::now() - chrono::Duration::minutes(1);
            diesel::update(t::table).set(t::expires_at.eq(expired)).execute(conn)?;
            diesel::update(p::table).set(p::expires_at.eq(expired)).execute(conn)
                .map_err(idp_core::db::StoreError::from)
        }).unwrap();
        for bad in [token.as_str(), "forged", &"x".repeat(500), ""] {
            let (status, body) = app.api(&client, Method::POST, "/api/v1/email/verify", Some(json!({"token": bad}))).await;
            assert_eq!(status, 400, "{bad}");
            assert_eq!(body["error"], "invalid_or_expired_link");
        }
        // Asking again gives a working link.
        app.submit(&client, "/login", "/verify-email/resend", &[("email", "late@example.com")]).await;
        let fresh = app.last_email_to("late@example.com").await.link("token=");
        let token = fresh.split("token=").nth(1).unwrap().to_owned();
        let (status, _) = app.api(&client, Method::POST, "/api/v1/email/verify", Some(json!({"token": token}))).await;
        assert_eq!(status, 204);
        let (status, _) = app.api(&client, Method::POST, "/api/v1/email/verify", Some(json!({"token": token}))).await;
        assert_eq!(status, 400, "replayed");
        // A hostile Accept-Language (NaN weights) is answered, not crashed on.
        let weights = "x;q=0.5,x;q=NaN,".repeat(20);
        let r = client.get(app.url("/login")).header("Accept-Language", weights).send().await.unwrap();
        assert_eq!(r.status(), 200);
        // Hostile query strings on pages are answered, not crashed on.
        let (status, _) = app.page(&client, "/verify-email?token=%ZZ%00").await;
        assert!(status == 200 || status == 400, "{status}");
    }
}

on_both_databases! {
    async fn signup_over_the_api_validates_like_the_page(app) {
        let client = browser();
        let (status, body) = app
            .api(
                &client,
                Method::POST,
                "/api/v1/signup",
                Some(json!({
                    "email": "x", "password": "a", "password_confirm": "b",
                    "given_name": "", "family_name": "F", "birthdate": "2999-01-01"
                })),
            )
            .await;
        assert_eq!(status, 422);
        let fields: Vec<&str> = body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        for f in ["email", "given_name", "birthdate", "password_confirm"] {
            assert!(fields.contains(&f), "{f} missing from {body}");
        }
        assert_eq!(account_count(&app), 0);
    }
}
