//! ID tokens a real provider would not send (wrong nonce, expired, forged,
//! for another client), Microsoft's tenant issuer and `xms_edov`, an
//! unverified upstream address, and Facebook — all against the stand-in.

use idp_core::federation::{ProviderInput, ProviderKind};
use serde_json::json;

use crate::federation_helpers::*;
use crate::for_both_backends;
use crate::helpers::*;
use crate::oauth_helpers::query_param;
use crate::oidc_helpers::account;
use crate::upstream_standin::{StandIn, CLIENT_ID};

/// Every bad ID token ends on the same page, with no account or session.
async fn bad_id_tokens_sign_nobody_in(backend: Backend) {
    let standin = StandIn::start(None).await;
    let app = standin_app(
        backend,
        vec![standin_provider("corp", ProviderKind::Oidc, &standin)],
    )
    .await;
    let now = unix_now();
    let cases = [
        ("wrong nonce", json!({"nonce": "not-the-one-sent"}), false),
        ("no nonce", json!({"nonce": null}), false),
        (
            "expired",
            json!({"iat": now - 600, "exp": now - 300}),
            false,
        ),
        (
            "issued in the future",
            json!({"iat": now + 3600, "exp": now + 4000}),
            false,
        ),
        ("another audience", json!({"aud": "someone-else"}), false),
        (
            "another authorized party",
            json!({"aud": [CLIENT_ID, "other"], "azp": "other"}),
            false,
        ),
        (
            "our audience, another authorized party",
            json!({"azp": "other"}),
            false,
        ),
        (
            "issued long ago, not yet expired",
            json!({"iat": now - 86_400, "exp": now + 300}),
            false,
        ),
        (
            "several audiences without azp",
            json!({"aud": [CLIENT_ID, "other"]}),
            false,
        ),
        (
            "another issuer",
            json!({"iss": "https://evil.example"}),
            false,
        ),
        ("forged signature", json!({}), true),
    ];
    for (what, claims, forge) in cases {
        standin.script(|s| {
            s.claims = claims.clone();
            s.forge = forge;
        });
        let browser = browser();
        let r = round_trip(&app, &browser, "corp").await;
        assert_eq!(r.status(), 400, "{what}");
        let html = r.text().await.unwrap();
        assert!(html.contains("could not be trusted"), "{what}: {html}");
        assert_eq!(signed_in_as(&app, &browser).await, None, "{what}");
    }
    assert_eq!(accounts(&app), 0);
    // The same stand-in with a good token works: the failures were the token's.
    standin.script(|s| {
        s.claims = json!({});
        s.forge = false;
    });
    let r = round_trip(&app, &browser(), "corp").await;
    assert_eq!(r.status(), 303);
}

/// An upstream that does not vouch for the address never signs in to the
/// account that owns it, even with `trust_email`.
async fn an_unverified_upstream_address_takes_over_nothing(backend: Backend) {
    let standin = StandIn::start(None).await;
    let mut trusted = standin_provider("corp", ProviderKind::Oidc, &standin);
    trusted.trust_email = Some(true);
    let app = standin_app(backend, vec![trusted]).await;
    account(&app, "sam@example.com", false);
    standin.script(|s| s.email_verified = Some(false));
    let browser = browser();
    let r = round_trip(&app, &browser, "corp").await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/federation/link?pending="));
    assert_eq!(signed_in_as(&app, &browser).await, None);
    // Nor does a missing email_verified count as verified.
    standin.script(|s| s.email_verified = None);
    let r = round_trip(&app, &browser, "corp").await;
    assert!(location(&r).starts_with("/federation/link?pending="));
}

/// Microsoft's multi-tenant issuer: `iss` must be the template filled
/// with the token's own `tid`, `tid` must be allowed, and only `xms_edov`
/// makes the address verified.
async fn microsoft_tenants_and_xms_edov(backend: Backend) {
    let tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";
    let standin = StandIn::start(Some(tenant)).await;
    let mut open = standin_provider("ms", ProviderKind::Microsoft, &standin);
    open.trust_email = Some(true);
    let mut closed = standin_provider("ms-closed", ProviderKind::Microsoft, &standin);
    closed.tenants = Some(vec!["72f988bf-86f1-41af-91ab-2d7cd011db47".into()]);
    let app = standin_app(backend, vec![open, closed]).await;
    account(&app, "sam@example.com", false);
    // email_verified is not Microsoft's word: without xms_edov, proof is asked.
    standin.script(|s| s.email_verified = Some(true));
    let browser = browser();
    let r = round_trip(&app, &browser, "ms").await;
    assert_eq!(r.status(), 303);
    assert!(
        location(&r).starts_with("/federation/link?pending="),
        "{}",
        location(&r)
    );
    // An iss of another tenant than the token's tid.
    standin.script(|s| s.claims = json!({"tid": "00000000-0000-0000-0000-000000000000"}));
    let r = round_trip(&app, &browser, "ms").await;
    assert_eq!(r.status(), 400);
    // A tenant not on the allow-list.
    standin.script(|s| s.claims = json!({}));
    let r = round_trip(&app, &browser, "ms-closed").await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("organization"));
    // With xms_edov the trusted address links at once.
    standin.script(|s| s.claims = json!({"xms_edov": true}));
    let r = round_trip(&app, &browser, "ms").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    assert_eq!(
        signed_in_as(&app, &browser).await.as_deref(),
        Some("sam@example.com")
    );
}

/// Facebook through its OAuth dialog, token endpoint and Graph `/me`
/// (which the stand-in refuses without the right `appsecret_proof`).
async fn facebook_signs_in_a_new_person(backend: Backend) {
    let standin = StandIn::start(None).await;
    let app = standin_app(
        backend,
        vec![standin_provider(
            "facebook",
            ProviderKind::Facebook,
            &standin,
        )],
    )
    .await;
    standin.script(|s| {
        s.subject = "10220000000000001".into();
        s.email = "fb@example.com".into();
    });
    let browser = browser();
    let (_, login) = app.page(&browser, "/login").await;
    assert!(login.contains("Continue with Facebook"));
    let r = round_trip(&app, &browser, "facebook").await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.starts_with("/federation/complete"), "{to}");
    let jars = TwoJars {
        here: browser.clone(),
        there: crate::helpers::browser(),
    };
    let r = complete(&app, &jars, &to, "1991-03-03").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        signed_in_as(&app, &browser).await.as_deref(),
        Some("fb@example.com")
    );
    // Facebook's address is not trusted by default: idp verifies it.
    let verify = app.last_email_to("fb@example.com").await;
    assert!(verify.text.contains("/verify-email?token="));
}

/// A provider that form-posts its answer: the POST is turned into the GET
/// (which carries the browser's SameSite=Lax cookies).
async fn a_form_posted_callback_becomes_a_get(backend: Backend) {
    let standin = StandIn::start(None).await;
    let app = standin_app(
        backend,
        vec![standin_provider("corp", ProviderKind::Oidc, &standin)],
    )
    .await;
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/federation/corp/callback"))
        .header("Origin", standin.base.as_str())
        .form(&[("state", "s"), ("code", "c")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/federation/corp/callback?state=s&code=c");
}

/// A provider whose ID token leaves the address out: idp asks its
/// userinfo endpoint, whose word on the address counts as the token's
/// would, and the person goes on to complete their account.
async fn an_address_missing_from_the_id_token_comes_from_userinfo(backend: Backend) {
    let standin = StandIn::start(None).await;
    let mut trusted = standin_provider("corp", ProviderKind::Oidc, &standin);
    trusted.trust_email = Some(true);
    let app = standin_app(backend, vec![trusted]).await;
    standin.script(|s| {
        s.claims = json!({"email": null, "email_verified": null});
        s.email = "una@example.com".into();
    });
    let jars = TwoJars::new();
    let r = round_trip(&app, &jars.here, "corp").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let to = location(&r);
    assert!(to.starts_with("/federation/complete?pending="), "{to}");
    let (status, html) = app.page(&jars.here, &to).await;
    assert_eq!(status, 200);
    assert!(html.contains("una@example.com"), "{html}");
    assert!(
        !html.contains("We will send a link"),
        "userinfo vouched for the address: {html}"
    );
    let r = complete(&app, &jars, &to, "1984-04-04").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        signed_in_as(&app, &jars.here).await.as_deref(),
        Some("una@example.com")
    );
}

/// Facebook takes the app secret and the code in the query of its token
/// endpoint. When that endpoint cannot be reached, the person gets the
/// page that says so, and neither the page nor the log names either.
async fn an_unreachable_facebook_leaks_no_secret(backend: Backend) {
    capture_logs();
    let standin = StandIn::start(None).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let token_endpoint = format!("http://{}/oauth/access_token", closed.local_addr().unwrap());
    drop(closed);
    let secret = format!("app-secret-{}", idp_core::crypto::random_digits(16));
    let code = format!("code-{}", idp_core::crypto::random_digits(16));
    let facebook = ProviderInput {
        client_secret: Some(secret.clone()),
        token_endpoint: Some(token_endpoint.clone()),
        ..standin_provider("facebook", ProviderKind::Facebook, &standin)
    };
    let app = standin_app(backend, vec![facebook]).await;
    let jars = TwoJars::new();
    let out = press_continue(&app, &jars, "facebook", "/account").await;
    let state = query_param(&out, "state").expect("a state");
    let r = jars
        .here
        .get(app.url(&format!(
            "/federation/facebook/callback?state={state}&code={code}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);
    let page = r.text().await.unwrap();
    assert!(page.contains("could not be reached"), "{page}");
    let logged = logged();
    let failure = logged
        .lines()
        .find(|l| l.contains("upstream sign-in failed") && l.contains(&token_endpoint))
        .unwrap_or_else(|| panic!("the failure is logged, with where: {logged}"));
    assert!(failure.contains("Connection refused"), "and why: {failure}");
    for (what, text) in [("page", &page), ("log", &logged)] {
        assert!(!text.contains(&secret), "the {what} names the app secret");
        assert!(!text.contains(&code), "the {what} names the code");
    }
    assert_eq!(signed_in_as(&app, &jars.here).await, None);
}

/// A provider turned off while a person is out at it: the way back ends
/// on the page that says so, with nobody signed in and nothing made.
async fn a_provider_turned_off_mid_flight_signs_nobody_in(backend: Backend) {
    let standin = StandIn::start(None).await;
    let app = standin_app(backend, vec![]).await;
    app.idp
        .create_provider(standin_provider("corp", ProviderKind::Oidc, &standin))
        .unwrap();
    let jars = TwoJars::new();
    let out = press_continue(&app, &jars, "corp", "/account").await;
    app.idp
        .update_provider(
            "corp",
            ProviderInput {
                enabled: Some(false),
                ..standin_provider("corp", ProviderKind::Oidc, &standin)
            },
        )
        .unwrap();
    let back = upstream_answers(&jars, &out).await;
    let r = jars.here.get(back).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("turned off"));
    assert_eq!(signed_in_as(&app, &jars.here).await, None);
    assert_eq!(accounts(&app), 0);
}

for_both_backends!(
    an_address_missing_from_the_id_token_comes_from_userinfo,
    an_unreachable_facebook_leaks_no_secret,
    a_provider_turned_off_mid_flight_signs_nobody_in,
    bad_id_tokens_sign_nobody_in,
    an_unverified_upstream_address_takes_over_nothing,
    microsoft_tenants_and_xms_edov,
    facebook_signs_in_a_new_person,
    a_form_posted_callback_becomes_a_get,
);
