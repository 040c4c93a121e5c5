//! The `idp` command line (DESIGN.md, "Command line").

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use idp_core::accounts::{AccountError, NewUser};
use idp_core::config::Settings;
use idp_core::db::Db;
use idp_core::Idp;

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
    User(UserCommand),
    /// Manage OAuth clients (the apps that sign people in with idp).
    #[command(subcommand)]
    Client(ClientCommand),
    /// Manage token signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Subcommand)]
enum ClientCommand {
    /// Register a client; its secret is printed once.
    Create(Box<ClientCreate>),
}

#[derive(Args)]
struct ClientCreate {
    #[arg(long)]
    name: String,
    /// Where the app receives codes (exact match); repeat for several.
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// A browser or native app without a secret (PKCE is required).
    #[arg(long)]
    public: bool,
    /// authorization_code, refresh_token, client_credentials; repeat for several.
    #[arg(long = "grant-type")]
    grant_types: Vec<String>,
    /// Scopes the client may ask for; repeat for several.
    #[arg(long = "scope")]
    scopes: Vec<String>,
    #[arg(long = "post-logout-redirect-uri")]
    post_logout_redirect_uris: Vec<String>,
    /// A first-party app: no consent page.
    #[arg(long)]
    skip_consent: bool,
    /// Shown on the consent page.
    #[arg(long)]
    logo_uri: Option<String>,
    #[arg(long)]
    policy_uri: Option<String>,
    #[arg(long)]
    tos_uri: Option<String>,
    /// RS256 (default), ES256 or EdDSA.
    #[arg(long)]
    id_token_signed_response_alg: Option<String>,
    /// client_secret_basic (default), client_secret_post or private_key_jwt.
    #[arg(long)]
    token_endpoint_auth_method: Option<String>,
    /// Receives a logout token when a session the app took part in ends.
    #[arg(long)]
    backchannel_logout_uri: Option<String>,
    /// The app's public keys, for --token-endpoint-auth-method private_key_jwt.
    #[arg(long)]
    jwks_uri: Option<String>,
    /// public (default) or pairwise: a different subject identifier per app.
    #[arg(long)]
    subject_type: Option<String>,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make new signing keys; the old ones stay published until their tokens expire.
    Rotate,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account (the operator's way; no email is sent).
    Create(UserCreate),
}

#[derive(Args)]
struct UserCreate {
    #[arg(long)]
    email: String,
    /// The password on the command line, where other users of this machine
    /// can see it (ps, shell history): prefer --password-stdin or the prompt.
    #[arg(long, conflicts_with = "password_stdin")]
    password: Option<String>,
    /// Read the password from the first line of standard input. Without
    /// this or --password, idp asks for it twice when a terminal is attached.
    #[arg(long)]
    password_stdin: bool,
    /// Mark the address as verified.
    #[arg(long)]
    verified: bool,
    /// Make the account an administrator.
    #[arg(long)]
    admin: bool,
    #[arg(long)]
    given_name: Option<String>,
    #[arg(long)]
    family_name: Option<String>,
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
        Command::User(UserCommand::Create(args)) => create_user(settings, args, cli.json),
        Command::Client(ClientCommand::Create(args)) => create_client(settings, *args, cli.json),
        Command::Keys(KeysCommand::Rotate) => rotate_keys(settings, cli.json),
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
        let app = Application::build(settings).map_err(|e| e.to_string())?;
        let bind = app.idp().settings.bind.clone();
        println!("idp is listening on http://{bind} (issuer {issuer})");
        println!("  database: {database}");
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

/// Why `idp user create` has no password to use.
enum NoPassword {
    /// Neither flag and no terminal to ask on: a usage error.
    NoTerminal,
    Invalid(String),
}

/// The new account's password: from --password, from the first line of
/// standard input, or asked for twice on the terminal without echo.
fn new_password(args: &UserCreate) -> Result<String, NoPassword> {
    use std::io::{BufRead, IsTerminal};
    if let Some(password) = &args.password {
        return Ok(password.clone());
    }
    let invalid = |message: &str| NoPassword::Invalid(message.to_owned());
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            invalid(&format!(
                "--password-stdin: cannot read standard input: {e}"
            ))
        })?;
        let password = line
            .strip_suffix('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or(&line);
        if password.is_empty() {
            return Err(invalid("--password-stdin: standard input gave no password"));
        }
        return Ok(password.to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err(NoPassword::NoTerminal);
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map_err(|e| invalid(&format!("cannot read the password from the terminal: {e}")))
    };
    let password = ask("Password for the new account: ")?;
    if password.is_empty() {
        return Err(invalid("no password was typed"));
    }
    if ask("The same password again: ")? != password {
        return Err(invalid("the two passwords differ; nothing was created"));
    }
    Ok(password)
}

fn create_user(settings: Settings, args: UserCreate, json: bool) -> ExitCode {
    let password = match new_password(&args) {
        Ok(p) => p,
        Err(NoPassword::NoTerminal) => {
            return usage_error(
                json,
                "no password: give it on standard input with --password-stdin \
                 (no terminal is attached to ask for it)",
            )
        }
        Err(NoPassword::Invalid(message)) => return fail(json, "invalid_input", &message),
    };
    let idp = match Idp::open(settings) {
        Ok(idp) => idp,
        Err(e) => return fail(json, "start_failed", &e.to_string()),
    };
    let user = NewUser {
        email: args.email,
        password,
        verified: args.verified,
        admin: args.admin,
        given_name: args.given_name,
        family_name: args.family_name,
    };
    match idp.create_user(&user) {
        Ok(account) if json => {
            println!(
                "{}",
                serde_json::json!({"id": account.id, "email": account.email,
                    "email_verified": account.email_verified, "admin": account.is_admin})
            );
            ExitCode::SUCCESS
        }
        Ok(account) => {
            println!("created account {} ({})", account.email, account.id);
            ExitCode::SUCCESS
        }
        Err(AccountError::Invalid(fields)) => {
            let message = fields
                .iter()
                .map(|f| {
                    format!(
                        "--{}: {}",
                        f.field.replace('_', "-"),
                        error::field_message("en", f)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            fail(json, "invalid_input", &message)
        }
        Err(e) => fail(json, "failed", &e.to_string()),
    }
}

fn create_client(settings: Settings, args: ClientCreate, json: bool) -> ExitCode {
    let idp = match Idp::open(settings) {
        Ok(idp) => idp,
        Err(e) => return fail(json, "start_failed", &e.to_string()),
    };
    let new = idp_core::clients::NewClient {
        name: args.name,
        redirect_uris: args.redirect_uris,
        post_logout_redirect_uris: args.post_logout_redirect_uris,
        public: args.public,
        grant_types: args.grant_types,
        scopes: args.scopes,
        skip_consent: args.skip_consent,
        logo_uri: args.logo_uri,
        policy_uri: args.policy_uri,
        tos_uri: args.tos_uri,
        id_token_signed_response_alg: args.id_token_signed_response_alg,
        token_endpoint_auth_method: args.token_endpoint_auth_method,
        backchannel_logout_uri: args.backchannel_logout_uri,
        jwks: None,
        jwks_uri: args.jwks_uri,
        userinfo_signed_response_alg: None,
        subject_type: args.subject_type,
    };
    match idp.create_client(&new) {
        Ok(created) => {
            let c = &created.client;
            let m = &c.metadata;
            if json {
                let mut out = serde_json::json!({
                    "client_id": c.client_id,
                    "client_name": c.name,
                    "redirect_uris": m.redirect_uris,
                    "post_logout_redirect_uris": m.post_logout_redirect_uris,
                    "grant_types": m.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
                    "scope": m.scopes.join(" "),
                    "token_endpoint_auth_method": m.token_endpoint_auth_method.as_str(),
                    "skip_consent": m.skip_consent,
                });
                if let Some(secret) = &created.secret {
                    out["client_secret"] = serde_json::json!(secret);
                }
                println!("{out}");
            } else {
                println!("client_id:     {}", c.client_id);
                if let Some(secret) = &created.secret {
                    println!("client_secret: {secret}");
                    println!("(the secret is shown only now; store it safely)");
                }
            }
            ExitCode::SUCCESS
        }
        Err(idp_core::clients::ClientError::Invalid { field, message }) => fail(
            json,
            "invalid_client_metadata",
            &format!(
                "--{}: {message}",
                field.trim_end_matches('s').replace('_', "-")
            ),
        ),
        Err(e) => fail(json, "failed", &e.to_string()),
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
    let idp = match Idp::open(settings) {
        Ok(idp) => idp,
        Err(e) => return fail(json, "start_failed", &e.to_string()),
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
