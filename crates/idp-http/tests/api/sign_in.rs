//! Signing in and out, sessions, and throttling of failed attempts.

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases! {
    async fn wrong_passwords_lock_the_account_for_a_while_with_a_clear_message(app) {
        let _ = app.signed_up_and_verified("lou@example.com", PASSWORD).await;
        let client = browser();
        for _ in 0..5 {
            let r = app.sign_in(&client, "lou@example.com", "Wrong-Password-1").await;
            assert_eq!(r.status(), 401);
            assert!(r.text().await.unwrap().contains("The email address or password is wrong."));
        }
        // Locked now, even with the right password, from any address.
        let r = app.sign_in(&browser(), "lou@example.com", PASSWORD).await;
        assert_eq!(r.status(), 429);
        let html = r.text().await.unwrap();
        assert!(html.contains("Try again in 15 minutes"), "{html}");
        // The lock lives in the database, so every node sees it.
        let count: i64 = app.idp.db.read(|conn| {
            use diesel::prelude::*;
            idp_core::db::schema::login_throttle::table
                .filter(idp_core::db::schema::login_throttle::locked_until.is_not_null())
                .count().get_result(conn).map_err(idp_core::db::StoreError::from)
        }).unwrap();
        assert_eq!(count, 1);
        // Unknown addresses are throttled the same way (no enumeration).
        for _ in 0..5 {
            app.sign_in(&client, "nobody@example.com", "Wrong-Password-1").await;
        }
        assert_eq!(app.sign_in(&client, "nobody@example.com", "x").await.status(), 429);
        let (status, body) = app.api(&browser(), reqwest::Method::POST, "/api/v1/session",
            Some(serde_json::json!({"email": "lou@example.com", "password": PASSWORD}))).await;
        assert_eq!(status, 429);
        assert_eq!(body["error"], "too_many_attempts");

        // Resetting the password proves the mailbox and lifts the lock.
        let client = browser();
        app.submit(&client, "/password/forgot", "/password/forgot", &[("email", "lou@example.com")]).await;
        let code = app.last_email_to("lou@example.com").await.code();
        let (status, body) = app.api(&client, reqwest::Method::POST, "/api/v1/password/reset/verify",
            Some(serde_json::json!({"email": "lou@example.com", "code": code}))).await;
        assert_eq!(status, 200);
        let (status, _) = app.api(&client, reqwest::Method::POST, "/api/v1/password/reset/confirm",
            Some(serde_json::json!({"reset_token": body["reset_token"], "password": "Quiet-Lantern7!Orbit",
                "password_confirm": "Quiet-Lantern7!Orbit"}))).await;
        assert_eq!(status, 204);
        assert_eq!(app.sign_in(&browser(), "lou@example.com", "Quiet-Lantern7!Orbit").await.status(), 303);
    }

    async fn logging_out_ends_the_session_and_everywhere_ends_all(app) {
        let first = app.signed_up_and_verified("sam@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&first, "sam@example.com", PASSWORD).await.status(), 303);
        let second = browser();
        assert_eq!(app.sign_in(&second, "sam@example.com", PASSWORD).await.status(), 303);

        // GET /logout only shows a button.
        let (status, html) = app.page(&first, "/logout").await;
        assert_eq!(status, 200);
        assert!(html.contains("Log out everywhere"));
        assert_eq!(app.page(&first, "/account").await.0, 200);

        let r = app.submit(&first, "/logout", "/logout", &[]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.page(&first, "/account").await.0, 303);
        assert_eq!(app.page(&second, "/account").await.0, 200, "other sessions stay");

        assert_eq!(app.sign_in(&first, "sam@example.com", PASSWORD).await.status(), 303);
        let r = app.submit(&first, "/logout", "/logout", &[("everywhere", "yes")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.page(&first, "/account").await.0, 303);
        assert_eq!(app.page(&second, "/account").await.0, 303);
    }

    async fn my_profile_lists_sessions_and_ends_one(app) {
        let phone = app.signed_up_and_verified("ana@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&phone, "ana@example.com", PASSWORD).await.status(), 303);
        let laptop = browser();
        assert_eq!(app.sign_in(&laptop, "ana@example.com", PASSWORD).await.status(), 303);
        let (status, body) = app.api(&laptop, reqwest::Method::GET, "/api/v1/sessions", None).await;
        assert_eq!(status, 200);
        let sessions = body["sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 2);
        let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"].as_str().unwrap().to_owned();
        let r = app.submit(&laptop, "/account", "/account/sessions/end", &[("session_id", &other)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.page(&phone, "/account").await.0, 303, "the phone is signed out");
        assert_eq!(app.page(&laptop, "/account").await.0, 200);
        // Someone else's or an unknown session id is not found.
        let (status, _) = app.api(&laptop, reqwest::Method::DELETE, "/api/v1/sessions/nope", None).await;
        assert_eq!(status, 404);
    }

    async fn signing_in_again_replaces_the_old_session(app) {
        let client = app.signed_up_and_verified("fix@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&client, "fix@example.com", PASSWORD).await.status(), 303);
        assert_eq!(app.sign_in(&client, "fix@example.com", PASSWORD).await.status(), 303);
        let (_, body) = app.api(&client, reqwest::Method::GET, "/api/v1/sessions", None).await;
        assert_eq!(body["sessions"].as_array().unwrap().len(), 1);
        let (status, _) = app.api(&client, reqwest::Method::POST, "/api/v1/session",
            Some(serde_json::json!({"email": "fix@example.com", "password": PASSWORD}))).await;
        assert_eq!(status, 200);
        let (_, body) = app.api(&client, reqwest::Method::GET, "/api/v1/sessions", None).await;
        assert_eq!(body["sessions"].as_array().unwrap().len(), 1, "the API replaces it too");
    }
}

on_both_databases! {
    async fn passwords_are_rehashed_when_the_argon2_parameters_change(app) {
        let _ = app.signed_up_and_verified("re@example.com", PASSWORD).await;
        let stored = |idp: &idp_core::Idp| {
            idp.db.read(|conn| {
                use diesel::prelude::*;
                use idp_core::db::schema::accounts;
                accounts::table.select(accounts::password_hash).first::<Option<String>>(conn)
                    .map_err(idp_core::db::StoreError::from)
            }).unwrap().unwrap()
        };
        assert!(stored(&app.idp).contains("m=19456,t=2,p=1"), "OWASP parameters by default");
        // Another node, configured with new parameters, on the same database.
        let mut settings = (*app.idp.settings).clone();
        settings.argon2.memory_kib = 12_288;
        settings.argon2.iterations = 3;
        let node = idp_core::Idp::open(settings).unwrap();
        let client = idp_core::sessions::ClientInfo::default();
        node.sign_in("re@example.com", PASSWORD, &client, None).unwrap();
        assert!(stored(&node).contains("m=12288,t=3,p=1"), "{}", stored(&node));
        assert!(node.sign_in("re@example.com", PASSWORD, &client, None).is_ok());
    }
}
