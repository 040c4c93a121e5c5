//! Every answer that names the person speaks a pairwise app's subject, never
//! the account id: ID tokens, userinfo, introspection of access and refresh
//! tokens (asked by the app itself or by a resource server), logout tokens,
//! and the admin API's check of an administrator's token.

use diesel::prelude::*;
use idp_core::clients::NewClient;
use reqwest::Method;
use serde_json::{json, Value};

use crate::backchannel_logout::{logout_receiver, published_keys, verified_logout_token};
use crate::helpers::*;
use crate::introspection::introspect;
use crate::oauth_helpers::*;
use crate::oidc_helpers::{jwks_at, verify_jwt_with};
use crate::on_both_databases;

/// A confidential web app with pairwise subjects and no consent page, told
/// of logouts at `backchannel` when given.
fn pairwise_app(
    app: &TestApp,
    name: &str,
    scopes: &[&str],
    backchannel: Option<&str>,
) -> (String, String) {
    let more = NewClient {
        subject_type: Some("pairwise".into()),
        backchannel_logout_uri: backchannel.map(str::to_owned),
        ..NewClient::default()
    };
    web_app_with(app, name, scopes, more)
}

/// A JWT's claims, checked against the published JWKS as an app would.
async fn verified_claims(app: &TestApp, token: &str) -> Value {
    verify_jwt_with(&jwks_at(&app.url("/jwks")).await, token).1
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v}"))
}

/// `answer` names the person as `subject` and nowhere mentions the account id.
fn names_only(answer: &Value, subject: &str, account_id: &str, what: &str) {
    assert_eq!(answer["sub"], subject, "{what}: {answer}");
    assert!(
        !answer.to_string().contains(account_id),
        "{what} reveals the account id: {answer}"
    );
}

/// `GET /api/v1/admin/clients` with `token`: status and body, which must
/// not mention the account id.
async fn list_clients(app: &TestApp, token: &str, account_id: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/admin/clients"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert!(
        !text.contains(account_id),
        "the admin API reveals the account id: {text}"
    );
    (status, serde_json::from_str(&text).unwrap())
}

on_both_databases! {
    async fn introspection_names_a_pairwise_apps_person_by_the_apps_subject(app) {
        let shop = pairwise_app(&app, "Shop", &["openid", "email", "offline_access"], None);
        let shop = (shop.0.as_str(), shop.1.as_str());
        let resource_server = service_client(&app, "Resource server", &["introspect"]);
        let rs = (resource_server.0.as_str(), resource_server.1.as_str());
        let (account_id, browser) = signed_in_person(&app, "ada@example.com", false).await;
        let tokens = code_flow(&app, &browser, shop, "openid email offline_access").await.unwrap();
        let id_token = verified_claims(&app, str_of(&tokens, "id_token")).await;
        let subject = str_of(&id_token, "sub").to_owned();
        assert_ne!(subject, account_id, "a pairwise app does not see the account id");
        names_only(&id_token, &subject, &account_id, "the ID token");

        // Whoever asks, the token's person is the app's subject: that is
        // what the token itself says.
        for (kind, token) in [("access", str_of(&tokens, "access_token")), ("refresh", str_of(&tokens, "refresh_token"))] {
            for (who, client) in [("the app", shop), ("a resource server", rs)] {
                let body = introspect(&app, client, token).await;
                assert_eq!(body["active"], true, "{kind} token by {who}: {body}");
                assert_eq!(body["client_id"], shop.0);
                names_only(&body, &subject, &account_id, &format!("{kind} token introspected by {who}"));
            }
        }
        let (status, info) = userinfo(&app, str_of(&tokens, "access_token")).await;
        assert_eq!(status, 200, "{info}");
        names_only(&info, &subject, &account_id, "userinfo");

        // The rotated tokens keep the subject.
        let (status, refreshed) = refresh(&app, shop, str_of(&tokens, "refresh_token")).await;
        assert_eq!(status, 200, "{refreshed}");
        let id_token = verified_claims(&app, str_of(&refreshed, "id_token")).await;
        names_only(&id_token, &subject, &account_id, "the refreshed ID token");
        let body = introspect(&app, rs, str_of(&refreshed, "refresh_token")).await;
        names_only(&body, &subject, &account_id, "the new refresh token");

        // Revoking answers the same whoever the person is: no body at all.
        let (status, _, body) = post_form(&app, "/revoke", Some(shop),
            &[("token", str_of(&refreshed, "refresh_token"))]).await;
        assert_eq!((status, body), (200, Value::Null));
        assert_eq!(introspect(&app, shop, str_of(&refreshed, "refresh_token")).await, json!({"active": false}));
    }

    async fn a_pairwise_app_is_told_of_a_logout_by_its_own_subject_and_session(app) {
        let (uri, received) = logout_receiver();
        let shop = pairwise_app(&app, "Shop", &["openid"], Some(&uri));
        let (account_id, browser) = signed_in_person(&app, "bo@example.com", false).await;
        let tokens = code_flow(&app, &browser, (&shop.0, &shop.1), "openid").await.unwrap();
        let id_token = verified_claims(&app, str_of(&tokens, "id_token")).await;
        let subject = str_of(&id_token, "sub").to_owned();
        assert_ne!(subject, account_id);
        // A public app in the same session sees the session's own id; the
        // pairwise app must not, or the two could match their people up.
        let portal = web_app(&app, "Portal", &["openid"]);
        let public = code_flow(&app, &browser, (&portal.0, &portal.1), "openid").await.unwrap();
        let public_sid = verified_claims(&app, str_of(&public, "id_token")).await["sid"].clone();
        let (_, sessions) = app.api(&browser, Method::GET, "/api/v1/sessions", None).await;
        assert_eq!(public_sid, sessions["sessions"][0]["id"], "a public app sees the session id");
        let sid = id_token["sid"].as_str().expect("a sid").to_owned();
        assert_ne!(json!(sid), public_sid, "a pairwise app's sid is its own");

        let r = app.submit(&browser, "/logout", "/logout", &[]).await;
        assert_eq!(r.status(), 303);
        let token = received.recv_timeout(std::time::Duration::from_secs(10)).expect("a logout token arrived");
        let claims = verified_logout_token(&published_keys(&app).await, &app, &shop.0, &token);
        assert_eq!(claims["sid"], sid.as_str(), "the logout token names the session as the ID token did");
        names_only(&claims, &subject, &account_id, "the logout token");
    }

    async fn an_administrators_token_from_a_pairwise_app_is_checked_against_their_account(app) {
        let console = pairwise_app(&app, "Admin console", &["openid", "admin"], None);
        let console = (console.0.as_str(), console.1.as_str());
        let (account_id, browser) = signed_in_person(&app, "root@example.com", true).await;
        let tokens = code_flow(&app, &browser, console, "openid admin").await.unwrap();
        let token = str_of(&tokens, "access_token");
        let (status, body) = list_clients(&app, token, &account_id).await;
        assert_eq!(status, 200, "{body}");

        // Once the person is no administrator, the same token is refused.
        use idp_core::db::schema::accounts;
        let id = account_id.clone();
        app.idp.db.write(|conn| {
            diesel::update(accounts::table.find(&id)).set(accounts::is_admin.eq(false))
                .execute(conn).map_err(idp_core::db::StoreError::from)
        }).unwrap();
        let (status, body) = list_clients(&app, token, &account_id).await;
        assert_eq!((status, &body["error"]), (403, &json!("insufficient_scope")), "{body}");
    }
}
