//! Authenticator-app codes (TOTP, RFC 6238): HMAC-SHA1, six digits, 30 s
//! steps, which every authenticator app understands. A code is taken from
//! one step either side of now (clock drift) and only once: the newest
//! accepted step is stored and a code must be newer.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use subtle::ConstantTimeEq;

use crate::db::schema::totp_factors as t;
use crate::db::DbConnection;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
/// 160 bits, the HMAC-SHA1 block the RFC recommends.
const SECRET_BYTES: usize = 20;
/// A set-up that was never confirmed is offered again for this long, so a
/// reloaded page keeps the code the person may have scanned already.
pub(super) const UNCONFIRMED_REUSE_MINUTES: i64 = 10;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = t)]
pub(super) struct TotpRow {
    /// Sealed with the master key.
    pub secret: String,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
}

pub(super) fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

pub(super) fn step_at(time: NaiveDateTime) -> i64 {
    time.and_utc().timestamp().div_euclid(STEP_SECONDS)
}

/// The code for one time step (RFC 4226 §5.3, dynamic truncation).
fn code_at(secret: &[u8], step: i64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let bin = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    bin % 10u32.pow(digits)
}

/// Whether `typed` looks like an authenticator code at all (six digits,
/// spaces allowed as apps show them): anything else is a recovery code.
pub(super) fn normalize(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// The step `code` belongs to, within one step of `now`, if any. Every
/// candidate is compared, in constant time, so timing tells nothing.
pub(super) fn matching_step(secret: &[u8], code: &str, now: NaiveDateTime) -> Option<i64> {
    let current = step_at(now);
    let mut found = None;
    for step in [current - 1, current, current + 1] {
        let expected = format!(
            "{:0width$}",
            code_at(secret, step, DIGITS),
            width = DIGITS as usize
        );
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            found = Some(step);
        }
    }
    found
}

/// Takes `step` for the account: false when it, or a newer one, was used
/// already (a replayed code, or two requests racing with one code).
pub(super) fn take_step(conn: &mut DbConnection, account_id: &str, step: i64) -> QueryResult<bool> {
    let n = diesel::update(t::table.find(account_id).filter(t::last_step.lt(step)))
        .set(t::last_step.eq(step))
        .execute(conn)?;
    Ok(n == 1)
}

pub(super) fn find(conn: &mut DbConnection, account_id: &str) -> QueryResult<Option<TotpRow>> {
    t::table
        .find(account_id)
        .select(TotpRow::as_select())
        .first(conn)
        .optional()
}

/// Whether an unconfirmed set-up may be shown again rather than replaced.
pub(super) fn reusable(row: &TotpRow, now: NaiveDateTime) -> bool {
    row.confirmed_at.is_none()
        && now - row.created_at < Duration::minutes(UNCONFIRMED_REUSE_MINUTES)
}

/// RFC 4648 base32 without padding: how authenticator apps take a secret.
pub(super) fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The `otpauth://` link an app reads from the QR code (the Key Uri Format
/// every authenticator app follows).
pub(super) fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label: String =
        url::form_urlencoded::byte_serialize(format!("{issuer}:{account}").as_bytes()).collect();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("secret", &base32(secret))
        .append_pair("issuer", issuer)
        .append_pair("algorithm", "SHA1")
        .append_pair("digits", &DIGITS.to_string())
        .append_pair("period", &STEP_SECONDS.to_string());
    // Form encoding writes spaces as '+', which some apps show as is; a
    // literal '+' is '%2B' by then, so every '+' left is a space.
    let uri = format!("otpauth://totp/{label}?{}", query.finish());
    uri.replace('+', "%20")
}

/// The current code, for tests of other crates that play the person's app.
pub fn current_code(secret_base32: &str, now: NaiveDateTime) -> Option<String> {
    let secret = decode_base32(secret_base32)?;
    let code = code_at(&secret, step_at(now), DIGITS);
    Some(format!("{code:0width$}", width = DIGITS as usize))
}

fn decode_base32(text: &str) -> Option<Vec<u8>> {
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.chars().filter(|c| *c != '=') {
        let value = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u32 - 'A' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(unix, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // Appendix B, SHA-1, eight digits.
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
        ] {
            assert_eq!(code_at(secret, step_at(at(time)), 8), code, "at {time}");
        }
    }

    #[test]
    fn a_code_is_taken_one_step_either_side_and_no_further() {
        let secret = new_secret();
        let now = at(1_800_000_000);
        let code = |offset: i64| format!("{:06}", code_at(&secret, step_at(now) + offset, DIGITS));
        assert_eq!(matching_step(&secret, &code(0), now), Some(step_at(now)));
        assert_eq!(
            matching_step(&secret, &code(-1), now),
            Some(step_at(now) - 1)
        );
        assert_eq!(
            matching_step(&secret, &code(1), now),
            Some(step_at(now) + 1)
        );
        for far in [-3, -2, 2, 3] {
            let c = code(far);
            // A far code may collide with a near one by chance (1 in 10^6).
            if ![code(-1), code(0), code(1)].contains(&c) {
                assert_eq!(matching_step(&secret, &c, now), None, "offset {far}");
            }
        }
    }

    #[test]
    fn typed_codes_are_six_digits_with_spaces_allowed() {
        assert_eq!(normalize(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalize("12345"), None);
        assert_eq!(normalize("1234567"), None);
        assert_eq!(normalize("12345a"), None);
        assert_eq!(normalize("١٢٣٤٥٦"), None, "only ASCII digits");
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        let secret = new_secret();
        assert_eq!(decode_base32(&base32(&secret)).unwrap(), secret);
        let now = at(1_700_000_000);
        assert_eq!(
            current_code(&base32(&secret), now).unwrap(),
            format!("{:06}", code_at(&secret, step_at(now), DIGITS))
        );
    }

    #[test]
    fn the_link_names_the_issuer_and_the_account() {
        let uri = otpauth_uri("Acme ID", "ada@example.com", b"12345678901234567890");
        assert!(
            uri.starts_with("otpauth://totp/Acme%20ID%3Aada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20ID"),
            "{uri}"
        );
        assert!(uri.ends_with("&algorithm=SHA1&digits=6&period=30"));
    }
}
