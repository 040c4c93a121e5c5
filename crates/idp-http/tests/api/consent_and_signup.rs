//! Consent remembered and withdrawn on "My Profile", and an app sending a
//! person to sign up (`prompt=create`) and getting them back signed in.

use idp_core::clients::NewClient;

use crate::helpers::*;
use crate::oauth_helpers::*;
use crate::on_both_databases;

/// The hidden inputs of the form posting to `action` on `html`.
fn hidden_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let form = html
        .split("<form")
        .find(|f| f.contains(&format!("action=\"{action}\"")))
        .unwrap_or_else(|| panic!("no form for {action} in {html}"));
    let form = form.split("</form>").next().unwrap();
    form.split("<input")
        .skip(1)
        .filter(|i| i.contains("type=\"hidden\""))
        .filter_map(|i| {
            let attr = |name: &str| {
                i.split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|v| v.split('"').next())
                    .map(|v| v.replace("&amp;", "&"))
            };
            Some((attr("name")?, attr("value")?))
        })
        .collect()
}

fn authorize_url(app: &TestApp, client_id: &str, extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email"),
        ("state", "s1"),
    ];
    params.extend_from_slice(extra);
    url::Url::parse_with_params(&app.url("/authorize"), &params)
        .unwrap()
        .to_string()
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

        let r = browser.get(authorize_url(&app, &client_id, &[])).send().await.unwrap();
        assert_eq!(r.status(), 200, "a consent page");
        let html = r.text().await.unwrap();
        assert!(html.contains("Allow Partner Portal to use your account?"), "{html}");
        assert!(html.contains("See your email address") && html.contains("https://portal.example.com/privacy"));
        assert!(html.contains("value=\"allow\"") && html.contains("value=\"deny\""));
        let mut form = hidden_fields(&html, "/authorize/consent");
        form.push(("decision".into(), "allow".into()));
        let r = browser.post(app.url("/authorize/consent")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(REDIRECT_URI) && location.contains("code=") && location.contains("state=s1"), "{location}");

        // Remembered: straight back with a code.
        let r = browser.get(authorize_url(&app, &client_id, &[])).send().await.unwrap();
        assert_eq!(r.status(), 302);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        assert_eq!(query_param(&location, "error"), None, "{location}");
        assert!(query_param(&location, "code").is_some_and(|c| !c.is_empty()), "{location}");
        assert_eq!(query_param(&location, "state").as_deref(), Some("s1"), "{location}");

        // "My Profile" lists the app; removing it makes the app ask again.
        let (_, html) = app.page(&browser, "/account").await;
        assert!(html.contains("Apps you allowed") && html.contains("Partner Portal"), "{html}");
        let r = app.submit(&browser, "/account", "/account/apps/remove", &[("client_id", &client_id)]).await;
        assert_eq!(r.status(), 303);
        let (_, html) = app.page(&browser, "/account?notice=app_removed").await;
        assert!(html.contains("The app no longer has access."));
        let r = browser.get(authorize_url(&app, &client_id, &[])).send().await.unwrap();
        assert_eq!(r.status(), 200, "consent is asked again");
    }

    async fn an_app_sends_a_new_person_to_sign_up_and_gets_them_back(app) {
        let (client_id, _) = web_app(&app, "Shop", &["openid", "email"]);
        let client = browser();
        let r = client.get(authorize_url(&app, &client_id, &[("prompt", "create")])).send().await.unwrap();
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
