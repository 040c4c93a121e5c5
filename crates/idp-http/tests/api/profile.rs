//! "My Profile": names, password, primary email, marketing, deletion.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_databases;

const NEW_PASSWORD: &str = "Quiet-Lantern7!Orbit";

async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = app.signed_up_and_verified(email, PASSWORD).await;
    assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 303);
    client
}

on_both_databases! {
    async fn a_person_changes_names_and_date_of_birth(app) {
        let client = signed_in(&app, "ed@example.com").await;
        let r = app.submit(&client, "/account", "/account/profile",
            &[("given_name", "Edith"), ("family_name", "Clarke"), ("birthdate", "1983-02-10")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/account?notice=profile_saved");
        let (_, html) = app.page(&client, "/account?notice=profile_saved").await;
        assert!(html.contains("Your profile has been saved.") && html.contains("Edith") && html.contains("1983-02-10"));

        // A date in the future is refused next to the field; nothing changes.
        let r = app.submit(&client, "/account", "/account/profile",
            &[("given_name", "X"), ("family_name", "Y"), ("birthdate", "2999-01-01")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("The date of birth cannot be in the future."));
        let (status, body) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(status, 200);
        assert_eq!(body["given_name"], "Edith");

        let (status, body) = app.api(&client, Method::PATCH, "/api/v1/profile", Some(json!({"family_name": "Clarke-Smith"}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!((body["given_name"].as_str(), body["family_name"].as_str()), (Some("Edith"), Some("Clarke-Smith")));
        let (status, body) = app.api(&client, Method::PATCH, "/api/v1/profile", Some(json!({"given_name": ""}))).await;
        assert_eq!(status, 422);
        assert_eq!(body["fields"][0]["error"], "name_required");
    }

    async fn changing_the_password_needs_the_current_one_and_ends_other_sessions(app) {
        let client = signed_in(&app, "pat@example.com").await;
        let other = browser();
        assert_eq!(app.sign_in(&other, "pat@example.com", PASSWORD).await.status(), 303);

        let r = app.submit(&client, "/account", "/account/password", &[
            ("current_password", "not-it"), ("new_password", NEW_PASSWORD), ("new_password_confirm", NEW_PASSWORD)]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Your current password is wrong."));

        let r = app.submit(&client, "/account", "/account/password", &[
            ("current_password", PASSWORD), ("new_password", "password1"), ("new_password_confirm", "password1")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("at least three of"));

        let r = app.submit(&client, "/account", "/account/password", &[
            ("current_password", PASSWORD), ("new_password", NEW_PASSWORD), ("new_password_confirm", NEW_PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.page(&client, "/account").await.0, 200, "this session stays");
        assert_eq!(app.page(&other, "/account").await.0, 303, "the other one ended");
        assert_eq!(app.last_email_to("pat@example.com").await.subject, "Your password was changed");
        assert_eq!(app.sign_in(&browser(), "pat@example.com", NEW_PASSWORD).await.status(), 303);
    }

    async fn changing_the_primary_email_waits_for_the_new_address_to_confirm(app) {
        let client = signed_in(&app, "old@example.com").await;
        let r = app.submit(&client, "/account", "/account/email",
            &[("new_email", "New@Example.com"), ("current_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.last_email_to("old@example.com").await.subject, "Your email address is about to change");
        let confirm = app.last_email_to("new@example.com").await;
        assert_eq!(confirm.subject, "Confirm your new email address");
        // Nothing changed yet.
        assert_eq!(app.sign_in(&browser(), "old@example.com", PASSWORD).await.status(), 303);

        let link = confirm.link("/email/confirm?token=");
        let path = link.trim_start_matches(&app.address).to_owned();
        let token = path.split("token=").nth(1).unwrap().to_owned();
        let r = app.submit(&client, &path, "/email/confirm", &[("token", &token)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.sign_in(&browser(), "old@example.com", PASSWORD).await.status(), 401);
        assert_eq!(app.sign_in(&browser(), "new@example.com", PASSWORD).await.status(), 303);
        assert_eq!(app.last_email_to("old@example.com").await.subject, "Your email address was changed");
        // Replaying the link fails.
        let (status, body) = app.api(&client, Method::POST, "/api/v1/email/change/confirm", Some(json!({"token": token}))).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"], "invalid_or_expired_link");
    }

    async fn moving_to_a_taken_address_reveals_nothing_and_tells_its_owner(app) {
        let _ = app.signed_up_and_verified("taken@example.com", PASSWORD).await;
        let client = signed_in(&app, "mover@example.com").await;
        let (status, _) = app.api(&client, Method::POST, "/api/v1/profile/email",
            Some(json!({"new_email": "taken@example.com", "current_password": PASSWORD}))).await;
        assert_eq!(status, 202);
        assert_eq!(app.last_email_to("taken@example.com").await.subject, "Someone tried to use your address");
        let (status, body) = app.api(&client, Method::POST, "/api/v1/profile/email",
            Some(json!({"new_email": "mover@example.com", "current_password": PASSWORD}))).await;
        assert_eq!(status, 422);
        assert_eq!(body["fields"][0]["error"], "email_same");
    }

    async fn marketing_mail_can_be_turned_off_in_one_click_without_signing_in(app) {
        let client = signed_in(&app, "news@example.com").await;
        let welcome = app.emails_to("news@example.com").into_iter().find(|m| m.subject == "Welcome to idp").unwrap();
        let header = welcome.header("List-Unsubscribe").unwrap();
        let url = header.trim_start_matches('<').trim_end_matches('>').to_owned();
        assert!(welcome.text.contains(&url), "the link is in the text too");
        // A mail client's RFC 8058 one-click POST, with no cookies at all.
        let r = reqwest::Client::new().post(&url).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let (_, body) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(body["marketing_opt_in"], false);
        // GET shows a button and changes nothing; a forged token is refused.
        assert_eq!(app.page(&browser(), url.trim_start_matches(&app.address)).await.0, 200);
        let forged = format!("{}x", url);
        let r = reqwest::Client::new().post(&forged).send().await.unwrap();
        assert_eq!(r.status(), 400);
        // Back on from My Profile: the account is subscribed again.
        let r = app.submit(&client, "/account", "/account/marketing", &[("subscribed", "yes")]).await;
        assert_eq!(r.status(), 303);
        let (_, body) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(body["marketing_opt_in"], true, "{body}");
        let (_, html) = app.page(&client, "/account").await;
        assert!(html.contains("name=\"subscribed\" value=\"no\""), "My Profile offers to unsubscribe: {html}");
        // And off again over the API.
        let (status, body) = app.api(&client, Method::PUT, "/api/v1/profile/marketing", Some(json!({"subscribed": false}))).await;
        assert_eq!((status, &body["subscribed"]), (200, &json!(false)), "{body}");
        let (_, body) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(body["marketing_opt_in"], false, "{body}");
    }

    async fn deleting_the_account_needs_the_password_and_removes_everything(app) {
        let client = signed_in(&app, "bye@example.com").await;
        let r = app.submit(&client, "/account", "/account/delete", &[("password", "wrong")]).await;
        assert_eq!(r.status(), 422);
        let r = app.submit(&client, "/account", "/account/delete", &[("password", PASSWORD)]).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("Your account has been deleted."));
        assert_eq!(app.page(&client, "/account").await.0, 303);
        assert_eq!(app.sign_in(&browser(), "bye@example.com", PASSWORD).await.status(), 401);
        let rows: i64 = app.idp.db.read(|conn| {
            use diesel::prelude::*;
            use idp_core::db::schema::{sessions, one_time_tokens};
            let s: i64 = sessions::table.count().get_result(conn)?;
            let t: i64 = one_time_tokens::table.count().get_result(conn)?;
            Ok::<_, idp_core::db::StoreError>(s + t)
        }).unwrap();
        assert_eq!(rows, 0, "sessions and tokens went with the account");
        // The address is free again.
        let r = app.submit(&browser(), "/signup", "/signup", &signup_fields("bye@example.com", PASSWORD)).await;
        assert_eq!(r.status(), 200);
        assert_eq!(app.last_email_to("bye@example.com").await.subject, "Activate your account");
    }

    async fn the_profile_api_needs_a_session(app) {
        let client = browser();
        let (status, body) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(status, 401);
        assert_eq!(body["error"], "unauthenticated");
        let (status, _) = app.api(&client, Method::DELETE, "/api/v1/session", None).await;
        assert_eq!(status, 401);
        assert_eq!(app.page(&client, "/account").await.0, 303);
    }
}

on_both_databases! {
    async fn changing_the_password_ends_what_apps_hold(app) {
        // Whoever learnt the old password may have let an app keep access
        // for them (offline_access): the password change ends that too.
        let client = signed_in(&app, "kim@example.com").await;
        let web = crate::oauth_helpers::web_app(&app, "Shop", &["openid", "offline_access"]);
        let tokens = crate::oauth_helpers::code_flow(&app, &client, (&web.0, &web.1), "openid offline_access").await.unwrap();
        let (status, refreshed) = crate::oauth_helpers::refresh(&app, (&web.0, &web.1), tokens["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{refreshed}");
        let refresh_token = refreshed["refresh_token"].as_str().unwrap().to_owned();
        let access_token = refreshed["access_token"].as_str().unwrap().to_owned();
        assert_eq!(crate::oauth_helpers::userinfo(&app, &access_token).await.0, 200);

        let r = app.submit(&client, "/account", "/account/password", &[
            ("current_password", PASSWORD), ("new_password", NEW_PASSWORD), ("new_password_confirm", NEW_PASSWORD)]).await;
        assert_eq!(r.status(), 303);

        let (status, body) = crate::oauth_helpers::refresh(&app, (&web.0, &web.1), &refresh_token).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
        assert_eq!(crate::oauth_helpers::userinfo(&app, &access_token).await.0, 401, "issued with the refresh token");
        // The app can start over with a sign-in under the new password.
        let tokens = crate::oauth_helpers::code_flow(&app, &client, (&web.0, &web.1), "openid offline_access").await.unwrap();
        let (status, body) = crate::oauth_helpers::refresh(&app, (&web.0, &web.1), tokens["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
}
