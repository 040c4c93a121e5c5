//! `idp user`: accounts, managed by the operator. Commands that act on one
//! account name it with `--email` or `--id`.

use std::process::ExitCode;

use clap::{ArgGroup, Args, Subcommand};
use idp_core::accounts::{Account, AccountError, Administrator, ExportError, Imported, NewUser};
use idp_core::config::Settings;
use idp_core::paging::PageRequest;
use idp_core::Idp;

use super::{account_failure, confirmed, fail, open, print_json, usage_error};
use crate::api::{UserDetail, UserView};

#[derive(Subcommand)]
pub(super) enum UserCommand {
    /// Create an account (the operator's way; no email is sent).
    Create(UserCreate),
    /// List accounts, oldest first, a page at a time.
    List(UserList),
    /// Show one account.
    Show(Target),
    /// Stop an account signing in: its sessions end and its tokens stop working.
    Disable(Target),
    /// Let a disabled account sign in again.
    Enable(Target),
    /// Delete an account with its sessions, tokens and links (the person is told).
    Delete(UserDelete),
    /// Set a new password: every session and refresh token ends, the person is told.
    SetPassword(UserSetPassword),
    /// Mark the account's address as verified.
    Verify(Target),
    /// Remove the authenticator app and recovery codes of someone who lost
    /// them (check who they are first): every session ends, the person is told.
    ResetSecondFactors(Target),
    /// Import accounts from JSON lines (one account each; see docs/operations.md).
    Import(UserImport),
    /// Write every account as JSON lines, password hashes included.
    Export(UserExport),
}

#[derive(Args)]
pub(super) struct UserImport {
    /// The JSON-lines file; `-` reads standard input.
    file: std::path::PathBuf,
}

#[derive(Args)]
pub(super) struct UserExport {
    /// Write here (made readable by its owner only) instead of to standard output.
    #[arg(long)]
    output: Option<std::path::PathBuf>,
}

/// The account a command acts on.
#[derive(Args)]
#[command(group(ArgGroup::new("account").required(true).args(["email", "id"])))]
pub(super) struct Target {
    /// The account's email address.
    #[arg(long)]
    email: Option<String>,
    /// The account's id.
    #[arg(long, allow_hyphen_values = true)]
    id: Option<String>,
}

#[derive(Args)]
pub(super) struct UserCreate {
    #[arg(long)]
    email: String,
    #[command(flatten)]
    password: PasswordSource,
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

#[derive(Args)]
pub(super) struct PasswordSource {
    /// The password on the command line, where other users of this machine
    /// can see it (ps, shell history): prefer --password-stdin or the prompt.
    #[arg(long, conflicts_with = "password_stdin", allow_hyphen_values = true)]
    password: Option<String>,
    /// Read the password from the first line of standard input. Without
    /// this or --password, idp asks for it twice when a terminal is attached.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Args)]
pub(super) struct UserList {
    /// Only accounts whose address contains this text.
    #[arg(long)]
    email: Option<String>,
    /// At most this many (1 to 200).
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// Where to go on: the `next_page_token` of the previous page.
    #[arg(long, allow_hyphen_values = true)]
    page_token: Option<String>,
}

#[derive(Args)]
pub(super) struct UserDelete {
    #[command(flatten)]
    target: Target,
    /// Delete without asking (needed when no terminal is attached).
    #[arg(long)]
    yes: bool,
}

#[derive(Args)]
pub(super) struct UserSetPassword {
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    password: PasswordSource,
}

pub(super) fn run(settings: Settings, command: UserCommand, json: bool) -> ExitCode {
    // Read before opening the database, so a usage error costs nothing.
    let password = match &command {
        UserCommand::Create(args) => Some(&args.password),
        UserCommand::SetPassword(args) => Some(&args.password),
        _ => None,
    };
    let password = match password.map(new_password).transpose() {
        Ok(p) => p.unwrap_or_default(),
        Err(NoPassword::NoTerminal) => {
            return usage_error(
                json,
                "no password: give it on standard input with --password-stdin \
                 (no terminal is attached to ask for it)",
            )
        }
        Err(NoPassword::Invalid(message)) => return fail(json, "invalid_input", &message),
    };
    if let UserCommand::Delete(args) = &command {
        let who = args.target.email.as_deref().or(args.target.id.as_deref());
        let what = format!("the account {}", who.unwrap_or_default());
        if let Some(refused) = confirmed(args.yes, &what, json) {
            return refused;
        }
    }
    let idp = match open(settings, json) {
        Ok(idp) => idp,
        Err(code) => return code,
    };
    let done = match command {
        UserCommand::Import(args) => return import(&idp, &args.file, json),
        UserCommand::Export(args) => return export(&idp, args.output.as_deref(), json),
        UserCommand::Create(args) => create(&idp, args, password),
        UserCommand::List(args) => return list(&idp, args, json),
        UserCommand::Show(target) => return show(&idp, &target, json),
        UserCommand::Disable(target) => target
            .find(&idp)
            .and_then(|a| idp.disable_user(&Administrator::Operator, &a.id)),
        UserCommand::Enable(target) => target.find(&idp).and_then(|a| idp.enable_user(&a.id)),
        UserCommand::Delete(args) => args.target.find(&idp).and_then(|a| {
            idp.delete_user(&Administrator::Operator, &a.id)?;
            Ok(a)
        }),
        UserCommand::SetPassword(args) => args.target.find(&idp).and_then(|a| {
            idp.set_user_password(&a.id, &password)?;
            idp.account(&a.id)
        }),
        UserCommand::Verify(target) => target.find(&idp).and_then(|a| idp.verify_user(&a.id)),
        UserCommand::ResetSecondFactors(target) => target.find(&idp).and_then(|a| {
            idp.reset_second_factors(&a.id)?;
            Ok(a)
        }),
    };
    match done {
        Ok(account) if json => {
            print_json(&UserView::from(account));
            ExitCode::SUCCESS
        }
        Ok(account) => {
            describe(&account);
            ExitCode::SUCCESS
        }
        Err(e) => account_failure(json, &e),
    }
}

impl Target {
    fn find(&self, idp: &Idp) -> Result<Account, AccountError> {
        idp.find_user(self.id.as_deref(), self.email.as_deref())
    }
}

fn create(idp: &Idp, args: UserCreate, password: String) -> Result<Account, AccountError> {
    idp.create_user(&NewUser {
        email: args.email,
        password,
        verified: args.verified,
        admin: args.admin,
        given_name: args.given_name,
        family_name: args.family_name,
    })
}

fn list(idp: &Idp, args: UserList, json: bool) -> ExitCode {
    let page = match PageRequest::parse(Some(args.limit), args.page_token.as_deref()) {
        Ok(page) => page,
        Err(e) => return usage_error(json, &format!("--limit or --page-token: {e}")),
    };
    let page = match idp.list_users(args.email.as_deref(), page) {
        Ok(page) => page,
        Err(e) => return account_failure(json, &e),
    };
    if json {
        let users: Vec<UserView> = page.items.into_iter().map(UserView::from).collect();
        print_json(&serde_json::json!({
            "users": users,
            "next_page_token": page.next_page_token,
        }));
        return ExitCode::SUCCESS;
    }
    for a in &page.items {
        println!("{}  {}  {}", a.id, a.email, flags(a).join(" "));
    }
    if let Some(token) = page.next_page_token {
        println!("(more: --page-token {token})");
    }
    ExitCode::SUCCESS
}

fn import(idp: &Idp, file: &std::path::Path, json: bool) -> ExitCode {
    use std::io::Read;
    let mut text = String::new();
    let read = match file.to_str() {
        Some("-") => std::io::stdin().read_to_string(&mut text).map(|_| ()),
        _ => std::fs::read_to_string(file).map(|t| text = t),
    };
    if let Err(e) = read {
        return fail(
            json,
            "invalid_input",
            &format!("cannot read {}: {e}", file.display()),
        );
    }
    let (report, stopped) = match idp.import_lines(text.lines()) {
        Ok(report) => (report, None),
        Err((report, e)) => (report, Some(e)),
    };
    if json {
        print_json(&report);
    } else {
        for line in &report.lines {
            let email = line.email.as_deref().unwrap_or("-");
            match &line.result {
                Imported::Created { .. } => {}
                Imported::Skipped { reason } => {
                    println!("line {}: {email}: skipped: {reason}", line.line)
                }
                Imported::Refused { reason } => {
                    println!("line {}: {email}: refused: {reason}", line.line)
                }
            }
        }
        println!(
            "{} created, {} skipped, {} refused",
            report.created, report.skipped, report.refused
        );
    }
    match stopped {
        Some(e) => account_failure(json, &e),
        None => ExitCode::SUCCESS,
    }
}

fn export(idp: &Idp, output: Option<&std::path::Path>, json: bool) -> ExitCode {
    use std::io::Write;
    let mut out: Box<dyn Write> = match output {
        None => Box::new(std::io::stdout().lock()),
        Some(path) => {
            // Password hashes are in it: private from the start.
            if let Err(e) = idp_core::files::create_private_file(path) {
                return fail(
                    json,
                    "invalid_input",
                    &format!("cannot create {}: {e}", path.display()),
                );
            }
            idp_core::files::warn_if_shared(path);
            match std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
            {
                Ok(file) => Box::new(std::io::BufWriter::new(file)),
                Err(e) => {
                    return fail(
                        json,
                        "invalid_input",
                        &format!("cannot write {}: {e}", path.display()),
                    )
                }
            }
        }
    };
    let written = idp.export_accounts(|record| {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")
    });
    let flushed = out.flush();
    match (written, flushed) {
        (Ok(n), Ok(())) => {
            if let Some(path) = output {
                eprintln!("{n} account(s) written to {}", path.display());
            }
            ExitCode::SUCCESS
        }
        (Err(ExportError::Account(e)), _) => account_failure(json, &e),
        (Err(e), _) => fail(json, "write_failed", &e.to_string()),
        (_, Err(e)) => fail(
            json,
            "write_failed",
            &format!("cannot write the export: {e}"),
        ),
    }
}

/// What sets an account apart, in a word each.
fn flags(a: &Account) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if !a.email_verified {
        flags.push("unverified");
    }
    if a.is_admin {
        flags.push("admin");
    }
    if a.is_disabled() {
        flags.push("disabled");
    }
    if a.password_hash.is_none() {
        flags.push("no-password");
    }
    flags
}

/// `idp user show`: the account with its phone number and postal address.
fn show(idp: &Idp, target: &Target, json: bool) -> ExitCode {
    let found = target
        .find(idp)
        .and_then(|a| Ok((idp.contact_details(&a.id)?, a)));
    match found {
        Ok((contact, account)) if json => {
            print_json(&UserDetail::of(account, contact));
            ExitCode::SUCCESS
        }
        Ok((contact, account)) => {
            describe(&account);
            if let Some(phone) = &contact.phone_number {
                println!("phone:     {phone}");
            }
            if !contact.address.is_empty() {
                let lines = contact.address.formatted().replace('\n', "\n           ");
                println!("address:   {lines}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => account_failure(json, &e),
    }
}

fn describe(a: &Account) {
    println!("id:        {}", a.id);
    println!("email:     {}", a.email);
    let name = format!("{} {}", a.given_name, a.family_name);
    println!("name:      {}", name.trim());
    println!("verified:  {}", if a.email_verified { "yes" } else { "no" });
    println!("admin:     {}", if a.is_admin { "yes" } else { "no" });
    match a.disabled_at {
        Some(at) => println!("disabled:  since {}", at.and_utc().to_rfc3339()),
        None => println!("disabled:  no"),
    }
    println!("created:   {}", a.created_at.and_utc().to_rfc3339());
}

/// Why a command has no password to use.
enum NoPassword {
    /// Neither flag and no terminal to ask on: a usage error.
    NoTerminal,
    Invalid(String),
}

/// The password: from --password, from the first line of standard input,
/// or asked for twice on the terminal without echo.
fn new_password(source: &PasswordSource) -> Result<String, NoPassword> {
    use std::io::{BufRead, IsTerminal};
    if let Some(password) = &source.password {
        return Ok(password.clone());
    }
    let invalid = |message: &str| NoPassword::Invalid(message.to_owned());
    if source.password_stdin {
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
    let password = ask("New password: ")?;
    if password.is_empty() {
        return Err(invalid("no password was typed"));
    }
    if ask("The same password again: ")? != password {
        return Err(invalid("the two passwords differ; nothing was changed"));
    }
    Ok(password)
}
