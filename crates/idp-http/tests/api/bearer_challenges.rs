//! RFC 6750 §3 on every Bearer-protected resource (UserInfo, the admin API;
//! dynamic registration in dynamic_registration.rs): 401 and 403 answers
//! carry `WWW-Authenticate: Bearer`, naming and describing the error when a
//! token was sent, and nothing more when none was.

use reqwest::header::HeaderMap;
use reqwest::RequestBuilder;
use serde_json::Value;

use crate::oauth_helpers::*;
use crate::on_both_databases;

const BARE: &str = "Bearer realm=\"idp\"";

/// Status, headers and body (`Null` when empty) of `request`.
async fn send(request: RequestBuilder) -> (u16, HeaderMap, Value) {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, body)
}

/// The challenge names `code` and a description, and the body says the same.
fn assert_refused((status, headers, body): &(u16, HeaderMap, Value), expected: u16, code: &str) {
    assert_eq!(
        (*status, body["error"].as_str()),
        (expected, Some(code)),
        "{body}"
    );
    let description = body["error_description"].as_str().expect("a description");
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert_eq!(
        challenge,
        format!("{BARE}, error=\"{code}\", error_description=\"{description}\""),
    );
    assert_eq!(headers["cache-control"], "no-store");
}

on_both_databases! {
    async fn the_admin_api_challenges_like_any_bearer_resource(app) {
        let http = reqwest::Client::new();
        let url = app.url("/api/v1/admin/clients");
        let (id, secret) = service_client(&app, "Reports", &["reports"]);

        // No token, or another scheme: a bare challenge, with the API's own code.
        for request in [http.get(&url), http.get(&url).basic_auth(&id, Some(&secret))] {
            let (status, headers, body) = send(request).await;
            assert_eq!((status, body["error"].as_str()), (401, Some("unauthenticated")), "{body}");
            assert!(body["error_description"].is_string(), "{body}");
            assert_eq!(headers["www-authenticate"], BARE);
        }
        assert_refused(&send(http.get(&url).bearer_auth("garbage")).await, 401, "invalid_token");
        let no_admin = client_token(&app, &id, &secret, "reports").await;
        assert_refused(&send(http.get(&url).bearer_auth(&no_admin)).await, 403, "insufficient_scope");

        // And a token with the scope passes.
        let (admin_tool, tool_secret) = service_client(&app, "Admin tool", &["admin"]);
        let admin = client_token(&app, &admin_tool, &tool_secret, "admin").await;
        let (status, _, body) = send(http.get(&url).bearer_auth(&admin)).await;
        assert_eq!(status, 200, "{body}");
    }

    async fn userinfo_challenges_by_rfc_6750(app) {
        let http = reqwest::Client::new();
        let url = app.url("/userinfo");
        let web = web_app(&app, "Shop", &["openid", "email"]);
        let (_, browser) = signed_in_person(&app, "ada@example.com", false).await;
        let tokens = code_flow(&app, &browser, (&web.0, &web.1), "openid email").await.unwrap();
        let access = tokens["access_token"].as_str().unwrap().to_owned();

        // No token, or credentials of another scheme: 401, a bare challenge.
        for request in [http.get(&url), http.get(&url).basic_auth(&web.0, Some(&web.1))] {
            let (status, headers, _) = send(request).await;
            assert_eq!(status, 401);
            assert_eq!(headers["www-authenticate"], BARE);
        }
        // Another scheme does not hide a token sent in the form.
        let (status, _, body) = send(http.post(&url).basic_auth(&web.0, Some(&web.1))
            .form(&[("access_token", access.as_str())])).await;
        assert_eq!((status, body["email"].as_str()), (200, Some("ada@example.com")), "{body}");

        assert_refused(&send(http.get(&url).bearer_auth("garbage")).await, 401, "invalid_token");
        assert_refused(&send(http.post(&url).bearer_auth(&access)
            .form(&[("access_token", access.as_str())])).await, 400, "invalid_request");
        // A client's own token is about nobody.
        let (id, secret) = service_client(&app, "Reports", &["reports"]);
        let own = client_token(&app, &id, &secret, "reports").await;
        assert_refused(&send(http.get(&url).bearer_auth(&own)).await, 401, "invalid_token");
        // A person's token without openid.
        let api = web_app(&app, "Api", &["openid", "email"]);
        let tokens = code_flow(&app, &browser, (&api.0, &api.1), "email").await.unwrap();
        let (status, headers, body) = send(http.get(&url).bearer_auth(tokens["access_token"].as_str().unwrap())).await;
        assert_refused(&(status, headers, body), 403, "insufficient_scope");
    }
}
