//! `PasswordPolicy::check` (default settings) with arbitrary UTF-8.
//!
//! Input: the whole text is tried as a password; it is also read as lines
//! `password`, `email` (used when it parses), then context words.
#![no_main]

use idp_core::accounts::{EmailAddress, PasswordPolicy};
use idp_core::config::PasswordSettings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(raw) = idp_fuzz::text(data) else {
        return;
    };
    let settings = PasswordSettings::default();
    let policy = PasswordPolicy::new(&settings);
    let fallback = EmailAddress::parse("ada.lovelace@example.com").unwrap();

    let mut lines = raw.split('\n');
    let password = lines.next().unwrap_or_default();
    let email = lines
        .next()
        .and_then(|e| EmailAddress::parse(e).ok())
        .unwrap_or_else(|| fallback.clone());
    let context: Vec<&str> = lines.collect();

    let mut cases = vec![(raw, &fallback, &[][..])];
    if raw.contains('\n') {
        cases.push((password, &email, &context[..]));
    }
    for (password, email, context) in cases {
        match policy.check("password", password, email, context) {
            Ok(()) => {
                let len = password.chars().count();
                assert!((settings.min_length..=settings.max_length).contains(&len));
                assert!(!password.chars().any(char::is_control), "{password:?}");
                assert!(len <= policy.max_length());
            }
            Err(e) => idp_fuzz::check_field_error(&e, "password"),
        }
    }
});
