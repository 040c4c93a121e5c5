//! `i18n::negotiate`: `Accept-Language` headers and `ui_locales` (a NaN
//! q-value once made it panic), plus catalog look-ups with arbitrary keys.
#![no_main]

use idp_core::i18n;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(raw) = idp_fuzz::text(data) else {
        return;
    };
    let lang = i18n::negotiate(raw);
    assert!(i18n::languages().any(|l| l == lang), "{lang}");
    assert_eq!(i18n::supported(lang), lang);
    assert_eq!(i18n::negotiate(raw), lang, "not deterministic");
    // Anything but the fallback must have been asked for.
    if lang != i18n::FALLBACK {
        assert!(raw.to_ascii_lowercase().contains(lang), "{lang} not in {raw:?}");
    }
    // Naming the one tag twice picks the same.
    if !raw.contains([',', ' ', ';']) {
        assert_eq!(i18n::negotiate(&format!("{raw}, {raw}")), lang);
    }
    let _ = i18n::text(lang, raw);
    let _ = i18n::format(lang, raw, &[(raw, raw)]);
});
