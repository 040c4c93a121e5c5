//! Pages in the reader's language (the app's `ui_locales`, the reader's
//! choice, the browser's, the operator's default), the error summary, and
//! the operator's brand.

use crate::helpers::*;
use crate::{for_both_backends, on_both_databases};

const RO_NAME_REQUIRED: &str = "Introduceți un nume.";

on_both_databases! {
    async fn an_app_asking_for_romanian_gets_romanian_pages_and_emails(app) {
        let client = browser();
        let (status, html) = app.page(&client, "/signup?ui_locales=ro").await;
        assert_eq!(status, 200);
        assert!(html.contains("<html lang=\"ro\"") && html.contains("Salt la conținutul principal"), "{html}");
        // The form posts without ui_locales: the visit keeps Romanian, and so does the mail.
        let r = app.submit(&client, "/signup", "/signup", &signup_fields("ioana@example.com", PASSWORD)).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("<html lang=\"ro\""));
        let mail = app.last_email_to("ioana@example.com").await;
        assert_eq!(mail.subject, "Activați-vă contul");
        assert!(mail.text.contains("24 de ore"), "{}", mail.text);
    }

    async fn the_switcher_remembers_the_readers_choice_over_the_browsers(app) {
        let client = browser();
        let (_, html) = app.page(&client, "/login?return_to=%2Faccount").await;
        assert!(html.contains("<html lang=\"en\""));
        // Each other language is offered, named in itself, linking back here.
        assert!(html.contains("lang=\"ro\" hreflang=\"ro\">Română</a>"), "{html}");
        assert!(html.contains("lang=\"de\" hreflang=\"de\">Deutsch</a>"), "{html}");
        assert!(html.contains("/language?lang=ro&amp;return_to=%2Flogin%3Freturn_to%3D%252Faccount"), "{html}");

        let r = client.get(app.url("/language?lang=ro&return_to=%2Flogin%3Fui_locales%3Dde%26x%3D1"))
            .send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/login?x=1", "an app's ui_locales would outrank the choice");
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("idp_lang=ro") && cookie.contains("Max-Age=31536000") && cookie.contains("HttpOnly"), "{cookie}");
        let r = client.get(app.url("/login")).header("Accept-Language", "de").send().await.unwrap();
        assert!(r.text().await.unwrap().contains("<html lang=\"ro\""));

        // Hostile input: a language idp lacks, a return path off this site.
        let r = client.get(app.url("/language?lang=xx")).send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("Alegeți"), "the refusal is in the reader's language");
        for evil in ["https%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example", "%2F%5Cevil.example"] {
            let r = client.get(app.url(&format!("/language?lang=de&return_to={evil}"))).send().await.unwrap();
            assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/account"), "{evil}");
        }
        let r = client.get(app.url("/language")).send().await.unwrap();
        assert_eq!(r.status(), 400);
    }

    async fn a_language_saved_on_my_profile_is_the_accounts_and_this_browsers(app) {
        let client = app.signed_up_and_verified("mihai@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&client, "mihai@example.com", PASSWORD).await.status(), 303);
        let (_, html) = app.page(&client, "/account").await;
        assert!(html.contains("<option value=\"en\" lang=\"en\" selected>English</option>"), "{html}");
        assert!(html.contains("<option value=\"ro\" lang=\"ro\">Română</option>"), "{html}");

        // A language idp lacks is refused next to the field; nothing is saved.
        let r = app.submit(&client, "/account", "/account/language", &[("locale", "xx\u{0}<b>")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("href=\"#locale\"") && html.contains("id=\"locale-error\""), "{html}");
        let r = client.post(app.url("/account/language")).form(&[("locale", "ro"), ("csrf_token", "forged")]).send().await.unwrap();
        assert_eq!(r.status(), 403, "without the form's CSRF token");
        let other = browser();
        app.submit(&other, "/password/forgot", "/password/forgot", &[("email", "mihai@example.com")]).await;
        assert_eq!(app.last_email_to("mihai@example.com").await.subject, "Your password reset code");

        let r = app.submit(&client, "/account", "/account/language", &[("locale", "ro")]).await;
        assert_eq!(r.status(), 303);
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("idp_lang=ro") && cookie.contains("Max-Age=31536000"), "{cookie}");
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let r = client.get(app.url(&location)).header("Accept-Language", "en").send().await.unwrap();
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"ro\"") && html.contains("Limba a fost salvată."), "{html}");
        assert!(html.contains("<option value=\"ro\" lang=\"ro\" selected>Română</option>"), "{html}");
        // The account's emails follow, whatever the browser that asks for them.
        app.submit(&other, "/password/forgot", "/password/forgot", &[("email", "mihai@example.com")]).await;
        assert_eq!(app.last_email_to("mihai@example.com").await.subject, "Codul pentru resetarea parolei");
    }

    async fn the_json_api_explains_a_refusal_in_the_readers_language(app) {
        let client = app.signed_up_and_verified("radu@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&client, "radu@example.com", PASSWORD).await.status(), 303);
        let r = client.get(app.url("/language?lang=ro")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (status, body) = app.api(&client, reqwest::Method::PATCH, "/api/v1/profile", Some(serde_json::json!({"given_name": ""}))).await;
        assert_eq!(status, 422);
        assert_eq!(body["error"], "invalid_input", "the code stays the same in every language");
        assert_eq!(body["fields"][0]["error"], "name_required");
        assert_eq!(body["fields"][0]["message"], RO_NAME_REQUIRED);

        // The language of the account's emails, by the same rule as My Profile.
        let (status, body) = app.api(&client, reqwest::Method::PUT, "/api/v1/profile/language", Some(serde_json::json!({"locale": "klingon"}))).await;
        assert_eq!((status, body["fields"][0]["error"].as_str()), (422, Some("locale_unsupported")), "{body}");
        let (status, body) = app.api(&client, reqwest::Method::PUT, "/api/v1/profile/language", Some(serde_json::json!({"locale": "de"}))).await;
        assert_eq!((status, body), (200, serde_json::json!({"locale": "de"})));
        let (_, body) = app.api(&client, reqwest::Method::GET, "/api/v1/profile", None).await;
        assert_eq!(body["locale"], "de");
    }

    async fn errors_are_listed_at_the_top_with_links_to_their_fields(app) {
        let client = browser();
        let fields = [("email", "not-an-address"), ("password", "x"), ("password_confirm", "y"),
            ("given_name", ""), ("family_name", "Lovelace"), ("birthdate", "1990-12-10")];
        let r = app.submit(&client, "/signup", "/signup", &fields).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        let summary = html.split("class=\"error-summary alert\"").nth(1).expect("an error summary").split("</div>").next().unwrap();
        assert!(summary.contains("There is a problem"), "{summary}");
        for anchor in ["#email", "#password_confirm", "#given_name"] {
            assert!(summary.contains(&format!("href=\"{anchor}\"")), "{anchor}: {summary}");
            let id = &anchor[1..];
            assert!(html.contains(&format!("id=\"{id}\" name=\"{id}\"")), "{id} has no element to link to");
        }
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"email-error\""), "{html}");
    }
}

for_both_backends!(operator_default_language_and_brand);

async fn operator_default_language_and_brand(backend: Backend) {
    let brand_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        brand_dir.path().join("custom.css"),
        "main{border-top:4px solid var(--brand)}",
    )
    .unwrap();
    // The operator's own wording of two German messages.
    std::fs::create_dir(brand_dir.path().join("messages")).unwrap();
    std::fs::write(
        brand_dir.path().join("messages/de.ftl"),
        "page-login-title = Willkommen zurück\nemail-footer = Fragen? help.contoso.example ({ $product })\n",
    )
    .unwrap();
    let logo = brand_dir.path().join("logo.svg");
    std::fs::write(
        &logo,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
    )
    .unwrap();
    let folder = brand_dir.path().to_owned();
    let app = TestApp::spawn_with(backend, move |s| {
        s.branding.default_language = "de".into();
        s.branding.product_name = "Contoso Account".into();
        s.branding.primary_color = "#0b5d3b".into();
        s.branding.support_url = Some("https://help.contoso.example/".into());
        s.branding.logo_file = Some(logo);
        s.branding.folder = Some(folder);
    })
    .await;
    let client = browser();
    // No language the browser names is one idp has: the operator's default.
    let r = client
        .get(app.url("/login"))
        .header("Accept-Language", "fr-FR, es;q=0.5")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"de\"")
            && html.contains("<title>Willkommen zurück · Contoso Account</title>")
            && html.contains("<h1>Willkommen zurück</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"/brand/logo\" alt=\"Contoso Account\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://help.contoso.example/\""),
        "{html}"
    );
    // The browser's language, when idp has it, wins over the default.
    let r = client
        .get(app.url("/login"))
        .header("Accept-Language", "ro")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("<html lang=\"ro\""));

    let r = client
        .get(app.url("/brand/theme.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/css; charset=utf-8");
    let css = r.text().await.unwrap();
    assert!(
        css.contains("--brand:#0b5d3b") && css.contains("border-top:4px solid var(--brand)"),
        "{css}"
    );
    let r = client.get(app.url("/brand/logo")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));

    // The emails name the operator's product too, in the account's language
    // and the operator's wording.
    app.signed_up_and_verified("kim@example.com", PASSWORD)
        .await;
    let mails = app.emails_to("kim@example.com");
    assert!(
        mails
            .iter()
            .any(|m| m.subject == "Willkommen bei Contoso Account"),
        "{:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    for mail in &mails {
        assert!(
            mail.text
                .contains("Fragen? help.contoso.example (Contoso Account)"),
            "{}",
            mail.text
        );
    }
    app.stop().await;

    // Without a logo there is none to fetch, and the name is the header.
    let plain = TestApp::spawn(backend).await;
    let r = browser()
        .get(plain.url("/brand/logo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (_, html) = plain.page(&browser(), "/login").await;
    assert!(
        html.contains("<a class=\"brand\" href=\"/account\">idp</a>"),
        "{html}"
    );
    plain.stop().await;
}
