//! Requests idp makes to addresses that clients chose (`jwks_uri`,
//! `backchannel_logout_uri`). Anyone who may register a client could point
//! them inside the operator's network, so by default only public addresses
//! are reached, and the address checked is the address connected to (no
//! DNS rebinding in between).

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// A blocking HTTP client bound to one checked address of `url`'s host.
pub fn client_for(
    url: &str,
    allow_internal: bool,
    timeout: Duration,
) -> Result<reqwest::blocking::Client, String> {
    let parsed = url::Url::parse(url).map_err(|_| "not a URL".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("only http(s) URLs are fetched".into());
    }
    let host = parsed.host_str().ok_or("the URL has no host")?.to_owned();
    let port = parsed
        .port_or_known_default()
        .ok_or("the URL has no port")?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let address = addresses
        .iter()
        .find(|a| allow_internal || is_public(a.ip()))
        .copied()
        .ok_or_else(|| format!("{host} is an internal address; idp only reaches public ones"))?;
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(bare, address)
        .build()
        .map_err(|e| e.to_string())
}

/// Routable on the public internet: not loopback, private, link-local,
/// shared (CGNAT), unspecified, multicast, documentation or unique-local.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (a == 100 && (64..128).contains(&b))
                || a == 0)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn internal_urls_are_refused_unless_allowed() {
        let e = client_for("http://127.0.0.1:9/jwks", false, Duration::from_secs(1))
            .err()
            .unwrap();
        assert!(e.contains("internal"), "{e}");
        assert!(client_for("http://127.0.0.1:9/jwks", true, Duration::from_secs(1)).is_ok());
        assert!(client_for("file:///etc/passwd", true, Duration::from_secs(1)).is_err());
    }
}
