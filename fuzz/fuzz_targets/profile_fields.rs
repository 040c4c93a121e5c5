//! `PersonName::parse` and `Birthdate::parse`: sign-up and "My Profile".
#![no_main]

use chrono::{Datelike, NaiveDate};
use idp_core::accounts::{Birthdate, PersonName, MAX_NAME_LENGTH};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(raw) = idp_fuzz::text(data) else {
        return;
    };

    match PersonName::parse("given_name", raw) {
        Ok(name) => {
            let value = name.clone().into_inner();
            assert!(!value.is_empty());
            assert_eq!(value, value.trim());
            assert!(value.chars().count() <= MAX_NAME_LENGTH, "{value:?}");
            assert!(
                !value.chars().any(|c| c.is_control() || "<>\"".contains(c)),
                "{value:?}"
            );
            assert_eq!(PersonName::parse("given_name", &value), Ok(name));
        }
        Err(e) => idp_fuzz::check_field_error(&e, "given_name"),
    }

    let fixed = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    for today in [fixed, idp_core::now().date()] {
        match Birthdate::parse(raw, today) {
            Ok(birthdate) => {
                let date = birthdate.date();
                assert!(date <= today, "{date} after {today}");
                assert!(today.year() - date.year() <= 130, "{date}");
                // The canonical form (what the profile page shows) parses back.
                let shown = date.format("%Y-%m-%d").to_string();
                assert_eq!(Birthdate::parse(&shown, today), Ok(birthdate), "{shown}");
            }
            Err(e) => idp_fuzz::check_field_error(&e, "birthdate"),
        }
    }
});
