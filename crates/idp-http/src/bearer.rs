//! Bearer tokens (RFC 6750): where a request carries one, and the
//! `WWW-Authenticate` challenge of a refusal. UserInfo, dynamic registration
//! and the admin API all read tokens and say no through here.

use actix_web::http::header::AUTHORIZATION;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest};
use idp_core::db::StoreError;
use idp_core::oauth::AccessError;

/// The token of `Authorization: Bearer …`; the scheme is case-insensitive
/// (RFC 7235). Another scheme (`Basic`, say) is no Bearer token at all.
pub fn token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The token from the header or, on a form POST, from the body's
/// `access_token` (RFC 6750 §2.1-2.2). Both at once is a bad request (§2).
pub fn presented(req: &HttpRequest, body: &[u8]) -> Result<Option<String>, Refusal> {
    let in_body = (req.method() == Method::POST
        && req.content_type() == "application/x-www-form-urlencoded")
        .then(|| {
            url::form_urlencoded::parse(body)
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.into_owned())
        })
        .flatten();
    match (token(req), in_body) {
        (Some(_), Some(_)) => Err(Refusal::invalid_request("send the token in one place only")),
        (header, body) => Ok(header.or(body)),
    }
}

/// A Bearer-protected resource saying no (RFC 6750 §3).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{description}")]
pub struct Refusal {
    pub status: StatusCode,
    /// The RFC 6750 §3.1 code; `None` when the request carried no token.
    pub error: Option<&'static str>,
    pub description: String,
}

impl Refusal {
    /// No token at all: the challenge carries no error (RFC 6750 §3.1).
    pub fn no_token(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, description)
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            Some("invalid_request"),
            description,
        )
    }

    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, Some("invalid_token"), description)
    }

    pub fn insufficient_scope(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            Some("insufficient_scope"),
            description,
        )
    }

    fn new(
        status: StatusCode,
        error: Option<&'static str>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }

    /// The `WWW-Authenticate` value.
    pub fn challenge(&self) -> String {
        match self.error {
            None => "Bearer realm=\"idp\"".to_owned(),
            Some(code) => format!(
                "Bearer realm=\"idp\", error=\"{code}\", error_description=\"{}\"",
                quotable(&self.description)
            ),
        }
    }
}

/// RFC 6750 §3 allows only visible ASCII without `"` and `\` in
/// `error_description`, so a backslash escape would break its grammar;
/// such characters are replaced instead.
fn quotable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

/// A token the core turned down is a refusal; storage failing is not.
impl TryFrom<AccessError> for Refusal {
    type Error = StoreError;

    fn try_from(e: AccessError) -> Result<Self, StoreError> {
        match e {
            AccessError::InvalidToken => Ok(Refusal::invalid_token(e.to_string())),
            AccessError::InsufficientScope(why) => Ok(Refusal::insufficient_scope(why)),
            AccessError::Store(s) => Err(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_names_the_error_only_when_a_token_was_sent() {
        assert_eq!(
            Refusal::no_token("send one").challenge(),
            "Bearer realm=\"idp\""
        );
        assert_eq!(
            Refusal::insufficient_scope("needs scope admin").challenge(),
            "Bearer realm=\"idp\", error=\"insufficient_scope\", \
             error_description=\"needs scope admin\""
        );
    }

    #[test]
    fn a_description_cannot_break_out_of_its_quotes() {
        let challenge = Refusal::invalid_token("a \"quoted\" \\ back\nslash é").challenge();
        assert_eq!(
            challenge,
            "Bearer realm=\"idp\", error=\"invalid_token\", \
             error_description=\"a 'quoted' / back?slash ?\""
        );
    }
}
