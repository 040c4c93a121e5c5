//! `idp-bench`: a load generator for a running idp. It prepares its own
//! clients and people with idp's command line, drives each scenario with N
//! concurrent virtual clients (one connection each, kept alive) for T
//! seconds or K requests, and reports throughput, latency percentiles,
//! errors by cause and the server's resident memory before and after, as a
//! table and, with `--json`, as JSON. See docs/benchmarks.md.

mod agent;
mod memory;
mod primitives;
mod run;
mod scenario;
mod setup;
mod stats;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use rand::Rng;
use serde::Serialize;

use run::Plan;
use scenario::Scenario;
use setup::IdpCommand;
use stats::Summary;

#[derive(Parser)]
#[command(name = "idp-bench", about = "Load generator for a running idp")]
struct Args {
    /// The server's base URL (its issuer).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Stateless nodes that answer for --url's issuer on one database
    /// (repeat; list --url's own server too if it takes part): each request
    /// goes to the next one, as behind a round-robin load balancer.
    #[arg(long = "node")]
    nodes: Vec<String>,
    /// An upstream idp to sign in through (the `federated-sign-in`
    /// scenario, which runs only with it): the load generator registers it
    /// at the server as a provider, through the admin API.
    #[arg(long)]
    upstream: Option<String>,
    /// How to run idp against the upstream's database.
    #[arg(long, value_delimiter = ' ', requires = "upstream")]
    upstream_idp: Vec<String>,
    /// Scenarios to run, in order (default: all).
    #[arg(long = "scenario", value_enum)]
    scenarios: Vec<Scenario>,
    /// Concurrent virtual clients, one connection each.
    #[arg(long, short = 'c', default_value_t = 16)]
    connections: usize,
    /// Seconds per scenario.
    #[arg(long, short = 'd', default_value_t = 10.0)]
    duration: f64,
    /// Stop a scenario after this many iterations, if that comes first.
    #[arg(long)]
    requests: Option<u64>,
    /// Extra clients that sign in during the middle third of `mixed`.
    #[arg(long, default_value_t = 0)]
    burst: usize,
    /// People to create (the virtual clients take turns with them; default
    /// one per client, so per-account limits see one person each).
    #[arg(long)]
    people: Option<usize>,
    /// The server's process id, to read its resident memory from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// How to run idp against the server's database, for preparation.
    #[arg(long, default_value = "idp", value_delimiter = ' ')]
    idp: Vec<String>,
    /// Also write the results to this file as JSON.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
    /// Exit with status 1 when any request failed (for smoke runs).
    #[arg(long)]
    fail_on_error: bool,
    /// No progress line.
    #[arg(long)]
    quiet: bool,
    /// The client-credentials client as ID:SECRET, instead of making one
    /// (for a peer server that is not idp).
    #[arg(long)]
    service_client: Option<String>,
    /// Measure the primitives (argon2id, signatures) in this process
    /// instead of driving a server.
    #[arg(long)]
    primitives: bool,
    /// Send each virtual client's own address as X-Forwarded-For (for a
    /// server started with IDP_TRUST_FORWARDED_FOR=true): people sign in
    /// from many addresses, and per-address throttles see them so.
    #[arg(long)]
    forwarded_for: bool,
    /// The web client's ID token algorithm (RS256, ES256, EdDSA); idp's
    /// default is RS256, and code and refresh flows sign one per request.
    #[arg(long)]
    id_token_alg: Option<String>,
    /// Threads for `--primitives` (default: the cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Serialize)]
struct ScenarioResult {
    scenario: &'static str,
    connections: usize,
    seconds: f64,
    resident_kib_before: Option<u64>,
    resident_kib_after: Option<u64>,
    operations: Vec<Summary>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match bench(args).await {
        Ok(clean) if clean => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(message) => {
            eprintln!("idp-bench: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs everything asked; `Ok(false)` when requests failed and that counts.
async fn bench(args: Args) -> Result<bool, String> {
    // Duration::from_secs_f64 panics on what is not a finite, positive number.
    let duration_ok = args.duration.is_finite() && args.duration > 0.0 && args.duration <= 86_400.0;
    if args.connections == 0 || args.people == Some(0) || !duration_ok {
        return Err(
            "--connections and --people must be positive, --duration between 0 and 86400 s".into(),
        );
    }
    let scenarios = if args.scenarios.is_empty() {
        // Federated sign-in needs an upstream; without one it is left out.
        Scenario::ALL
            .into_iter()
            .filter(|s| *s != Scenario::FederatedSignIn || args.upstream.is_some())
            .collect()
    } else {
        args.scenarios.clone()
    };
    if scenarios.contains(&Scenario::FederatedSignIn) && args.upstream.is_none() {
        return Err(
            "federated-sign-in needs --upstream (another idp server) and --upstream-idp".into(),
        );
    }
    if args.primitives {
        return measure_primitives(&args).map(|()| true);
    }
    let run_id = format!("{:08x}", rand::thread_rng().gen::<u32>());
    let service = match &args.service_client {
        Some(pair) => {
            let (id, secret) = pair
                .split_once(':')
                .ok_or("--service-client takes ID:SECRET")?;
            Some(setup::ClientCredentials {
                client_id: id.into(),
                client_secret: secret.into(),
                redirect_uri: String::new(),
            })
        }
        None => None,
    };
    let needs = setup::Needs {
        people: if scenarios.iter().any(|s| s.needs_people()) {
            args.people.unwrap_or(args.connections + args.burst)
        } else {
            0
        },
        service: scenarios
            .iter()
            .any(|s| matches!(s, Scenario::ClientCredentials))
            .then_some(service),
        id_token_alg: args.id_token_alg.clone(),
        upstream: args.upstream.as_ref().map(|url| setup::Upstream {
            url: url.clone(),
            idp: IdpCommand(if args.upstream_idp.is_empty() {
                args.idp.clone()
            } else {
                args.upstream_idp.clone()
            }),
        }),
        nodes: args.nodes.clone(),
    };
    let target = setup::prepare(&args.url, &IdpCommand(args.idp.clone()), needs, &run_id)
        .await
        .map_err(|e| e.to_string())?;
    let target = Arc::new(target);
    let plan = Plan {
        connections: args.connections,
        duration: Duration::from_secs_f64(args.duration),
        requests: args.requests,
        burst_connections: args.burst,
        progress: !args.quiet,
        forwarded_for: args.forwarded_for,
    };
    let resident = || args.server_pid.and_then(memory::resident_kib);
    let mut results = Vec::new();
    for scenario in scenarios {
        let before = resident();
        let outcome = run::run(scenario, target.clone(), plan)
            .await
            .map_err(|e| format!("{}: preparing the clients: {e}", scenario.name()))?;
        results.push(ScenarioResult {
            scenario: scenario.name(),
            connections: args.connections,
            seconds: outcome.elapsed.as_secs_f64(),
            resident_kib_before: before,
            resident_kib_after: resident(),
            operations: outcome.operations,
        });
    }
    print_table(&results);
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&results).expect("results serialize");
        std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let failed: u64 = results
        .iter()
        .flat_map(|r| &r.operations)
        .map(|o| o.errors)
        .sum();
    Ok(failed == 0 || !args.fail_on_error)
}

fn measure_primitives(args: &Args) -> Result<(), String> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let measured = primitives::measure(threads, Duration::from_secs_f64(args.duration))?;
    println!("{:<48} {:>8} {:>12}", "primitive", "threads", "per s");
    for p in &measured {
        println!("{:<48} {:>8} {:>12.0}", p.name, p.threads, p.per_second);
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&measured).expect("results serialize");
        std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn print_table(results: &[ScenarioResult]) {
    let mib =
        |kib: Option<u64>| kib.map_or("-".to_string(), |k| format!("{:.1}", k as f64 / 1024.0));
    println!(
        "{:<20} {:<20} {:>10} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7}  {:>9} {:>9}  errors",
        "scenario",
        "operation",
        "requests",
        "per s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "conns",
        "RSS MiB<",
        "RSS MiB>"
    );
    for r in results {
        for o in &r.operations {
            let errors = if o.errors_by_cause.is_empty() {
                "0".to_string()
            } else {
                o.errors_by_cause
                    .iter()
                    .map(|(cause, n)| format!("{cause}×{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!(
                "{:<20} {:<20} {:>10} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>7}  {:>9} {:>9}  {}",
                r.scenario,
                o.operation,
                o.requests,
                o.per_second,
                o.p50_ms,
                o.p90_ms,
                o.p99_ms,
                o.max_ms,
                r.connections,
                mib(r.resident_kib_before),
                mib(r.resident_kib_after),
                errors
            );
        }
    }
}
