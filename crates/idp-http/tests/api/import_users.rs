//! Moving accounts in and out: `idp user import` (hashes made by
//! third-party tools: Python's bcrypt and hashlib, Keycloak's stored form),
//! the admin API's `importUsers`, and `idp user export`.

use std::process::{Command, Stdio};

use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_clients::{admin, admin_call, admin_token};
use crate::helpers::*;
use crate::on_both_databases;

/// The password of every account in the fixture (see make-import-users.py).
const IMPORTED_PASSWORD: &str = "Imported-Pass!2026";

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-users.jsonl")
}

/// `idp user …` against the app's database with `--json`: exit code and JSON.
fn idp_user(app: &TestApp, args: &[&str], input: Option<&str>) -> (Option<i32>, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_idp"))
        .arg("user")
        .args(args)
        .args(["--json", "--database-url", &app.database_url])
        .env_clear()
        .env("IDP_DATA_DIR", &app.data_dir)
        .current_dir(&app.data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("idp runs");
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, input.unwrap_or("").as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), value)
}

fn stored_hash(app: &TestApp, email: &str) -> Option<String> {
    let address = idp_core::accounts::EmailAddress::parse(email).unwrap();
    app.idp
        .db
        .read(|c| {
            idp_core::accounts::Account::find_by_email(c, &address)
                .map_err(idp_core::db::StoreError::from)
        })
        .unwrap()
        .expect("the account exists")
        .password_hash
}

fn outcomes(report: &Value) -> Vec<(u64, String)> {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

on_both_databases! {
    async fn hashes_from_other_systems_sign_in_and_become_argon2id(app) {
        let path = fixture();
        let (code, report) = idp_user(&app, &["import", path.to_str().unwrap()], None);
        assert_eq!(code, Some(0), "{report}");
        assert_eq!((report["created"].as_u64(), report["refused"].as_u64()), (Some(6), Some(0)), "{report}");

        for email in ["bcrypt-2b@example.com", "bcrypt-2y@example.com", "pbkdf2@example.com",
            "scrypt@example.com", "keycloak@example.com"] {
            let before = stored_hash(&app, email).unwrap();
            assert!(!before.starts_with("$argon2"), "{email}: {before}");
            // A wrong password is wrong, and changes nothing.
            assert_eq!(app.sign_in(&browser(), email, "Imported-Pass!2025").await.status(), 401, "{email}");
            assert_eq!(stored_hash(&app, email).unwrap(), before);
            assert_eq!(app.sign_in(&browser(), email, IMPORTED_PASSWORD).await.status(), 303, "{email}");
            let after = stored_hash(&app, email).unwrap();
            assert!(after.starts_with("$argon2id$"), "{email} was rehashed: {after}");
            assert_eq!(app.sign_in(&browser(), email, IMPORTED_PASSWORD).await.status(), 303, "{email} again");
        }
        assert_eq!(stored_hash(&app, "nopassword@example.com"), None);

        // Importing again changes nothing: every line is skipped.
        let (code, report) = idp_user(&app, &["import", path.to_str().unwrap()], None);
        assert_eq!(code, Some(0));
        assert_eq!((report["created"].as_u64(), report["skipped"].as_u64()), (Some(0), Some(6)), "{report}");
    }

    async fn bad_lines_are_reported_and_nothing_of_them_is_kept(app) {
        let good = json!({"email": "good@example.com", "email_verified": true, "given_name": "Gus",
            "password_hash": "$pbkdf2-sha256$i=1000,l=32$c2FsdHNhbHRzYWx0c2FsdA$8AmJ3vHsDrzJzWTdn+Y1WMmeOxdNHQmDyX4QJ4lbwCc"});
        let costly = format!("$2b$17${}", "a".repeat(53));
        let input = [
            good.to_string(),
            "{not json".to_owned(),
            json!({"email": "extra@example.com", "admin": true}).to_string(),
            json!({"email": "not an address"}).to_string(),
            String::new(),
            json!({"email": "md5@example.com", "password_hash": "$1$abc$def"}).to_string(),
            json!({"email": "slow@example.com", "password_hash": costly}).to_string(),
            json!({"email": "name@example.com", "given_name": "<b>"}).to_string(),
            json!({"email": "born@example.com", "birthdate": "2999-01-01"}).to_string(),
            json!({"email": "Good@Example.com"}).to_string(),
            "x".repeat(20_000),
        ]
        .join("\n");
        let (code, report) = idp_user(&app, &["import", "-"], Some(&input));
        assert_eq!(code, Some(0), "a report, not a failure: {report}");
        let expected: Vec<(u64, String)> = [
            (1, "created"), (2, "refused"), (3, "refused"), (4, "refused"), (6, "refused"),
            (7, "refused"), (8, "refused"), (9, "refused"), (10, "skipped"), (11, "refused"),
        ].iter().map(|(l, o)| (*l, o.to_string())).collect();
        assert_eq!(outcomes(&report), expected, "{report}");
        let reason = |line: usize| report["lines"].as_array().unwrap().iter()
            .find(|l| l["line"] == line).unwrap()["reason"].as_str().unwrap().to_owned();
        assert!(reason(3).contains("admin"), "{}", reason(3));
        assert!(reason(6).contains("supported form"), "{}", reason(6));
        assert!(reason(7).contains("costs more"), "{}", reason(7));
        assert!(reason(11).contains("16 KiB"), "{}", reason(11));
        // Only the good line made an account.
        let token = admin_token(&app).await;
        let (_, list) = admin(&app, &token, Method::GET, "/admin/users", None).await;
        let emails: Vec<&str> = list["users"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
        assert_eq!(emails, ["good@example.com"]);

        let (code, value) = idp_user(&app, &["import", "/nonexistent/users.jsonl"], None);
        assert_eq!((code, &value["error"]), (Some(1), &json!("invalid_input")), "{value}");
    }

    async fn administrators_import_through_the_api(app) {
        let token = admin_token(&app).await;
        let users: Vec<Value> = std::fs::read_to_string(fixture()).unwrap().lines()
            .map(|l| serde_json::from_str(l).unwrap()).collect();
        let mut body = users.clone();
        body.push(json!({"email": "broken"}));
        body.push(json!("not an object"));
        let (status, report) = admin(&app, &token, Method::POST, "/admin/users/import", Some(json!({"users": body}))).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!((report["created"].as_u64(), report["refused"].as_u64()), (Some(6), Some(2)), "{report}");
        assert_eq!(app.sign_in(&browser(), "scrypt@example.com", IMPORTED_PASSWORD).await.status(), 303);

        let (status, report) = admin(&app, &token, Method::POST, "/admin/users/import", Some(json!({"users": users}))).await;
        assert_eq!((status, report["skipped"].as_u64()), (200, Some(6)));

        // Who may call it, and what bodies it takes.
        let (status, _, _) = admin_call(&app, None, Method::POST, "/admin/users/import", Some(json!({"users": []}))).await;
        assert_eq!(status, 401);
        let many: Vec<Value> = (0..1001).map(|i| json!({"email": format!("u{i}@example.com")})).collect();
        let (status, body) = admin(&app, &token, Method::POST, "/admin/users/import", Some(json!({"users": many}))).await;
        assert_eq!((status, &body["error"]), (422, &json!("invalid_input")), "{body}");
        let (status, body) = admin(&app, &token, Method::POST, "/admin/users/import", Some(json!({"people": []}))).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_request")), "{body}");
        let r = reqwest::Client::new().post(app.url("/api/v1/admin/users/import")).bearer_auth(&token)
            .header("Content-Type", "text/plain").body("{\"users\": []}").send().await.unwrap();
        assert_eq!(r.status(), 415);
        let huge = format!("{{\"users\": [\"{}\"]}}", "x".repeat(1_100_000));
        let r = reqwest::Client::new().post(app.url("/api/v1/admin/users/import")).bearer_auth(&token)
            .header("Content-Type", "application/json").body(huge).send().await.unwrap();
        assert_eq!(r.status(), 413);
    }

    async fn an_export_imports_elsewhere_with_its_passwords(app) {
        let path = fixture();
        idp_user(&app, &["import", path.to_str().unwrap()], None);
        crate::oidc_helpers::account(&app, "native@example.com", false);
        assert_eq!(app.sign_in(&browser(), "pbkdf2@example.com", IMPORTED_PASSWORD).await.status(), 303);

        let file = app.data_dir.join("export.jsonl");
        let (code, value) = idp_user(&app, &["export", "--output", file.to_str().unwrap()], None);
        assert_eq!(code, Some(0), "{value}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "password hashes are for the owner's eyes");
        }
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(text.lines().count(), 7);
        let native: Value = text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap())
            .find(|r| r["email"] == "native@example.com").unwrap();
        assert!(native["password_hash"].as_str().unwrap().starts_with("$argon2id$"));
        assert_eq!(native["given_name"], "Ada");

        // Another idp takes the file as it is.
        let other = TestApp::spawn(Backend::Sqlite).await;
        let (code, report) = idp_user(&other, &["import", file.to_str().unwrap()], None);
        assert_eq!((code, report["created"].as_u64()), (Some(0), Some(7)), "{report}");
        assert_eq!(other.sign_in(&browser(), "native@example.com", PASSWORD).await.status(), 303);
        assert_eq!(other.sign_in(&browser(), "pbkdf2@example.com", IMPORTED_PASSWORD).await.status(), 303);
        assert_eq!(other.sign_in(&browser(), "bcrypt-2b@example.com", IMPORTED_PASSWORD).await.status(), 303);
    }
}
