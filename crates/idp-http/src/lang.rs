//! The language a page or email is written in, from `Accept-Language`.

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
        let header = req
            .headers()
            .get("Accept-Language")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        ready(Ok(Lang(i18n::negotiate(header))))
    }
}
