//! `idp events tail`: the newest audit events, and with `--follow` the ones
//! that come after them, as they come.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use idp_core::audit::{AuditEvent, EventFilter, EventType};
use idp_core::config::Settings;
use idp_core::Idp;

use super::{fail, open, print_json, usage_error};

/// How often `--follow` looks for new events.
const POLL: Duration = Duration::from_secs(1);

#[derive(Subcommand)]
pub(super) enum EventsCommand {
    /// Print the newest events (oldest of them first); --follow keeps going.
    Tail(Tail),
}

#[derive(Args)]
pub(super) struct Tail {
    /// How many of the newest to print first (1 to 200).
    #[arg(long, default_value_t = 20)]
    limit: i64,
    /// Keep printing new events until interrupted.
    #[arg(long)]
    follow: bool,
    /// Only this type, e.g. sign_in.failed.
    #[arg(long = "type")]
    event_type: Option<String>,
    /// Only events an account caused or that were about it.
    #[arg(long, allow_hyphen_values = true)]
    account: Option<String>,
}

pub(super) fn run(settings: Settings, command: EventsCommand, json: bool) -> ExitCode {
    let EventsCommand::Tail(args) = command;
    let event_type = match args.event_type.as_deref().map(EventType::parse) {
        Some(None) => {
            let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
            return usage_error(
                json,
                &format!("--type: not an event type; one of {}", known.join(", ")),
            );
        }
        Some(Some(t)) => Some(t),
        None => None,
    };
    if !(1..=200).contains(&args.limit) {
        return usage_error(json, "--limit must be 1 to 200");
    }
    let idp = match open(settings, json) {
        Ok(idp) => idp,
        Err(code) => return code,
    };
    let filter = EventFilter {
        account: args.account,
        event_type,
        limit: args.limit,
        ..EventFilter::default()
    };
    let newest = match idp.audit_events(&filter) {
        Ok(page) => page.events,
        Err(e) => return fail(json, "temporarily_unavailable", &e.to_string()),
    };
    let mut last = newest.first().map_or(0, |e| e.id);
    for event in newest.into_iter().rev() {
        show(event, json);
    }
    if !args.follow {
        return ExitCode::SUCCESS;
    }
    // Until interrupted.
    loop {
        std::thread::sleep(POLL);
        match more_after(&idp, &filter, last) {
            Ok(events) => {
                for event in events {
                    last = event.id;
                    show(event, json);
                }
            }
            // A database that is away for a moment is waited for.
            Err(e) => tracing::warn!(error = %e, "cannot read the audit events; trying again"),
        }
    }
}

fn more_after(
    idp: &Idp,
    filter: &EventFilter,
    last: i64,
) -> Result<Vec<AuditEvent>, idp_core::db::StoreError> {
    let next = EventFilter {
        after: Some(last),
        limit: 200,
        ..filter.clone()
    };
    Ok(idp.audit_events(&next)?.events)
}

fn show(event: AuditEvent, json: bool) {
    if json {
        print_json(&event.to_json());
        return;
    }
    let actor = match &event.actor_id {
        Some(id) => format!("{}:{id}", event.actor_kind),
        None => event.actor_kind.clone(),
    };
    println!(
        "{}  {:<24} {:<7}  actor={actor} subject={} client={} ip={} {}",
        event.at.and_utc().to_rfc3339(),
        event.event_type,
        event.outcome,
        event.subject.as_deref().unwrap_or("-"),
        event.client_id.as_deref().unwrap_or("-"),
        event.client_ip.as_deref().unwrap_or("-"),
        event.detail,
    );
}
