//! Authorization request options an app can set, and operator settings
//! that change the authorization endpoint.

use crate::helpers::*;
use crate::oauth_helpers::*;
use crate::on_both_databases;

/// The app's request for `openid`, without PKCE, plus `extra`.
fn authorize(app: &TestApp, client_id: &str, extra: &[(&str, &str)]) -> String {
    authorize_url(app, client_id, "openid", None, extra)
}

on_both_databases! {
    async fn ui_locales_picks_the_language_of_the_sign_in_page(app) {
        let (client_id, _) = web_app(&app, "Shop", &["openid"]);
        let client = browser();
        let r = client.get(authorize(&app, &client_id, &[("ui_locales", "de-CH fr")])).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let login = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(login.contains("ui_locales=de-CH"), "{login}");
        let (_, html) = app.page(&client, &login).await;
        assert!(html.contains("<html lang=\"de\"") && html.contains("Passwort vergessen?"), "{html}");
        // The app's wish lasts the visit: the form's own pages stay German.
        let (_, html) = app.page(&client, "/signup").await;
        assert!(html.contains("<html lang=\"de\""), "{html}");
        // A language idp does not have falls back to the browser's.
        let r = browser().get(app.url("/login?ui_locales=fr")).header("Accept-Language", "en").send().await.unwrap();
        assert!(r.text().await.unwrap().contains("<html lang=\"en\""));
    }
}

async fn require_pkce_applies_to_confidential_clients_too(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.oauth.require_pkce = true).await;
    let (client_id, _) = web_app(&app, "Shop", &["openid"]);
    let (_, browser) = signed_in_person(&app, "pk@example.com", false).await;
    let r = browser
        .get(authorize(&app, &client_id, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let location = r.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(REDIRECT_URI) && location.contains("error=invalid_request"),
        "{location}"
    );
    assert!(location.contains("PKCE"), "{location}");
}

crate::for_both_backends! {
    require_pkce_applies_to_confidential_clients_too,
}
