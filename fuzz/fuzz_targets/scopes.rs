//! `Scopes::parse`: the `scope` parameter of /authorize and /token.
#![no_main]

use idp_core::oauth::Scopes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(raw) = idp_fuzz::text(data) else {
        return;
    };
    let Some(scopes) = Scopes::parse(raw) else {
        assert!(!raw.trim_matches(' ').is_empty(), "only spaces refused");
        return;
    };
    // Round-trips through Display (what goes into codes, tokens and consent).
    let shown = scopes.to_string();
    assert_eq!(Scopes::parse(&shown).as_ref(), Some(&scopes), "{shown:?}");
    assert_eq!(scopes.is_empty(), shown.is_empty());
    assert!(scopes.is_subset_of(&scopes));
    assert!(Scopes::default().is_subset_of(&scopes));

    // Exactly the input's tokens, first appearance first, no repeats.
    let mut expected: Vec<&str> = Vec::new();
    for token in raw.split(' ').filter(|t| !t.is_empty()) {
        if !expected.contains(&token) {
            expected.push(token);
        }
    }
    let tokens: Vec<&str> = scopes.iter().collect();
    assert_eq!(tokens, expected);
    for token in tokens {
        assert!(token.len() <= 64 && token.is_ascii(), "{token:?}");
        assert!(!token.contains(['"', '\\', ' ']), "{token:?}");
        assert!(scopes.contains(token));
    }
});
