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
        assert_eq!(created["admin"], true);
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
