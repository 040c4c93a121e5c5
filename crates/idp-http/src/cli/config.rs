//! `idp config check` and `idp completions`: commands that run before (or
//! without) a valid configuration.

use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Subcommand};
use idp_core::config_check::{self, Problem};

use super::{print_json, Cli};

#[derive(Subcommand)]
pub(super) enum ConfigCommand {
    /// Check the configuration file and IDP_* variables: every problem at
    /// once, with its line and column in the file. Nothing is opened.
    Check,
}

pub(super) fn check(file: Option<&Path>, env: Vec<(String, String)>, json: bool) -> ExitCode {
    let problems = match config_check::check(file, env) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    if json {
        let listed: Vec<serde_json::Value> = problems.iter().map(problem_json).collect();
        print_json(&serde_json::json!({ "ok": problems.is_empty(), "problems": listed }));
    } else if problems.is_empty() {
        println!("the configuration is valid");
    } else {
        for p in &problems {
            match (&p.file, p.at) {
                (Some(file), Some(at)) => {
                    eprintln!("{file}:{}:{}: {}", at.line, at.column, p.error)
                }
                _ => eprintln!("{}", p.error),
            }
        }
        eprintln!("{} problem(s)", problems.len());
    }
    match problems.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    }
}

fn problem_json(p: &Problem) -> serde_json::Value {
    serde_json::json!({
        "message": p.error.to_string(),
        "file": p.file,
        "line": p.at.map(|a| a.line),
        "column": p.at.map(|a| a.column),
    })
}

/// Prints a completion script for `shell` to standard output.
pub(super) fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "idp", &mut std::io::stdout());
    ExitCode::SUCCESS
}
