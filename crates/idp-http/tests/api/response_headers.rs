//! The headers docs/security.md promises are the ones every response
//! carries, word for word: pages load nothing from other origins (an image
//! from elsewhere would tell a third party who opened the page, and from
//! where).

use crate::helpers::*;
use crate::on_both_databases;

/// The headers in the block of docs/security.md that starts with
/// `Content-Security-Policy:`; an indented line continues the one above.
fn documented_headers() -> Vec<(String, String)> {
    let doc = include_str!("../../../../docs/security.md");
    let block = doc
        .split("```")
        .find(|b| b.trim_start().starts_with("Content-Security-Policy:"))
        .expect("docs/security.md lists the response headers");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        match line.split_once(": ") {
            Some((name, value)) if !line.starts_with(' ') => {
                headers.push((name.to_ascii_lowercase(), value.trim().to_owned()))
            }
            _ => {
                let (_, value) = headers.last_mut().expect("a header to continue");
                value.push(' ');
                value.push_str(line.trim());
            }
        }
    }
    headers
}

on_both_databases! {
    async fn every_response_carries_the_documented_headers(app) {
        let documented = documented_headers();
        let csp = &documented.iter().find(|(n, _)| n == "content-security-policy").unwrap().1;
        assert!(csp.contains("img-src 'self' data:;"), "{csp}");
        assert!(!csp.contains("https:") && !csp.contains('*'), "no other origins: {csp}");
        for path in ["/login", "/api/v1/csrf", "/.well-known/openid-configuration", "/no-such-page"] {
            let r = browser().get(app.url(path)).send().await.unwrap();
            for (name, value) in &documented {
                assert_eq!(
                    r.headers().get(name.as_str()).and_then(|v| v.to_str().ok()),
                    Some(value.as_str()),
                    "{name} on {path}"
                );
            }
        }
    }
}

on_both_databases! {
    async fn machine_endpoints_set_no_browser_cookie_and_pages_do(app) {
        let (id, secret) = crate::oauth_helpers::service_client(&app, "svc", &["reports"]);
        let token = reqwest::Client::new()
            .post(app.url("/token"))
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(token.status(), 200);
        assert!(token.headers().get("set-cookie").is_none(), "/token");
        for path in ["/jwks", "/.well-known/openid-configuration", "/healthz", "/userinfo"] {
            let r = browser().get(app.url(path)).send().await.unwrap();
            assert!(r.headers().get("set-cookie").is_none(), "{path}");
        }
        // A browser opening a page still gets its binding.
        let page = browser().get(app.url("/login")).send().await.unwrap();
        let cookies: Vec<_> = page.headers().get_all("set-cookie").iter().collect();
        assert!(
            cookies.iter().any(|c| c.to_str().unwrap().contains("idp_csrf=")),
            "{cookies:?}"
        );
    }
}
