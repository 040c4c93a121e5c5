//! A form extractor that is stricter than actix's: bytes that are not UTF-8
//! once percent-decoded are refused (actix would silently replace them), and
//! every failure is a readable page with a fitting status.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{InternalError, PayloadError};
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use idp_core::i18n;
use serde::de::DeserializeOwned;

pub struct Form<T>(pub T);

impl<T> Form<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Form<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

fn reject(status: StatusCode, key: &'static str) -> actix_web::Error {
    let page = super::layout::translatable_error_page(status, |lang| crate::lang::text(lang, key));
    InternalError::from_response(crate::lang::text(i18n::FALLBACK, key), page).into()
}

/// Whether every key and value decodes to UTF-8 (`+` is a space).
fn decodes_to_utf8(body: &[u8]) -> bool {
    std::str::from_utf8(body).is_ok_and(|text| {
        text.split('&').all(|pair| {
            let pair = pair.replace('+', " ");
            percent_encoding::percent_decode_str(&pair)
                .decode_utf8()
                .is_ok()
        })
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_form = req.content_type() == "application/x-www-form-urlencoded";
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_form {
                return Err(reject(StatusCode::UNSUPPORTED_MEDIA_TYPE, "error.bad_form"));
            }
            let bytes = body.await.map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => {
                    reject(StatusCode::PAYLOAD_TOO_LARGE, "error.form_too_large")
                }
                _ => reject(StatusCode::BAD_REQUEST, "error.bad_form"),
            })?;
            if !decodes_to_utf8(&bytes) {
                return Err(reject(StatusCode::BAD_REQUEST, "error.bad_form"));
            }
            serde_urlencoded::from_bytes::<T>(&bytes)
                .map(Form)
                .map_err(|_| reject(StatusCode::BAD_REQUEST, "error.bad_form"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::decodes_to_utf8;

    #[test]
    fn percent_encoded_text_must_be_utf8() {
        assert!(decodes_to_utf8(b"email=a%40example.com&name=J%C3%BCrgen+M"));
        assert!(!decodes_to_utf8(b"email=%FF%FE"));
        assert!(!decodes_to_utf8(b"email=\xff"));
    }
}
