//! Account pre-hijacking (Sudhodanan & Paverd, 2022): someone who signs up
//! with another person's address, or asks to move their own account to it,
//! gains nothing when that person later signs up and verifies.

use reqwest::Method;

use crate::helpers::*;
use crate::oauth_helpers::signed_in_person;
use crate::on_both_databases;

const VICTIM: &str = "victim@example.com";
const ATTACKER_PASSWORD: &str = "Mallory-Owns!This-7";

/// Signs `email` up from a new browser with `password` and `given_name`.
async fn sign_up(app: &TestApp, email: &str, password: &str, given_name: &str) -> reqwest::Client {
    let client = browser();
    let mut fields = signup_fields(email, password);
    for field in fields.iter_mut() {
        if field.0 == "given_name" {
            field.1 = given_name;
        }
    }
    let r = app.submit(&client, "/signup", "/signup", &fields).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    client
}

/// Opens a verification link in `client` and presses its button: the status.
async fn follow(app: &TestApp, client: &reqwest::Client, link: &str) -> u16 {
    let path = link.trim_start_matches(&app.address).to_owned();
    let token = path
        .split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    app.submit(client, &path, "/verify-email", &[("token", &token)])
        .await
        .status()
        .as_u16()
}

fn verification_links(app: &TestApp, to: &str) -> Vec<String> {
    app.emails_to(to)
        .iter()
        .filter(|m| m.text.contains("/verify-email?token="))
        .map(|m| m.link("/verify-email?token="))
        .collect()
}

on_both_databases! {
    async fn the_password_that_counts_is_the_one_of_the_sign_up_whose_link_was_followed(app) {
        let _attacker = sign_up(&app, VICTIM, ATTACKER_PASSWORD, "Mallory").await;
        let victim = sign_up(&app, VICTIM, PASSWORD, "Vera").await;
        let _ = app.last_email_to(VICTIM).await;
        let links = verification_links(&app, VICTIM);
        assert_eq!(links.len(), 2, "one link per sign-up");
        assert_ne!(links[0], links[1]);

        // She follows the link of her own sign-up (the second one).
        assert_eq!(follow(&app, &victim, &links[1]).await, 303);
        assert_eq!(app.sign_in(&browser(), VICTIM, ATTACKER_PASSWORD).await.status(), 401,
            "the attacker's password signs into her account");
        let client = browser();
        assert_eq!(app.sign_in(&client, VICTIM, PASSWORD).await.status(), 303);
        let (_, profile) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(profile["given_name"], "Vera", "{profile}");

        // The other sign-up is void: its link no longer does anything.
        assert_eq!(follow(&app, &browser(), &links[0]).await, 400);
        assert_eq!(app.sign_in(&browser(), VICTIM, ATTACKER_PASSWORD).await.status(), 401);
    }

    async fn an_unverified_sign_up_leaves_nothing_to_sign_in_to(app) {
        let _attacker = sign_up(&app, VICTIM, ATTACKER_PASSWORD, "Mallory").await;
        // Not verified: the address is told to verify first, nothing more.
        let r = app.sign_in(&browser(), VICTIM, ATTACKER_PASSWORD).await;
        assert_eq!(r.status(), 403);
        // A sign-up with another password is not an account either.
        assert_eq!(app.sign_in(&browser(), VICTIM, PASSWORD).await.status(), 401);
    }

    async fn a_pending_email_change_to_an_address_dies_when_that_address_is_verified(app) {
        // The attacker asks to move his account to her address (he cannot confirm it).
        let (_, attacker) = signed_in_person(&app, "mallory@example.com", false).await;
        let (status, _) = app.api(&attacker, Method::POST, "/api/v1/profile/email",
            Some(serde_json::json!({"new_email": VICTIM, "current_password": PASSWORD}))).await;
        assert_eq!(status, 202);
        let change = app.last_email_to(VICTIM).await.link("/email/confirm?token=");
        let change_token = change.split("token=").nth(1).unwrap().to_owned();

        // She signs up with her address and verifies it, then moves to another one.
        let victim = sign_up(&app, VICTIM, PASSWORD, "Vera").await;
        let link = verification_links(&app, VICTIM).pop().unwrap();
        assert_eq!(follow(&app, &victim, &link).await, 303);
        assert_eq!(app.sign_in(&victim, VICTIM, PASSWORD).await.status(), 303);
        let (status, _) = app.api(&victim, Method::POST, "/api/v1/profile/email",
            Some(serde_json::json!({"new_email": "vera@example.com", "current_password": PASSWORD}))).await;
        assert_eq!(status, 202);
        let moved = app.last_email_to("vera@example.com").await.link("/email/confirm?token=");
        let moved_token = moved.split("token=").nth(1).unwrap().to_owned();
        let (status, _) = app.api(&victim, Method::POST, "/api/v1/email/change/confirm",
            Some(serde_json::json!({"token": moved_token}))).await;
        assert_eq!(status, 200);

        // Her old address is free again, but the attacker's old change is void.
        let (status, body) = app.api(&attacker, Method::POST, "/api/v1/email/change/confirm",
            Some(serde_json::json!({"token": change_token}))).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"], "invalid_or_expired_link");
        let (_, profile) = app.api(&attacker, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(profile["email"], "mallory@example.com");
    }

    async fn an_unverified_account_made_by_someone_else_is_taken_over_cleanly(app) {
        // An account that exists unverified (made before pending sign-ups existed,
        // or by `idp user create` without --verified) with the attacker's password.
        app.idp.create_user(&idp_core::accounts::NewUser {
            email: VICTIM.into(),
            password: ATTACKER_PASSWORD.into(),
            verified: false,
            admin: false,
            given_name: Some("Mallory".into()),
            family_name: None,
        }).unwrap();
        let victim = sign_up(&app, VICTIM, PASSWORD, "Vera").await;
        let link = verification_links(&app, VICTIM).pop().expect("her sign-up sends a link");
        assert_eq!(follow(&app, &victim, &link).await, 303);
        assert_eq!(app.sign_in(&browser(), VICTIM, ATTACKER_PASSWORD).await.status(), 401);
        let client = browser();
        assert_eq!(app.sign_in(&client, VICTIM, PASSWORD).await.status(), 303);
        let (_, profile) = app.api(&client, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(profile["given_name"], "Vera", "{profile}");
    }

    async fn a_link_followed_in_another_browser_needs_the_sign_ups_password(app) {
        let _attacker = sign_up(&app, VICTIM, ATTACKER_PASSWORD, "Mallory").await;
        let link = verification_links(&app, VICTIM).pop().unwrap();
        let path = link.trim_start_matches(&app.address).to_owned();
        let token = path.split("token=").nth(1).unwrap().to_owned();
        // She opens the unexpected "activate your account" mail in her browser.
        let victim = browser();
        let (_, html) = app.page(&victim, &path).await;
        assert!(html.contains("name=\"password\""), "the page asks for the password: {html}");
        for typed in [None, Some(PASSWORD)] {
            let mut fields = vec![("token", token.as_str())];
            if let Some(p) = typed {
                fields.push(("password", p));
            }
            let r = app.submit(&victim, &path, "/verify-email", &fields).await;
            assert_eq!(r.status(), 422, "{typed:?}");
        }
        let (status, body) = app.api(&victim, Method::POST, "/api/v1/email/verify",
            Some(serde_json::json!({"token": token}))).await;
        assert_eq!((status, body["error"].as_str()), (422, Some("invalid_input")), "{body}");
        assert_eq!(app.sign_in(&browser(), VICTIM, ATTACKER_PASSWORD).await.status(), 403,
            "still no account");
        // Whoever chose the password can finish from anywhere.
        let r = app.submit(&victim, &path, "/verify-email", &[("token", &token), ("password", ATTACKER_PASSWORD)]).await;
        assert_eq!(r.status(), 303);
    }

    async fn an_email_change_is_confirmed_only_by_the_account_that_asked(app) {
        let (_, attacker) = signed_in_person(&app, "mallory@example.com", false).await;
        let (status, _) = app.api(&attacker, Method::POST, "/api/v1/profile/email",
            Some(serde_json::json!({"new_email": VICTIM, "current_password": PASSWORD}))).await;
        assert_eq!(status, 202);
        let link = app.last_email_to(VICTIM).await.link("/email/confirm?token=");
        let path = link.trim_start_matches(&app.address).to_owned();
        let token = path.split("token=").nth(1).unwrap().to_owned();
        // She follows the link in her browser, signed in to nothing: sign in first.
        let signed_out = browser();
        let r = signed_out.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(to.starts_with("/login?notice=confirm_email_sign_in&return_to=%2Femail%2Fconfirm"), "{to}");
        let r = app.submit(&signed_out, "/login", "/email/confirm", &[("token", &token)]).await;
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login?"));
        let (status, _) = app.api(&signed_out, Method::POST, "/api/v1/email/change/confirm",
            Some(serde_json::json!({"token": token}))).await;
        assert_eq!(status, 401);
        // Signed in to her own account, the link is not hers.
        let (_, hers) = signed_in_person(&app, "vera@example.com", false).await;
        let r = app.submit(&hers, &path, "/email/confirm", &[("token", &token)]).await;
        assert_eq!(r.status(), 400);
        let (status, _) = app.api(&hers, Method::POST, "/api/v1/email/change/confirm",
            Some(serde_json::json!({"token": token}))).await;
        assert_eq!(status, 400);
        let (_, profile) = app.api(&attacker, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(profile["email"], "mallory@example.com", "his sessions now hold her address");
        // Signed in as the account that asked, the same link works.
        let r = app.submit(&attacker, &path, "/email/confirm", &[("token", &token)]).await;
        assert_eq!(r.status(), 303);
    }
}
