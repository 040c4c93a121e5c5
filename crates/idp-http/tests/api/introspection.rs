//! Token introspection (`POST /introspect`, RFC 7662) and revocation
//! (`POST /revoke`, RFC 7009), client-authenticated like the token endpoint.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;

use crate::oauth_helpers::*;

// --- This file's own helpers ------------------------------------------------

/// `POST /introspect` as `client`; must answer 200.
pub(crate) async fn introspect(app: &TestApp, (id, secret): (&str, &str), token: &str) -> Value {
    let (status, headers, body) =
        post_form(app, "/introspect", Some((id, secret)), &[("token", token)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    body
}

/// `POST /revoke` as `client`; must answer 200 with no body (RFC 7009 §2.2).
async fn revoke(app: &TestApp, (id, secret): (&str, &str), token: &str) {
    let (status, _, body) =
        post_form(app, "/revoke", Some((id, secret)), &[("token", token)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, Value::Null);
}

fn inactive() -> Value {
    json!({ "active": false })
}

on_both_databases! {
    async fn a_client_introspects_its_own_access_token(app) {
        let (id, secret) = service_client(&app, "Reports", &["reports"]);
        let token = client_token(&app, &id, &secret, "reports").await;

        let body = introspect(&app, (&id, &secret), &token).await;
        assert_eq!(body["active"], true, "{body}");
        assert_eq!(body["client_id"], id.as_str());
        assert_eq!(body["scope"], "reports");
        assert_eq!(body["sub"], id.as_str(), "a client-credentials token is about the client");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["iss"], app.address.as_str());
        let exp = body["exp"].as_i64().expect("exp is a number");
        assert!(exp > unix_now() && exp <= unix_now() + 11 * 60, "exp {exp}");

        // Anything that is not a live token is just inactive, not an error.
        for garbage in ["garbage", "", "eyJhbGciOiJub25lIn0.e30.", &"x".repeat(500)] {
            assert_eq!(introspect(&app, (&id, &secret), garbage).await, inactive(), "{garbage:?}");
        }
        // The client may also authenticate in the form (client_secret_post).
        let (status, _, body) = post_form(&app, "/introspect", None,
            &[("token", &token), ("client_id", &id), ("client_secret", &secret)]).await;
        assert_eq!((status, &body["active"]), (200, &json!(true)), "{body}");
    }

    async fn only_clients_allowed_to_introspect_see_other_clients_tokens(app) {
        let (id, secret) = service_client(&app, "Reports", &["reports"]);
        let token = client_token(&app, &id, &secret, "reports").await;

        let other = service_client(&app, "Other", &["reports"]);
        assert_eq!(introspect(&app, (&other.0, &other.1), &token).await, inactive());

        let resource_server = service_client(&app, "Resource server", &["introspect"]);
        let body = introspect(&app, (&resource_server.0, &resource_server.1), &token).await;
        assert_eq!(body["active"], true, "{body}");
        assert_eq!(body["client_id"], id.as_str());
        assert_eq!(body["scope"], "reports");

        // Nor may another client revoke it: the answer is the same, the token lives on.
        revoke(&app, (&other.0, &other.1), &token).await;
        assert_eq!(introspect(&app, (&id, &secret), &token).await["active"], true);
        // Its own client may.
        revoke(&app, (&id, &secret), &token).await;
        assert_eq!(introspect(&app, (&id, &secret), &token).await, inactive());
        assert_eq!(introspect(&app, (&resource_server.0, &resource_server.1), &token).await, inactive());
    }

    async fn a_revoked_access_token_is_inactive_and_refused_by_userinfo(app) {
        let web = web_app(&app, "Shop", &["openid", "email", "offline_access"]);
        let web = (web.0.as_str(), web.1.as_str());
        let (account_id, browser) = signed_in_person(&app, "ada@example.com", false).await;
        let tokens = code_flow(&app, &browser, web, "openid email offline_access").await.unwrap();
        let access = tokens["access_token"].as_str().unwrap();
        let refresh_token = tokens["refresh_token"].as_str().unwrap();

        let (status, claims) = userinfo(&app, access).await;
        assert_eq!(status, 200, "{claims}");
        assert_eq!(claims["email"], "ada@example.com");
        let body = introspect(&app, web, access).await;
        assert_eq!(body["active"], true, "{body}");
        assert_eq!(body["sub"], account_id.as_str());
        assert_eq!(body["client_id"], web.0);
        assert_eq!(body["scope"], "openid email offline_access");

        // The refresh token is introspectable too.
        let body = introspect(&app, web, refresh_token).await;
        assert_eq!(body["active"], true, "{body}");
        assert_eq!((body["sub"].as_str(), body["client_id"].as_str()), (Some(account_id.as_str()), Some(web.0)));

        revoke(&app, web, access).await;
        assert_eq!(introspect(&app, web, access).await, inactive());
        let (status, body) = userinfo(&app, access).await;
        assert_eq!(status, 401);
        assert_eq!(body["error"], "invalid_token");
        // Revoking it again, or an unknown token, is answered the same (RFC 7009 §2.2).
        revoke(&app, web, access).await;
        revoke(&app, web, "no-such-token").await;
    }

    async fn revoking_a_refresh_token_ends_its_family(app) {
        let web = web_app(&app, "Shop", &["openid", "email", "offline_access"]);
        let web = (web.0.as_str(), web.1.as_str());
        let (_, browser) = signed_in_person(&app, "bo@example.com", false).await;
        let first = code_flow(&app, &browser, web, "openid offline_access").await.unwrap();
        let (status, second) = refresh(&app, web, first["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{second}");
        let live_refresh = second["refresh_token"].as_str().unwrap();
        assert_eq!(introspect(&app, web, live_refresh).await["active"], true);

        revoke(&app, web, live_refresh).await;

        assert_eq!(introspect(&app, web, live_refresh).await, inactive());
        let (status, body) = refresh(&app, web, live_refresh).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"], "invalid_grant");
        // The access tokens issued with the family, old and new, go too.
        for access in [&first["access_token"], &second["access_token"]] {
            let access = access.as_str().unwrap();
            assert_eq!(introspect(&app, web, access).await, inactive());
            assert_eq!(userinfo(&app, access).await.0, 401);
        }

        // A second family of the same person and app is untouched.
        let other = code_flow(&app, &browser, web, "openid offline_access").await.unwrap();
        assert_eq!(userinfo(&app, other["access_token"].as_str().unwrap()).await.0, 200);
        let (status, body) = refresh(&app, web, other["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }

    async fn revoking_an_already_rotated_refresh_token_also_ends_the_family(app) {
        let web = web_app(&app, "Shop", &["openid", "offline_access"]);
        let web = (web.0.as_str(), web.1.as_str());
        let (_, browser) = signed_in_person(&app, "cy@example.com", false).await;
        let first = code_flow(&app, &browser, web, "openid offline_access").await.unwrap();
        let old_refresh = first["refresh_token"].as_str().unwrap();
        let (status, second) = refresh(&app, web, old_refresh).await;
        assert_eq!(status, 200, "{second}");
        // A used refresh token is inactive, but it still names its family.
        assert_eq!(introspect(&app, web, old_refresh).await, inactive());

        revoke(&app, web, old_refresh).await;
        let (status, body) = refresh(&app, web, second["refresh_token"].as_str().unwrap()).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_grant")), "{body}");
        assert_eq!(userinfo(&app, second["access_token"].as_str().unwrap()).await.0, 401);
    }

    async fn another_client_cannot_revoke_a_persons_refresh_token(app) {
        let web = web_app(&app, "Shop", &["openid", "offline_access"]);
        let web = (web.0.as_str(), web.1.as_str());
        let (_, browser) = signed_in_person(&app, "di@example.com", false).await;
        let tokens = code_flow(&app, &browser, web, "openid offline_access").await.unwrap();
        let refresh_token = tokens["refresh_token"].as_str().unwrap();

        let resource_server = service_client(&app, "Resource server", &["introspect"]);
        let rs = (resource_server.0.as_str(), resource_server.1.as_str());
        assert_eq!(introspect(&app, rs, refresh_token).await["active"], true);
        let other = service_client(&app, "Other", &["reports"]);
        assert_eq!(introspect(&app, (&other.0, &other.1), refresh_token).await, inactive());

        // `introspect` lets a client look, not revoke.
        revoke(&app, rs, refresh_token).await;
        revoke(&app, (&other.0, &other.1), refresh_token).await;
        assert_eq!(introspect(&app, web, refresh_token).await["active"], true);
        let (status, body) = refresh(&app, web, refresh_token).await;
        assert_eq!(status, 200, "{body}");
    }

    async fn introspection_and_revocation_need_client_authentication(app) {
        let (id, secret) = service_client(&app, "Reports", &["reports"]);
        let token = client_token(&app, &id, &secret, "reports").await;
        for path in ["/introspect", "/revoke"] {
            for basic in [(id.as_str(), "wrong-secret"), ("no-such-client", secret.as_str())] {
                let (status, headers, body) = post_form(&app, path, Some(basic), &[("token", &token)]).await;
                assert_eq!(status, 401, "{path}: {body}");
                assert_eq!(body["error"], "invalid_client");
                assert!(headers["www-authenticate"].to_str().unwrap().starts_with("Basic"));
            }
            // A confidential client that sends no secret at all.
            let (status, _, body) = post_form(&app, path, None, &[("token", &token), ("client_id", &id)]).await;
            assert_eq!((status, &body["error"]), (401, &json!("invalid_client")), "{path}: {body}");
            // Nobody at all.
            let (status, _, body) = post_form(&app, path, None, &[("token", &token)]).await;
            assert_eq!((status, &body["error"]), (401, &json!("invalid_client")), "{path}: {body}");
            // A malformed Authorization header.
            let r = reqwest::Client::new().post(app.url(path))
                .header("Authorization", "Basic !!!not-base64")
                .form(&[("token", &token)]).send().await.unwrap();
            assert_eq!(r.status(), 401, "{path}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["error"], "invalid_client");
        }
        // Nothing was revoked by the failed attempts.
        assert_eq!(introspect(&app, (&id, &secret), &token).await["active"], true);
    }

    async fn introspection_and_revocation_need_a_token_parameter_in_a_form(app) {
        let (id, secret) = service_client(&app, "Reports", &["reports"]);
        for path in ["/introspect", "/revoke"] {
            let (status, headers, body) = post_form(&app, path, Some((&id, &secret)), &[("token_type_hint", "access_token")]).await;
            assert_eq!(status, 400, "{path}: {body}");
            assert_eq!(body["error"], "invalid_request");
            assert!(body["error_description"].as_str().unwrap().contains("token"), "{body}");
            assert_eq!(headers["cache-control"], "no-store");

            // A repeated parameter, or a body that is not a form.
            let (status, _, body) = post_form(&app, path, Some((&id, &secret)), &[("token", "a"), ("token", "b")]).await;
            assert_eq!((status, &body["error"]), (400, &json!("invalid_request")), "{path}: {body}");
            let r = reqwest::Client::new().post(app.url(path)).basic_auth(&id, Some(&secret))
                .json(&json!({"token": "a"})).send().await.unwrap();
            assert_eq!(r.status(), 400, "{path}");
            assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");
        }
        // A token_type_hint that is wrong does not matter (RFC 7662 §2.1).
        let token = client_token(&app, &id, &secret, "reports").await;
        let (status, _, body) = post_form(&app, "/introspect", Some((&id, &secret)),
            &[("token", &token), ("token_type_hint", "refresh_token")]).await;
        assert_eq!((status, &body["active"]), (200, &json!(true)), "{body}");
    }
}
