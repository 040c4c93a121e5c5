//! A person signs up, finds the email, follows the link and signs in.

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases! {
    async fn a_new_person_signs_up_verifies_and_reaches_my_profile(app) {
        let client = browser();
        let (status, html) = app.page(&client, "/signup").await;
        assert_eq!(status, 200);
        for field in ["email", "password", "password_confirm", "given_name", "family_name", "birthdate", "marketing_opt_in", "csrf_token"] {
            assert!(html.contains(&format!("name=\"{field}\"")), "sign-up form lacks {field}");
        }
        let r = app.submit(&client, "/signup", "/signup", &signup_fields("ada@example.com", PASSWORD)).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("ada@example.com"));

        // Not verified yet: signing in is refused and a resend is offered.
        let r = app.sign_in(&client, "ada@example.com", PASSWORD).await;
        assert_eq!(r.status(), 403);
        let html = r.text().await.unwrap();
        assert!(html.contains("verify your email"), "{html}");
        assert!(html.contains("/verify-email/resend"));

        let mail = app.last_email_to("ada@example.com").await;
        assert_eq!(mail.subject, "Activate your account");
        assert!(mail.header("Message-ID").is_some() && mail.header("Date").is_some());
        assert!(mail.header("List-Unsubscribe").is_none(), "transactional mail is not marketing");
        let link = mail.link("/verify-email?token=");
        assert!(link.starts_with(&app.address));

        // Opening the link only shows a button; the POST verifies.
        let path = link.trim_start_matches(&app.address).to_owned();
        let token = path.split("token=").nth(1).unwrap().to_owned();
        let r = app.submit(&client, &path, "/verify-email", &[("token", &token)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/login?notice=verified");

        // The link is single-use.
        let r = app.submit(&client, &path, "/verify-email", &[("token", &token)]).await;
        assert_eq!(r.status(), 400);

        let r = app.sign_in(&client, "ADA@example.com ", PASSWORD).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/account");
        let cookie = r.headers().get_all("set-cookie").iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("idp_session="))
            .expect("session cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "http issuer: no Secure flag");

        let (status, html) = app.page(&client, "/account").await;
        assert_eq!(status, 200);
        assert!(html.contains("My Profile") && html.contains("Ada") && html.contains("1990-12-10"));

        // Opted in to marketing: the welcome mail is marketing-capable.
        let welcome = app.last_email_to("ada@example.com").await;
        assert_eq!(welcome.subject, "Welcome to idp");
        assert!(welcome.header("List-Unsubscribe").unwrap().contains("/unsubscribe?token="));
        assert_eq!(welcome.header("List-Unsubscribe-Post").unwrap(), "List-Unsubscribe=One-Click");
    }

    async fn signing_up_with_a_registered_address_looks_the_same_and_tells_the_owner(app) {
        let _ = app.signed_up_and_verified("grace@example.com", PASSWORD).await;
        let before = app.emails().len();
        let client = browser();
        let first = app.submit(&client, "/signup", "/signup", &signup_fields("new@example.com", PASSWORD)).await;
        let first_status = first.status();
        let first_html = first.text().await.unwrap().replace("new@example.com", "X");
        let again = app.submit(&client, "/signup", "/signup", &signup_fields("grace@example.com", PASSWORD)).await;
        assert_eq!(again.status(), first_status);
        let again_html = again.text().await.unwrap().replace("grace@example.com", "X");
        assert_eq!(again_html, first_html, "the pages must not differ");
        let mail = app.last_email_to("grace@example.com").await;
        assert_eq!(mail.subject, "Someone tried to sign up with your address");
        assert_eq!(app.emails().len(), before + 2);
        // The original password still works; nothing was overwritten.
        let r = app.sign_in(&browser(), "grace@example.com", PASSWORD).await;
        assert_eq!(r.status(), 303);
    }

    async fn the_verification_email_can_be_sent_again(app) {
        let client = browser();
        app.submit(&client, "/signup", "/signup", &signup_fields("lin@example.com", PASSWORD)).await;
        let first = app.last_email_to("lin@example.com").await.link("token=");
        let r = app.submit(&client, "/login", "/verify-email/resend", &[("email", "lin@example.com")]).await;
        assert_eq!(r.status(), 200);
        let unknown = app.submit(&client, "/login", "/verify-email/resend", &[("email", "nobody@example.com")]).await;
        assert_eq!(unknown.status(), 200);
        let second = app.last_email_to("lin@example.com").await.link("token=");
        assert_ne!(first, second);
        assert!(app.emails_to("nobody@example.com").is_empty());
    }

    async fn an_unverified_owner_signing_up_again_gets_a_fresh_link_and_notices_are_capped(app) {
        let client = browser();
        app.submit(&client, "/signup", "/signup", &signup_fields("slow@example.com", PASSWORD)).await;
        let first = app.last_email_to("slow@example.com").await.link("token=");
        app.submit(&client, "/signup", "/signup", &signup_fields("slow@example.com", PASSWORD)).await;
        let second = app.last_email_to("slow@example.com").await;
        assert_eq!(second.subject, "Activate your account");
        let second = second.link("token=");
        assert_ne!(first, second);
        // Using the newest link spends the older one too, and welcomes once.
        let token = |link: &str| link.split("token=").nth(1).unwrap().to_owned();
        let (status, _) = app.api(&client, reqwest::Method::POST, "/api/v1/email/verify",
            Some(serde_json::json!({"token": token(&second)}))).await;
        assert_eq!(status, 204);
        let (status, _) = app.api(&client, reqwest::Method::POST, "/api/v1/email/verify",
            Some(serde_json::json!({"token": token(&first)}))).await;
        assert_eq!(status, 400);
        let welcomes = app.emails_to("slow@example.com").iter().filter(|m| m.subject == "Welcome to idp").count();
        assert_eq!(welcomes, 1);
        // A verified owner is told at most three times per window.
        for _ in 0..5 {
            app.submit(&client, "/signup", "/signup", &signup_fields("slow@example.com", PASSWORD)).await;
        }
        let notices = app.emails_to("slow@example.com").iter()
            .filter(|m| m.subject == "Someone tried to sign up with your address").count();
        assert_eq!(notices, 3);
    }

    async fn two_identical_sign_ups_at_once_end_in_one_account(app) {
        let client = browser();
        let (_, html) = app.page(&client, "/signup").await;
        let token = csrf_in(&html);
        let mut form = signup_fields("twin@example.com", PASSWORD);
        form.push(("csrf_token", &token));
        let url = app.url("/signup");
        let (a, b) = futures_util::future::join(
            client.post(&url).form(&form).send(),
            client.post(&url).form(&form).send(),
        ).await;
        assert_eq!(a.unwrap().status(), 200);
        assert_eq!(b.unwrap().status(), 200);
        let _ = app.last_email_to("twin@example.com").await;
        let links: Vec<String> = app.emails_to("twin@example.com").iter()
            .map(|m| m.link("/verify-email?token=")).collect();
        assert_eq!(links.len(), 2, "each sign-up has its link");
        // Both links followed at once: one account, and the other link is void.
        let verify = |link: &str| {
            let token = link.split("token=").nth(1).unwrap().to_owned();
            let client = client.clone();
            let app = &app;
            async move {
                app.api(&client, reqwest::Method::POST, "/api/v1/email/verify",
                    Some(serde_json::json!({"token": token}))).await.0
            }
        };
        let (a, b) = futures_util::future::join(verify(&links[0]), verify(&links[1])).await;
        let mut statuses = [a, b];
        statuses.sort();
        assert_eq!(statuses, [204, 400]);
        let count: i64 = app.idp.db.read(|conn| {
            use diesel::prelude::*;
            idp_core::db::schema::accounts::table.count().get_result(conn)
                .map_err(idp_core::db::StoreError::from)
        }).unwrap();
        assert_eq!(count, 1);
    }
}
