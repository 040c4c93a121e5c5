//! `AuthorizeParams` from a query string, as actix-web's `Query` reads it
//! (serde_urlencoded), then the parsers the request's values go to.
#![no_main]

use idp_core::i18n;
use idp_core::oauth::{AuthorizeParams, Scopes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(params) = serde_urlencoded::from_bytes::<AuthorizeParams>(data) else {
        return;
    };
    // What idp writes back (redirects to sign-in keep the request) reads
    // back to the same request.
    let query = serde_urlencoded::to_string(&params).expect("serialises");
    let again: AuthorizeParams = serde_urlencoded::from_str(&query).expect("own query parses");
    assert_eq!(serde_urlencoded::to_string(&again).unwrap(), query);

    if let Some(scopes) = params.scope.as_deref().and_then(Scopes::parse) {
        assert_eq!(Scopes::parse(&scopes.to_string()), Some(scopes));
    }
    if let Some(locales) = &params.ui_locales {
        let _ = i18n::negotiate(locales);
    }
});
