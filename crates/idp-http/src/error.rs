//! The one place where domain errors become HTTP responses: JSON for the
//! API, an HTML page for browsers.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use idp_core::accounts::{AccountError, FieldError};
use idp_core::i18n;
use serde::Serialize;

/// Status and machine-readable code for an account error.
pub fn classify(e: &AccountError) -> (StatusCode, &'static str) {
    match e {
        AccountError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        AccountError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
        AccountError::EmailNotVerified => (StatusCode::FORBIDDEN, "email_not_verified"),
        AccountError::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        AccountError::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable"),
        AccountError::InvalidLink => (StatusCode::BAD_REQUEST, "invalid_or_expired_link"),
        AccountError::InvalidCode => (StatusCode::BAD_REQUEST, "invalid_or_expired_code"),
        AccountError::BotCheck => (StatusCode::BAD_REQUEST, "bot_check_failed"),
        AccountError::EmailUnavailable => (StatusCode::CONFLICT, "email_unavailable"),
        AccountError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        AccountError::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable"),
    }
}

/// Text for a field problem in `lang`.
pub fn field_message(lang: &str, e: &FieldError) -> String {
    let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    i18n::format(lang, &format!("error.{}", e.code), &args)
}

/// Text for a whole-request problem in `lang`.
pub fn account_message(lang: &str, e: &AccountError) -> String {
    match e {
        AccountError::Throttled { retry_after_secs } => {
            let minutes = ((retry_after_secs + 59) / 60).max(1).to_string();
            i18n::format(lang, "error.too_many_attempts", &[("minutes", &minutes)])
        }
        AccountError::Busy { .. } => i18n::text(lang, "error.busy"),
        AccountError::Invalid(fields) => fields
            .first()
            .map(|f| field_message(lang, f))
            .unwrap_or_default(),
        other => i18n::text(lang, &format!("error.{}", classify(other).1)),
    }
}

#[derive(Serialize)]
pub struct ApiFieldError {
    pub field: &'static str,
    pub error: &'static str,
    pub message: String,
}

#[derive(Serialize)]
pub struct ApiErrorBody {
    pub error: String,
    pub error_description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ApiFieldError>,
}

/// An error of the JSON API, rendered as `{"error", "error_description"}`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("{description}")]
    Request {
        status: StatusCode,
        code: &'static str,
        description: String,
    },
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        ApiError::Request {
            status,
            code,
            description: description.into(),
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            i18n::text(i18n::FALLBACK, "error.unauthenticated"),
        )
    }
}

impl From<idp_core::clients::ClientError> for ApiError {
    fn from(e: idp_core::clients::ClientError) -> Self {
        use idp_core::clients::ClientError;
        match e {
            ClientError::Invalid { field, message } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_client_metadata",
                format!("{field}: {message}"),
            ),
            ClientError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "No client has that id.")
            }
            ClientError::Store(e) => ApiError::Account(AccountError::Store(e)),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "The server is busy; try again in a moment.",
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Account(e) => classify(e).0,
            ApiError::Request { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let lang = i18n::FALLBACK;
        let body = match self {
            ApiError::Account(e) => {
                if let AccountError::Store(inner) = e {
                    tracing::error!(error = %inner, "storage failure");
                }
                ApiErrorBody {
                    error: classify(e).1.to_owned(),
                    error_description: match e {
                        AccountError::Invalid(_) => i18n::text(lang, "error.invalid_input"),
                        other => account_message(lang, other),
                    },
                    fields: match e {
                        AccountError::Invalid(fields) => fields
                            .iter()
                            .map(|f| ApiFieldError {
                                field: f.field,
                                error: f.code,
                                message: field_message(lang, f),
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                }
            }
            ApiError::Request {
                code, description, ..
            } => ApiErrorBody {
                error: (*code).to_owned(),
                error_description: description.clone(),
                fields: Vec::new(),
            },
        };
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header(("Cache-Control", "no-store"));
        if let ApiError::Request {
            code: code @ ("invalid_token" | "insufficient_scope"),
            ..
        } = self
        {
            // RFC 6750 §3: Bearer-protected resources say how to authenticate.
            response.insert_header((
                "WWW-Authenticate",
                format!("Bearer realm=\"idp\", error=\"{code}\""),
            ));
        }
        if let ApiError::Account(
            AccountError::Throttled { retry_after_secs } | AccountError::Busy { retry_after_secs },
        ) = self
        {
            response.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        response.json(body)
    }
}

/// An error on an HTML page that cannot be shown next to a field.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("CSRF check failed: {0:?}")]
    Csrf(crate::csrf::CsrfFailure),
    #[error("the server is busy")]
    Busy,
}

impl From<actix_web::error::BlockingError> for PageError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        PageError::Busy
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::Account(e) => classify(e).0,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Csrf(_) => StatusCode::FORBIDDEN,
            PageError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let PageError::Account(AccountError::Store(e)) = self {
            tracing::error!(error = %e, "storage failure");
        }
        let mut response =
            crate::pages::layout::translatable_error_page(self.status_code(), |lang| {
                self.message(lang)
            });
        if let PageError::Account(AccountError::Busy { retry_after_secs }) = self {
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(*retry_after_secs),
            );
        }
        response
    }
}

impl PageError {
    fn message(&self, lang: &str) -> String {
        match self {
            PageError::Account(AccountError::Store(_)) | PageError::Busy => {
                i18n::text(lang, "error.temporarily_unavailable")
            }
            PageError::Account(e) => account_message(lang, e),
            PageError::BadRequest(detail) => detail.clone(),
            PageError::Csrf(crate::csrf::CsrfFailure::NoCookie) => {
                i18n::text(lang, "error.cookies_disabled")
            }
            PageError::Csrf(
                crate::csrf::CsrfFailure::Mismatch | crate::csrf::CsrfFailure::CrossSite,
            ) => i18n::text(lang, "error.csrf"),
        }
    }
}

/// A token-endpoint error as RFC 6749 §5.2 shapes it.
pub fn oauth_error_response(error: &idp_core::oauth::OAuthError) -> HttpResponse {
    use idp_core::oauth::OAuthError;
    {
        let status = match error {
            OAuthError::InvalidClient(_) => StatusCode::UNAUTHORIZED,
            OAuthError::Store(e) => {
                tracing::error!(error = %e, "storage failure at the token endpoint");
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::BAD_REQUEST,
        };
        let description = match error {
            OAuthError::Store(_) => "The service is temporarily unavailable.".to_owned(),
            other => other.to_string(),
        };
        let mut response = HttpResponse::build(status);
        response
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("Pragma", "no-cache"));
        if matches!(error, OAuthError::InvalidClient(_)) {
            response.insert_header(("WWW-Authenticate", "Basic realm=\"idp\""));
        }
        response.json(serde_json::json!({
            "error": error.code(),
            "error_description": description,
        }))
    }
}
