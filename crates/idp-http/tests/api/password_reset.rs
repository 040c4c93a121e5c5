//! A person who forgot their password gets a code by email and sets a new one.

use crate::helpers::*;
use crate::on_both_databases;

const NEW_PASSWORD: &str = "Quiet-Lantern7!Orbit";

on_both_databases! {
    async fn a_person_resets_a_forgotten_password_with_an_emailed_code(app) {
        let old_client = app.signed_up_and_verified("mae@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&old_client, "mae@example.com", PASSWORD).await.status(), 303);
        let (status, body) = app.api(&old_client, reqwest::Method::GET, "/api/v1/sessions", None).await;
        assert_eq!(status, 200, "signed in before the reset: {body}");

        let client = browser();
        let r = app.submit(&client, "/password/forgot", "/password/forgot", &[("email", "mae@example.com")]).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("name=\"code\""));
        let code = app.last_email_to("mae@example.com").await.code();

        let r = app.submit(&client, "/password/forgot", "/password/forgot/code",
            &[("email", "mae@example.com"), ("code", &code)]).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        let grant = html.split("name=\"grant\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();

        // A weak new password is refused with a reason, and the grant survives.
        let r = app.submit(&client, "/password/forgot", "/password/forgot/new",
            &[("grant", &grant), ("password", "short"), ("password_confirm", "short")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("at least 8 characters"));

        let r = app.submit(&client, "/password/forgot", "/password/forgot/new",
            &[("grant", &grant), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/login?notice=password_reset");

        // The grant and the code are used up.
        let r = app.submit(&client, "/password/forgot", "/password/forgot/new",
            &[("grant", &grant), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)]).await;
        assert_eq!(r.status(), 400);
        let r = app.submit(&client, "/password/forgot", "/password/forgot/code",
            &[("email", "mae@example.com"), ("code", &code)]).await;
        assert_eq!(r.status(), 400);

        // Every old session ended: the browser that was signed in is not any more.
        let (status, body) = app.api(&old_client, reqwest::Method::GET, "/api/v1/sessions", None).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("unauthenticated")), "{body}");
        let r = old_client.get(app.url("/account")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
        let left: i64 = app.idp.db.read(|conn| {
            use diesel::prelude::*;
            idp_core::db::schema::sessions::table.count().get_result(conn)
                .map_err(idp_core::db::StoreError::from)
        }).unwrap();
        assert_eq!(left, 0, "no session of the account is left");
        // A notice went out; only the new password works.
        assert_eq!(app.last_email_to("mae@example.com").await.subject, "Your password was reset");
        assert_eq!(app.sign_in(&browser(), "mae@example.com", PASSWORD).await.status(), 401);
        assert_eq!(app.sign_in(&browser(), "mae@example.com", NEW_PASSWORD).await.status(), 303);
    }

    async fn unknown_addresses_get_the_same_answer_and_no_mail(app) {
        let _ = app.signed_up_and_verified("known@example.com", PASSWORD).await;
        let client = browser();
        let known = app.submit(&client, "/password/forgot", "/password/forgot", &[("email", "known@example.com")]).await;
        let known_status = known.status();
        let known_html = known.text().await.unwrap().replace("known@example.com", "X");
        let unknown = app.submit(&client, "/password/forgot", "/password/forgot", &[("email", "ghost@example.com")]).await;
        assert_eq!(unknown.status(), known_status);
        assert_eq!(unknown.text().await.unwrap().replace("ghost@example.com", "X"), known_html);
        assert!(app.emails_to("ghost@example.com").is_empty());
        let r = app.submit(&client, "/password/forgot", "/password/forgot/code",
            &[("email", "ghost@example.com"), ("code", "12345678")]).await;
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("That code is wrong or has expired"));
    }

    async fn a_code_dies_after_five_wrong_tries(app) {
        let _ = app.signed_up_and_verified("kim@example.com", PASSWORD).await;
        let client = browser();
        app.submit(&client, "/password/forgot", "/password/forgot", &[("email", "kim@example.com")]).await;
        let code = app.last_email_to("kim@example.com").await.code();
        let wrong = if code == "00000000" { "11111111" } else { "00000000" };
        for _ in 0..5 {
            let r = app.submit(&client, "/password/forgot", "/password/forgot/code",
                &[("email", "kim@example.com"), ("code", wrong)]).await;
            assert_eq!(r.status(), 400);
        }
        let r = app.submit(&client, "/password/forgot", "/password/forgot/code",
            &[("email", "kim@example.com"), ("code", &code)]).await;
        assert_eq!(r.status(), 400, "the right code no longer works after five wrong ones");
    }

    async fn the_reset_works_over_the_json_api(app) {
        let _ = app.signed_up_and_verified("api@example.com", PASSWORD).await;
        let client = browser();
        let (status, body) = app.api(&client, reqwest::Method::POST, "/api/v1/password/reset",
            Some(serde_json::json!({"email": "api@example.com"}))).await;
        assert_eq!(status, 202, "{body}");
        let code = app.last_email_to("api@example.com").await.code();
        let (status, body) = app.api(&client, reqwest::Method::POST, "/api/v1/password/reset/verify",
            Some(serde_json::json!({"email": "api@example.com", "code": code}))).await;
        assert_eq!(status, 200, "{body}");
        let token = body["reset_token"].as_str().unwrap().to_owned();
        let (status, body) = app.api(&client, reqwest::Method::POST, "/api/v1/password/reset/confirm",
            Some(serde_json::json!({"reset_token": token, "password": NEW_PASSWORD, "password_confirm": "different"}))).await;
        assert_eq!(status, 422);
        assert_eq!(body["fields"][0]["field"], "password_confirm");
        let (status, _) = app.api(&client, reqwest::Method::POST, "/api/v1/password/reset/confirm",
            Some(serde_json::json!({"reset_token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}))).await;
        assert_eq!(status, 204);
        let (status, _) = app.api(&client, reqwest::Method::POST, "/api/v1/session",
            Some(serde_json::json!({"email": "api@example.com", "password": NEW_PASSWORD}))).await;
        assert_eq!(status, 200);
    }
}
