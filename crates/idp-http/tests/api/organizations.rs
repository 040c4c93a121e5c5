//! Organizations through the JSON API: who may do what, inheritance down
//! the tree, the last admin, and the claim apps read.

use reqwest::Method;
use serde_json::{json, Value};

use crate::introspection::introspect;
use crate::oauth_helpers::{json_call, userinfo};
use crate::oidc_helpers::jwt_parts;
use crate::on_both_databases;
use crate::org_helpers::*;

fn ids(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {list}"))
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn a_member_reads_but_only_an_admin_changes(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        join(&app, &alice, &acme, &bob, "member").await;

        let (status, org) = call(&app, &bob, Method::GET, &format!("/organizations/{acme}"), None).await;
        assert_eq!(status, 200, "{org}");
        assert_eq!(org["name"], "Acme");
        assert_eq!(org["role"], "member");
        let (status, members) = call(&app, &bob, Method::GET, &format!("/organizations/{acme}/members"), None).await;
        assert_eq!(status, 200);
        assert_eq!(members["members"].as_array().unwrap().len(), 2);

        // Everything an admin does is refused to a member, with a reason.
        let refused: Vec<(Method, String, Option<Value>)> = vec![
            (Method::PATCH, format!("/organizations/{acme}"), Some(json!({"name": "Mine"}))),
            (Method::DELETE, format!("/organizations/{acme}"), None),
            (Method::POST, format!("/organizations/{acme}/branches"), Some(json!({"name": "B"}))),
            (Method::POST, format!("/organizations/{acme}/invitations"), Some(json!({"email": "x@acme.test", "role": "member"}))),
            (Method::GET, format!("/organizations/{acme}/invitations"), None),
            (Method::PATCH, format!("/organizations/{acme}/members/{}", alice.id), Some(json!({"role": "member"}))),
            (Method::DELETE, format!("/organizations/{acme}/members/{}", alice.id), None),
            (Method::DELETE, format!("/organizations/{acme}/logo"), None),
            (Method::POST, format!("/organizations/{acme}/domains"), Some(json!({"domain": "acme.test"}))),
            (Method::GET, format!("/organizations/{acme}/events"), None),
        ];
        for (method, path, body) in refused {
            let (status, answer) = call(&app, &bob, method.clone(), &path, body).await;
            assert_eq!(status, 403, "{method} {path}: {answer}");
            assert_eq!(answer["error"], "admin_only", "{method} {path}");
            assert!(answer["error_description"].as_str().unwrap().contains("administrator"));
        }
        let (status, _) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}"), None).await;
        assert_eq!(status, 200, "nothing changed");
    }

    async fn a_non_member_learns_nothing(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let eve = person(&app, &portal, "eve@evil.test").await;
        let acme = company(&app, &alice, "Acme").await;
        for suffix in ["", "/members", "/branches", "/logo", "/agreements", "/domains", "/events", "/invitations"] {
            let (real, real_body) = call(&app, &eve, Method::GET, &format!("/organizations/{acme}{suffix}"), None).await;
            let (random, random_body) = call(&app, &eve, Method::GET, &format!("/organizations/AAAAAAAAAAAAAAAAAAAAAA{suffix}"), None).await;
            assert_eq!((real, random), (404, 404), "{suffix}");
            assert_eq!(real_body, random_body, "{suffix}: the answers must not differ");
        }
        let (status, _) = call(&app, &eve, Method::POST, &format!("/organizations/{acme}/branches"), Some(json!({"name": "Mine"}))).await;
        assert_eq!(status, 404);
        let (status, _) = call(&app, &eve, Method::POST, &format!("/organizations/{acme}/leave"), None).await;
        assert_eq!(status, 404);
        let (_, mine) = call(&app, &eve, Method::GET, "/organizations", None).await;
        assert_eq!(ids(&mine, "organizations"), Vec::<String>::new());
    }

    async fn admin_rights_flow_down_three_levels_and_never_up(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let dave = person(&app, &portal, "dave@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let europe = branch(&app, &alice, &acme, "Europe").await;
        let berlin = branch(&app, &alice, &europe, "Berlin").await;
        // Alice is admin of Berlin through Acme: she invites there.
        join(&app, &alice, &berlin, &dave, "admin").await;

        let (_, b) = call(&app, &alice, Method::GET, &format!("/organizations/{berlin}"), None).await;
        assert_eq!((b["role"].as_str(), b["direct_role"].as_str()), (Some("admin"), None));
        assert_eq!(b["path"], json!([acme, europe]));
        assert_eq!(b["parent_id"], json!(europe));

        // Dave administers Berlin, and nothing above it.
        let kreuzberg = branch(&app, &dave, &berlin, "Kreuzberg").await;
        let (status, _) = call(&app, &dave, Method::GET, &format!("/organizations/{europe}"), None).await;
        assert_eq!(status, 404);
        let (status, _) = call(&app, &dave, Method::PATCH, &format!("/organizations/{acme}"), Some(json!({"name": "Dave Inc"}))).await;
        assert_eq!(status, 404);
        let (_, k) = call(&app, &dave, Method::GET, &format!("/organizations/{kreuzberg}"), None).await;
        assert_eq!(k["role"], "admin");

        // The claim: effective roles and paths, as apps read them.
        let tokens = alice.fresh_tokens(&app, &portal).await;
        let (_, claims) = jwt_parts(tokens["id_token"].as_str().unwrap());
        let orgs = claims["organizations"].as_array().expect("organizations claim");
        let by_id = |id: &str| orgs.iter().find(|o| o["id"] == id).cloned().unwrap_or_else(|| panic!("{id} missing from {orgs:?}"));
        assert_eq!(orgs.len(), 4, "{orgs:?}");
        assert_eq!(by_id(&acme), json!({"id": acme, "name": "Acme", "role": "admin", "parent_id": null, "path": []}));
        assert_eq!(by_id(&kreuzberg)["path"], json!([acme, europe, berlin]));
        assert_eq!(by_id(&kreuzberg)["role"], "admin");

        let dave_tokens = dave.fresh_tokens(&app, &portal).await;
        let access = dave_tokens["access_token"].as_str().unwrap();
        let (status, info) = userinfo(&app, access).await;
        assert_eq!(status, 200);
        let theirs: Vec<&str> = info["organizations"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert_eq!(theirs, ["Berlin", "Kreuzberg"]);
        assert!(info["organizations"].as_array().unwrap().iter().all(|o| o["role"] == "admin"));
        let answer = introspect(&app, (&portal.0, &portal.1), access).await;
        assert_eq!(answer["organizations"], info["organizations"]);
    }

    async fn the_last_admin_of_a_company_stays(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        join(&app, &alice, &acme, &bob, "member").await;
        let me = format!("/organizations/{acme}/members/{}", alice.id);
        for (method, path, body) in [
            (Method::POST, format!("/organizations/{acme}/leave"), None),
            (Method::PATCH, me.clone(), Some(json!({"role": "member"}))),
            (Method::DELETE, me.clone(), None),
        ] {
            let (status, answer) = call(&app, &alice, method, &path, body).await;
            assert_eq!(status, 409, "{path}: {answer}");
            assert_eq!(answer["error"], "last_admin");
        }
        // With a second admin, the first may go.
        let (status, _) = call(&app, &alice, Method::PATCH, &format!("/organizations/{acme}/members/{}", bob.id), Some(json!({"role": "admin"}))).await;
        assert_eq!(status, 204);
        let (status, _) = call(&app, &alice, Method::POST, &format!("/organizations/{acme}/leave"), None).await;
        assert_eq!(status, 204);
        let (status, _) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}"), None).await;
        assert_eq!(status, 404, "gone is gone");
        // A branch may lose its own admins: the company's still rule it.
        let europe = branch(&app, &bob, &acme, "Europe").await;
        let (status, _) = call(&app, &bob, Method::GET, &format!("/organizations/{europe}/members"), None).await;
        assert_eq!(status, 200);
        let (status, answer) = call(&app, &bob, Method::POST, &format!("/organizations/{europe}/leave"), None).await;
        assert_eq!(status, 422, "bob is no direct member of the branch: {answer}");
        // Roles are only admin or member.
        let (status, _) = call(&app, &bob, Method::PATCH, &format!("/organizations/{acme}/members/{}", bob.id), Some(json!({"role": "owner"}))).await;
        assert_eq!(status, 422);
    }

    async fn the_last_admin_cannot_delete_their_account_either(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        join(&app, &alice, &acme, &bob, "member").await;
        let delete = |who: &Person| {
            let (app, browser) = (&app, who.browser.clone());
            async move {
                app.api(&browser, Method::DELETE, "/api/v1/profile", Some(json!({"password": crate::helpers::PASSWORD}))).await
            }
        };
        let (status, answer) = delete(&alice).await;
        assert_eq!(status, 409, "{answer}");
        assert_eq!(answer["error"], "last_admin");
        assert!(answer["error_description"].as_str().unwrap().contains("Acme"), "{answer}");
        // A member may go; with another admin, so may Alice.
        let (status, _) = delete(&bob).await;
        assert_eq!(status, 204);
        let carol = person(&app, &portal, "carol@acme.test").await;
        join(&app, &alice, &acme, &carol, "admin").await;
        let (status, _) = delete(&alice).await;
        assert_eq!(status, 204);
        let (_, members) = call(&app, &carol, Method::GET, &format!("/organizations/{acme}/members"), None).await;
        assert_eq!(members["members"].as_array().unwrap().len(), 1);
    }

    async fn lists_are_paginated(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        for name in ["A", "B", "C"] {
            branch(&app, &alice, &acme, name).await;
        }
        let mut seen = Vec::new();
        let mut path = format!("/organizations/{acme}/branches?limit=2");
        loop {
            let (status, page) = call(&app, &alice, Method::GET, &path, None).await;
            assert_eq!(status, 200, "{page}");
            seen.extend(page["branches"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap().to_owned()));
            match page["next_page_token"].as_str() {
                Some(next) => path = format!("/organizations/{acme}/branches?limit=2&page_token={next}"),
                None => break,
            }
        }
        assert_eq!(seen, ["A", "B", "C"]);
        for bad in ["limit=0", "limit=201", "page_token=-1", "page_token=x", "sort=name"] {
            let (status, answer) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}/branches?{bad}"), None).await;
            assert!(status == 400 || status == 422, "{bad}: {status} {answer}");
        }
    }

    async fn callers_need_the_scope_or_a_session(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let url = app.url(&format!("/api/v1/organizations/{acme}"));
        let (status, _, _) = json_call(Method::GET, &url, None, None).await;
        assert_eq!(status, 401);
        let (status, _, _) = json_call(Method::GET, &url, Some("not-a-token"), None).await;
        assert_eq!(status, 401);
        // A token without the scope, and a client's own token.
        let plain = crate::oauth_helpers::code_flow(&app, &alice.browser, (&portal.0, &portal.1), "openid email").await.unwrap();
        let (status, _, body) = json_call(Method::GET, &url, plain["access_token"].as_str(), None).await;
        assert_eq!(status, 403, "{body}");
        let (id, secret) = crate::oauth_helpers::service_client(&app, "Robot", &["organizations"]);
        let robot = crate::oauth_helpers::client_token(&app, &id, &secret, "organizations").await;
        let (status, _, _) = json_call(Method::GET, &url, Some(&robot), None).await;
        assert_eq!(status, 403);
        // idp's own pages use the session cookie, with CSRF on changes.
        let (status, org) = app.api(&alice.browser, Method::GET, &format!("/api/v1/organizations/{acme}"), None).await;
        assert_eq!(status, 200, "{org}");
        let (status, _) = app.api(&alice.browser, Method::PATCH, &format!("/api/v1/organizations/{acme}"), Some(json!({"name": "Acme AG"}))).await;
        assert_eq!(status, 200);
        let forged = alice.browser.patch(&url).json(&json!({"name": "Forged"})).send().await.unwrap();
        assert_eq!(forged.status(), 403, "no CSRF token, no change");
        let (_, org) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}"), None).await;
        assert_eq!(org["name"], "Acme AG");
        // Bad names.
        for name in [json!(""), json!("   "), json!("x".repeat(201)), json!("a\u{0007}b"), json!(5)] {
            let (status, answer) = call(&app, &alice, Method::POST, "/organizations", Some(json!({"name": name}))).await;
            assert!(status == 422 || status == 400, "{name}: {status} {answer}");
        }
    }

    async fn deleting_a_company_takes_its_branches(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let europe = branch(&app, &alice, &acme, "Europe").await;
        let berlin = branch(&app, &alice, &europe, "Berlin").await;
        let (status, _) = call(&app, &alice, Method::DELETE, &format!("/organizations/{europe}"), None).await;
        assert_eq!(status, 204);
        for gone in [&europe, &berlin] {
            let (status, _) = call(&app, &alice, Method::GET, &format!("/organizations/{gone}"), None).await;
            assert_eq!(status, 404);
        }
        let (_, events) = call(&app, &alice, Method::GET, &format!("/organizations/{acme}/events"), None).await;
        let actions: Vec<&str> = events["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["branch.deleted", "branch.created", "organization.created"]);
        assert_eq!(events["events"][0]["actor_email"], "alice@acme.test");
        assert_eq!(events["events"][0]["client_ip"], "127.0.0.1");
        let (status, _) = call(&app, &alice, Method::DELETE, &format!("/organizations/{acme}"), None).await;
        assert_eq!(status, 204);
        let (_, mine) = call(&app, &alice, Method::GET, "/organizations", None).await;
        assert_eq!(ids(&mine, "organizations"), Vec::<String>::new());
    }
}
