//! Small, audited building blocks for every secret the server makes or checks.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A URL-safe random string carrying `bytes` bytes of entropy from the OS.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// An opaque identifier for a new row (128 bits, URL-safe).
pub fn new_id() -> String {
    random_token(16)
}

/// A code of `len` decimal digits, for people to type from an email.
pub fn random_digits(len: usize) -> String {
    (0..len)
        .map(|_| char::from(b'0' + OsRng.gen_range(0..10u8)))
        .collect()
}

/// How server-made secrets are stored: hex SHA-256.
pub fn sha256_hex(value: &str) -> String {
    sha256_hex_bytes(value.as_bytes())
}

pub fn sha256_hex_bytes(value: &[u8]) -> String {
    Sha256::digest(value)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two secrets without leaking where they differ through timing.
/// What the server keeps of a browser's binding value (its CSRF cookie):
/// enough to recognise the browser, useless to anyone who reads it.
pub fn browser_id(binding: &str) -> String {
    sha256_hex(&format!("browser:{binding}"))
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// HMAC-SHA256 of `message` under `key`, URL-safe base64.
pub fn hmac_sign(key: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Checks an [`hmac_sign`] signature in constant time.
pub fn hmac_verify(key: &[u8], message: &str, signature: &str) -> bool {
    constant_time_eq(&hmac_sign(key, message), signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_url_safe() {
        let a = random_token(32);
        let b = random_token(32);
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn digits_are_digits() {
        let code = random_digits(8);
        assert_eq!(code.len(), 8);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn sha256_matches_known_vector() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hmac_round_trip_and_tamper() {
        let sig = hmac_sign(b"key", "msg");
        assert!(hmac_verify(b"key", "msg", &sig));
        assert!(!hmac_verify(b"key", "msg2", &sig));
        assert!(!hmac_verify(b"other", "msg", &sig));
        assert!(!constant_time_eq("a", "ab"));
    }
}
