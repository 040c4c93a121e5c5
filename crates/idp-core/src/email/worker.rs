//! The mail worker: one thread per node that sends what the queue holds.
//! A commit that queued mail on this node wakes it at once; otherwise it
//! looks every few seconds (mail queued by other nodes, retries, claims of
//! nodes that died). It is a thread of its own, not a task on the blocking
//! pool: it lives as long as the server and mostly sleeps.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::queue::QueueCounts;
use crate::{now, Idp};

/// How often the worker looks without being woken.
const POLL: Duration = Duration::from_secs(5);
/// How often a queue that is not empty is logged when nothing changes.
const REMIND: Duration = Duration::from_secs(600);
/// After a database error, the worker waits this long before looking again.
const AFTER_ERROR: Duration = POLL;

/// The wake-up line between requests (which queue mail) and the worker of
/// this node. One worker per `Idp`.
#[derive(Default)]
pub struct Outgoing {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    woken: bool,
    stopped: bool,
}

impl Outgoing {
    /// Tells the worker that mail is waiting.
    pub fn wake(&self) {
        self.update(|s| s.woken = true);
    }

    pub(crate) fn stop(&self) {
        self.update(|s| s.stopped = true);
    }

    fn update(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()));
        self.changed.notify_all();
    }

    pub(crate) fn stopped(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).stopped
    }

    /// Sleeps until woken, stopped or `timeout`; `false` once stopped.
    pub(crate) fn wait(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while !state.woken && !state.stopped {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        state.woken = false;
        !state.stopped
    }
}

/// The running worker. Dropping it stops the worker once the message at
/// hand is finished; [`MailWorker::stop`] also waits for that.
pub struct MailWorker {
    outgoing: Arc<Outgoing>,
    thread: Option<JoinHandle<()>>,
}

impl MailWorker {
    pub fn start(idp: Idp) -> std::io::Result<Self> {
        let outgoing = idp.outgoing.clone();
        let thread = std::thread::Builder::new()
            .name("idp-mail".into())
            .spawn(move || run(&idp))?;
        Ok(Self {
            outgoing,
            thread: Some(thread),
        })
    }

    pub fn stop(mut self) {
        self.outgoing.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for MailWorker {
    fn drop(&mut self) {
        self.outgoing.stop();
    }
}

fn run(idp: &Idp) {
    let outgoing = &idp.outgoing;
    let mut shown = QueueCounts::default();
    let mut shown_at = Instant::now();
    loop {
        let pass = idp.send_due_mail(|| !outgoing.stopped());
        if let Err(e) = &pass {
            tracing::warn!(error = %e, "the mail queue cannot be worked on");
        }
        match idp.mail_queue_counts() {
            Ok(counts) => {
                let remind = counts.waiting > 0 && shown_at.elapsed() >= REMIND;
                if counts != shown || remind {
                    tracing::info!(
                        waiting = counts.waiting,
                        failed = counts.failed,
                        "mail queue"
                    );
                    (shown, shown_at) = (counts, Instant::now());
                }
            }
            Err(e) => tracing::warn!(error = %e, "the mail queue cannot be counted"),
        }
        let wait = match (&pass, idp.next_mail_due()) {
            (Ok(_), Ok(Some(due))) => (due - now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(Duration::from_millis(10), POLL),
            (Ok(_), Ok(None)) => POLL,
            _ => AFTER_ERROR,
        };
        if !outgoing.wait(wait) {
            break;
        }
    }
}
