//! The language a page or email is written in: an app's `ui_locales` (in
//! the query) first, else the browser's `Accept-Language`.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpRequest};
use idp_core::i18n;

#[derive(Debug, Clone, Copy)]
pub struct Lang(pub &'static str);

impl Lang {
    pub fn t(&self, key: &str) -> String {
        i18n::text(self.0, key)
    }

    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::format(self.0, key, args)
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(of(req)))
    }
}

/// The language for this request.
pub fn of(req: &HttpRequest) -> Lang {
    let asked = url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "ui_locales")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty() && v.len() <= 256);
    if let Some(locales) = asked {
        let lang = i18n::negotiate(&locales);
        // Only when the app asked for a language idp has; else the browser's.
        if locales
            .split(' ')
            .any(|l| l.split('-').next() == Some(lang))
        {
            return Lang(lang);
        }
    }
    let header = req
        .headers()
        .get("Accept-Language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Lang(i18n::negotiate(header))
}
