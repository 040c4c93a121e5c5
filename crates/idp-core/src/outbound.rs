//! Requests idp makes to addresses that clients chose (`jwks_uri`,
//! `backchannel_logout_uri`). Anyone who may register a client could point
//! them inside the operator's network, so by default only public addresses
//! are reached, and the address checked is the address connected to (no
//! DNS rebinding in between, and no proxy from the environment, which would
//! resolve the name again by itself). Answers are read up to a limit, in
//! bounded time. Errors name hosts and internal addresses: they are for the
//! log, never for the caller.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("only http(s) URLs with a host are fetched")]
    NotHttp,
    #[error("cannot resolve {host}: {source}")]
    Resolve {
        host: String,
        source: std::io::Error,
    },
    #[error("{host} is an internal address; idp only reaches public ones")]
    Internal { host: String },
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("answered with status {0}")]
    Status(reqwest::StatusCode),
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the answer took longer than {0:?}")]
    TooSlow(Duration),
    #[error("reading the answer failed: {0}")]
    Read(std::io::Error),
}

/// A blocking HTTP client bound to one checked address of `url`'s host.
pub fn client_for(
    url: &str,
    allow_internal: bool,
    timeout: Duration,
) -> Result<reqwest::blocking::Client, OutboundError> {
    let parsed = url::Url::parse(url).map_err(|_| OutboundError::NotHttp)?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(OutboundError::NotHttp);
    }
    let host = parsed.host_str().ok_or(OutboundError::NotHttp)?.to_owned();
    let port = parsed
        .port_or_known_default()
        .ok_or(OutboundError::NotHttp)?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|source| OutboundError::Resolve {
            host: host.clone(),
            source,
        })?
        .collect();
    let address = addresses
        .iter()
        .find(|a| allow_internal || is_public(a.ip()))
        .copied()
        .ok_or_else(|| OutboundError::Internal { host: host.clone() })?;
    Ok(reqwest::blocking::Client::builder()
        .timeout(timeout)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(bare, address)
        .build()?)
}

/// GETs `url` (see [`client_for`]); the body of a 2xx answer, refused as
/// soon as it grows past `max_bytes`. Each read waits at most `timeout`,
/// and reading stops once `timeout` has passed since the request began, so
/// a server that trickles its answer holds a thread for at most twice that.
pub fn get(
    url: &str,
    allow_internal: bool,
    timeout: Duration,
    max_bytes: usize,
) -> Result<Vec<u8>, OutboundError> {
    let started = Instant::now();
    let response = client_for(url, allow_internal, timeout)?.get(url).send()?;
    if !response.status().is_success() {
        return Err(OutboundError::Status(response.status()));
    }
    if response
        .content_length()
        .is_some_and(|n| n > max_bytes as u64)
    {
        return Err(OutboundError::TooLarge(max_bytes));
    }
    let mut body = Vec::new();
    let mut limited = response.take(max_bytes as u64 + 1);
    let mut chunk = [0u8; 8192];
    loop {
        let n = limited.read(&mut chunk).map_err(OutboundError::Read)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
        if body.len() > max_bytes {
            return Err(OutboundError::TooLarge(max_bytes));
        }
        if started.elapsed() > timeout {
            return Err(OutboundError::TooSlow(timeout));
        }
    }
    Ok(body)
}

/// IANA's IPv4 special-purpose address registry (RFC 6890 and its updates),
/// every block of it, whether or not the registry marks it globally
/// reachable (anycast relays and AS112 sinks are no place for an app's keys
/// either), and multicast.
const SPECIAL_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network"
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private use
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // shared address space (CGNAT)
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local (cloud metadata)
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private use
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation (TEST-NET-1)
    (Ipv4Addr::new(192, 31, 196, 0), 24), // AS112-v4
    (Ipv4Addr::new(192, 52, 193, 0), 24), // AMT
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // 6to4 relay anycast (deprecated)
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private use
    (Ipv4Addr::new(192, 175, 48, 0), 24), // AS112 direct delegation
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation (TEST-NET-2)
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation (TEST-NET-3)
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, and 255.255.255.255
];

/// The blocks of IANA's IPv6 special-purpose registry inside global unicast
/// (2000::/3); everything outside 2000::/3 is refused anyway: ::/8
/// (unspecified, loopback, IPv4-compatible), the NAT64 prefixes 64:ff9b::/96
/// and 64:ff9b:1::/48 (which reach IPv4 addresses through the operator's
/// translator), 100::/64, 5f00::/16, fc00::/7, fe80::/10, the old site-local
/// fec0::/10 and multicast. Only ::ffff:0:0/96 is judged by its IPv4 address.
const SPECIAL_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF assignments, Teredo
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16), // 6to4
    (Ipv6Addr::new(0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0), 48), // AS112 direct delegation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation
];

/// Routable on the public internet and nothing special: see [`SPECIAL_V4`]
/// and [`SPECIAL_V6`].
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            !SPECIAL_V4
                .iter()
                .any(|&(block, len)| bits >> (32 - len) == u32::from(block) >> (32 - len))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let bits = u128::from(v6);
            let within =
                |block: Ipv6Addr, len: u8| bits >> (128 - len) == u128::from(block) >> (128 - len);
            within(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3)
                && !SPECIAL_V6.iter().any(|&(block, len)| within(block, len))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};

    /// A loopback server for one request: sends `head`, then `body` one
    /// piece every `pause`; the URL.
    fn serve_once(head: &'static str, body: Vec<&'static [u8]>, pause: Duration) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                line.clear();
            }
            let mut out = stream;
            let _ = out.write_all(head.as_bytes());
            for piece in body {
                std::thread::sleep(pause);
                if out.write_all(piece).is_err() {
                    return;
                }
            }
        });
        url
    }

    #[test]
    fn answers_are_read_within_limits() {
        let plain = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
        let url = serve_once(plain, vec![b"{}"], Duration::ZERO);
        assert_eq!(get(&url, true, Duration::from_secs(5), 2).unwrap(), b"{}");

        let url = serve_once(plain, vec![b"{\"keys\": []}"], Duration::ZERO);
        let e = get(&url, true, Duration::from_secs(5), 4).unwrap_err();
        assert!(matches!(e, OutboundError::TooLarge(4)), "{e}");

        // Announced too large: refused before reading.
        let announced = "HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n";
        let url = serve_once(announced, vec![], Duration::ZERO);
        let e = get(&url, true, Duration::from_secs(5), 1024).unwrap_err();
        assert!(matches!(e, OutboundError::TooLarge(1024)), "{e}");

        let missing = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        let url = serve_once(missing, vec![], Duration::ZERO);
        let e = get(&url, true, Duration::from_secs(5), 1024).unwrap_err();
        assert!(matches!(e, OutboundError::Status(s) if s == 404), "{e}");
    }

    #[test]
    fn a_trickling_answer_is_cut_off() {
        // A byte every 100 ms: each read is quick, the whole is not.
        let head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
        let url = serve_once(head, vec![b" "; 100], Duration::from_millis(100));
        let started = Instant::now();
        let e = get(&url, true, Duration::from_millis(500), 1024).unwrap_err();
        assert!(matches!(e, OutboundError::TooSlow(_)), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn special_purpose_addresses_are_not_public() {
        // One address from each block of IANA's IPv4 and IPv6 special-purpose
        // registries, plus multicast and the deprecated site-local block.
        let internal = [
            "0.0.0.0",
            "0.1.2.3",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.0.1",
            "169.254.169.254",
            "172.16.5.4",
            "172.31.255.255",
            "192.0.0.1",
            "192.0.0.9",
            "192.0.0.170",
            "192.0.2.1",
            "192.31.196.1",
            "192.52.193.1",
            "192.88.99.1",
            "192.168.0.1",
            "192.175.48.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.1",
            "203.0.113.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::127.0.0.1",
            "::10.0.0.1",
            "::8.8.8.8",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:0:127.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::8.8.8.8",
            "64:ff9b:1::a00:1",
            "100::1",
            "100:0:0:1::1",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:1::1",
            "2001:2::1",
            "2001:3::1",
            "2001:4:112::1",
            "2001:10::1",
            "2001:20::1",
            "2001:1ff::1",
            "2001:db8::1",
            "2002:7f00:1::1",
            "2002:a00:1::1",
            "2620:4f:8000::1",
            "3fff::1",
            "5f00::1",
            "fc00::1",
            "fd00::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "feff::1",
            "ff02::1",
            "ff0e::1",
        ];
        let taken: Vec<&str> = internal
            .into_iter()
            .filter(|a| is_public(a.parse().unwrap()))
            .collect();
        assert!(taken.is_empty(), "taken for public: {taken:?}");
    }

    #[test]
    fn public_addresses_are_public() {
        let public = [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "192.0.1.1",
            "192.88.98.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.254",
            "::ffff:8.8.8.8",
            "2001:200::1",
            "2001:4860:4860::8888",
            "2606:2800:220:1::1",
            "2a00:1450:4001::1",
            "2003::1",
        ];
        let refused: Vec<&str> = public
            .into_iter()
            .filter(|a| !is_public(a.parse().unwrap()))
            .collect();
        assert!(refused.is_empty(), "taken for internal: {refused:?}");
    }

    #[test]
    fn internal_urls_are_refused_unless_allowed() {
        let e = client_for("http://127.0.0.1:9/jwks", false, Duration::from_secs(1))
            .err()
            .unwrap();
        assert!(matches!(e, OutboundError::Internal { .. }), "{e}");
        assert!(client_for("http://127.0.0.1:9/jwks", true, Duration::from_secs(1)).is_ok());
        assert!(client_for("file:///etc/passwd", true, Duration::from_secs(1)).is_err());
    }
}
