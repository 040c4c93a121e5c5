//! `idp keys`: the keys that sign tokens.

use std::process::ExitCode;

use clap::Subcommand;
use idp_core::config::Settings;

use super::{fail, open, print_json};

#[derive(Subcommand)]
pub(super) enum KeysCommand {
    /// List the signing keys: which sign now, which are only published.
    List,
    /// Make new signing keys; the old ones stay published until their tokens expire.
    Rotate,
}

pub(super) fn run(settings: Settings, command: KeysCommand, json: bool) -> ExitCode {
    match command {
        KeysCommand::Rotate => rotate_keys(settings, json),
        KeysCommand::List => list_keys(settings, json),
    }
}

fn rotate_keys(settings: Settings, json: bool) -> ExitCode {
    // Old keys stay published as long as the longest-lived token they signed.
    let publish_for = chrono::Duration::minutes(
        settings
            .tokens
            .id_token_minutes
            .max(settings.tokens.access_token_minutes),
    ) + chrono::Duration::minutes(5);
    let idp = match open(settings, json) {
        Ok(idp) => idp,
        Err(code) => return code,
    };
    match idp.signing.rotate(publish_for) {
        Ok(kids) if json => {
            println!("{}", serde_json::json!({ "new_kids": kids }));
            ExitCode::SUCCESS
        }
        Ok(kids) => {
            println!("new signing keys: {}", kids.join(", "));
            ExitCode::SUCCESS
        }
        Err(e) => fail(json, "rotation_failed", &e.to_string()),
    }
}

fn list_keys(settings: Settings, json: bool) -> ExitCode {
    let idp = match open(settings, json) {
        Ok(idp) => idp,
        Err(code) => return code,
    };
    let keys = match idp.signing.list() {
        Ok(keys) => keys,
        Err(e) => return fail(json, "temporarily_unavailable", &e.to_string()),
    };
    let time = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
    let state = |k: &idp_core::keys::KeyInfo| match (k.retired_at, k.publish_until) {
        (None, _) => "signing".to_owned(),
        (Some(_), Some(until)) => format!("published until {}", time(until)),
        (Some(_), None) => "retired".to_owned(),
    };
    if json {
        let keys: Vec<serde_json::Value> = keys
            .iter()
            .map(|k| {
                serde_json::json!({
                    "kid": k.kid,
                    "alg": k.alg,
                    "created_at": time(k.created_at),
                    "retired_at": k.retired_at.map(time),
                    "publish_until": k.publish_until.map(time),
                    "signing": k.retired_at.is_none(),
                })
            })
            .collect();
        print_json(&serde_json::json!({ "keys": keys }));
    } else {
        for k in &keys {
            println!(
                "{}  {:<6} {}  {}",
                k.kid,
                k.alg,
                time(k.created_at),
                state(k)
            );
        }
    }
    ExitCode::SUCCESS
}
