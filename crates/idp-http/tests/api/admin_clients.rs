//! The admin clients API (`/api/v1/admin/clients`): registering, reading,
//! changing and deleting OAuth clients with a Bearer token of scope `admin`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::oauth_helpers::{
    client_credentials, client_token, code_flow, json_call, service_client, signed_in_person,
    web_app,
};
use crate::on_both_databases;

/// A call to the admin API with an optional Bearer token (and no CSRF
/// header: the admin API does not need one).
pub(crate) async fn admin_call(
    app: &TestApp,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Reply {
    json_call(method, &app.url(&format!("/api/v1{path}")), token, body).await
}

/// Status and body of an admin call made with `token`.
pub(crate) async fn admin(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, _, body) = admin_call(app, Some(token), method, path, body).await;
    (status, body)
}

/// A client-credentials token with scope `admin`, from a client granted it.
pub(crate) async fn admin_token(app: &TestApp) -> String {
    let (id, secret) = service_client(app, "Admin tool", &["admin"]);
    client_token(app, &id, &secret, "admin").await
}

/// Registers a client through the API; it must work.
async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, created) = admin(app, token, Method::POST, "/admin/clients", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    created
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v}"))
}

/// A confidential service registered through the API: its body.
fn service_body(name: &str) -> Value {
    json!({"client_name": name, "grant_types": ["client_credentials"], "scope": "reports"})
}

on_both_databases! {
    async fn an_admin_registers_a_client_that_can_then_get_tokens(app) {
        let token = admin_token(&app).await;
        // No CSRF header or cookie is needed for Bearer calls.
        let (status, headers, created) = admin_call(&app, Some(&token), Method::POST, "/admin/clients",
            Some(json!({
                "client_name": "  Reports  ",
                "grant_types": ["client_credentials"],
                "scope": "reports audit",
                "token_endpoint_auth_method": "client_secret_post",
                "logo_uri": "https://reports.example.com/logo.png",
            }))).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(headers["cache-control"], "no-store");
        let id = str_of(&created, "client_id").to_owned();
        let secret = str_of(&created, "client_secret").to_owned();
        assert!(secret.len() >= 32, "{secret}");
        assert_eq!(created["client_name"], "Reports", "the name is trimmed");
        assert_eq!(created["grant_types"], json!(["client_credentials"]));
        assert_eq!(created["response_types"], json!(["code"]));
        assert_eq!(created["scope"], "reports audit");
        assert_eq!(created["token_endpoint_auth_method"], "client_secret_post");
        assert_eq!(created["id_token_signed_response_alg"], "RS256");
        assert_eq!(created["skip_consent"], false);
        assert_eq!(created["redirect_uris"], json!([]));
        assert_eq!(created["post_logout_redirect_uris"], json!([]));
        assert_eq!(created["logo_uri"], "https://reports.example.com/logo.png");
        assert!(created.get("policy_uri").is_none() && created.get("tos_uri").is_none(), "{created}");

        // The new client gets client-credentials tokens with what it was granted.
        let (status, body) = client_credentials(&app, &id, &secret, Some("reports")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["scope"], "reports");
        let (status, body) = client_credentials(&app, &id, &secret, Some("admin")).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_scope")), "{body}");

        // Reading it back never shows the secret again.
        let (status, got) = admin(&app, &token, Method::GET, &format!("/admin/clients/{id}"), None).await;
        assert_eq!(status, 200, "{got}");
        assert!(got.get("client_secret").is_none(), "{got}");
        let mut without_secret = created.clone();
        without_secret.as_object_mut().unwrap().remove("client_secret");
        assert_eq!(got, without_secret);

        // A public app: no secret, defaults filled in.
        let public = create(&app, &token, json!({
            "client_name": "Mobile",
            "redirect_uris": ["com.example.mobile:/cb", "http://127.0.0.1/cb"],
            "token_endpoint_auth_method": "none",
            "id_token_signed_response_alg": "EdDSA",
            "skip_consent": true,
        })).await;
        assert!(public.get("client_secret").is_none(), "{public}");
        assert_eq!(public["token_endpoint_auth_method"], "none");
        assert_eq!(public["grant_types"], json!(["authorization_code", "refresh_token"]));
        assert_eq!(public["scope"], "openid profile email phone address offline_access");
        assert_eq!(public["id_token_signed_response_alg"], "EdDSA");
        assert_eq!(public["skip_consent"], true);

        // The list has every client (the admin tool's own too), by name, without secrets.
        let (status, headers, list) = admin_call(&app, Some(&token), Method::GET, "/admin/clients", None).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(headers["cache-control"], "no-store");
        let clients = list["clients"].as_array().unwrap();
        let names: Vec<&str> = clients.iter().map(|c| str_of(c, "client_name")).collect();
        assert_eq!(names, ["Admin tool", "Mobile", "Reports"]);
        assert!(clients.iter().all(|c| c.get("client_secret").is_none()), "{list}");
        assert_eq!(clients[2], without_secret);
    }

    async fn updating_a_client_replaces_its_metadata_but_not_its_kind(app) {
        let token = admin_token(&app).await;
        let created = create(&app, &token, json!({
            "client_name": "Shop",
            "redirect_uris": ["https://shop.example.com/cb"],
            "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
            "scope": "openid email reports",
            "tos_uri": "https://shop.example.com/tos",
        })).await;
        let id = str_of(&created, "client_id").to_owned();
        let secret = str_of(&created, "client_secret").to_owned();
        let path = format!("/admin/clients/{id}");

        let (status, updated) = admin(&app, &token, Method::PUT, &path, Some(json!({
            "client_name": "Shop 2",
            "redirect_uris": ["https://shop.example.com/cb2"],
            "post_logout_redirect_uris": ["https://shop.example.com/bye"],
            "grant_types": ["client_credentials", "authorization_code"],
            "scope": "openid reports audit",
            "skip_consent": true,
        }))).await;
        assert_eq!(status, 200, "{updated}");
        assert_eq!(updated["client_id"], id.as_str());
        assert!(updated.get("client_secret").is_none(), "{updated}");
        assert_eq!(updated["client_name"], "Shop 2");
        assert_eq!(updated["redirect_uris"], json!(["https://shop.example.com/cb2"]));
        assert_eq!(updated["post_logout_redirect_uris"], json!(["https://shop.example.com/bye"]));
        assert_eq!(updated["grant_types"], json!(["client_credentials", "authorization_code"]));
        assert_eq!(updated["scope"], "openid reports audit");
        assert_eq!(updated["skip_consent"], true);
        assert!(updated.get("tos_uri").is_none(), "members left out take their defaults: {updated}");
        let (status, got) = admin(&app, &token, Method::GET, &path, None).await;
        assert_eq!((status, &got), (200, &updated));

        // The secret still works, and the new scopes count at once.
        let (status, body) = client_credentials(&app, &id, &secret, Some("audit")).await;
        assert_eq!(status, 200, "{body}");

        // Confidential → public, and public → confidential, are refused.
        let (status, body) = admin(&app, &token, Method::PUT, &path, Some(json!({
            "client_name": "Shop", "redirect_uris": ["https://shop.example.com/cb"],
            "token_endpoint_auth_method": "none",
        }))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"], "invalid_client_metadata");
        let public = create(&app, &token, json!({
            "client_name": "SPA", "redirect_uris": ["https://spa.example.com/cb"],
            "token_endpoint_auth_method": "none",
        })).await;
        let public_path = format!("/admin/clients/{}", str_of(&public, "client_id"));
        for method in [json!(null), json!("client_secret_basic")] {
            let (status, body) = admin(&app, &token, Method::PUT, &public_path, Some(json!({
                "client_name": "SPA", "redirect_uris": ["https://spa.example.com/cb"],
                "token_endpoint_auth_method": method,
            }))).await;
            assert_eq!(status, 422, "{body}");
            assert_eq!(body["error"], "invalid_client_metadata");
        }
        let (status, body) = admin(&app, &token, Method::PUT, &public_path, Some(json!({
            "client_name": "SPA 2", "redirect_uris": ["https://spa.example.com/cb"],
            "token_endpoint_auth_method": "none",
        }))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["client_name"], "SPA 2");

        // Bad metadata changes nothing.
        let (status, body) = admin(&app, &token, Method::PUT, &path, Some(json!({
            "client_name": "Shop", "redirect_uris": ["http://shop.example.com/cb"],
        }))).await;
        assert_eq!((status, &body["error"]), (422, &json!("invalid_client_metadata")), "{body}");
        assert_eq!(admin(&app, &token, Method::GET, &path, None).await.1, updated);

        let (status, body) = admin(&app, &token, Method::PUT, "/admin/clients/no-such-client",
            Some(service_body("Ghost"))).await;
        assert_eq!((status, &body["error"]), (404, &json!("not_found")), "{body}");
    }

    async fn rotating_a_secret_makes_the_old_one_stop_working(app) {
        let token = admin_token(&app).await;
        let created = create(&app, &token, service_body("Reports")).await;
        let id = str_of(&created, "client_id").to_owned();
        let old = str_of(&created, "client_secret").to_owned();

        let (status, headers, rotated) = admin_call(&app, Some(&token), Method::POST,
            &format!("/admin/clients/{id}/secret"), None).await;
        assert_eq!(status, 200, "{rotated}");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(rotated["client_id"], id.as_str());
        assert_eq!(rotated["client_name"], "Reports");
        let new = str_of(&rotated, "client_secret").to_owned();
        assert_ne!(new, old);

        let (status, body) = client_credentials(&app, &id, &old, None).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "invalid_client");
        let (status, body) = client_credentials(&app, &id, &new, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["scope"], "reports");

        // A public client has no secret to rotate; an unknown client is not found.
        let public = create(&app, &token, json!({
            "client_name": "SPA", "redirect_uris": ["https://spa.example.com/cb"],
            "token_endpoint_auth_method": "none",
        })).await;
        let (status, body) = admin(&app, &token, Method::POST,
            &format!("/admin/clients/{}/secret", str_of(&public, "client_id")), None).await;
        assert_eq!((status, &body["error"]), (422, &json!("invalid_client_metadata")), "{body}");
        let (status, body) = admin(&app, &token, Method::POST, "/admin/clients/no-such-client/secret", None).await;
        assert_eq!((status, &body["error"]), (404, &json!("not_found")), "{body}");
    }

    async fn a_deleted_client_is_gone_with_its_credentials(app) {
        let token = admin_token(&app).await;
        let created = create(&app, &token, service_body("Reports")).await;
        let id = str_of(&created, "client_id").to_owned();
        let secret = str_of(&created, "client_secret").to_owned();
        let path = format!("/admin/clients/{id}");
        assert_eq!(client_credentials(&app, &id, &secret, None).await.0, 200);

        let (status, headers, body) = admin_call(&app, Some(&token), Method::DELETE, &path, None).await;
        assert_eq!(status, 204, "{body}");
        assert_eq!(body, Value::Null);
        assert_eq!(headers["cache-control"], "no-store");

        for (method, path) in [
            (Method::GET, path.clone()),
            (Method::DELETE, path.clone()),
            (Method::POST, format!("{path}/secret")),
        ] {
            let (status, body) = admin(&app, &token, method.clone(), &path, None).await;
            assert_eq!(status, 404, "{method} {path}: {body}");
            assert_eq!(body["error"], "not_found");
        }
        let (status, list) = admin(&app, &token, Method::GET, "/admin/clients", None).await;
        assert_eq!(status, 200);
        assert!(list["clients"].as_array().unwrap().iter().all(|c| c["client_id"] != id.as_str()), "{list}");

        let (status, body) = client_credentials(&app, &id, &secret, None).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "invalid_client");
    }

    async fn a_deleted_person_facing_app_loses_its_refresh_tokens(app) {
        let token = admin_token(&app).await;
        let web = web_app(&app, "Shop", &["openid", "offline_access"]);
        let (_, browser) = signed_in_person(&app, "ada@example.com", false).await;
        let tokens = code_flow(&app, &browser, (&web.0, &web.1), "openid offline_access").await.unwrap();
        let refresh_token = tokens["refresh_token"].as_str().unwrap();
        let resource_server = service_client(&app, "Resource server", &["introspect"]);
        let rs = (resource_server.0.as_str(), resource_server.1.as_str());
        let introspect = |t: String| {
            let app = &app;
            async move {
                let (s, _, b) = crate::oauth_helpers::post_form(app, "/introspect", Some(rs), &[("token", &t)]).await;
                assert_eq!(s, 200, "{b}");
                b
            }
        };
        assert_eq!(introspect(refresh_token.to_owned()).await["active"], true);

        let (status, body) = admin(&app, &token, Method::DELETE, &format!("/admin/clients/{}", web.0), None).await;
        assert_eq!(status, 204, "{body}");
        assert_eq!(introspect(refresh_token.to_owned()).await, json!({"active": false}));
        let (status, body) = crate::oauth_helpers::refresh(&app, (&web.0, &web.1), refresh_token).await;
        assert_eq!((status, &body["error"]), (401, &json!("invalid_client")), "{body}");
    }

    async fn the_admin_api_needs_a_bearer_token_with_scope_admin(app) {
        let operations = [
            (Method::POST, "/admin/clients", Some(service_body("X"))),
            (Method::GET, "/admin/clients", None),
            (Method::GET, "/admin/clients/some-id", None),
            (Method::PUT, "/admin/clients/some-id", Some(service_body("X"))),
            (Method::DELETE, "/admin/clients/some-id", None),
            (Method::POST, "/admin/clients/some-id/secret", None),
        ];
        let (id, secret) = service_client(&app, "Reports", &["reports"]);
        let no_admin = client_token(&app, &id, &secret, "reports").await;
        for (method, path, body) in &operations {
            let label = format!("{method} {path}");
            let (status, _, b) = admin_call(&app, None, method.clone(), path, body.clone()).await;
            assert_eq!((status, &b["error"]), (401, &json!("unauthenticated")), "{label}: {b}");
            assert!(b["error_description"].is_string(), "{label}: {b}");

            for bad in ["garbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."] {
                let (status, b) = admin(&app, bad, method.clone(), path, body.clone()).await;
                assert_eq!((status, &b["error"]), (401, &json!("invalid_token")), "{label}: {b}");
            }
            // Client credentials are not a Bearer token.
            let mut r = reqwest::Client::new().request(method.clone(), app.url(&format!("/api/v1{path}")))
                .basic_auth(&id, Some(&secret));
            if let Some(body) = body {
                r = r.json(body);
            }
            let r = r.send().await.unwrap();
            assert_eq!(r.status(), 401, "{label}");

            let (status, b) = admin(&app, &no_admin, method.clone(), path, body.clone()).await;
            assert_eq!((status, &b["error"]), (403, &json!("insufficient_scope")), "{label}: {b}");
        }
        // A client not granted `admin` cannot get such a token in the first place.
        let (status, body) = client_credentials(&app, &id, &secret, Some("admin")).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_scope")), "{body}");

        // An administrator's session cookie is no substitute for a token.
        let (_, admin_browser) = signed_in_person(&app, "root@example.com", true).await;
        let r = admin_browser.get(app.url("/api/v1/admin/clients")).send().await.unwrap();
        assert_eq!(r.status(), 401);
        let (status, body) = app.api(&admin_browser, Method::POST, "/api/v1/admin/clients", Some(service_body("X"))).await;
        assert_eq!((status, &body["error"]), (401, &json!("unauthenticated")), "{body}");

        // Nothing was created by any of this.
        let token = admin_token(&app).await;
        let (_, list) = admin(&app, &token, Method::GET, "/admin/clients", None).await;
        let names: Vec<&str> = list["clients"].as_array().unwrap().iter().map(|c| str_of(c, "client_name")).collect();
        assert_eq!(names, ["Admin tool", "Reports"]);
    }

    async fn an_administrator_manages_clients_with_their_own_token(app) {
        let console = web_app(&app, "Admin console", &["openid", "admin"]);
        let console = (console.0.as_str(), console.1.as_str());
        let (_, admin_browser) = signed_in_person(&app, "root@example.com", true).await;
        let tokens = code_flow(&app, &admin_browser, console, "openid admin").await.unwrap();
        let token = str_of(&tokens, "access_token");
        let created = create(&app, token, service_body("Reports")).await;
        let (status, list) = admin(&app, token, Method::GET, "/admin/clients", None).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["clients"].as_array().unwrap().len(), 2);
        let (status, _) = admin(&app, token, Method::DELETE,
            &format!("/admin/clients/{}", str_of(&created, "client_id")), None).await;
        assert_eq!(status, 204);

        // The administrator's token without scope admin does not do.
        let tokens = code_flow(&app, &admin_browser, console, "openid").await.unwrap();
        let (status, body) = admin(&app, str_of(&tokens, "access_token"), Method::GET, "/admin/clients", None).await;
        assert_eq!((status, &body["error"]), (403, &json!("insufficient_scope")), "{body}");

        // Someone who is not an administrator is refused scope admin at /authorize.
        let (_, browser) = signed_in_person(&app, "eve@example.com", false).await;
        assert_eq!(code_flow(&app, &browser, console, "openid admin").await.unwrap_err(), "access_denied");
    }

    async fn bad_client_metadata_is_refused_with_422(app) {
        let token = admin_token(&app).await;
        let cb = "https://app.example.com/cb";
        let cases = [
            ("http redirect off loopback", json!({"client_name": "A", "redirect_uris": ["http://app.example.com/cb"]})),
            ("redirect with a fragment", json!({"client_name": "A", "redirect_uris": ["https://app.example.com/cb#x"]})),
            ("relative redirect", json!({"client_name": "A", "redirect_uris": ["/cb"]})),
            ("javascript redirect", json!({"client_name": "A", "redirect_uris": ["javascript:alert(1)"]})),
            ("http post-logout URI", json!({"client_name": "A", "redirect_uris": [cb], "post_logout_redirect_uris": ["http://app.example.com/"]})),
            ("unknown grant type", json!({"client_name": "A", "redirect_uris": [cb], "grant_types": ["password"]})),
            ("implicit grant", json!({"client_name": "A", "redirect_uris": [cb], "grant_types": ["implicit"]})),
            ("public client with client_credentials", json!({"client_name": "A", "grant_types": ["client_credentials"], "token_endpoint_auth_method": "none"})),
            ("code flow without redirect URIs", json!({"client_name": "A"})),
            ("blank name", json!({"client_name": "   ", "redirect_uris": [cb]})),
            ("long name", json!({"client_name": "n".repeat(101), "redirect_uris": [cb]})),
            ("name with control characters", json!({"client_name": "A\u{7}", "redirect_uris": [cb]})),
            ("unknown auth method", json!({"client_name": "A", "redirect_uris": [cb], "token_endpoint_auth_method": "tls_client_auth"})),
            ("private_key_jwt without keys", json!({"client_name": "A", "redirect_uris": [cb], "token_endpoint_auth_method": "private_key_jwt"})),
            ("unknown signing alg", json!({"client_name": "A", "redirect_uris": [cb], "id_token_signed_response_alg": "none"})),
            ("bad scope", json!({"client_name": "A", "redirect_uris": [cb], "scope": "openid bad\"scope"})),
            ("logo that is not http(s)", json!({"client_name": "A", "redirect_uris": [cb], "logo_uri": "javascript:alert(1)"})),
            ("policy that is not a URL", json!({"client_name": "A", "redirect_uris": [cb], "policy_uri": "not a url"})),
        ];
        for (label, body) in cases {
            let (status, answer) = admin(&app, &token, Method::POST, "/admin/clients", Some(body)).await;
            assert_eq!(status, 422, "{label}: {answer}");
            assert_eq!(answer["error"], "invalid_client_metadata", "{label}");
            assert!(answer["error_description"].is_string(), "{label}: {answer}");
        }

        // Bodies of the wrong shape are 400, too large 413, not JSON 415.
        for (label, body) in [
            ("unknown member", json!({"client_name": "A", "redirect_uris": [cb], "client_secret": "mine"})),
            ("no name", json!({"redirect_uris": [cb]})),
            ("wrong type", json!({"client_name": "A", "redirect_uris": cb})),
        ] {
            let (status, answer) = admin(&app, &token, Method::POST, "/admin/clients", Some(body)).await;
            assert_eq!((status, &answer["error"]), (400, &json!("invalid_request")), "{label}: {answer}");
        }
        let big = json!({"client_name": "A", "redirect_uris": [format!("https://a.example.com/{}", "x".repeat(20_000))]});
        let (status, answer) = admin(&app, &token, Method::POST, "/admin/clients", Some(big)).await;
        assert_eq!((status, &answer["error"]), (413, &json!("body_too_large")), "{answer}");
        let r = reqwest::Client::new().post(app.url("/api/v1/admin/clients")).bearer_auth(&token)
            .header("Content-Type", "text/plain").body(r#"{"client_name": "A"}"#).send().await.unwrap();
        assert_eq!(r.status(), 415);
        assert_eq!(r.json::<Value>().await.unwrap()["error"], "unsupported_media_type");

        // Nothing was registered.
        let (_, list) = admin(&app, &token, Method::GET, "/admin/clients", None).await;
        assert_eq!(list["clients"].as_array().unwrap().len(), 1, "{list}");
    }

    async fn a_deleted_clients_access_tokens_stop_working(app) {
        let (id, secret) = service_client(&app, "Old admin tool", &["admin"]);
        let old_token = client_token(&app, &id, &secret, "admin").await;
        let resource_server = service_client(&app, "Resource server", &["introspect"]);
        let token = admin_token(&app).await;
        let (status, body) = admin(&app, &token, Method::DELETE, &format!("/admin/clients/{id}"), None).await;
        assert_eq!(status, 204, "{body}");
        assert_eq!(client_credentials(&app, &id, &secret, Some("admin")).await.0, 401);

        // Its unexpired tokens die with it, everywhere idp checks them.
        let (status, body) = admin(&app, &old_token, Method::GET, "/admin/clients", None).await;
        let (_, _, introspected) = crate::oauth_helpers::post_form(&app, "/introspect",
            Some((&resource_server.0, &resource_server.1)), &[("token", &old_token)]).await;
        assert_eq!(
            ((status, &body["error"]), &introspected),
            ((401, &json!("invalid_token")), &json!({"active": false})),
            "admin API: {status} {body}; introspection: {introspected}"
        );
    }
}
