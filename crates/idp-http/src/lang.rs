//! The language a page or email is written in: an app's `ui_locales` (in
//! the query) first, else the reader's choice (the switcher's cookie), else
//! the browser's `Accept-Language`, else the operator's default.

use std::future::{ready, Ready};

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use idp_core::{i18n, Idp};

/// The cookie holding the reader's language.
pub const COOKIE: &str = "idp_lang";

/// The text for `key` in `lang`: the operator's wording where it has one
/// (`[branding] folder`), else idp's catalog.
pub fn text(lang: &str, key: &str) -> String {
    format(lang, key, &[])
}

/// [`text`] with `{ $name }` placeholders filled in.
pub fn format(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    crate::pages::brand::with(|page| i18n::format_with(Some(&page.brand.wording), lang, key, args))
}

/// The cookie that keeps `tag` as this browser's language: for the visit
/// (an app's wish), or for a year (the reader's own choice).
pub fn cookie(tag: &str, secure: bool, for_a_year: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build(COOKIE, tag.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure);
    if for_a_year {
        cookie = cookie.max_age(Duration::days(365));
    }
    cookie.finish()
}

#[derive(Debug, Clone, Copy)]
pub struct Lang(pub &'static str);

impl Lang {
    pub fn t(&self, key: &str) -> String {
        text(self.0, key)
    }

    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        format(self.0, key, args)
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(of(req)))
    }
}

/// Where the language of a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    ByApp,
    ByReader,
    ByBrowser,
    ByOperator,
}

/// The language for this request.
pub fn of(req: &HttpRequest) -> Lang {
    choose(req).0
}

/// The language for this request, and which rule chose it.
pub fn choose(req: &HttpRequest) -> (Lang, Chosen) {
    let asked = url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "ui_locales")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty() && v.len() <= 256);
    if let Some(lang) = asked.as_deref().and_then(i18n::negotiate_among) {
        return (Lang(lang), Chosen::ByApp);
    }
    if let Some(lang) = saved(req) {
        return (Lang(lang), Chosen::ByReader);
    }
    let header = req
        .headers()
        .get("Accept-Language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(lang) = i18n::negotiate_among(header) {
        return (Lang(lang), Chosen::ByBrowser);
    }
    let default = req
        .app_data::<web::Data<Idp>>()
        .map_or(i18n::FALLBACK, |idp| {
            i18n::supported(&idp.settings.branding.default_language)
        });
    (Lang(default), Chosen::ByOperator)
}

/// The language the reader chose, if it is one idp has.
pub fn saved(req: &HttpRequest) -> Option<&'static str> {
    let cookie = req.cookie(COOKIE)?;
    i18n::languages().find(|l| *l == cookie.value())
}
