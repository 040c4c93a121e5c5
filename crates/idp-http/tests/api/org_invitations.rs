//! Invitations through the API: the emailed link works once, for the
//! invited address only; resending kills the old link; revoked and expired
//! links get their own answers.

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;
use crate::org_helpers::*;

async fn invite(app: &TestApp, admin: &Person, org: &str, email: &str) -> (u16, Value) {
    call(
        app,
        admin,
        Method::POST,
        &format!("/organizations/{org}/invitations"),
        Some(json!({"email": email, "role": "member"})),
    )
    .await
}

async fn accept(app: &TestApp, who: &Person, token: &str) -> (u16, Value) {
    call(
        app,
        who,
        Method::POST,
        "/invitations/accept",
        Some(json!({"token": token})),
    )
    .await
}

on_both_databases! {
    async fn an_invitation_is_mailed_and_works_once(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let (status, made) = invite(&app, &alice, &acme, "Bob@Acme.test").await;
        assert_eq!(status, 201, "{made}");
        assert_eq!(made["email"], "bob@acme.test");
        assert_eq!(made["state"], "pending");
        assert_eq!(made["inviter_name"], "Ada Lovelace");

        let mail = app.last_email_to("bob@acme.test").await;
        assert!(mail.subject.contains("Ada Lovelace") && mail.subject.contains("Acme"), "{}", mail.subject);
        assert!(!mail.raw.contains("<img"), "no remote images");
        let token = invitation_token(&app, "bob@acme.test").await;

        let (status, joined) = accept(&app, &bob, &token).await;
        assert_eq!(status, 200, "{joined}");
        assert_eq!((joined["id"].as_str(), joined["role"].as_str()), (Some(acme.as_str()), Some("member")));
        let (status, replay) = accept(&app, &bob, &token).await;
        assert_eq!(status, 410, "{replay}");
        assert_eq!(replay["error"], "invitation_invalid");

        let (_, list) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}/invitations"), None).await;
        assert_eq!(list["invitations"][0]["state"], "accepted");
        // Inviting a member again is refused.
        let (status, answer) = invite(&app, &alice, &acme, "bob@acme.test").await;
        assert_eq!(status, 409, "{answer}");
    }

    async fn an_invitation_is_for_the_invited_address_only(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let mallory = person(&app, &portal, "mallory@evil.test").await;
        let acme = company(&app, &alice, "Acme").await;
        invite(&app, &alice, &acme, "bob@acme.test").await;
        let token = invitation_token(&app, "bob@acme.test").await;
        let (status, answer) = accept(&app, &mallory, &token).await;
        assert_eq!(status, 403, "{answer}");
        assert_eq!(answer["error"], "invitation_for_someone_else");
        let (status, _) = call(&app, &mallory, Method::GET, &format!("/organizations/{acme}"), None).await;
        assert_eq!(status, 404);
        // Still pending for Bob.
        let (_, list) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}/invitations"), None).await;
        assert_eq!(list["invitations"][0]["state"], "pending");
        for token in ["", "x", &"A".repeat(5000)] {
            let (status, _) = accept(&app, &mallory, token).await;
            assert_eq!(status, 410, "{}", token.len());
        }
    }

    async fn resending_kills_the_old_link_and_revoking_kills_all(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let (_, made) = invite(&app, &alice, &acme, "bob@acme.test").await;
        let id = made["id"].as_str().unwrap();
        let old = invitation_token(&app, "bob@acme.test").await;
        let (status, resent) = call(&app, &alice, Method::POST, &format!("/organizations/{acme}/invitations/{id}/resend"), None).await;
        assert_eq!(status, 200, "{resent}");
        let new = invitation_token(&app, "bob@acme.test").await;
        assert_ne!(old, new);
        let (status, _) = accept(&app, &bob, &old).await;
        assert_eq!(status, 410, "the old link is dead");

        let (status, _) = call(&app, &alice, Method::DELETE, &format!("/organizations/{acme}/invitations/{id}"), None).await;
        assert_eq!(status, 204);
        let (status, answer) = accept(&app, &bob, &new).await;
        assert_eq!(status, 410, "{answer}");
        let (_, list) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}/invitations"), None).await;
        assert_eq!(list["invitations"][0]["state"], "revoked");
        let (status, _) = call(&app, &alice, Method::POST, &format!("/organizations/{acme}/invitations/{id}/resend"), None).await;
        assert_eq!(status, 409, "a revoked invitation stays revoked");
        let (status, _) = call(&app, &alice, Method::DELETE, &format!("/organizations/{acme}/invitations/nope"), None).await;
        assert_eq!(status, 404);
    }

    async fn an_expired_invitation_says_so_until_resent(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let (_, made) = invite(&app, &alice, &acme, "bob@acme.test").await;
        let id = made["id"].as_str().unwrap().to_owned();
        assert_eq!(made["expires_at"].as_str().unwrap()[..10], (chrono::Utc::now() + chrono::Duration::days(7)).format("%Y-%m-%d").to_string());
        let token = invitation_token(&app, "bob@acme.test").await;
        {
            use idp_core::db::schema::organization_invitations as inv;
            let past = idp_core::now() - chrono::Duration::minutes(1);
            app.idp.db.write(|conn| {
                diesel::update(inv::table.find(&id)).set(inv::expires_at.eq(past)).execute(conn).map_err(idp_core::db::StoreError::from)
            }).unwrap();
        }
        let (status, answer) = accept(&app, &bob, &token).await;
        assert_eq!(status, 410);
        assert_eq!(answer["error"], "invitation_expired");
        let (_, list) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}/invitations"), None).await;
        assert_eq!(list["invitations"][0]["state"], "expired");
        let (status, _) = call(&app, &alice, Method::POST, &format!("/organizations/{acme}/invitations/{id}/resend"), None).await;
        assert_eq!(status, 200);
        let fresh = invitation_token(&app, "bob@acme.test").await;
        let (status, _) = accept(&app, &bob, &fresh).await;
        assert_eq!(status, 200);
    }

    async fn invitations_are_checked_and_limited(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        for (body, why) in [
            (json!({"email": "not-an-address", "role": "member"}), "bad address"),
            (json!({"email": "x@acme.test", "role": "owner"}), "bad role"),
            (json!({"email": "x@acme.test"}), "no role"),
            (json!({"email": "x@acme.test", "role": "member", "extra": 1}), "unknown field"),
        ] {
            let (status, answer) = call(&app, &alice, Method::POST, &format!("/organizations/{acme}/invitations"), Some(body)).await;
            assert!(status == 400 || status == 422, "{why}: {status} {answer}");
        }
        // A batch of colleagues is fine; one address is not flooded.
        for i in 0..12 {
            let (status, answer) = invite(&app, &alice, &acme, &format!("p{i}@acme.test")).await;
            assert_eq!(status, 201, "{answer}");
        }
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(invite(&app, &alice, &acme, "flooded@acme.test").await);
        }
        assert_eq!(statuses.iter().map(|s| s.0).collect::<Vec<_>>(), [201, 201, 201, 429]);
        assert_eq!(statuses[3].1["error"], "too_many_invitations");
        // The refused one changed nothing: the third is still the live one.
        let (_, list) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}/invitations?limit=200"), None).await;
        let live: Vec<&Value> = list["invitations"].as_array().unwrap().iter().filter(|i| i["email"] == "flooded@acme.test" && i["state"] == "pending").collect();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0]["id"], statuses[2].1["id"]);
    }
}
