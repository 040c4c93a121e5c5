//! `idp serve` of the built binary as a process of its own, on a free
//! loopback port, for the tests that need the real command (its banner,
//! several nodes on one database).
//!
//! The in-process `TestApp` hands its server a listener it bound itself; a
//! child process cannot take one, so the port is picked by binding port 0 and
//! letting it go, and another process may take it before idp binds it. When
//! idp then exits saying so ("cannot listen on …: Address already in use",
//! `startup.rs` through `cli.rs`), it is started again on a fresh port: a
//! stolen port never fails a test.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many ports are tried before giving up.
const STARTS: usize = 5;
/// How long idp may take to say it listens (or to say anything awaited).
const WAIT: Duration = Duration::from_secs(30);

/// A running `idp serve`; killed when dropped, also when a test fails.
pub struct ServeProcess {
    pub port: u16,
    pub child: Child,
    /// Its stdout and stderr.
    pub log: PathBuf,
}

impl ServeProcess {
    /// Runs `command(port)`, which must be an `idp serve` bound to
    /// `127.0.0.1:port`, with its output in `log`, until it says that it
    /// listens; on another port when that one was taken.
    pub fn start(log: &Path, mut command: impl FnMut(u16) -> Command) -> Self {
        for _ in 0..STARTS {
            let port = free_port();
            let file = File::create(log).expect("log file");
            let child = command(port)
                .stdout(Stdio::from(file.try_clone().unwrap()))
                .stderr(Stdio::from(file))
                .spawn()
                .expect("idp serve starts");
            let mut process = Self {
                port,
                child,
                log: log.to_owned(),
            };
            let listening = format!("idp is listening on http://127.0.0.1:{port} ");
            if process.wait_for(&listening).is_some() {
                return process;
            }
            let taken = format!("cannot listen on 127.0.0.1:{port}: Address already in use");
            assert!(
                process.log_text().contains(&taken),
                "idp serve did not start: {}",
                process.log_text()
            );
        }
        panic!("idp serve: {STARTS} ports in a row were taken before it could bind them");
    }

    /// The log once it contains `needle`; `None` when idp exited before
    /// writing it. Panics when neither happens in time.
    pub fn wait_for(&mut self, needle: &str) -> Option<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.log_text();
            if text.contains(needle) {
                return Some(text);
            }
            if self.child.try_wait().expect("idp serve status").is_some() {
                let text = self.log_text();
                return text.contains(needle).then_some(text);
            }
            assert!(
                Instant::now() < deadline,
                "idp serve has not written {needle:?} after {WAIT:?}: {text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
