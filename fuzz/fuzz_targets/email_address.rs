//! `EmailAddress::parse`: every form field and JSON body with an address.
#![no_main]

use idp_core::accounts::{EmailAddress, MAX_EMAIL_LENGTH};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(raw) = idp_fuzz::text(data) else {
        return;
    };
    match EmailAddress::parse(raw) {
        Ok(email) => {
            let s = email.as_str();
            // Normalised: parsing the result again gives the same address,
            // and so does any case or surrounding space.
            assert_eq!(EmailAddress::parse(s).as_ref(), Ok(&email), "re-parse");
            let shouted = format!(" \t{}\n", s.to_uppercase());
            assert_eq!(EmailAddress::parse(&shouted).as_ref(), Ok(&email), "case/space");
            assert_eq!(email.to_string(), s);
            assert!(s.is_ascii(), "{s:?}");
            assert_eq!(s, s.trim());
            assert_eq!(s, s.to_lowercase());
            assert!(s.chars().count() <= MAX_EMAIL_LENGTH, "{s:?}");
            let local = email.local_part();
            assert!(!local.is_empty() && local.len() <= 64, "{s:?}");
            let domain = &s[local.len()..];
            assert!(domain.starts_with('@') && domain.len() > 1, "{s:?}");
            assert!(domain[1..].contains('.') && !domain[1..].contains('@'), "{s:?}");
        }
        Err(e) => idp_fuzz::check_field_error(&e, "email"),
    }
});
