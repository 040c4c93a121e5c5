//! Phone number and postal address: My Profile, the profile API, their
//! release to apps under scopes `phone` and `address`, discovery, and the
//! paths that copy or clear profile fields (takeover, export, import).

use idp_core::accounts::{ContactUpdate, NewUser, PostalAddress, ProfileUpdate};
use idp_core::clients::NewClient;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::oauth_helpers::{
    authorize_url, client_credentials, code_flow, service_client, signed_in_person, userinfo,
    web_app, REDIRECT_URI,
};
use crate::oidc_helpers::{open, verified_id_token};
use crate::on_both_databases;

/// The profile form with names, a birth date and these contact fields.
fn profile_form<'a>(contact: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("given_name", "Ada"),
        ("family_name", "Lovelace"),
        ("birthdate", "1990-12-10"),
    ];
    form.extend_from_slice(contact);
    form
}

const BRASOV: &[(&str, &str)] = &[
    ("phone_number", "+40 (721) 234-567"),
    ("street_address", "Strada Lungă 5\r\nAp. 3"),
    ("locality", "Brașov"),
    ("region", ""),
    ("postal_code", "500035"),
    ("country", "România"),
];

/// Gives `account_id` a phone number and an address the way My Profile does.
fn with_contact(app: &TestApp, account_id: &str) {
    app.idp
        .update_profile(
            account_id,
            &ProfileUpdate {
                given_name: "Ada".into(),
                family_name: "Lovelace".into(),
                birthdate: "1990-12-10".into(),
                contact: Some(ContactUpdate {
                    phone_number: "+40 721 234 567".into(),
                    address: PostalAddress {
                        street_address: Some("Strada Lungă 5".into()),
                        locality: Some("Brașov".into()),
                        region: None,
                        postal_code: Some("500035".into()),
                        country: Some("România".into()),
                    },
                }),
            },
        )
        .expect("contact saved");
}

/// A person who signed up through the page (so has a date of birth, which
/// every profile change keeps valid), signed in.
async fn signed_up(app: &TestApp, email: &str) -> reqwest::Client {
    let browser = app.signed_up_and_verified(email, PASSWORD).await;
    assert_eq!(app.sign_in(&browser, email, PASSWORD).await.status(), 303);
    browser
}

async fn profile(app: &TestApp, browser: &reqwest::Client) -> Value {
    let (status, body) = app.api(browser, Method::GET, "/api/v1/profile", None).await;
    assert_eq!(status, 200, "{body}");
    body
}

on_both_databases! {
    async fn my_profile_saves_and_shows_phone_and_address(app) {
        let (_, browser) = signed_in_person(&app, "shopper@example.com", false).await;
        let (_, html) = app.page(&browser, "/account").await;
        assert!(html.contains("Phone and postal address"), "{html}");
        for attribute in [
            r#"type="tel" value="" autocomplete="tel""#,
            r#"autocomplete="street-address""#,
            r#"autocomplete="address-level2""#,
            r#"autocomplete="address-level1""#,
            r#"autocomplete="postal-code""#,
            r#"autocomplete="country-name""#,
            r#"aria-describedby="phone_number-hint""#,
        ] {
            assert!(html.contains(attribute), "{attribute} in {html}");
        }
        assert!(html.contains("<textarea id=\"street_address\""), "{html}");

        let r = app.submit(&browser, "/account", "/account/profile", &profile_form(BRASOV)).await;
        assert_eq!(r.status(), 303);
        let (_, html) = app.page(&browser, "/account").await;
        assert!(html.contains(r#"value="+40721234567""#), "stored as E.164: {html}");
        assert!(html.contains("Strada Lungă 5\nAp. 3</textarea>"), "{html}");
        assert!(html.contains(r#"value="Brașov""#) && html.contains(r#"value="500035""#));

        let body = profile(&app, &browser).await;
        assert_eq!(body["phone_number"], "+40721234567");
        assert_eq!(body["address"]["street_address"], "Strada Lungă 5\nAp. 3");
        assert_eq!(body["address"]["locality"], "Brașov");
        assert_eq!(body["address"]["region"], Value::Null);
        assert_eq!(body["address"]["country"], "România");

        // Emptied fields are removed.
        let cleared = [("phone_number", ""), ("street_address", ""), ("locality", ""),
            ("region", ""), ("postal_code", ""), ("country", "")];
        let r = app.submit(&browser, "/account", "/account/profile", &profile_form(&cleared)).await;
        assert_eq!(r.status(), 303);
        let body = profile(&app, &browser).await;
        assert_eq!((&body["phone_number"], &body["address"]), (&Value::Null, &Value::Null), "{body}");
    }

    async fn a_bad_phone_number_is_refused_next_to_the_field_and_nothing_is_saved(app) {
        let (_, browser) = signed_in_person(&app, "typo@example.com", false).await;
        let mut form = profile_form(&[("phone_number", "0721 234 567"), ("locality", "Cluj")]);
        form[0] = ("given_name", "Changed");
        let r = app.submit(&browser, "/account", "/account/profile", &form).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        let message = "Enter a phone number in international format: a + and the country code, \
            then the number, for example +40 721 234 567.";
        assert!(html.contains(message), "{html}");
        assert!(html.contains(r##"href="#phone_number""##), "the summary links to the field: {html}");
        assert!(html.contains(r#"aria-describedby="phone_number-hint phone_number-error""#), "{html}");
        assert!(html.contains(r#"aria-invalid="true""#));
        // What was typed is shown again to be corrected, not the saved value.
        assert!(html.contains(r#"value="0721 234 567""#) && html.contains(r#"value="Changed""#), "{html}");

        let body = profile(&app, &browser).await;
        assert_eq!(body["given_name"], "Ada", "nothing saved: {body}");
        assert_eq!((&body["phone_number"], &body["address"]), (&Value::Null, &Value::Null), "{body}");

        // The same refusal in Romanian.
        let r = browser.get(app.url("/language?lang=ro&return_to=/account")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let r = app.submit(&browser, "/account", "/account/profile", &form).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Introduceți un număr de telefon în format internațional"));
    }

    async fn hostile_address_input_is_refused_clearly_without_a_server_error(app) {
        let browser = signed_up(&app, "hostile@example.com").await;
        let long = "x".repeat(10_000);
        let form = profile_form(&[
            ("street_address", &long),
            ("locality", "Town\u{0}\u{1b}[31m"),
            ("region", "<script>alert(1)</script>"),
            ("postal_code", "12\r\n34"),
        ]);
        let r = app.submit(&browser, "/account", "/account/profile", &form).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("Use at most 200 characters."), "{html}");
        assert!(html.contains("Use letters, numbers and ordinary punctuation only"), "{html}");
        assert!(!html.contains("<script>alert"), "nothing is echoed unescaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "but it is shown escaped: {html}");
        for field in ["street_address", "locality", "region", "postal_code"] {
            assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}: {html}");
        }
        let body = profile(&app, &browser).await;
        assert_eq!(body["address"], Value::Null, "nothing saved: {body}");

        // The JSON API says which field and why, in the same words.
        let (status, body) = app.api(&browser, Method::PATCH, "/api/v1/profile",
            Some(json!({"address": {"street_address": long, "locality": "Ba\u{7}d"}}))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["fields"][0]["field"], "street_address");
        assert_eq!(body["fields"][0]["error"], "address_too_long");
        assert_eq!(body["fields"][0]["message"], "Use at most 200 characters.");
        assert_eq!(body["fields"][1]["error"], "address_invalid_characters");
        let (status, body) = app.api(&browser, Method::PATCH, "/api/v1/profile",
            Some(json!({"phone_number": "+40 721 234 567 or call my office"}))).await;
        assert_eq!((status, &body["fields"][0]["error"]), (422, &json!("phone_invalid")), "{body}");
        let (status, body) = app.api(&browser, Method::PATCH, "/api/v1/profile",
            Some(json!({"address": {"planet": "Mars"}}))).await;
        assert_eq!(status, 400, "unknown address parts are refused: {body}");
        assert!(body["error"].is_string(), "{body}");
        // Larger than any form: refused before it is read.
        let huge = "y".repeat(64 * 1024);
        let r = app.submit(&browser, "/account", "/account/profile", &profile_form(&[("street_address", &huge)])).await;
        assert_eq!(r.status(), 413);
        let body = profile(&app, &browser).await;
        assert_eq!((&body["phone_number"], &body["address"]), (&Value::Null, &Value::Null), "{body}");
    }

    async fn the_profile_api_reads_and_changes_contact_details(app) {
        let browser = signed_up(&app, "api@example.com").await;
        let body = profile(&app, &browser).await;
        assert_eq!((&body["phone_number"], &body["address"]), (&Value::Null, &Value::Null), "{body}");

        let (status, body) = app.api(&browser, Method::PATCH, "/api/v1/profile", Some(json!({
            "phone_number": "+49 30 1234567",
            "address": {"street_address": "Unter den Linden 1", "locality": "Berlin",
                        "postal_code": "10117", "country": "Deutschland"}
        }))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["phone_number"], "+49301234567");
        assert_eq!(body["address"]["locality"], "Berlin");
        assert_eq!(body, profile(&app, &browser).await);

        // Left out: kept. Null: removed. An address replaces the whole address.
        let (_, body) = app.api(&browser, Method::PATCH, "/api/v1/profile", Some(json!({"family_name": "Byron"}))).await;
        assert_eq!((body["family_name"].as_str(), body["phone_number"].as_str()), (Some("Byron"), Some("+49301234567")));
        let (_, body) = app.api(&browser, Method::PATCH, "/api/v1/profile", Some(json!({"phone_number": null}))).await;
        assert_eq!(body["phone_number"], Value::Null, "{body}");
        assert_eq!(body["address"]["locality"], "Berlin", "{body}");
        let (_, body) = app.api(&browser, Method::PATCH, "/api/v1/profile",
            Some(json!({"address": {"country": "Österreich"}}))).await;
        assert_eq!(body["address"], json!({"street_address": null, "locality": null, "region": null,
            "postal_code": null, "country": "Österreich"}));
        let (_, body) = app.api(&browser, Method::PATCH, "/api/v1/profile", Some(json!({"address": null}))).await;
        assert_eq!(body["address"], Value::Null, "{body}");
    }

    async fn apps_see_phone_and_address_only_with_those_scopes(app) {
        let (id, browser) = signed_in_person(&app, "buyer@example.com", false).await;
        with_contact(&app, &id);
        // An ordinary app: the default scopes include phone and address.
        let (client_id, secret) = web_app(&app, "Shop", &[]);
        let shop = (client_id.as_str(), secret.as_str());

        let tokens = code_flow(&app, &browser, shop, "openid profile email").await.unwrap();
        let (_, claims) = userinfo(&app, tokens["access_token"].as_str().unwrap()).await;
        assert_eq!(claims["given_name"], "Ada");
        for claim in ["phone_number", "phone_number_verified", "address"] {
            assert!(claims.get(claim).is_none(), "{claim} without its scope: {claims}");
        }
        let id_token = verified_id_token(&app.address, &client_id, tokens["id_token"].as_str().unwrap()).await;
        assert!(id_token.get("phone_number").is_none() && id_token.get("address").is_none(), "{id_token}");

        let tokens = code_flow(&app, &browser, shop, "openid phone address").await.unwrap();
        assert_eq!(tokens["scope"], "openid phone address");
        let expected_address = json!({
            "street_address": "Strada Lungă 5",
            "locality": "Brașov",
            "postal_code": "500035",
            "country": "România",
            "formatted": "Strada Lungă 5\n500035 Brașov\nRomânia",
        });
        let (status, claims) = userinfo(&app, tokens["access_token"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(claims["phone_number"], "+40721234567");
        assert_eq!(claims["phone_number_verified"], false, "idp sends no SMS");
        assert_eq!(claims["address"], expected_address);
        assert!(claims.get("email").is_none() && claims.get("given_name").is_none(), "{claims}");
        let id_token = verified_id_token(&app.address, &client_id, tokens["id_token"].as_str().unwrap()).await;
        assert_eq!(id_token["phone_number"], "+40721234567");
        assert_eq!(id_token["phone_number_verified"], false);
        assert_eq!(id_token["address"], expected_address);

        // Someone without them: the scopes release nothing (no nulls).
        let (_, other) = signed_in_person(&app, "plain@example.com", false).await;
        let tokens = code_flow(&app, &other, shop, "openid phone address").await.unwrap();
        let (_, claims) = userinfo(&app, tokens["access_token"].as_str().unwrap()).await;
        assert_eq!(claims.as_object().unwrap().keys().collect::<Vec<_>>(), ["sub"], "{claims}");

        // An app registered without them cannot ask; a client's own token
        // is about no person.
        let (narrow, narrow_secret) = web_app(&app, "Forum", &["openid", "profile"]);
        assert_eq!(code_flow(&app, &browser, (&narrow, &narrow_secret), "openid phone").await.unwrap_err(), "invalid_scope");
        let (service, service_secret) = service_client(&app, "Reports", &["phone", "reports"]);
        let (status, body) = client_credentials(&app, &service, &service_secret, Some("phone")).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_scope")), "{body}");
    }

    async fn the_consent_page_says_what_phone_and_address_show(app) {
        let (_, browser) = signed_in_person(&app, "careful@example.com", false).await;
        let created = app.idp.create_client(&NewClient {
            name: "Market".into(),
            redirect_uris: vec![REDIRECT_URI.into()],
            ..NewClient::default()
        }).unwrap();
        let url = authorize_url(&app, &created.client.client_id, "openid phone address", None, &[]);
        let html = open(&app.address, &browser, &url).await.consent_page();
        assert!(html.contains("See your phone number") && html.contains("See your postal address"), "{html}");
    }

    async fn discovery_lists_the_phone_and_address_scopes_and_claims(app) {
        let r = reqwest::get(app.url("/.well-known/openid-configuration")).await.unwrap();
        let document: Value = r.json().await.unwrap();
        let listed = |key: &str, value: &str| document[key].as_array().unwrap().contains(&json!(value));
        assert!(listed("scopes_supported", "phone") && listed("scopes_supported", "address"), "{document}");
        for claim in ["phone_number", "phone_number_verified", "address"] {
            assert!(listed("claims_supported", claim), "{claim}: {document}");
        }
    }

    async fn taking_over_an_unverified_account_drops_its_contact_details(app) {
        let squatter = app.idp.create_user(&NewUser {
            email: "victim@example.com".into(),
            password: "Squatt3r-Password!x".into(),
            verified: false,
            admin: false,
            given_name: Some("Mallory".into()),
            family_name: Some("Squat".into()),
        }).unwrap();
        with_contact(&app, &squatter.id);
        let browser = app.signed_up_and_verified("victim@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&browser, "victim@example.com", PASSWORD).await.status(), 303);
        let body = profile(&app, &browser).await;
        assert_eq!(body["id"], squatter.id.as_str(), "the account was taken over, not replaced");
        assert_eq!((&body["phone_number"], &body["address"]), (&Value::Null, &Value::Null), "{body}");
    }

    async fn an_administrator_sees_one_accounts_contact_details(app) {
        let (id, _) = signed_in_person(&app, "shopper@example.com", false).await;
        with_contact(&app, &id);
        let token = crate::admin_clients::admin_token(&app).await;
        let (status, user) = crate::admin_clients::admin(&app, &token, Method::GET, &format!("/admin/users/{id}"), None).await;
        assert_eq!(status, 200, "{user}");
        assert_eq!(user["phone_number"], "+40721234567");
        assert_eq!(user["address"]["locality"], "Brașov");
        assert_eq!(user["address"]["region"], Value::Null);
        assert_eq!(user["email"], "shopper@example.com");
        // Lists stay one query: no contact details there.
        let (status, list) = crate::admin_clients::admin(&app, &token, Method::GET, "/admin/users?email=shopper", None).await;
        assert_eq!(status, 200, "{list}");
        assert!(list["users"][0].get("phone_number").is_none(), "{list}");
        // Someone without any: both null.
        let (other, _) = signed_in_person(&app, "plain@example.com", false).await;
        let (_, user) = crate::admin_clients::admin(&app, &token, Method::GET, &format!("/admin/users/{other}"), None).await;
        assert_eq!((&user["phone_number"], &user["address"]), (&Value::Null, &Value::Null), "{user}");
    }

    async fn export_and_import_carry_contact_details(app) {
        let (id, _) = signed_in_person(&app, "mover@example.com", false).await;
        with_contact(&app, &id);
        let mut records = Vec::new();
        app.idp.export_accounts(|r| { records.push(serde_json::to_value(r).unwrap()); Ok(()) }).unwrap();
        let mut record = records.into_iter().find(|r| r["email"] == "mover@example.com").unwrap();
        assert_eq!(record["phone_number"], "+40721234567");
        assert_eq!(record["address"]["locality"], "Brașov");

        record["email"] = json!("moved@example.com");
        let mut bad = record.clone();
        bad["email"] = json!("bad@example.com");
        bad["phone_number"] = json!("12345");
        let report = app.idp.import_values(vec![record, bad]).unwrap();
        assert_eq!((report.created, report.refused), (1, 1), "{report:?}");
        let refusal = serde_json::to_value(&report.lines[1]).unwrap();
        assert!(refusal["reason"].as_str().unwrap().starts_with("phone_number: Enter a phone number"), "{refusal}");
        let moved = serde_json::to_value(&report.lines[0]).unwrap();
        let details = app.idp.contact_details(moved["id"].as_str().unwrap()).unwrap();
        assert_eq!(details.phone_number.as_deref(), Some("+40721234567"));
        assert_eq!(details.address.postal_code.as_deref(), Some("500035"));
    }
}
