//! Consent remembered and withdrawn on "My Profile", and an app sending a
//! person to sign up (`prompt=create`) and getting them back signed in.

use idp_core::clients::NewClient;

use crate::helpers::*;
use crate::oauth_helpers::*;
use crate::oidc_helpers::{decide, hidden_fields};
use crate::on_both_databases;

/// The app's request for `openid email`, without PKCE (not needed by a
/// confidential client), plus `extra`.
fn request(app: &TestApp, client_id: &str, extra: &[(&str, &str)]) -> String {
    authorize_url(app, client_id, "openid email", None, extra)
}

on_both_databases! {
    async fn consent_is_asked_once_remembered_and_can_be_withdrawn(app) {
        let created = app.idp.create_client(&NewClient {
            name: "Partner Portal".into(),
            redirect_uris: vec![REDIRECT_URI.into()],
            policy_uri: Some("https://portal.example.com/privacy".into()),
            ..NewClient::default()
        }).unwrap();
        let client_id = created.client.client_id.clone();
        let (_, browser) = signed_in_person(&app, "cara@example.com", false).await;

        let r = browser.get(request(&app, &client_id, &[])).send().await.unwrap();
        assert_eq!(r.status(), 200, "a consent page");
        let html = r.text().await.unwrap();
        assert!(html.contains("Allow Partner Portal to use your account?"), "{html}");
        assert!(html.contains("See your email address") && html.contains("https://portal.example.com/privacy"));
        assert!(html.contains("value=\"allow\"") && html.contains("value=\"deny\""));
        let allowed = decide(&app.address, &browser, &html, "allow").await.callback();
        assert!(allowed.url.as_str().starts_with(REDIRECT_URI), "{}", allowed.url);
        assert!(allowed.get("code").is_some() && allowed.get("state") == Some("st4te"), "{}", allowed.url);

        // Remembered: straight back with a code.
        let r = browser.get(request(&app, &client_id, &[])).send().await.unwrap();
        assert_eq!(r.status(), 302);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        assert_eq!(query_param(&location, "error"), None, "{location}");
        assert!(query_param(&location, "code").is_some_and(|c| !c.is_empty()), "{location}");
        assert_eq!(query_param(&location, "state").as_deref(), Some("st4te"), "{location}");

        // "My Profile" lists the app; removing it makes the app ask again.
        let (_, html) = app.page(&browser, "/account").await;
        assert!(html.contains("Apps you allowed") && html.contains("Partner Portal"), "{html}");
        let r = app.submit(&browser, "/account", "/account/apps/remove", &[("client_id", &client_id)]).await;
        assert_eq!(r.status(), 303);
        let (_, html) = app.page(&browser, "/account?notice=app_removed").await;
        assert!(html.contains("The app no longer has access."));
        let r = browser.get(request(&app, &client_id, &[])).send().await.unwrap();
        assert_eq!(r.status(), 200, "consent is asked again");
    }

    async fn an_app_sends_a_new_person_to_sign_up_and_gets_them_back(app) {
        let (client_id, _) = web_app(&app, "Shop", &["openid", "email"]);
        let client = browser();
        let r = client.get(request(&app, &client_id, &[("prompt", "create")])).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let signup = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(signup.starts_with("/signup?return_to="), "{signup}");

        let (_, html) = app.page(&client, &signup).await;
        let return_to = hidden_fields(&html, "/signup").into_iter().find(|(n, _)| n == "return_to").expect("return_to kept").1;
        assert!(return_to.starts_with("/authorize?") && !return_to.contains("prompt=create"), "{return_to}");
        let mut fields = signup_fields("newbie@example.com", PASSWORD);
        fields.push(("return_to", &return_to));
        let r = app.submit(&client, &signup, "/signup", &fields).await;
        assert_eq!(r.status(), 200);

        let link = app.last_email_to("newbie@example.com").await.link("/verify-email?token=");
        let path = link.trim_start_matches(&app.address).to_owned();
        let (_, html) = app.page(&client, &path).await;
        let form = hidden_fields(&html, "/verify-email");
        let token = form.iter().find(|(n, _)| n == "token").unwrap().1.clone();
        let back = form.iter().find(|(n, _)| n == "return_to").expect("return_to in the link").1.clone();
        assert_eq!(back, return_to);
        let r = app.submit(&client, &path, "/verify-email", &[("token", &token), ("return_to", &back)]).await;
        assert_eq!(r.status(), 303);
        let login = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(login.starts_with("/login?notice=verified&return_to="), "{login}");

        let r = app.submit(&client, &login, "/login", &[("email", "newbie@example.com"), ("password", PASSWORD), ("return_to", &return_to)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"].to_str().unwrap(), return_to);
        let r = client.get(app.url(&return_to)).send().await.unwrap();
        assert_eq!(r.status(), 302);
        let location = r.headers()["location"].to_str().unwrap();
        assert!(location.starts_with(REDIRECT_URI) && location.contains("code="), "{location}");
    }
}
