//! The invitation page and "My Company" / "My Colleagues", as a browser
//! uses them: an invitation followed from the outbox by a person with and
//! without an account, by the wrong account, replayed, expired, revoked;
//! and the pages' forms under the same rules as the API.

use reqwest::Method;
use serde_json::json;

use crate::federation_helpers::{location, signed_in_as};
use crate::helpers::*;
use crate::on_both_databases;
use crate::org_helpers::*;

/// Alice's company Acme, and an invitation mailed to `email`: its page path.
async fn invited(app: &TestApp, email: &str) -> (Person, String, String) {
    let portal = portal(app);
    let alice = person(app, &portal, "alice@acme.test").await;
    let acme = company(app, &alice, "Acme").await;
    let (status, body) = call(
        app,
        &alice,
        Method::POST,
        &format!("/organizations/{acme}/invitations"),
        Some(json!({"email": email, "role": "member"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let link = app.last_email_to(email).await.link("/invitation?token=");
    let path = link.trim_start_matches(&app.address).to_owned();
    (alice, acme, path)
}

fn token_of(path: &str) -> String {
    path.split("token=").nth(1).unwrap().to_owned()
}

async fn sign_up_there(app: &TestApp, browser: &reqwest::Client, path: &str) -> reqwest::Response {
    let token = token_of(path);
    let mut fields = signup_fields("ignored@elsewhere.test", PASSWORD);
    fields.push(("token", &token));
    // The sign-in page lends its CSRF token when the invitation's page is gone.
    let (status, _) = app.page(browser, path).await;
    let page = if status == 200 { path } else { "/login" };
    app.submit(browser, page, "/invitation/signup", &fields)
        .await
}

on_both_databases! {
    async fn a_newcomer_signs_up_from_the_invitation(app) {
        let (_, acme, path) = invited(&app, "newbie@acme.test").await;
        let browser = browser();
        let (status, html) = app.page(&browser, &path).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Ada Lovelace invites you to join Acme as a member."), "{html}");
        assert!(html.contains("action=\"/invitation/signup\""));
        assert!(html.contains("newbie@acme.test"));

        let r = sign_up_there(&app, &browser, &path).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        assert_eq!(location(&r), format!("/company?org={acme}&notice=joined"));
        assert_eq!(signed_in_as(&app, &browser).await.as_deref(), Some("newbie@acme.test"), "the address the invitation went to, not the form's");
        let (_, profile) = app.api(&browser, Method::GET, "/api/v1/profile", None).await;
        assert_eq!(profile["email_verified"], true, "the click proved the address");
        let (status, html) = app.page(&browser, &location(&r)).await;
        assert_eq!(status, 200);
        assert!(html.contains("Welcome! You are now a member.") && html.contains("Acme"), "{html}");

        // The link worked once.
        let (status, html) = app.page(&crate::helpers::browser(), &path).await;
        assert_eq!(status, 410);
        assert!(html.contains("does not work any more"), "{html}");
        let r = sign_up_there(&app, &crate::helpers::browser(), &path).await;
        assert_eq!(r.status(), 410);
    }

    async fn the_robot_check_and_password_rules_still_apply(app) {
        let (_, _, path) = invited(&app, "newbie@acme.test").await;
        let browser = browser();
        let token = token_of(&path);
        let mut fields = signup_fields("x@y.test", "short");
        fields.push(("token", &token));
        let r = app.submit(&browser, &path, "/invitation/signup", &fields).await;
        assert_eq!(r.status(), 422);
        assert_eq!(signed_in_as(&app, &browser).await, None);
        // Still pending: the right form works afterwards.
        let r = sign_up_there(&app, &browser, &path).await;
        assert_eq!(r.status(), 303);
    }

    async fn someone_with_an_account_signs_in_and_accepts(app) {
        let portal = portal(&app);
        let bob = person(&app, &portal, "bob@acme.test").await;
        let (_, acme, path) = invited(&app, "bob@acme.test").await;
        let stranger = browser();
        let (_, html) = app.page(&stranger, &path).await;
        assert!(html.contains("login_hint=bob%40acme.test"), "a sign-in link for the invited address: {html}");
        // An account exists: the sign-up form says so instead of making one.
        let r = sign_up_there(&app, &stranger, &path).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("Sign in to accept"));

        let (_, html) = app.page(&bob.browser, &path).await;
        assert!(html.contains("action=\"/invitation/accept\"") && html.contains("Join Acme"), "{html}");
        let token = token_of(&path);
        let r = app.submit(&bob.browser, &path, "/invitation/accept", &[("token", &token)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("/company?org={acme}&notice=joined"));
        let (_, colleagues) = app.page(&bob.browser, &format!("/company/colleagues?org={acme}")).await;
        assert!(colleagues.contains("bob@acme.test") && colleagues.contains("alice@acme.test"), "{colleagues}");
        let r = app.submit(&bob.browser, &format!("/company?org={acme}"), "/invitation/accept", &[("token", &token)]).await;
        assert_eq!(r.status(), 410, "replayed");
    }

    async fn the_wrong_account_is_told_and_offered_to_switch(app) {
        let portal = portal(&app);
        let mallory = person(&app, &portal, "mallory@evil.test").await;
        let (_, acme, path) = invited(&app, "bob@acme.test").await;
        let (_, html) = app.page(&mallory.browser, &path).await;
        assert!(html.contains("This invitation was sent to bob@acme.test, but you are signed in as mallory@evil.test."), "{html}");
        assert!(html.contains("Sign in as bob@acme.test"));
        let token = token_of(&path);
        let r = app.submit(&mallory.browser, "/company", "/invitation/accept", &[("token", &token)]).await;
        assert_eq!(r.status(), 403);
        let (status, _) = app.page(&mallory.browser, &format!("/company?org={acme}")).await;
        assert_eq!(status, 404);
    }

    async fn revoked_and_expired_links_get_clear_pages(app) {
        let (alice, acme, path) = invited(&app, "bob@acme.test").await;
        let (_, list) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}/invitations"), None).await;
        let id = list["invitations"][0]["id"].as_str().unwrap().to_owned();
        let (status, _) = call(&app, &alice, Method::DELETE, &format!("/organizations/{acme}/invitations/{id}"), None).await;
        assert_eq!(status, 204);
        let (status, html) = app.page(&crate::helpers::browser(), &path).await;
        assert_eq!(status, 410);
        assert!(html.contains("revoked"), "{html}");
        let (status, html) = app.page(&crate::helpers::browser(), "/invitation?token=nonsense").await;
        assert_eq!((status, html.contains("does not work any more")), (410, true));
        let (status, _) = app.page(&crate::helpers::browser(), "/invitation").await;
        assert_eq!(status, 410);
        let (status, _) = app.page(&crate::helpers::browser(), &format!("/invitation?token={}", "A".repeat(10_000))).await;
        assert!(status == 410 || status == 414 || status == 431, "{status}");
    }

    async fn my_company_shows_members_what_they_may_do(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        join(&app, &alice, &acme, &bob, "member").await;
        let page = format!("/company?org={acme}");
        let (_, admin_view) = app.page(&alice.browser, &page).await;
        let (_, member_view) = app.page(&bob.browser, &page).await;
        for form in ["value=\"branch\"", "value=\"claim_domain\"", "value=\"set_sso\"", "enctype=\"multipart/form-data\""] {
            assert!(admin_view.contains(form), "admin sees {form}");
            assert!(!member_view.contains(form), "member does not see {form}");
        }
        // A member's hand-made form is refused all the same.
        let r = app.submit(&bob.browser, &page, "/company/do", &[("action", "branch"), ("org", &acme), ("name", "Mine")]).await;
        let status = r.status();
        let html = r.text().await.unwrap();
        assert_eq!(status, 403, "{html}");
        assert!(html.contains("Only an administrator"));
        // The admin creates a branch and invites from the pages.
        let r = app.submit(&alice.browser, &page, "/company/do", &[("action", "branch"), ("org", &acme), ("name", "Berlin")]).await;
        assert_eq!(r.status(), 303);
        let colleagues = format!("/company/colleagues?org={acme}");
        let r = app.submit(&alice.browser, &colleagues, "/company/do", &[("action", "invite"), ("org", &acme), ("email", "carol@acme.test"), ("role", "admin")]).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        assert!(app.last_email_to("carol@acme.test").await.subject.contains("Acme"));
        let (_, html) = app.page(&alice.browser, &colleagues).await;
        assert!(html.contains("carol@acme.test") && html.contains("waiting"), "{html}");
        // Forms without the CSRF token do nothing.
        let r = alice.browser.post(app.url("/company/do")).form(&[("action", "delete"), ("org", acme.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 400);
        let r = alice.browser.post(app.url("/company/do")).form(&[("action", "delete"), ("org", acme.as_str()), ("csrf_token", "forged")]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let (status, _) = app.page(&alice.browser, &page).await;
        assert_eq!(status, 200);
        // Signed-out visitors are sent to sign in, and back afterwards.
        let r = browser().get(app.url(&page)).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("/login?return_to=%2Fcompany%3Forg%3D{acme}"));
    }
}
