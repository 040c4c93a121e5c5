//! The `idp` command line, run as a process against both databases.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::*;
use crate::on_both_databases;
use crate::serve_process::ServeProcess;

fn idp(data_dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let (code, out, err) = idp_with_input(data_dir, args, None);
    (code == Some(0), out, err)
}

/// Runs idp with `input` on its standard input (none: nothing, and no
/// terminal either); the exit code, standard output and standard error.
fn idp_with_input(
    data_dir: &std::path::Path,
    args: &[&str],
    input: Option<&str>,
) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_idp"))
        .args(args)
        .env_clear()
        .env("IDP_DATA_DIR", data_dir)
        .current_dir(data_dir)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("idp runs");
    if let Some(input) = input {
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().expect("idp ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs idp with `--json` on the database at `url`: the exit code, what it
/// printed as JSON (`Null` when nothing), and standard error.
fn idp_json(
    data_dir: &std::path::Path,
    url: &str,
    args: &[&str],
) -> (Option<i32>, serde_json::Value, String) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--json", "--database-url", url]);
    let (code, out, err) = idp_with_input(data_dir, &all, None);
    let value = serde_json::from_str(&out).unwrap_or(serde_json::Value::Null);
    (code, value, err)
}

/// [`idp_json`] for a command that must succeed: its JSON.
fn idp_json_ok(data_dir: &std::path::Path, url: &str, args: &[&str]) -> serde_json::Value {
    let (code, value, err) = idp_json(data_dir, url, args);
    assert_eq!(code, Some(0), "{args:?}: {value} {err}");
    value
}

on_both_databases! {
    async fn an_operator_creates_a_user_who_can_then_sign_in(app) {
        // The operator's commands use the server's configuration and data folder.
        let dir = app.data_dir.clone();
        let url = app.database_url.clone();
        let (ok, out, _) = idp(&dir, &["migrate", "--json", "--database-url", &url]);
        assert!(ok, "{out}");
        let migrated: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(migrated["migrations_applied"], 0, "the server already migrated");

        let args = ["user", "create", "--email", "Op@Example.com", "--password", PASSWORD,
            "--verified", "--admin", "--given-name", "Olga", "--json", "--database-url", &url];
        let (ok, out, err) = idp(&dir, &args);
        assert!(ok, "{out}{err}");
        let created: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(created["email"], "op@example.com");
        assert_eq!(created["is_admin"], true);
        assert!(app.emails().is_empty(), "operators' accounts get no email");
        assert_eq!(app.sign_in(&browser(), "op@example.com", PASSWORD).await.status(), 303);

        // The same address again is reported plainly to the operator.
        let (ok, out, _) = idp(&dir, &args);
        assert!(!ok);
        let error: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(error["error"], "invalid_input");
        assert!(error["error_description"].as_str().unwrap().contains("--email"));

        let (ok, _, err) = idp(&dir, &["user", "create", "--email", "w@example.com", "--password", "weak", "--database-url", &url]);
        assert!(!ok);
        assert!(err.contains("--password") && err.contains("at least 8"), "{err}");
    }
}

on_both_databases! {
    async fn a_password_from_standard_input_stays_off_the_command_line(app) {
        let dir = app.data_dir.clone();
        let url = app.database_url.clone();
        let create = |email: &'static str| ["user", "create", "--email", email, "--password-stdin", "--verified", "--database-url", url.as_str()];
        // One line; its line ending is not part of the password, the rest is ignored.
        let input = format!("{PASSWORD}\nsecond line\n");
        let (code, out, err) = idp_with_input(&dir, &create("stdin@example.com"), Some(&input));
        assert_eq!(code, Some(0), "{out}{err}");
        assert_eq!(app.sign_in(&browser(), "stdin@example.com", PASSWORD).await.status(), 303);
        let (code, out, err) = idp_with_input(&dir, &create("crlf@example.com"), Some(&format!("{PASSWORD}\r\n")));
        assert_eq!(code, Some(0), "{out}{err}");
        assert_eq!(app.sign_in(&browser(), "crlf@example.com", PASSWORD).await.status(), 303);

        // An empty line, or nothing at all, is no password.
        for input in ["\n", ""] {
            let (code, _, err) = idp_with_input(&dir, &create("empty@example.com"), Some(input));
            assert_eq!(code, Some(1), "{input:?}: {err}");
            assert!(err.contains("--password-stdin") && err.contains("no password"), "{err}");
        }
        // The password is still checked against the policy.
        let (code, _, err) = idp_with_input(&dir, &create("weak@example.com"), Some("weak\n"));
        assert_eq!(code, Some(1));
        assert!(err.contains("at least 8"), "{err}");
        // None of that made an account: the address is still free.
        let (code, out, err) = idp_with_input(&dir, &create("empty@example.com"), Some(&format!("{PASSWORD}\n")));
        assert_eq!(code, Some(0), "{out}{err}");
    }
}

on_both_databases! {
    async fn an_operator_finds_disables_and_deletes_accounts(app) {
        let dir = app.data_dir.clone();
        let url = app.database_url.clone();
        let run = |args: &[&str]| idp_json(&dir, &url, args);
        let user = |args: &[&str]| idp_json_ok(&dir, &url, args);
        let made = user(&["user", "create", "--email", "kai@example.com", "--password", PASSWORD, "--verified"]);
        let id = made["id"].as_str().unwrap().to_owned();
        user(&["user", "create", "--email", "lee@example.com", "--password", PASSWORD]);

        let list = user(&["user", "list", "--email", "KAI"]);
        assert_eq!(list["users"].as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list["users"][0]["id"], id.as_str());
        let page = user(&["user", "list", "--limit", "1"]);
        assert!(page["next_page_token"].is_string(), "{page}");
        let shown = user(&["user", "show", "--id", &id]);
        assert_eq!(shown["email"], "kai@example.com");
        assert_eq!((&shown["phone_number"], &shown["address"]), (&serde_json::Value::Null, &serde_json::Value::Null), "{shown}");

        // Disabled: the password no longer signs in; enabled: it does again.
        assert_eq!(user(&["user", "disable", "--email", "kai@example.com"])["disabled"], true);
        assert_eq!(app.sign_in(&browser(), "kai@example.com", PASSWORD).await.status(), 403);
        assert_eq!(user(&["user", "enable", "--id", &id])["disabled"], false);
        assert_eq!(app.sign_in(&browser(), "kai@example.com", PASSWORD).await.status(), 303);

        // A new password from standard input; the old one stops working.
        let new_password = "Another-Correct-Horse-42";
        let args = ["user", "set-password", "--id", id.as_str(), "--password-stdin", "--json", "--database-url", url.as_str()];
        let (code, out, err) = idp_with_input(&dir, &args, Some(&format!("{new_password}\n")));
        assert_eq!(code, Some(0), "{out}{err}");
        assert_eq!(app.sign_in(&browser(), "kai@example.com", PASSWORD).await.status(), 401);
        assert_eq!(app.sign_in(&browser(), "kai@example.com", new_password).await.status(), 303);
        assert!(app.last_email_to("kai@example.com").await.subject.to_lowercase().contains("password"));

        // An unverified account verified by the operator can sign in.
        assert_eq!(app.sign_in(&browser(), "lee@example.com", PASSWORD).await.status(), 403);
        assert_eq!(user(&["user", "verify", "--email", "lee@example.com"])["email_verified"], true);
        assert_eq!(app.sign_in(&browser(), "lee@example.com", PASSWORD).await.status(), 303);

        // Deleting asks for --yes without a terminal; then the account is gone.
        let (code, value, _) = run(&["user", "delete", "--id", &id]);
        assert_eq!((code, &value["error"]), (Some(2), &serde_json::json!("usage")), "{value}");
        user(&["user", "show", "--id", &id]);
        user(&["user", "delete", "--id", &id, "--yes"]);
        let (code, value, _) = run(&["user", "show", "--id", &id]);
        assert_eq!((code, &value["error"]), (Some(1), &serde_json::json!("not_found")), "{value}");

        // Mistakes are usage errors, caught before anything is opened.
        for args in [
            &["user", "show"][..],
            &["user", "show", "--id", "x", "--email", "a@example.com"],
            &["user", "list", "--limit", "0"],
            &["user", "disabel", "--id", "x"],
        ] {
            let (code, _, err) = run(args);
            assert_eq!(code, Some(2), "{args:?}: {err}");
        }
        let (_, _, err) = run(&["user", "disabel", "--id", "x"]);
        assert!(err.contains("disable"), "clap suggests the command meant: {err}");
        let (code, value, _) = run(&["user", "show", "--email", "not an address"]);
        assert_eq!((code, &value["error"]), (Some(1), &serde_json::json!("invalid_input")), "{value}");
    }
}

#[test]
fn without_a_password_or_a_terminal_user_create_says_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = idp_with_input(
        dir.path(),
        &["user", "create", "--email", "a@example.com"],
        None,
    );
    assert_eq!(code, Some(2), "a usage error: {out}{err}");
    assert!(
        err.contains("--password-stdin") && err.contains("terminal"),
        "{err}"
    );
    let (code, out, _) = idp_with_input(
        dir.path(),
        &["user", "create", "--email", "a@example.com", "--json"],
        None,
    );
    assert_eq!(code, Some(2));
    let error: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(error["error"], "usage");
    assert!(
        !dir.path().join("idp.db").exists(),
        "nothing was opened before the password was there"
    );

    // Both ways at once is a mistake too.
    let both = [
        "user",
        "create",
        "--email",
        "a@example.com",
        "--password",
        PASSWORD,
        "--password-stdin",
    ];
    let (code, _, err) = idp_with_input(dir.path(), &both, Some("x\n"));
    assert_eq!(code, Some(2), "{err}");
}

on_both_databases! {
    async fn an_operator_manages_clients_and_reads_the_keys(app) {
        let dir = app.data_dir.clone();
        let url = app.database_url.clone();
        let run = |args: &[&str]| idp_json(&dir, &url, args);
        let ok = |args: &[&str]| idp_json_ok(&dir, &url, args);
        let made = ok(&["client", "create", "--name", "Shop", "--redirect-uri", "https://shop.example.com/cb",
            "--scope", "openid", "--scope", "email"]);
        let id = made["client_id"].as_str().unwrap().to_owned();
        let first_secret = made["client_secret"].as_str().unwrap().to_owned();
        ok(&["client", "create", "--name", "Billing", "--grant-type", "client_credentials", "--scope", "billing"]);

        let list = ok(&["client", "list"]);
        let names: Vec<&str> = list["clients"].as_array().unwrap().iter()
            .map(|c| c["client_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Billing", "Shop"]);
        assert!(list["clients"][0].get("client_secret").is_none(), "secrets are never listed");

        // An update changes what is given and keeps the rest.
        let updated = ok(&["client", "update", &id, "--name", "Shop 2", "--skip-consent", "true",
            "--redirect-uri", "https://shop.example.com/a", "--redirect-uri", "https://shop.example.com/b"]);
        assert_eq!(updated["client_name"], "Shop 2");
        assert_eq!(updated["skip_consent"], true);
        assert_eq!(updated["redirect_uris"], serde_json::json!(["https://shop.example.com/a", "https://shop.example.com/b"]));
        assert_eq!(updated["scope"], "openid email", "untouched");
        let (code, value, _) = run(&["client", "update", &id, "--redirect-uri", "http://shop.example.com/cb"]);
        assert_eq!((code, &value["error"]), (Some(1), &serde_json::json!("invalid_client_metadata")), "{value}");
        assert_eq!(ok(&["client", "show", &id])["redirect_uris"][0], "https://shop.example.com/a", "nothing changed");

        // A new secret works at once; the old one does not.
        let rotated = ok(&["client", "rotate-secret", &id]);
        let secret = rotated["client_secret"].as_str().unwrap();
        assert_ne!(secret, first_secret);
        let client = app.idp.client(&id).unwrap().unwrap();
        assert!(client.secret_matches(secret) && !client.secret_matches(&first_secret));

        let (code, value, _) = run(&["client", "delete", &id]);
        assert_eq!((code, &value["error"]), (Some(2), &serde_json::json!("usage")), "needs --yes: {value}");
        ok(&["client", "delete", &id, "--yes"]);
        for args in [&["client", "show", id.as_str()][..], &["client", "rotate-secret", &id], &["client", "delete", &id, "--yes"]] {
            let (code, value, _) = run(args);
            assert_eq!((code, &value["error"]), (Some(1), &serde_json::json!("not_found")), "{args:?}: {value}");
        }

        // Keys: one signing key per algorithm, then the rotated ones published only.
        let keys = ok(&["keys", "list"]);
        let signing = |keys: &serde_json::Value| keys["keys"].as_array().unwrap().iter()
            .filter(|k| k["signing"] == true).count();
        assert_eq!(signing(&keys), 3, "{keys}");
        ok(&["keys", "rotate"]);
        let keys = ok(&["keys", "list"]);
        assert_eq!(keys["keys"].as_array().unwrap().len(), 6, "{keys}");
        assert_eq!(signing(&keys), 3);
        assert!(keys["keys"].as_array().unwrap().iter().all(|k| k.get("private_key").is_none()));
    }
}

#[test]
fn config_check_reports_every_problem_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let check = |extra_env: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_idp"));
        command
            .args(["config", "check", "--json"])
            .env_clear()
            .current_dir(dir.path());
        for (k, v) in extra_env {
            command.env(k, v);
        }
        let out = command.output().unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), value)
    };
    assert_eq!(
        check(&[]),
        (Some(0), serde_json::json!({"ok": true, "problems": []})),
        "no file is fine"
    );
    std::fs::write(
        dir.path().join("idp.toml"),
        "bind = \"nowhere\"\n\n[password]\nmin_length = 3\nmin_strenght = 2\n",
    )
    .unwrap();
    let (code, report) = check(&[("IDP_BOT_CHECK", "sometimes")]);
    assert_eq!(code, Some(1));
    let problems = report["problems"].as_array().unwrap();
    let place = |needle: &str| {
        let p = problems
            .iter()
            .find(|p| p["message"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("nothing about {needle} in {report}"));
        (p["line"].as_u64(), p["column"].as_u64())
    };
    assert_eq!(place("min_strenght"), (Some(5), Some(1)));
    assert_eq!(
        place("IDP_BOT_CHECK"),
        (None, None),
        "a variable has no place in the file"
    );
    // The values that could be read are range-checked too.
    assert_eq!(place("`bind`"), (Some(1), Some(1)));
    assert_eq!(place("password.min_length"), (Some(4), Some(1)));
    assert_eq!(problems.len(), 4, "{report}");

    // Text output: FILE:LINE:COLUMN, as compilers print.
    let out = Command::new(env!("CARGO_BIN_EXE_idp"))
        .args(["config", "check"])
        .env_clear()
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("idp.toml:4:1: ") && err.contains("3 problem(s)"),
        "{err}"
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef idp"),
        ("fish", "complete -c idp"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_idp"))
            .args(["completions", shell])
            .env_clear()
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains(marker)
                && script.contains("set-password")
                && script.contains("rotate-secret"),
            "{shell}: {}",
            &script[..script.len().min(300)]
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_idp"))
        .args(["completions", "tcsh"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn configuration_errors_name_the_bad_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_idp"))
        .args(["migrate"])
        .env_clear()
        .env("IDP_BOT_CHEK", "off")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("IDP_BOT_CHEK"), "{err}");

    std::fs::write(dir.path().join("idp.toml"), "[password]\nmin_length = 3\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_idp"))
        .args(["migrate"])
        .env_clear()
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("password.min_length"), "{err}");
}

#[test]
fn serve_needs_no_configuration_and_says_where_everything_is() {
    let dir = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let mut server = ServeProcess::start(&logs.path().join("serve.log"), |port| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_idp"));
        command
            .arg("serve")
            .env_clear()
            .env("IDP_BIND", format!("127.0.0.1:{port}"))
            .current_dir(dir.path());
        command
    });
    // Until the banner's last line.
    let banner = server
        .wait_for("idp user create")
        .unwrap_or_else(|| panic!("idp serve exited: {}", server.log_text()));
    let port = server.port;
    drop(server);
    assert!(
        banner.contains(&format!("listening on http://127.0.0.1:{port}")),
        "{banner}"
    );
    assert!(banner.contains("sqlite://./data/idp.db"), "{banner}");
    assert!(banner.contains("data/outbox"), "{banner}");
    assert!(banner.contains("idp user create"), "{banner}");
    assert!(banner.contains("data/master.key"), "{banner}");
    assert!(
        banner.contains("/.well-known/openid-configuration"),
        "{banner}"
    );
    assert!(dir.path().join("data/idp.db").exists());
}

/// SIGTERM: `/readyz` fails at once (load balancers stop sending) while
/// requests are still served, then the listener closes and the process
/// exits 0. The start is logged in one line with what matters.
#[actix_web::test]
async fn sigterm_fails_readiness_first_then_ends_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let mut server = ServeProcess::start(&logs.path().join("serve.log"), |port| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_idp"));
        command
            .arg("serve")
            .env_clear()
            .env("IDP_BIND", format!("127.0.0.1:{port}"))
            .env("IDP_SHUTDOWN_DELAY_SECONDS", "3")
            .current_dir(dir.path());
        command
    });
    let log = server.wait_for("idp started").expect("the start line");
    let started = log.lines().find(|l| l.contains("idp started")).unwrap();
    for part in [
        concat!("version=", env!("CARGO_PKG_VERSION")),
        "bind=127.0.0.1:",
        "metrics_bind=\"off\"",
        "database=sqlite://./data/idp.db",
    ] {
        let part = part.replace('"', "");
        assert!(
            started.replace('"', "").contains(&part),
            "{part} in {started}"
        );
    }
    let base = server.url();
    let get = |path: &str| {
        let url = format!("{base}{path}");
        async move { reqwest::get(url).await.map(|r| r.status().as_u16()) }
    };
    assert_eq!(get("/readyz").await.unwrap(), 200);

    let term = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    server
        .wait_for("/readyz now fails")
        .expect("the signal was handled");
    assert_eq!(
        get("/readyz").await.unwrap(),
        503,
        "not ready while draining"
    );
    assert_eq!(
        get("/healthz").await.unwrap(),
        200,
        "still serving meanwhile"
    );

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running: {}",
            server.log_text()
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}: {}", server.log_text());
    assert!(get("/healthz").await.is_err(), "the listener is closed");
}
