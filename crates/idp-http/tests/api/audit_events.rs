//! The audit trail: each kind of event written by what causes it (pages,
//! the JSON and admin APIs, the command line), who and where it names,
//! that it holds no secrets, and how it is read (`listAuditEvents`, `idp
//! events tail`) and kept (retention).

use std::process::{Command, Stdio};

use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_clients::{admin, admin_call, admin_token};
use crate::helpers::*;
use crate::oauth_helpers::{code_flow, code_flow_with_consent};
use crate::oidc_helpers::account;
use crate::on_both_databases;

/// Every event matching `query` (newest first), through the admin API.
async fn events(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (status, body) = admin(
        app,
        token,
        Method::GET,
        &format!("/admin/audit-events?limit=200&{query}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["events"].as_array().unwrap().clone()
}

/// The newest event of `kind`; it must be there.
async fn newest(app: &TestApp, token: &str, kind: &str) -> Value {
    events(app, token, &format!("type={kind}"))
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {kind} event"))
}

fn idp(app: &TestApp, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idp"))
        .args(args)
        .args(["--database-url", &app.database_url])
        .env_clear()
        .env("IDP_DATA_DIR", &app.data_dir)
        .current_dir(&app.data_dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

on_both_databases! {
    async fn what_people_do_is_recorded_with_where_it_came_from(app) {
        let token = admin_token(&app).await;
        let client = app.signed_up_and_verified("pia@example.com", PASSWORD).await;
        let verified = newest(&app, &token, "email.verified").await;
        let id = verified["subject"].as_str().unwrap().to_owned();
        assert_eq!(verified["detail"]["sign_up"], true);

        // Refused sign-ins, each with its reason.
        let agent = reqwest::Client::builder().user_agent("Audit-Test/1.0").cookie_store(true)
            .redirect(reqwest::redirect::Policy::none()).build().unwrap();
        assert_eq!(app.sign_in(&agent, "pia@example.com", "Wrong-Password-1").await.status(), 401);
        assert_eq!(app.sign_in(&agent, "nobody@example.com", "Wrong-Password-1").await.status(), 401);
        let failed = events(&app, &token, "type=sign_in.failed").await;
        assert_eq!(failed.len(), 2, "{failed:?}");
        assert_eq!((&failed[1]["detail"]["reason"], &failed[1]["subject"], &failed[1]["outcome"]),
            (&json!("wrong_password"), &json!(id), &json!("failure")));
        assert_eq!((&failed[0]["detail"]["reason"], &failed[0]["detail"]["email"], &failed[0]["actor"]["kind"]),
            (&json!("unknown_account"), &json!("nobody@example.com"), &json!("anonymous")));
        assert_eq!(failed[0]["client_ip"], "127.0.0.1");
        assert_eq!(failed[0]["user_agent"], "Audit-Test/1.0");

        assert_eq!(app.sign_in(&agent, "pia@example.com", PASSWORD).await.status(), 303);
        let signed_in = newest(&app, &token, "sign_in.succeeded").await;
        assert_eq!((&signed_in["subject"], &signed_in["actor"]["id"], &signed_in["detail"]["method"]),
            (&json!(id), &json!(id), &json!("password")));

        // Consent, given and withdrawn.
        let created = app.idp.create_client(&idp_core::clients::NewClient {
            name: "Shop".into(),
            redirect_uris: vec![crate::oauth_helpers::REDIRECT_URI.into()],
            scopes: vec!["openid".into(), "email".into()],
            ..Default::default()
        }).unwrap();
        let shop = (created.client.client_id, created.secret.unwrap());
        code_flow_with_consent(&app, &agent, (&shop.0, Some(&shop.1)), "openid email").await;
        let granted = newest(&app, &token, "consent.granted").await;
        assert_eq!((&granted["client_id"], &granted["detail"]["scope"]), (&json!(shop.0), &json!("openid email")));
        let r = app.submit(&agent, "/account", "/account/apps/remove", &[("client_id", &shop.0)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(newest(&app, &token, "consent.withdrawn").await["client_id"], json!(shop.0));

        // A new password, then signing out.
        let new_password = "Another-Horse-Battery-9";
        let (status, _) = app.api(&agent, Method::POST, "/api/v1/profile/password", Some(json!({
            "current_password": PASSWORD, "new_password": new_password, "new_password_confirm": new_password}))).await;
        assert_eq!(status, 204);
        assert_eq!(newest(&app, &token, "password.changed").await["subject"], json!(id));
        let (status, _) = app.api(&agent, Method::DELETE, "/api/v1/session", None).await;
        assert_eq!(status, 204);
        assert_eq!(newest(&app, &token, "signed_out").await["subject"], json!(id));

        // Everything about the account, and no secret anywhere.
        let mine = events(&app, &token, &format!("account={id}")).await;
        let kinds: Vec<&str> = mine.iter().rev().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["email.verified", "sign_in.failed", "sign_in.succeeded", "consent.granted",
            "consent.withdrawn", "password.changed", "signed_out"]);
        let everything = serde_json::to_string(&events(&app, &token, "").await).unwrap();
        for secret in [PASSWORD, new_password, "Wrong-Password-1", &shop.1] {
            assert!(!everything.contains(secret), "a secret in the trail");
        }
        drop(client);
    }

    async fn credentials_addresses_companies_and_deletion_are_recorded(app) {
        let token = admin_token(&app).await;
        let client = app.signed_up_and_verified("ria@example.com", PASSWORD).await;
        assert_eq!(app.sign_in(&client, "ria@example.com", PASSWORD).await.status(), 303);
        let id = newest(&app, &token, "sign_in.succeeded").await["subject"].as_str().unwrap().to_owned();

        // A new address, confirmed from the mail sent to it.
        let r = app.submit(&client, "/account", "/account/email",
            &[("new_email", "rio@example.com"), ("current_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        let link = app.last_email_to("rio@example.com").await.link("/email/confirm?token=");
        let path = link.trim_start_matches(&app.address).to_owned();
        let confirm_token = path.split("token=").nth(1).unwrap().to_owned();
        let r = app.submit(&client, &path, "/email/confirm", &[("token", &confirm_token)]).await;
        assert_eq!(r.status(), 303);
        let changed = newest(&app, &token, "email.changed").await;
        assert_eq!((&changed["subject"], &changed["detail"]["from"], &changed["detail"]["to"]),
            (&json!(id), &json!("ria@example.com"), &json!("rio@example.com")));

        // A forgotten password, reset with the emailed code.
        let (status, _) = app.api(&browser(), Method::POST, "/api/v1/password/reset",
            Some(json!({"email": "rio@example.com"}))).await;
        assert_eq!(status, 202);
        let code = app.last_email_to("rio@example.com").await.code();
        let (_, body) = app.api(&browser(), Method::POST, "/api/v1/password/reset/verify",
            Some(json!({"email": "rio@example.com", "code": code}))).await;
        let new_password = "Reset-Horse-Battery-7";
        let (status, _) = app.api(&browser(), Method::POST, "/api/v1/password/reset/confirm",
            Some(json!({"reset_token": body["reset_token"], "password": new_password, "password_confirm": new_password}))).await;
        assert_eq!(status, 204);
        assert_eq!(newest(&app, &token, "password.reset").await["subject"], json!(id));

        // A company: its own trail's changes reach the operator's too.
        let client = browser();
        assert_eq!(app.sign_in(&client, "rio@example.com", new_password).await.status(), 303);
        let (status, org) = app.api(&client, Method::POST, "/api/v1/organizations", Some(json!({"name": "Ria GmbH"}))).await;
        assert_eq!(status, 201, "{org}");
        let company = newest(&app, &token, "organization.changed").await;
        assert_eq!((&company["detail"]["organization"], &company["actor"]["id"]), (&org["id"], &json!(id)));

        // Deleting the account (a company's last admin deletes the company first).
        let (status, _) = app.api(&client, Method::DELETE, &format!("/api/v1/organizations/{}", org["id"].as_str().unwrap()), None).await;
        assert_eq!(status, 204);
        let (status, _) = app.api(&client, Method::DELETE, "/api/v1/profile", Some(json!({"password": new_password}))).await;
        assert_eq!(status, 204);
        let deleted = newest(&app, &token, "account.deleted").await;
        assert_eq!((&deleted["subject"], &deleted["detail"]["email"]), (&json!(id), &json!("rio@example.com")));
        let everything = serde_json::to_string(&events(&app, &token, "").await).unwrap();
        for secret in [PASSWORD, new_password, code.as_str(), confirm_token.as_str()] {
            assert!(!everything.contains(secret), "a secret in the trail");
        }
    }

    async fn administrators_and_the_operator_are_named_as_the_actor(app) {
        let (admin_client, admin_secret) = crate::oauth_helpers::service_client(&app, "Admin tool", &["admin"]);
        let token = crate::oauth_helpers::client_token(&app, &admin_client, &admin_secret, "admin").await;
        let person = account(&app, "sam@example.com", false);
        let by_admin = json!({"kind": "client", "id": admin_client});

        let (_, created) = admin(&app, &token, Method::POST, "/admin/clients",
            Some(json!({"client_name": "Reports", "grant_types": ["client_credentials"], "scope": "reports"}))).await;
        let client_id = created["client_id"].as_str().unwrap();
        admin(&app, &token, Method::POST, &format!("/admin/clients/{client_id}/secret"), None).await;
        let (code, _) = admin(&app, &token, Method::PUT, &format!("/admin/clients/{client_id}"),
            Some(json!({"client_name": "Reports 2", "grant_types": ["client_credentials"], "scope": "reports"}))).await;
        assert_eq!(code, 200);
        admin(&app, &token, Method::DELETE, &format!("/admin/clients/{client_id}"), None).await;
        for kind in ["client.created", "client.secret_rotated", "client.updated", "client.deleted"] {
            let e = newest(&app, &token, kind).await;
            assert_eq!((&e["actor"], &e["client_id"]), (&by_admin, &json!(client_id)), "{kind}");
        }
        assert!(!serde_json::to_string(&events(&app, &token, "").await).unwrap()
            .contains(created["client_secret"].as_str().unwrap()), "no client secret");

        admin(&app, &token, Method::POST, &format!("/admin/users/{person}/disable"), None).await;
        admin(&app, &token, Method::PATCH, &format!("/admin/users/{person}"), Some(json!({"is_admin": true}))).await;
        let disabled = newest(&app, &token, "user.disabled").await;
        assert_eq!((&disabled["actor"], &disabled["subject"]), (&by_admin, &json!(person)));
        let updated = newest(&app, &token, "user.updated").await;
        assert_eq!((&updated["detail"]["changed"], &updated["detail"]["is_admin"]), (&json!(["is_admin"]), &json!(true)));
        let unverified = idp_core::accounts::NewUser {
            email: "uma@example.com".into(),
            password: PASSWORD.into(),
            ..Default::default()
        };
        let uma = app.idp.create_user(&unverified).unwrap().id;
        admin(&app, &token, Method::POST, &format!("/admin/users/{uma}/verification"), None).await;
        admin(&app, &token, Method::DELETE, &format!("/admin/users/{uma}/sessions"), None).await;
        let (code, _) = admin(&app, &token, Method::POST, "/admin/users/import",
            Some(json!({"users": [{"email": "imported@example.com"}]}))).await;
        assert_eq!(code, 200);
        for kind in ["user.verification_resent", "user.sessions_ended", "user.imported"] {
            let e = newest(&app, &token, kind).await;
            assert_eq!(e["actor"], by_admin, "{kind}");
        }

        let (_, provider) = admin(&app, &token, Method::POST, "/admin/providers", Some(json!({
            "id": "corp", "kind": "oidc", "issuer": "https://sso.corp.example.com", "client_id": "x",
            "client_secret": "provider-secret-value"}))).await;
        assert_eq!(provider["id"], "corp");
        let (code, _) = admin(&app, &token, Method::PUT, "/admin/providers/corp", Some(json!({
            "kind": "oidc", "issuer": "https://sso2.corp.example.com", "client_id": "x"}))).await;
        assert_eq!(code, 200);
        admin(&app, &token, Method::DELETE, "/admin/providers/corp", None).await;
        assert_eq!(newest(&app, &token, "provider.updated").await["detail"]["provider"], "corp");
        assert_eq!(newest(&app, &token, "provider.created").await["detail"]["provider"], "corp");
        assert_eq!(newest(&app, &token, "provider.deleted").await["actor"], by_admin);

        // The operator at the command line.
        let (code, _) = idp(&app, &["user", "enable", "--id", &person]);
        assert_eq!(code, Some(0));
        let (code, _) = idp(&app, &["user", "set-password", "--id", &person, "--password", "Operator-Set-Horse-5"]);
        assert_eq!(code, Some(0));
        let set = newest(&app, &token, "user.password_set").await;
        assert_eq!((&set["actor"]["kind"], &set["subject"]), (&json!("operator"), &json!(person)));
        let (code, _) = idp(&app, &["keys", "rotate"]);
        assert_eq!(code, Some(0));
        let enabled = newest(&app, &token, "user.enabled").await;
        assert_eq!((&enabled["actor"], &enabled["subject"]), (&json!({"kind": "operator", "id": null}), &json!(person)));
        let rotated = newest(&app, &token, "keys.rotated").await;
        assert_eq!(rotated["detail"]["new_kids"].as_array().unwrap().len(), 3);
        assert_eq!(rotated["client_ip"], Value::Null, "no address at the command line");
    }

    async fn a_lockout_is_recorded_as_such(app) {
        let token = admin_token(&app).await;
        let id = account(&app, "lou@example.com", false);
        let mut statuses = Vec::new();
        for _ in 0..7 {
            statuses.push(app.sign_in(&browser(), "lou@example.com", "Wrong-Password-1").await.status().as_u16());
        }
        assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
        let failed = events(&app, &token, "type=sign_in.failed").await;
        let reasons: Vec<&str> = failed.iter().rev().map(|e| e["detail"]["reason"].as_str().unwrap()).collect();
        assert_eq!(reasons.first(), Some(&"wrong_password"));
        assert_eq!(reasons.last(), Some(&"locked"), "{reasons:?}");
        assert!(failed.iter().all(|e| e["subject"] == json!(id)));
    }

    async fn the_trail_is_filtered_paged_and_guarded(app) {
        let token = admin_token(&app).await;
        for i in 0..5 {
            account(&app, &format!("p{i}@example.com"), false);
        }
        // Pages go back in time without gaps or repeats.
        let mut seen = Vec::new();
        let mut page_token = String::new();
        loop {
            let (status, body) = admin(&app, &token, Method::GET,
                &format!("/admin/audit-events?type=user.created&limit=2&page_token={page_token}"), None).await;
            assert_eq!(status, 200, "{body}");
            seen.extend(body["events"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()));
            match body["next_page_token"].as_str() {
                Some(t) => page_token = t.to_owned(),
                None => break,
            }
        }
        assert_eq!(seen.len(), 5);
        assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first: {seen:?}");

        let now = chrono::Utc::now();
        let later = (now + chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let earlier = (now - chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        assert_eq!(events(&app, &token, &format!("type=user.created&since={later}")).await.len(), 0);
        assert_eq!(events(&app, &token, &format!("type=user.created&since={earlier}&until={later}")).await.len(), 5);

        for query in ["type=sign_in.maybe", "since=yesterday", "until=2026-13-01T00:00:00Z", "limit=0", "page_token=abc", "account="] {
            let (status, body) = admin(&app, &token, Method::GET, &format!("/admin/audit-events?{query}"), None).await;
            assert_eq!((status, &body["error"]), (422, &json!("invalid_input")), "{query}: {body}");
        }
        let (status, body) = admin(&app, &token, Method::GET, "/admin/audit-events?colour=red", None).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_request")), "{body}");
        let (status, _, _) = admin_call(&app, None, Method::GET, "/admin/audit-events", None).await;
        assert_eq!(status, 401);
        let shop = crate::oauth_helpers::web_app(&app, "Shop", &["openid"]);
        let (_, person) = crate::oauth_helpers::signed_in_person(&app, "nosy@example.com", false).await;
        let tokens = code_flow(&app, &person, (&shop.0, &shop.1), "openid").await.unwrap();
        let (status, _) = admin(&app, tokens["access_token"].as_str().unwrap(), Method::GET, "/admin/audit-events", None).await;
        assert_eq!(status, 403, "a person's own token does not read the trail");
    }

    async fn events_tail_prints_and_follows(app) {
        for i in 0..4 {
            account(&app, &format!("t{i}@example.com"), false);
        }
        let (code, out) = idp(&app, &["events", "tail", "--limit", "3", "--type", "user.created", "--json"]);
        assert_eq!(code, Some(0), "{out}");
        let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0]["id"].as_i64() < lines[2]["id"].as_i64(), "oldest of the three first");
        let (code, out) = idp(&app, &["events", "tail", "--type", "user.created"]);
        assert_eq!(code, Some(0));
        assert_eq!(out.lines().filter(|l| l.contains("user.created")).count(), 4, "{out}");
        let (code, _) = idp(&app, &["events", "tail", "--type", "nonsense"]);
        assert_eq!(code, Some(2));

        // --follow prints what comes later, once.
        let mut child = Command::new(env!("CARGO_BIN_EXE_idp"))
            .args(["events", "tail", "--follow", "--json", "--limit", "1", "--type", "user.created",
                "--database-url", &app.database_url])
            .env_clear()
            .env("IDP_DATA_DIR", &app.data_dir)
            .current_dir(&app.data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines_rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the newest event");
        assert!(first.contains("t3@example.com") || first.contains("user.created"), "{first}");
        let later = account(&app, "later@example.com", false);
        let next = lines_rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the new event");
        let next: Value = serde_json::from_str(&next).unwrap();
        assert_eq!(next["subject"], json!(later));
        assert!(lines_rx.recv_timeout(std::time::Duration::from_millis(2500)).is_err(), "nothing twice");
        let _ = child.kill();
        let _ = child.wait();
    }

    async fn housekeeping_drops_events_past_their_retention(app) {
        let token = admin_token(&app).await;
        account(&app, "old@example.com", false);
        account(&app, "new@example.com", false);
        let old = events(&app, &token, "type=user.created").await.last().unwrap()["id"].as_i64().unwrap();
        // Made old by hand: housekeeping keeps 365 days by default.
        app.idp.db.write(|conn| {
            use diesel::prelude::*;
            diesel::sql_query(format!("UPDATE audit_events SET at = '2020-01-01 00:00:00' WHERE id = {old}"))
                .execute(conn)
                .map_err(idp_core::db::StoreError::from)
        }).unwrap();
        app.idp.purge_expired().unwrap();
        let left: Vec<i64> = events(&app, &token, "type=user.created").await.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert_eq!(left.len(), 1);
        assert!(!left.contains(&old));
    }
}
