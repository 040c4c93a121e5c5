//! Signing in through an upstream OpenID provider (another idp server):
//! new accounts, returning ones, linking by proof, and the rules that keep
//! an upstream from taking over accounts it has no claim to.

use idp_core::accounts::Account;
use idp_core::federation::{ProviderKind, SyncMode, FRESH_FOR_LINKING_MINUTES};
use serde_json::json;

use crate::federation_helpers::*;
use crate::for_both_backends;
use crate::helpers::*;
use crate::oauth_helpers::*;
use crate::oidc_helpers::account;
use crate::upstream_standin::StandIn;

fn account_by_email(app: &TestApp, email: &str) -> Option<Account> {
    let address = idp_core::accounts::EmailAddress::parse(email).unwrap();
    app.idp
        .db
        .read(|conn| Account::find_by_email(conn, &address).map_err(idp_core::db::StoreError::from))
        .unwrap()
}

fn sessions_of(app: &TestApp, account_id: &str) -> i64 {
    use diesel::prelude::*;
    use idp_core::db::schema::sessions;
    app.idp
        .db
        .read(|conn| {
            sessions::table
                .filter(sessions::account_id.eq(account_id))
                .count()
                .get_result(conn)
                .map_err(idp_core::db::StoreError::from)
        })
        .unwrap()
}

/// A session of `account_id` as a sign-in opens it; its cookie token.
/// (An unverified registration cannot sign in with its password, but one
/// made through a provider that does not vouch for the address can.)
fn plant_session(app: &TestApp, account_id: &str) -> String {
    use diesel::prelude::*;
    use idp_core::db::schema::sessions as s;
    let token = idp_core::crypto::random_token(32);
    let now = idp_core::now();
    app.idp
        .db
        .write(|conn| {
            diesel::insert_into(s::table)
                .values((
                    s::id.eq(idp_core::crypto::new_id()),
                    s::token_hash.eq(idp_core::crypto::sha256_hex(&token)),
                    s::account_id.eq(account_id),
                    s::auth_time.eq(now),
                    s::created_at.eq(now),
                    s::last_seen_at.eq(now),
                    s::expires_at.eq(now + chrono::Duration::days(1)),
                    s::user_agent.eq("attacker"),
                    s::ip_address.eq("192.0.2.1"),
                ))
                .execute(conn)
                .map_err(idp_core::db::StoreError::from)
        })
        .unwrap();
    token
}

/// Whether the session cookie `token` still opens My Profile.
async fn session_works(app: &TestApp, token: &str) -> bool {
    let r = browser()
        .get(app.url("/account"))
        .header("Cookie", format!("idp_session={token}"))
        .send()
        .await
        .unwrap();
    r.status() == 200
}

/// Moves the sign-in time of every session of `account_id` `by` back.
fn age_sessions(app: &TestApp, account_id: &str, by: chrono::Duration) {
    use diesel::prelude::*;
    use idp_core::db::schema::sessions;
    app.idp
        .db
        .write(|conn| {
            diesel::update(sessions::table.filter(sessions::account_id.eq(account_id)))
                .set(sessions::auth_time.eq(idp_core::now() - by))
                .execute(conn)
                .map_err(idp_core::db::StoreError::from)
        })
        .unwrap();
}

/// A verified account whose given name is empty, for the `sync` rules.
fn keeps_only_a_family_name(app: &TestApp, email: &str) {
    app.idp
        .create_user(&idp_core::accounts::NewUser {
            email: email.into(),
            password: PASSWORD.into(),
            verified: true,
            admin: false,
            given_name: None,
            family_name: Some("Keeps".into()),
        })
        .unwrap();
}

fn identities(app: &TestApp, email: &str) -> Vec<idp_core::federation::LinkedIdentity> {
    let account = account_by_email(app, email).expect("an account");
    app.idp.identities_of(&account.id).unwrap()
}

/// A new person arrives from an app, completes the account, and the app
/// gets its code; the next time the same account is found at once.
async fn a_new_identity_becomes_an_account_and_returns_to_it(backend: Backend) {
    let f = federated(backend, true).await;
    let jars = upstream_person(&f.up, "ada@example.com").await;
    let (client_id, secret) = web_app(&f.app, "shop", &["openid", "email"]);
    let pkce = Pkce::new("federated-shop");
    // The app sends the person to idp, which asks them to sign in.
    let r = jars
        .here
        .get(authorize_url(
            &f.app,
            &client_id,
            "openid email",
            Some(&pkce),
            &[],
        ))
        .send()
        .await
        .unwrap();
    let sign_in = location(&r);
    let return_to = query_param(&sign_in, "return_to").expect("return_to");
    let (_, page) = f.app.page(&jars.here, &sign_in).await;
    assert!(page.contains("Continue with Upstream up"), "{page}");
    let r = sign_in_through(&f.app, &jars, "up", &return_to).await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.starts_with("/federation/complete?pending="), "{to}");
    assert_eq!(
        signed_in_as(&f.app, &jars.here).await,
        None,
        "no session before completing"
    );
    assert!(
        account_by_email(&f.app, "ada@example.com").is_none(),
        "no half-made account"
    );
    // The page is prefilled with what the upstream gave.
    let (_, html) = f.app.page(&jars.here, &to).await;
    assert_eq!(value_of(&html, "given_name"), "Ada");
    assert!(
        !html.contains("checked"),
        "the marketing box starts unchecked"
    );
    assert!(
        !html.contains("We will send a link"),
        "a trusted provider's verified address needs no link: {html}"
    );
    let r = complete(&f.app, &jars, &to, "1985-12-10").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), return_to);
    let account = account_by_email(&f.app, "ada@example.com").expect("account made");
    assert!(
        account.email_verified,
        "a trusted provider's verified address"
    );
    assert!(account.password_hash.is_none());
    assert!(!account.marketing_opt_in);
    // On to the app, exactly as after a password sign-in.
    let r = jars.here.get(f.app.url(&return_to)).send().await.unwrap();
    let back = location(&r);
    let code = query_param(&back, "code").unwrap_or_else(|| panic!("no code: {back}"));
    let tokens = exchange_code(&f.app, (&client_id, Some(&secret)), &code, &pkce).await;
    let id_token = crate::oidc_helpers::verified_id_token(
        &f.app.address,
        &client_id,
        tokens["id_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(id_token["sub"], account.id.as_str());
    assert_eq!(id_token["email"], "ada@example.com");
    // Another browser, the same upstream person: the same account, no page.
    let again = TwoJars {
        here: browser(),
        there: jars.there.clone(),
    };
    let r = sign_in_through(&f.app, &again, "up", "/account").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    assert_eq!(
        signed_in_as(&f.app, &again.here).await.as_deref(),
        Some("ada@example.com")
    );
    assert_eq!(identities(&f.app, "ada@example.com").len(), 1);
}

/// An upstream whose addresses are not trusted: the account is made, but
/// its address stays unverified until idp's own link is followed.
async fn an_untrusted_address_is_verified_by_idp(backend: Backend) {
    let f = federated(backend, false).await;
    let jars = upstream_person(&f.up, "bo@example.com").await;
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    let (_, page) = f.app.page(&jars.here, &location(&r)).await;
    assert!(
        page.contains("We will send a link to bo@example.com to verify it."),
        "the person knows an email is coming: {page}"
    );
    let r = complete(&f.app, &jars, &location(&r), "1990-01-01").await;
    assert_eq!(r.status(), 303);
    let account = account_by_email(&f.app, "bo@example.com").unwrap();
    assert!(!account.email_verified);
    let mail = f.app.last_email_to("bo@example.com").await;
    let link = mail.link("/verify-email?token=");
    let path = link.trim_start_matches(&f.app.address).to_owned();
    let token = query_param(&path, "token").unwrap();
    let r = f
        .app
        .submit(&jars.here, &path, "/verify-email", &[("token", &token)])
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        account_by_email(&f.app, "bo@example.com")
            .unwrap()
            .email_verified
    );
}

/// A trusted, verified upstream address links to the account that proved
/// the same address, and its owner is told.
async fn a_trusted_verified_address_links_automatically(backend: Backend) {
    let f = federated(backend, true).await;
    let id = account(&f.app, "cy@example.com", false);
    let jars = upstream_person(&f.up, "cy@example.com").await;
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    assert_eq!(
        signed_in_as(&f.app, &jars.here).await.as_deref(),
        Some("cy@example.com")
    );
    let linked = identities(&f.app, "cy@example.com");
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].identity.account_id, id);
    let notice = f.app.last_email_to("cy@example.com").await;
    assert!(
        notice.subject.contains("sign-in method was added"),
        "{}",
        notice.subject
    );
}

/// `sync = fill`: names an account lacks come from the upstream when it is
/// linked; names it has stay.
async fn linking_fills_only_empty_names(backend: Backend) {
    let f = federated(backend, true).await;
    keeps_only_a_family_name(&f.app, "kim@example.com");
    let jars = upstream_person(&f.up, "kim@example.com").await;
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    assert_eq!(r.status(), 303);
    let account = account_by_email(&f.app, "kim@example.com").unwrap();
    assert_eq!(account.given_name, "Ada", "filled from the upstream");
    assert_eq!(account.family_name, "Keeps", "not overwritten");
}

/// Without `trust_email` the address alone links nothing: the person
/// proves the account is theirs with its password, then confirms.
async fn an_untrusted_match_links_only_after_the_password(backend: Backend) {
    let f = federated(backend, false).await;
    let id = account(&f.app, "di@example.com", false);
    let jars = upstream_person(&f.up, "di@example.com").await;
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    assert_eq!(r.status(), 303);
    let page = location(&r);
    assert!(page.starts_with("/federation/link?pending="), "{page}");
    assert_eq!(signed_in_as(&f.app, &jars.here).await, None);
    assert!(identities(&f.app, "di@example.com").is_empty());
    // The confirmation is refused before any proof.
    let r = post_pending(&f.app, &jars.here, &page, "/federation/link/confirm", &[]).await;
    assert_eq!(r.status(), 400);
    let r = post_pending(
        &f.app,
        &jars.here,
        &page,
        "/federation/link/password",
        &[("password", "wrong-Password-1")],
    )
    .await;
    assert_eq!(r.status(), 401);
    assert!(identities(&f.app, "di@example.com").is_empty());
    let r = post_pending(
        &f.app,
        &jars.here,
        &page,
        "/federation/link/password",
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303);
    // Another browser cannot use this proof.
    let other = browser();
    let r = post_pending(&f.app, &other, &page, "/federation/link/confirm", &[]).await;
    assert_eq!(r.status(), 400);
    let r = post_pending(&f.app, &jars.here, &page, "/federation/link/confirm", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        signed_in_as(&f.app, &jars.here).await.as_deref(),
        Some("di@example.com")
    );
    let linked = identities(&f.app, "di@example.com");
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].identity.account_id, id);
    // The proof is spent.
    let r = post_pending(&f.app, &jars.here, &page, "/federation/link/confirm", &[]).await;
    assert_eq!(r.status(), 400);
}

/// The other proof: a code emailed to the existing account.
async fn an_emailed_code_proves_ownership(backend: Backend) {
    let f = federated(backend, false).await;
    account(&f.app, "ed@example.com", false);
    let jars = upstream_person(&f.up, "ed@example.com").await;
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    let page = location(&r);
    let r = post_pending(&f.app, &jars.here, &page, "/federation/link/send-code", &[]).await;
    assert_eq!(r.status(), 303);
    let code = f.app.last_email_to("ed@example.com").await.code();
    let r = post_pending(
        &f.app,
        &jars.here,
        &page,
        "/federation/link/code",
        &[("code", "00000000")],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post_pending(
        &f.app,
        &jars.here,
        &page,
        "/federation/link/code",
        &[("code", &code)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post_pending(&f.app, &jars.here, &page, "/federation/link/confirm", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        signed_in_as(&f.app, &jars.here).await.as_deref(),
        Some("ed@example.com")
    );
}

/// Pre-hijacking: someone registered the victim's address and never
/// verified it. The victim's verified upstream sign-in voids that
/// registration instead of joining it.
async fn a_verified_upstream_address_voids_an_unverified_registration(backend: Backend) {
    let f = federated(backend, true).await;
    let planted = f
        .app
        .idp
        .create_user(&idp_core::accounts::NewUser {
            email: "fay@example.com".into(),
            password: "Attacker-Chosen-9!".into(),
            verified: false,
            admin: false,
            given_name: Some("Mallory".into()),
            family_name: Some("Planted".into()),
        })
        .unwrap();
    let planted_session = plant_session(&f.app, &planted.id);
    assert!(session_works(&f.app, &planted_session).await);
    let jars = upstream_person(&f.up, "fay@example.com").await;
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    let to = location(&r);
    assert!(to.starts_with("/federation/complete"), "{to}");
    let r = complete(&f.app, &jars, &to, "1980-02-02").await;
    assert_eq!(r.status(), 303);
    let account = account_by_email(&f.app, "fay@example.com").unwrap();
    assert_ne!(account.id, planted.id, "the planted registration is gone");
    assert!(
        account.password_hash.is_none(),
        "the planted password is void"
    );
    assert_ne!(account.given_name, "Mallory");
    assert!(
        !session_works(&f.app, &planted_session).await,
        "the planted account's session is ended"
    );
    assert_eq!(sessions_of(&f.app, &planted.id), 0);
    let attacker = browser();
    let r = f
        .app
        .sign_in(&attacker, "fay@example.com", "Attacker-Chosen-9!")
        .await;
    assert_ne!(r.status(), 303);
}

/// The person cancels at the provider, or the provider answers an error:
/// a page that says so, and nothing made.
async fn cancel_and_upstream_errors_end_on_a_page(backend: Backend) {
    let f = federated(backend, true).await;
    let jars = upstream_person(&f.up, "gus@example.com").await;
    for (error, text) in [
        ("access_denied", "cancelled"),
        ("server_error", "did not complete"),
    ] {
        let out = press_continue(&f.app, &jars, "up", "/account").await;
        let state = query_param(&out, "state").unwrap();
        let r = jars
            .here
            .get(f.app.url(&format!(
                "/federation/up/callback?state={state}&error={error}"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let html = r.text().await.unwrap();
        assert!(html.contains(text), "{html}");
        assert!(html.contains("href=\"/login\""), "a way back");
    }
    assert!(account_by_email(&f.app, "gus@example.com").is_none());
    assert_eq!(signed_in_as(&f.app, &jars.here).await, None);
}

/// A callback without state, with a used one, or in another browser than
/// the one that started it signs nobody in; the rightful browser still can.
async fn missing_replayed_and_foreign_states_are_refused(backend: Backend) {
    let f = federated(backend, true).await;
    account(&f.app, "hal@example.com", false);
    let jars = upstream_person(&f.up, "hal@example.com").await;
    let r = jars
        .here
        .get(f.app.url("/federation/up/callback?code=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let out = press_continue(&f.app, &jars, "up", "/account").await;
    let back = upstream_answers(&jars, &out).await;
    // Login CSRF: the attacker's callback URL opened in the victim's browser.
    let victim = browser();
    let r = victim.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(signed_in_as(&f.app, &victim).await, None);
    let r = jars.here.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let replay = browser();
    let r = jars.here.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 400, "a state works once");
    let r = replay.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

/// The upstream rotates its keys: idp fetches the new ones.
async fn upstream_key_rotation_is_followed(backend: Backend) {
    let f = federated(backend, true).await;
    account(&f.app, "ida@example.com", false);
    let jars = upstream_person(&f.up, "ida@example.com").await;
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    assert_eq!(r.status(), 303);
    f.up.idp
        .signing
        .rotate(chrono::Duration::minutes(1))
        .unwrap();
    let again = TwoJars {
        here: browser(),
        there: jars.there.clone(),
    };
    let r = sign_in_through(&f.app, &again, "up", "/account").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(
        signed_in_as(&f.app, &again.here).await.as_deref(),
        Some("ida@example.com")
    );
}

/// From My Profile: a second identity of the same provider and one of a
/// second provider join the account; each signs in to it. Unlinking stops
/// at the last way in.
async fn several_identities_link_and_the_last_way_in_stays(backend: Backend) {
    let up2 = TestApp::spawn(backend).await;
    let mut second = None;
    let f = federated_with(backend, |_| {}).await;
    let app = TestApp::spawn_with(backend, |s| {
        let client = upstream_client(&f.up, &s.issuer, "up");
        let mut first = oidc_provider("up", &f.up, client);
        first.trust_email = Some(true);
        s.federation.providers.push(first);
        let client = upstream_client(&up2, &s.issuer, "up2");
        second = Some(oidc_provider("up2", &up2, client));
        s.federation.providers.push(second.clone().unwrap());
    })
    .await;
    let jars = upstream_person(&f.up, "joy@example.com").await;
    let r = sign_in_through(&app, &jars, "up", "/account").await;
    let r = complete(&app, &jars, &location(&r), "1970-07-07").await;
    assert_eq!(r.status(), 303);
    // Only one way in (no password): it cannot be removed.
    let only = identities(&app, "joy@example.com");
    let r = app
        .submit(
            &jars.here,
            "/account",
            "/account/identities/unlink",
            &[("identity_id", &only[0].identity.id)],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert_eq!(identities(&app, "joy@example.com").len(), 1);
    // A second person at the same upstream, linked from My Profile.
    account(&f.up, "joy.work@example.com", false);
    let work = TwoJars {
        here: jars.here.clone(),
        there: browser(),
    };
    assert_eq!(
        f.up.sign_in(&work.there, "joy.work@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    for (provider, jar) in [("up", &work.there)] {
        let r = app
            .submit(
                &jars.here,
                "/account",
                "/account/identities/link",
                &[("provider_id", provider)],
            )
            .await;
        assert_eq!(r.status(), 303);
        let out = location(&r);
        let r = jar.get(&out).send().await.unwrap();
        let back = location(&r);
        let r = jars.here.get(&back).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/account?notice=identity_linked");
    }
    // And one at the second provider.
    account(&up2, "joy@elsewhere.example", false);
    let there2 = browser();
    assert_eq!(
        up2.sign_in(&there2, "joy@elsewhere.example", PASSWORD)
            .await
            .status(),
        303
    );
    let r = app
        .submit(
            &jars.here,
            "/account",
            "/account/identities/link",
            &[("provider_id", "up2")],
        )
        .await;
    let r = there2.get(location(&r)).send().await.unwrap();
    let r = jars.here.get(location(&r)).send().await.unwrap();
    assert_eq!(location(&r), "/account?notice=identity_linked");
    let linked = identities(&app, "joy@example.com");
    assert_eq!(linked.len(), 3);
    // Each of them signs in to the one account.
    let work_browser = TwoJars {
        here: browser(),
        there: work.there.clone(),
    };
    let r = sign_in_through(&app, &work_browser, "up", "/account").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        signed_in_as(&app, &work_browser.here).await.as_deref(),
        Some("joy@example.com")
    );
    // Now two can go; the last one stays.
    for linked in &linked[..2] {
        let r = app
            .submit(
                &jars.here,
                "/account",
                "/account/identities/unlink",
                &[("identity_id", &linked.identity.id)],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    let r = app
        .submit(
            &jars.here,
            "/account",
            "/account/identities/unlink",
            &[("identity_id", &linked[2].identity.id)],
        )
        .await;
    assert_eq!(r.status(), 409);
    let notice = app.last_email_to("joy@example.com").await;
    assert!(notice.subject.contains("removed"), "{}", notice.subject);
    // The audit trail has each link and unlink, and the upstream sign-ins.
    let trail = |kind: &str| {
        let filter = idp_core::audit::EventFilter {
            event_type: idp_core::audit::EventType::parse(kind),
            limit: 200,
            ..Default::default()
        };
        app.idp.audit_events(&filter).unwrap().events
    };
    assert_eq!(trail("identity.linked").len(), 3);
    assert_eq!(trail("identity.unlinked").len(), 2);
    assert!(trail("sign_in.succeeded")
        .iter()
        .any(|e| e.detail.contains("upstream")));
    drop(second);
}

/// A provider turned off gets a page, and an unknown one a 404.
async fn disabled_and_unknown_providers_get_a_page(backend: Backend) {
    let f = federated_with(backend, |p| p.enabled = Some(false)).await;
    let jars = TwoJars::new();
    let (_, login) = f.app.page(&jars.here, "/login").await;
    assert!(
        !login.contains("Continue with"),
        "no button for a disabled provider"
    );
    let r = f
        .app
        .submit(&jars.here, "/login", "/federation/up/start", &[])
        .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("turned off"));
    let r = f
        .app
        .submit(&jars.here, "/login", "/federation/nope/start", &[])
        .await;
    assert_eq!(r.status(), 404);
}

/// Third-party-initiated login (OpenID Connect Core §4) and a provider
/// that cannot be reached.
async fn initiated_login_and_an_unreachable_provider(backend: Backend) {
    let f = federated(backend, true).await;
    let browser = browser();
    let r = browser
        .get(f.app.url(&format!(
            "/federation/up/login?iss={}",
            urlencode(&f.up.address)
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with(&format!("{}/authorize?", f.up.address)));
    let r = browser
        .get(
            f.app
                .url("/federation/up/login?iss=https%3A%2F%2Fevil.example"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A provider on a port where nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let down = TestApp::spawn_with(backend, |s| {
        s.federation
            .providers
            .push(idp_core::federation::ProviderInput {
                id: "gone".into(),
                kind: Some(idp_core::federation::ProviderKind::Oidc),
                client_id: Some("x".into()),
                client_secret: Some("y".into()),
                issuer: Some(format!("http://127.0.0.1:{port}")),
                ..Default::default()
            })
    })
    .await;
    let jars = TwoJars::new();
    let r = down
        .submit(&jars.here, "/login", "/federation/gone/start", &[])
        .await;
    assert_eq!(r.status(), 502);
    assert!(r.text().await.unwrap().contains("could not be reached"));
}

/// A provider that accepts connections and never answers: the request
/// gives up (10 s) and the person gets a page, not a hung browser.
async fn a_silent_provider_times_out(backend: Backend) {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });
    let app = TestApp::spawn_with(backend, |s| {
        s.federation
            .providers
            .push(idp_core::federation::ProviderInput {
                id: "silent".into(),
                kind: Some(idp_core::federation::ProviderKind::Oidc),
                client_id: Some("x".into()),
                client_secret: Some("y".into()),
                issuer: Some(format!("http://127.0.0.1:{port}")),
                ..Default::default()
            })
    })
    .await;
    let started = std::time::Instant::now();
    let jars = TwoJars::new();
    let r = app
        .submit(&jars.here, "/login", "/federation/silent/start", &[])
        .await;
    assert_eq!(r.status(), 502);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// `sync = "always"`: the upstream's names follow it at every sign-in;
/// its address never does (an address changes only once it is proven).
async fn sync_always_copies_names_at_every_sign_in_never_the_address(backend: Backend) {
    let standin = StandIn::start(None).await;
    let mut always = standin_provider("corp", ProviderKind::Oidc, &standin);
    always.trust_email = Some(true);
    always.sync = Some(SyncMode::Always);
    let app = standin_app(backend, vec![always]).await;
    let jars = TwoJars::new();
    let r = round_trip(&app, &jars.here, "corp").await;
    let r = complete(&app, &jars, &location(&r), "1990-01-01").await;
    assert_eq!(r.status(), 303);
    standin.script(|s| {
        s.claims = json!({"given_name": "Samantha", "family_name": "Renamed",
                          "email": "elsewhere@example.com"})
    });
    let r = round_trip(&app, &browser(), "corp").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let account = account_by_email(&app, "sam@example.com").expect("the address stays");
    assert_eq!(
        (account.given_name.as_str(), account.family_name.as_str()),
        ("Samantha", "Renamed")
    );
    assert!(account_by_email(&app, "elsewhere@example.com").is_none());
}

/// `sync = "never"`: nothing comes from the upstream, neither into the
/// "complete your account" form, nor into an account's empty fields at
/// linking, nor at a later sign-in.
async fn sync_never_copies_nothing(backend: Backend) {
    let standin = StandIn::start(None).await;
    let mut never = standin_provider("corp", ProviderKind::Oidc, &standin);
    never.trust_email = Some(true);
    never.sync = Some(SyncMode::Never);
    let app = standin_app(backend, vec![never]).await;
    standin.script(|s| s.claims = json!({"birthdate": "1970-01-01"}));
    let jars = TwoJars::new();
    let r = round_trip(&app, &jars.here, "corp").await;
    let (_, html) = app.page(&jars.here, &location(&r)).await;
    for field in ["given_name", "family_name", "birthdate"] {
        assert_eq!(value_of(&html, field), "", "{field} is not prefilled");
    }
    keeps_only_a_family_name(&app, "max@example.com");
    standin.script(|s| {
        s.subject = "standin-subject-max".into();
        s.email = "max@example.com".into();
    });
    for _ in 0..2 {
        let r = round_trip(&app, &browser(), "corp").await;
        assert_eq!(location(&r), "/account", "linked, then signed in");
        let account = account_by_email(&app, "max@example.com").unwrap();
        assert_eq!(account.given_name, "", "not filled");
        assert_eq!(account.family_name, "Keeps");
        assert_eq!(account.birthdate, None);
    }
    assert_eq!(identities(&app, "max@example.com").len(), 1);
}

/// Adding a sign-in method from My Profile needs a sign-in of the last
/// few minutes: an older session is sent to sign in again first, and
/// can link once it has.
async fn linking_from_my_profile_needs_a_fresh_sign_in(backend: Backend) {
    let f = federated(backend, true).await;
    let id = account(&f.app, "ned@example.com", false);
    let browser = browser();
    let sign_in = f.app.sign_in(&browser, "ned@example.com", PASSWORD).await;
    assert_eq!(sign_in.status(), 303);
    age_sessions(
        &f.app,
        &id,
        chrono::Duration::minutes(FRESH_FOR_LINKING_MINUTES + 1),
    );
    let link = || {
        f.app.submit(
            &browser,
            "/account",
            "/account/identities/link",
            &[("provider_id", "up")],
        )
    };
    let r = link().await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert_eq!(to, "/login?return_to=/account&notice=sign_in_to_link");
    let (_, page) = f.app.page(&browser, &to).await;
    assert!(page.contains("sign in again before adding"), "{page}");
    assert!(identities(&f.app, "ned@example.com").is_empty());
    let sign_in = f.app.sign_in(&browser, "ned@example.com", PASSWORD).await;
    assert_eq!(sign_in.status(), 303);
    let r = link().await;
    assert_eq!(r.status(), 303);
    let out = location(&r);
    assert!(
        out.starts_with(&format!("{}/authorize?", f.up.address)),
        "{out}"
    );
}

/// A browser that asks for German.
fn german_browser() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("Accept-Language", "de-DE,de;q=0.9".parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The federation pages and their failures speak the reader's language.
async fn federation_pages_speak_german(backend: Backend) {
    let f = federated(backend, false).await;
    // A new person: "complete your account", saying idp will verify.
    let mut jars = upstream_person(&f.up, "ute@example.com").await;
    jars.here = german_browser();
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    let (status, html) = f.app.page(&jars.here, &location(&r)).await;
    assert_eq!(status, 200);
    for german in [
        "<html lang=\"de\">",
        "Konto vervollständigen",
        "Wir senden einen Link an ute@example.com",
        "Neuigkeiten, Updates und Angebote",
    ] {
        assert!(html.contains(german), "{german}: {html}");
    }
    // An address with an account: proving it is theirs.
    account(&f.app, "udo@example.com", false);
    let mut jars = upstream_person(&f.up, "udo@example.com").await;
    jars.here = german_browser();
    let r = sign_in_through(&f.app, &jars, "up", "/account").await;
    let (_, html) = f.app.page(&jars.here, &location(&r)).await;
    for german in [
        "Konto verknüpfen",
        "Mit meinem Passwort bestätigen",
        "Code aus der E-Mail",
    ] {
        assert!(html.contains(german), "{german}: {html}");
    }
    // Failures: a foreign issuer, a forged state.
    for (path, status, german) in [
        (
            "/federation/up/login?iss=https%3A%2F%2Fevil.example",
            400,
            "Dieser Anmeldelink stammt nicht",
        ),
        (
            "/federation/up/callback?state=forged&code=x",
            400,
            "Diese Anmeldung ist abgelaufen",
        ),
    ] {
        let r = german_browser().get(f.app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"de\">"), "{path}: {html}");
        assert!(html.contains(german), "{path}: {html}");
    }
}

for_both_backends!(
    sync_always_copies_names_at_every_sign_in_never_the_address,
    sync_never_copies_nothing,
    linking_from_my_profile_needs_a_fresh_sign_in,
    federation_pages_speak_german,
    a_silent_provider_times_out,
    a_new_identity_becomes_an_account_and_returns_to_it,
    an_untrusted_address_is_verified_by_idp,
    a_trusted_verified_address_links_automatically,
    linking_fills_only_empty_names,
    an_untrusted_match_links_only_after_the_password,
    an_emailed_code_proves_ownership,
    a_verified_upstream_address_voids_an_unverified_registration,
    cancel_and_upstream_errors_end_on_a_page,
    missing_replayed_and_foreign_states_are_refused,
    upstream_key_rotation_is_followed,
    several_identities_link_and_the_last_way_in_stays,
    disabled_and_unknown_providers_get_a_page,
    initiated_login_and_an_unreachable_provider,
);
