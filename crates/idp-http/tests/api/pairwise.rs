//! Pairwise subjects: two apps that asked for them see the same person
//! under different identifiers, so they cannot match up their users.

use idp_core::clients::NewClient;
use openidconnect::core::CoreTokenResponse;
use openidconnect::OAuth2TokenResponse;

use crate::helpers::*;
use crate::oidc_helpers::*;
use crate::on_both_databases;

fn pairwise(name: &str) -> NewClient {
    NewClient {
        subject_type: Some("pairwise".into()),
        ..web_app(name)
    }
}

on_both_databases! {
    async fn pairwise_apps_see_different_subjects_for_one_person(app) {
        let account_id = person(&app, "ada@example.com");
        let shop = Rp::register(&app, pairwise("Shop")).await;
        let forum = Rp::register(&app, pairwise("Forum")).await;
        let portal = Rp::register(&app, web_app("Portal")).await;
        let browser = browser();

        let mut subjects = Vec::new();
        let mut tokens: Vec<CoreTokenResponse> = Vec::new();
        for (i, rp) in [&shop, &forum, &portal].into_iter().enumerate() {
            let started = rp.start();
            let callback = if i == 0 {
                sign_in_for(&app, &browser, &started, "ada@example.com").await
            } else {
                open(&app.address, &browser, started.url.as_str()).await.callback()
            };
            let t = rp.redeem(&callback, &started).await.unwrap();
            subjects.push(rp.verify(&t, &started.nonce).subject().to_string());
            tokens.push(t);
        }
        assert_ne!(subjects[0], subjects[1], "pairwise apps do not share a subject");
        assert_ne!(subjects[0], account_id);
        assert_eq!(subjects[2], account_id, "a public app sees the account id");

        // The same person, again: a stable subject per app.
        let started = shop.start();
        let callback = open(&app.address, &browser, started.url.as_str()).await.callback();
        let again = shop.redeem(&callback, &started).await.unwrap();
        assert_eq!(shop.verify(&again, &started.nonce).subject().to_string(), subjects[0]);

        // UserInfo and the access token speak the app's subject too.
        let access = tokens[0].access_token().secret().clone();
        assert_eq!(jwt_parts(&access).1["sub"], subjects[0].as_str());
        let (status, info) = crate::oauth_helpers::userinfo(&app, &access).await;
        assert_eq!(status, 200, "{info}");
        assert_eq!(info["sub"], subjects[0].as_str());
        assert_eq!(info["email"], "ada@example.com");
    }

    async fn a_pairwise_app_needs_one_host_for_its_redirect_uris(app) {
        let mut two_hosts = pairwise("Shop");
        two_hosts.redirect_uris.push("https://elsewhere.example.com/cb".into());
        let e = app.idp.create_client(&two_hosts).err().expect("refused");
        assert!(e.to_string().contains("share one host"), "{e}");
        let mut odd = pairwise("Shop");
        odd.subject_type = Some("secret".into());
        assert!(app.idp.create_client(&odd).is_err());
    }
}
