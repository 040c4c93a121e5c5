//! `Settings::load(None, env)` with arbitrary `IDP_*` variables: a bad
//! value must be an error naming it, never a panic; accepted settings must
//! not make the server panic later (every lifetime fits a date).
//!
//! Input: lines `NAME=VALUE`, each the variable `IDP_NAME` (bytes that are
//! not UTF-8 become U+FFFD). A value written `#` plus one byte is a number
//! near a boundary of some integer type (see [`boundary`]), so integer
//! settings see their extremes.
#![no_main]

use chrono::TimeDelta;
use idp_core::accounts::{EmailAddress, PasswordPolicy};
use idp_core::config::{ConfigError, Settings};
use libfuzzer_sys::fuzz_target;

/// Byte `b` as a number: one of 32 boundaries (low 5 bits), off by 0, 1,
/// -1, 2, -2, 3, -3 or 4 (high 3 bits).
fn boundary(b: u8) -> String {
    const BOUNDARIES: [i64; 32] = [
        0,
        1,
        8,
        32,
        64,
        100,
        i8::MAX as i64 + 1,
        u8::MAX as i64 + 1,
        1024,
        i16::MAX as i64 + 1,
        u16::MAX as i64 + 1,
        1 << 20,
        1 << 24,
        1 << 29,
        1 << 30,
        i32::MAX as i64 + 1,
        u32::MAX as i64 + 1,
        1 << 40,
        1 << 53,
        1 << 60,
        i64::MAX / 86_400_000,
        i64::MAX / 3_600_000,
        i64::MAX / 86_400,
        i64::MAX / 60_000,
        i64::MAX / 3_600,
        i64::MAX / 1_000,
        i64::MAX / 60,
        i64::MAX / 8,
        i64::MAX,
        -(1 << 31),
        -1,
        i64::MIN,
    ];
    const OFFSETS: [i64; 8] = [0, 1, -1, 2, -2, 3, -3, 4];
    let base = BOUNDARIES[usize::from(b & 31)];
    base.saturating_add(OFFSETS[usize::from(b >> 5)]).to_string()
}

fn variables(mut data: &[u8]) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    while !data.is_empty() {
        let name_end = data.iter().position(|b| matches!(b, b'=' | b'\n'));
        let name = String::from_utf8_lossy(&data[..name_end.unwrap_or(data.len())]);
        let name = format!("IDP_{name}");
        data = &data[name_end.unwrap_or(data.len())..];
        let value = match data {
            [b'=', b'#', b, rest @ ..] => {
                data = rest;
                boundary(*b)
            }
            [b'=', rest @ ..] => {
                let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
                data = &rest[end..];
                String::from_utf8_lossy(&rest[..end]).into_owned()
            }
            _ => String::new(),
        };
        // Past the end of the line (anything left on it is ignored).
        let next = data.iter().position(|b| *b == b'\n').map_or(data.len(), |p| p + 1);
        data = &data[next..];
        if name != "IDP_" || !value.is_empty() {
            vars.push((name, value));
        }
    }
    vars
}

/// The server turns these settings into `chrono::Duration::{seconds,
/// minutes, hours, days}` and adds them to now, which panics when the
/// number is out of range; accepted settings must stay far from that.
fn lifetimes_fit(settings: &Settings) {
    let (t, s, th) = (&settings.tokens, &settings.sessions, &settings.throttle);
    let lifetimes = [
        ("tokens.access_token_minutes", TimeDelta::try_minutes(t.access_token_minutes)),
        ("tokens.id_token_minutes", TimeDelta::try_minutes(t.id_token_minutes)),
        (
            "tokens.authorization_code_seconds",
            TimeDelta::try_seconds(t.authorization_code_seconds),
        ),
        ("tokens.refresh_token_idle_days", TimeDelta::try_days(t.refresh_token_idle_days)),
        (
            "tokens.refresh_token_absolute_days",
            TimeDelta::try_days(t.refresh_token_absolute_days),
        ),
        ("tokens.email_verification_hours", TimeDelta::try_hours(t.email_verification_hours)),
        ("tokens.email_change_hours", TimeDelta::try_hours(t.email_change_hours)),
        (
            "tokens.password_reset_code_minutes",
            TimeDelta::try_minutes(t.password_reset_code_minutes),
        ),
        ("sessions.idle_timeout_minutes", TimeDelta::try_minutes(s.idle_timeout_minutes)),
        ("sessions.absolute_timeout_hours", TimeDelta::try_hours(s.absolute_timeout_hours)),
        ("throttle.window_minutes", TimeDelta::try_minutes(th.window_minutes)),
        ("throttle.lockout_minutes", TimeDelta::try_minutes(th.lockout_minutes)),
    ];
    let now = idp_core::now();
    for (key, lifetime) in lifetimes {
        let lifetime = lifetime.unwrap_or_else(|| panic!("{key} accepted but out of range"));
        assert!(
            now.checked_add_signed(lifetime).is_some() && now.checked_sub_signed(lifetime).is_some(),
            "{key} accepted but now ± {lifetime} overflows"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let vars = variables(data);
    match Settings::load(None, vars.clone()) {
        Ok(settings) => {
            assert!(settings.validate().is_ok());
            let _ = settings.database_url_for_display();
            let _ = settings.outbox_dir();
            let _ = format!("{settings:?}");
            // Accepted password settings make a policy that works.
            let email = EmailAddress::parse("ada@example.com").unwrap();
            let policy = PasswordPolicy::new(&settings.password);
            let _ = policy.check("password", "Corr3ct-Horse!Battery", &email, &[]);
            lifetimes_fit(&settings);
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            if let ConfigError::Env { var, .. } = &e {
                assert!(vars.iter().any(|(name, _)| name == var), "{e}");
            }
        }
    }
});
