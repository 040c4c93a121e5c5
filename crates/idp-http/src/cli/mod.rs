//! The `idp` command line (DESIGN.md, "Command line").

use std::path::PathBuf;
use std::process::ExitCode;

mod client;
mod config;
mod events;
mod keys;
mod user;

use clap::{Parser, Subcommand};
use idp_core::accounts::AccountError;
use idp_core::config::Settings;
use idp_core::db::Db;
use idp_core::Idp;
use serde::Serialize;

use crate::startup::Application;
use crate::{error, telemetry};

#[derive(Parser)]
#[command(
    name = "idp",
    version,
    about = "idp: an OAuth 2.0 / OpenID Connect identity provider"
)]
pub struct Cli {
    /// Configuration file (default: ./idp.toml when it exists).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL: sqlite://PATH, a plain path, or postgres://…
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage OAuth clients (the apps that sign people in with idp).
    #[command(subcommand)]
    Client(client::ClientCommand),
    /// Manage token signing keys.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Read the audit trail.
    #[command(subcommand)]
    Events(events::EventsCommand),
    /// Check the configuration.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    // vars() would panic on any variable that is not UTF-8; such a variable
    // cannot be one of ours, and a non-UTF-8 IDP_* one is reported.
    let env: Vec<(String, String)> = match std::env::vars_os()
        .filter_map(|(k, v)| match (k.into_string(), v.into_string()) {
            (Ok(k), Ok(v)) => Some(Ok((k, v))),
            (Ok(k), Err(_)) if k.starts_with("IDP_") => Some(Err(k)),
            _ => None,
        })
        .collect::<Result<_, _>>()
    {
        Ok(env) => env,
        Err(var) => {
            return fail(
                cli.json,
                "invalid_configuration",
                &format!("environment variable {var}: not valid UTF-8"),
            )
        }
    };
    match &cli.command {
        Command::Completions { shell } => return config::completions(*shell),
        Command::Config(config::ConfigCommand::Check) => {
            let mut env = env;
            if let Some(url) = &cli.database_url {
                env.push(("IDP_DATABASE_URL".into(), url.clone()));
            }
            return config::check(cli.config.as_deref(), env, cli.json);
        }
        _ => {}
    }
    let mut settings = match Settings::load(cli.config.as_deref(), env) {
        Ok(s) => s,
        Err(e) => return fail(cli.json, "invalid_configuration", &e.to_string()),
    };
    if let Some(url) = cli.database_url.clone() {
        settings.database_url = Some(url);
        if let Err(e) = settings.validate() {
            return fail(cli.json, "invalid_configuration", &e.to_string());
        }
    }
    telemetry::init(settings.log_format);
    match cli.command {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(&settings, cli.json),
        // What the operator does is recorded as theirs.
        Command::User(command) => as_operator(|| user::run(settings, command, cli.json)),
        Command::Client(command) => as_operator(|| client::run(settings, command, cli.json)),
        Command::Keys(command) => as_operator(|| keys::run(settings, command, cli.json)),
        Command::Events(command) => events::run(settings, command, cli.json),
        // Answered above, before the settings were read.
        Command::Config(_) | Command::Completions { .. } => ExitCode::SUCCESS,
    }
}

fn as_operator(f: impl FnOnce() -> ExitCode) -> ExitCode {
    idp_core::audit::with_origin(idp_core::audit::Origin::operator(), f)
}

/// Opens the database (migrating it) for a one-off command.
fn open(settings: Settings, json: bool) -> Result<Idp, ExitCode> {
    Idp::open(settings).map_err(|e| fail(json, "start_failed", &e.to_string()))
}

/// One line of JSON on standard output.
fn print_json(value: &impl Serialize) {
    match serde_json::to_string(value) {
        Ok(line) => println!("{line}"),
        Err(e) => eprintln!("idp: cannot write JSON: {e}"),
    }
}

/// An account operation that failed, told the way a command line reads it:
/// field problems name the flag to fix.
fn account_failure(json: bool, e: &AccountError) -> ExitCode {
    let (_, code) = error::classify(e);
    let message = match e {
        AccountError::Invalid(fields) => fields
            .iter()
            .map(|f| {
                format!(
                    "--{}: {}",
                    f.field.replace('_', "-"),
                    error::field_message("en", f)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        AccountError::NotFound => "no such account".to_owned(),
        AccountError::Store(inner) => inner.to_string(),
        other => error::account_message("en", other),
    };
    fail(json, code, &message)
}

/// Deleting cannot be undone: asks on the terminal unless `--yes` was
/// given. `Some` is how the command ends when it was not confirmed.
fn confirmed(yes: bool, what: &str, json: bool) -> Option<ExitCode> {
    use std::io::{BufRead, IsTerminal, Write};
    if yes {
        return None;
    }
    if !std::io::stdin().is_terminal() {
        return Some(usage_error(
            json,
            &format!("deleting {what} cannot be undone: add --yes to confirm"),
        ));
    }
    eprint!("Delete {what} for good? Type yes: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(_) if answer.trim() == "yes" => None,
        _ => Some(fail(json, "cancelled", "nothing was deleted")),
    }
}

fn fail(json: bool, code: &str, message: &str) -> ExitCode {
    report(json, code, message);
    ExitCode::FAILURE
}

/// A command used wrongly: exit code 2, as for the errors clap finds.
fn usage_error(json: bool, message: &str) -> ExitCode {
    report(json, "usage", message);
    ExitCode::from(2)
}

fn report(json: bool, code: &str, message: &str) {
    if json {
        println!(
            "{}",
            serde_json::json!({"error": code, "error_description": message})
        );
    } else {
        eprintln!("idp: {message}");
    }
}

fn serve(settings: Settings) -> ExitCode {
    let database = settings.database_url_for_display();
    let issuer = settings.issuer.clone();
    let runtime = actix_web::rt::System::new();
    let result = runtime.block_on(async move {
        let app = Application::build(settings)
            .map_err(|e| e.to_string())?
            .stop_on_signals();
        let bind = app.idp().settings.bind.clone();
        let s = &app.idp().settings;
        // One line with what an operator checks first, for log collectors.
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            bind = %s.bind,
            metrics_bind = s.metrics_bind.as_deref().unwrap_or("off"),
            issuer = %s.issuer,
            database = %database,
            email = %app.idp().mailer.describe(),
            data_dir = %s.data_dir.display(),
            "idp started"
        );
        println!("idp is listening on http://{bind} (issuer {issuer})");
        println!("  database: {database}");
        if let Some(port) = app.metrics_port() {
            println!(
                "  metrics:  http://{}/metrics",
                metrics_address(&app.idp().settings, port)
            );
        }
        println!("  email:    {}", app.idp().mailer.describe());
        println!(
            "  robot check: {}",
            if app.idp().bot_check_enabled() {
                "on"
            } else {
                "off"
            }
        );
        let settings = &app.idp().settings;
        match &settings.master_key {
            Some(_) => println!("  signing keys: sealed with master_key"),
            None => println!(
                "  signing keys: sealed with {}",
                settings.data_dir.join(idp_core::keys::KEY_FILE).display()
            ),
        }
        println!("  OpenID Connect: {issuer}/.well-known/openid-configuration");
        println!("  sign up at {issuer}/signup, or create a first user with:");
        println!("    idp user create --email you@example.com --verified --admin");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(false, "start_failed", &e),
    }
}

/// The metrics listener's address, with the port it got (`:0` picks one).
fn metrics_address(settings: &Settings, port: u16) -> String {
    let bound = settings
        .metrics_bind
        .as_deref()
        .and_then(|b| b.parse().ok());
    let mut address: std::net::SocketAddr = bound.unwrap_or(([127, 0, 0, 1], 0).into());
    address.set_port(port);
    address.to_string()
}

fn migrate(settings: &Settings, json: bool) -> ExitCode {
    let ran = Db::connect(&settings.database_url(), 1).and_then(|db| db.migrate());
    match ran {
        Ok(n) if json => {
            println!("{}", serde_json::json!({"migrations_applied": n}));
            ExitCode::SUCCESS
        }
        Ok(n) => {
            println!(
                "{n} migration(s) applied to {}",
                settings.database_url_for_display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(json, "migration_failed", &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;

    /// Ids and page tokens are base64url, so one in 64 starts with `-`;
    /// passwords may too. Each must reach the command as a value.
    #[test]
    fn values_that_start_with_a_hyphen_are_values() {
        let id = "-AaasN1vIupbQgva2guorw";
        let lines: &[&[&str]] = &[
            &["user", "show", "--id", id],
            &["user", "disable", "--id", id],
            &["user", "delete", "--id", id, "--yes"],
            &[
                "user",
                "set-password",
                "--id",
                id,
                "--password",
                "-Secret-1",
            ],
            &[
                "user",
                "create",
                "--email",
                "a@example.com",
                "--password",
                "-Secret-1",
            ],
            &["user", "list", "--page-token", id],
            &["client", "show", id],
            &["client", "update", id, "--name", "Shop"],
            &["client", "delete", id, "--yes"],
            &["client", "delete", "--yes", id],
            &["client", "rotate-secret", id],
            &["events", "tail", "--account", id],
        ];
        for line in lines {
            let args = std::iter::once("idp").chain(line.iter().copied());
            if let Err(e) = Cli::try_parse_from(args) {
                panic!("{line:?}: {e}");
            }
        }
        // A misspelt flag is still refused, not taken for a value.
        let refused = Cli::try_parse_from(["idp", "client", "delete", "--yess", id]);
        assert!(refused.is_err());
    }
}
