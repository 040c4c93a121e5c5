//! Checks the fuzz targets share.

use idp_core::accounts::FieldError;
use idp_core::i18n;

/// The input as text, or `None` for bytes that are not UTF-8 (the server
/// only ever hands these parsers `&str`).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Every field error must name a catalog text (`error.{code}`) in every
/// language, with all its placeholders filled by the error's arguments: that
/// is what the person is shown.
pub fn check_field_error(e: &FieldError, field: &str) {
    assert_eq!(e.field, field, "{e:?}");
    let key = format!("error.{}", e.code);
    let args: Vec<(&str, &str)> = e.args.iter().map(|(n, v)| (*n, v.as_str())).collect();
    for lang in i18n::languages() {
        let shown = i18n::format(lang, &key, &args);
        assert_ne!(shown, key, "{lang}: no catalog text for {e:?}");
        assert!(
            !shown.contains('{'),
            "{lang}: placeholder left unfilled for {e:?}: {shown:?}"
        );
    }
}
