//! Drives one scenario: prepares the virtual clients, lets them loop until
//! the time or the request budget is spent, and gathers their samples.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::agent::Failure;
use crate::scenario::{Client, Scenario};
use crate::setup::Target;
use crate::stats::{Samples, Summary};

#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub connections: usize,
    pub duration: Duration,
    /// Stop after this many iterations in all, if it comes first.
    pub requests: Option<u64>,
    /// Extra clients signing in during the middle third (`mixed` only).
    pub burst_connections: usize,
    pub progress: bool,
    pub forwarded_for: bool,
}

pub struct Outcome {
    pub elapsed: Duration,
    pub operations: Vec<Summary>,
}

/// Counters every virtual client updates, for the progress line and the
/// request budget.
#[derive(Default)]
struct Shared {
    started: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
}

type Gathered = BTreeMap<&'static str, Samples>;

pub async fn run(scenario: Scenario, target: Arc<Target>, plan: Plan) -> Result<Outcome, Failure> {
    let mut preparing = JoinSet::new();
    for i in 0..plan.connections {
        let target = target.clone();
        preparing
            .spawn(async move { Client::prepare(scenario, &target, i, plan.forwarded_for).await });
    }
    let mut clients = Vec::with_capacity(plan.connections);
    while let Some(prepared) = preparing.join_next().await {
        clients.push(prepared.expect("preparing a client does not panic")?);
    }

    let shared = Arc::new(Shared::default());
    let start = Instant::now();
    let deadline = start + plan.duration;
    let mut workers = JoinSet::new();
    for mut client in clients {
        let (target, shared) = (target.clone(), shared.clone());
        workers.spawn(async move {
            let mut gathered = Gathered::new();
            while Instant::now() < deadline {
                let n = shared.started.fetch_add(1, Ordering::Relaxed);
                if plan.requests.is_some_and(|budget| n >= budget) {
                    break;
                }
                let began = Instant::now();
                let (operation, result) = client.step(scenario, &target).await;
                record(&mut gathered, &shared, operation, began, result);
            }
            gathered
        });
    }
    if scenario == Scenario::Mixed && plan.burst_connections > 0 {
        let third = plan.duration / 3;
        for i in 0..plan.burst_connections {
            let (target, shared) = (target.clone(), shared.clone());
            workers.spawn(async move {
                let mut gathered = Gathered::new();
                tokio::time::sleep_until((start + third).into()).await;
                // Burst clients come from addresses of their own, after the
                // steady ones'.
                let index = plan.connections + i;
                let prepared =
                    Client::prepare(Scenario::PasswordSignIn, &target, index, plan.forwarded_for);
                let mut client = match prepared.await {
                    Ok(client) => client,
                    Err(e) => {
                        record(
                            &mut gathered,
                            &shared,
                            "burst-sign-in",
                            Instant::now(),
                            Err(e),
                        );
                        return gathered;
                    }
                };
                while Instant::now() < start + 2 * third {
                    let began = Instant::now();
                    let (_, result) = client.step(Scenario::PasswordSignIn, &target).await;
                    record(&mut gathered, &shared, "burst-sign-in", began, result);
                }
                gathered
            });
        }
    }
    let progress = plan.progress.then(|| {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            loop {
                tick.tick().await;
                eprint!(
                    "\r{:>20} {:>5.1}s {:>9} done {:>6} failed",
                    scenario.name(),
                    start.elapsed().as_secs_f64(),
                    shared.done.load(Ordering::Relaxed),
                    shared.failed.load(Ordering::Relaxed),
                );
                let _ = std::io::stderr().flush();
            }
        })
    });

    let mut all = Gathered::new();
    while let Some(gathered) = workers.join_next().await {
        for (operation, samples) in gathered.expect("a virtual client does not panic") {
            all.entry(operation).or_default().merge(samples);
        }
    }
    let elapsed = start.elapsed();
    if let Some(progress) = progress {
        progress.abort();
        eprintln!();
    }
    Ok(Outcome {
        elapsed,
        operations: all
            .into_iter()
            .map(|(operation, samples)| samples.summarize(operation, elapsed))
            .collect(),
    })
}

fn record(
    gathered: &mut Gathered,
    shared: &Shared,
    operation: &'static str,
    began: Instant,
    result: Result<(), Failure>,
) {
    let samples = gathered.entry(operation).or_default();
    match result {
        Ok(()) => {
            samples.record(began.elapsed());
            shared.done.fetch_add(1, Ordering::Relaxed);
        }
        Err(e) => {
            // The first few say what went wrong; the rest are only counted.
            if shared.failed.fetch_add(1, Ordering::Relaxed) < 3 {
                eprintln!("\n{operation}: {e}");
            }
            samples.fail(e.cause());
        }
    }
}
