//! Requests to addresses that clients chose ignore the proxy environment
//! variables: a proxy resolves and connects by itself, past the address
//! check. Its own test binary, because the variables are process-wide.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A loopback server that answers every request with `{}`, counting them.
fn counting_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                line.clear();
            }
            let mut out = stream;
            let _ = out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
            );
        }
    });
    (address, hits)
}

#[test]
fn proxy_variables_are_ignored() {
    let (proxy, through_proxy) = counting_server();
    let (target, direct) = counting_server();
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(name, format!("http://{proxy}"));
    }
    for name in ["NO_PROXY", "no_proxy", "REQUEST_METHOD"] {
        std::env::remove_var(name);
    }
    let url = format!("http://{target}/jwks.json");
    let body = idp_core::outbound::get(&url, true, Duration::from_secs(5), 1024).expect("fetched");
    assert_eq!(body, b"{}");
    assert_eq!(
        through_proxy.load(Ordering::SeqCst),
        0,
        "went through the proxy"
    );
    assert_eq!(direct.load(Ordering::SeqCst), 1);
}
