//! The one place where domain errors become HTTP responses: one error type
//! per audience. JSON for the API (`ApiError`), an HTML page for browsers
//! (`PageError`), RFC 6749 §5.2 JSON for the OAuth endpoints
//! (`OAuthEndpointError`), RFC 6750 refusals for UserInfo (`UserInfoError`)
//! and RFC 7591/7592 errors for dynamic registration (`RegistrationFailure`).
//! Each converts from the core errors it meets, and from the blocking pool's.

use actix_web::error::BlockingError;
use actix_web::http::header::WWW_AUTHENTICATE;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use idp_core::accounts::{AccountError, FieldError};
use idp_core::clients::{ClientError, RegistrationError};
use idp_core::db::StoreError;
use idp_core::federation::{FederationError, ProviderError};
use idp_core::i18n;
use idp_core::oauth::{AccessError, OAuthError};
use idp_core::organizations::OrgError;
use idp_core::passkeys::PasskeyError;
use serde::Serialize;

use crate::bearer::Refusal;

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
        AccountError::Disabled => (StatusCode::FORBIDDEN, "account_disabled"),
        AccountError::AlreadyVerified => (StatusCode::CONFLICT, "already_verified"),
        AccountError::OwnAccount => (StatusCode::CONFLICT, "own_account"),
        AccountError::SsoRequired { .. } => (StatusCode::FORBIDDEN, "sso_required"),
        AccountError::LastOrganizationAdmin { .. } => (StatusCode::CONFLICT, "last_admin"),
        AccountError::SignInAgain => (StatusCode::FORBIDDEN, "sign_in_again"),
        AccountError::SecondFactorExists => (StatusCode::CONFLICT, "second_factor_exists"),
        AccountError::SecondFactorNotStarted => (StatusCode::CONFLICT, "second_factor_not_started"),
        AccountError::Passkey(e) => passkey_classify(e),
        AccountError::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable"),
    }
}

fn passkey_classify(e: &PasskeyError) -> (StatusCode, &'static str) {
    match e {
        PasskeyError::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable"),
        PasskeyError::UnknownCeremony => (StatusCode::BAD_REQUEST, "passkey_expired"),
        PasskeyError::InvalidResponse(_) => (StatusCode::BAD_REQUEST, "passkey_failed"),
        PasskeyError::NameInvalid => (StatusCode::UNPROCESSABLE_ENTITY, "passkey_name_invalid"),
        PasskeyError::TooMany => (StatusCode::CONFLICT, "too_many_passkeys"),
        PasskeyError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        PasskeyError::Disabled => (StatusCode::FORBIDDEN, "account_disabled"),
        PasskeyError::Unavailable(_) => (StatusCode::NOT_FOUND, "passkeys_unavailable"),
    }
}

/// Text for a field problem in `lang`.
pub fn field_message(lang: &str, e: &FieldError) -> String {
    let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::lang::format(lang, &format!("error.{}", e.code), &args)
}

/// Text for a whole-request problem in `lang`.
pub fn account_message(lang: &str, e: &AccountError) -> String {
    match e {
        AccountError::Throttled { retry_after_secs } => {
            let minutes = ((retry_after_secs + 59) / 60).max(1).to_string();
            crate::lang::format(lang, "error.too_many_attempts", &[("minutes", &minutes)])
        }
        AccountError::Busy { .. } => crate::lang::text(lang, "error.busy"),
        AccountError::SsoRequired { organization, .. }
        | AccountError::LastOrganizationAdmin { organization } => crate::lang::format(
            lang,
            &format!("error.{}", classify(e).1),
            &[("organization", organization)],
        ),
        AccountError::Invalid(fields) => fields
            .first()
            .map(|f| field_message(lang, f))
            .unwrap_or_default(),
        other => crate::lang::text(lang, &format!("error.{}", classify(other).1)),
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
    /// A Bearer-protected operation (the admin API) refused the caller.
    #[error(transparent)]
    Bearer(Refusal),
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
            crate::lang::text(i18n::FALLBACK, "error.unauthenticated"),
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Account(AccountError::Store(e))
    }
}

impl From<AccessError> for ApiError {
    fn from(e: AccessError) -> Self {
        Refusal::try_from(e).map_or_else(ApiError::from, ApiError::Bearer)
    }
}

impl From<ClientError> for ApiError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Invalid { field, message } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_client_metadata",
                format!("{field}: {message}"),
            ),
            ClientError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "No client has that id.")
            }
            ClientError::Store(e) => e.into(),
        }
    }
}

impl From<ProviderError> for ApiError {
    fn from(e: ProviderError) -> Self {
        let description = e.to_string();
        match e {
            ProviderError::NotFound(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", description)
            }
            ProviderError::FromConfig(_) | ProviderError::Exists(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", description)
            }
            ProviderError::Invalid(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_provider",
                description,
            ),
            ProviderError::Store(e) => e.into(),
        }
    }
}

/// Status and machine-readable code of an organization error; the API and
/// the pages both use it.
pub fn org_classify(e: &OrgError) -> (StatusCode, &'static str) {
    match e {
        OrgError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        OrgError::AdminOnly => (StatusCode::FORBIDDEN, "admin_only"),
        OrgError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        OrgError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        OrgError::NoSuchMember
        | OrgError::NoSuchInvitation
        | OrgError::NoSuchAgreement
        | OrgError::NoSuchDomain
        | OrgError::NoLogo
        | OrgError::NoSso => (StatusCode::NOT_FOUND, "not_found"),
        OrgError::SsoUnreachable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "sso_unreachable"),
        OrgError::LastAdmin => (StatusCode::CONFLICT, "last_admin"),
        OrgError::InvitationInvalid => (StatusCode::GONE, "invitation_invalid"),
        OrgError::InvitationExpired => (StatusCode::GONE, "invitation_expired"),
        OrgError::InvitationForSomeoneElse => {
            (StatusCode::FORBIDDEN, "invitation_for_someone_else")
        }
        OrgError::EmailUnverified => (StatusCode::FORBIDDEN, "email_not_verified"),
        OrgError::AlreadyMember => (StatusCode::CONFLICT, "already_member"),
        OrgError::TooManyInvitations => (StatusCode::TOO_MANY_REQUESTS, "too_many_invitations"),
        OrgError::AlreadyAccepted => (StatusCode::CONFLICT, "already_accepted"),
        OrgError::DomainTaken => (StatusCode::CONFLICT, "domain_taken"),
        OrgError::DomainNotProven(_) => (StatusCode::UNPROCESSABLE_ENTITY, "domain_not_proven"),
        OrgError::Logo(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_logo"),
        OrgError::AccountExists => (StatusCode::CONFLICT, "account_exists"),
        OrgError::Account(e) => classify(e),
        OrgError::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable"),
    }
}

impl From<OrgError> for ApiError {
    fn from(e: OrgError) -> Self {
        match e {
            OrgError::Store(e) => e.into(),
            OrgError::Account(e) => ApiError::Account(e),
            e => {
                let (status, code) = org_classify(&e);
                ApiError::new(status, code, capitalised(&e.to_string()))
            }
        }
    }
}

impl From<idp_core::paging::InvalidPage> for ApiError {
    fn from(e: idp_core::paging::InvalidPage) -> Self {
        OrgError::from(e).into()
    }
}

/// Core messages are lower-case clauses; a description is a sentence.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => {
            let mut out: String = c.to_uppercase().collect();
            out.push_str(chars.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

impl From<BlockingError> for ApiError {
    fn from(_: BlockingError) -> Self {
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
            ApiError::Bearer(refusal) => refusal.status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // A person may read these (an app shows them beside its form).
        let lang = crate::pages::brand::current_lang();
        let body = match self {
            ApiError::Account(e) => {
                if let AccountError::Store(inner) = e {
                    tracing::error!(error = %inner, "storage failure");
                }
                ApiErrorBody {
                    error: classify(e).1.to_owned(),
                    error_description: match e {
                        AccountError::Invalid(_) => crate::lang::text(lang, "error.invalid_input"),
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
            ApiError::Bearer(refusal) => ApiErrorBody {
                error: refusal.error.unwrap_or("unauthenticated").to_owned(),
                error_description: refusal.description.clone(),
                fields: Vec::new(),
            },
        };
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header(("Cache-Control", "no-store"));
        if let ApiError::Bearer(refusal) = self {
            response.insert_header((WWW_AUTHENTICATE, refusal.challenge()));
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
    #[error(transparent)]
    Federation(FederationError),
    #[error(transparent)]
    Organization(OrgError),
}

impl From<OrgError> for PageError {
    fn from(e: OrgError) -> Self {
        match e {
            OrgError::Account(a) => PageError::Account(a),
            OrgError::Store(s) => PageError::Account(AccountError::Store(s)),
            other => PageError::Organization(other),
        }
    }
}

/// Text for an organization error on a page, in `lang`. Details the core
/// gives (which field, what the DNS lookup found) follow the translated
/// sentence.
pub fn org_message(lang: &str, e: &OrgError) -> String {
    match e {
        OrgError::Account(a) => account_message(lang, a),
        OrgError::Store(_) => crate::lang::text(lang, "error.temporarily_unavailable"),
        OrgError::Invalid(detail) | OrgError::Conflict(detail) => capitalised(detail),
        OrgError::Logo(detail) => detail.to_string(),
        OrgError::DomainNotProven(detail) | OrgError::SsoUnreachable(detail) => format!(
            "{} ({detail})",
            crate::lang::text(lang, &format!("error.organization.{}", org_classify(e).1))
        ),
        other => crate::lang::text(
            lang,
            &format!("error.organization.{}", org_classify(other).1),
        ),
    }
}

impl From<FederationError> for PageError {
    fn from(e: FederationError) -> Self {
        match e {
            FederationError::Account(a) => PageError::Account(a),
            FederationError::Store(s) => PageError::Account(AccountError::Store(s)),
            other => PageError::Federation(other),
        }
    }
}

/// Status and catalog key (`error.federation.{key}`) of an upstream sign-in failure.
fn federation_classify(e: &FederationError) -> (StatusCode, &'static str) {
    use idp_core::federation::UpstreamError as U;
    use FederationError as F;
    match e {
        F::UnknownProvider => (StatusCode::NOT_FOUND, "unknown_provider"),
        F::ProviderDisabled(_) => (StatusCode::FORBIDDEN, "disabled"),
        F::StateInvalid => (StatusCode::BAD_REQUEST, "state"),
        F::Cancelled => (StatusCode::BAD_REQUEST, "cancelled"),
        F::Upstream(U::Unreachable(_)) => (StatusCode::BAD_GATEWAY, "unreachable"),
        F::Upstream(U::Refused(_)) => (StatusCode::BAD_REQUEST, "refused"),
        F::Upstream(U::InvalidToken(_)) => (StatusCode::BAD_REQUEST, "invalid_token"),
        F::Upstream(U::TenantNotAllowed(_)) => (StatusCode::FORBIDDEN, "tenant"),
        F::WrongIssuer => (StatusCode::BAD_REQUEST, "wrong_issuer"),
        F::NoEmail => (StatusCode::BAD_REQUEST, "no_email"),
        F::AccountGone => (StatusCode::GONE, "account_gone"),
        F::AddressAwaitsVerification => (StatusCode::CONFLICT, "address_awaits_verification"),
        F::AddressTaken => (StatusCode::CONFLICT, "address_taken"),
        F::LinkedElsewhere => (StatusCode::CONFLICT, "linked_elsewhere"),
        F::NotSignedIn => (StatusCode::UNAUTHORIZED, "not_signed_in"),
        F::PendingInvalid => (StatusCode::BAD_REQUEST, "pending"),
        F::NotProven => (StatusCode::BAD_REQUEST, "not_proven"),
        F::LastWayIn => (StatusCode::CONFLICT, "last_way_in"),
        F::NoSuchIdentity => (StatusCode::NOT_FOUND, "no_such_identity"),
        F::Account(a) => (classify(a).0, "account"),
        F::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
    }
}

/// Text for an upstream sign-in failure in `lang`.
pub fn federation_message(lang: &str, e: &FederationError) -> String {
    match e {
        FederationError::Account(a) => account_message(lang, a),
        FederationError::Store(_) => crate::lang::text(lang, "error.temporarily_unavailable"),
        FederationError::ProviderDisabled(name) => {
            crate::lang::format(lang, "error.federation.disabled", &[("provider", name)])
        }
        other => crate::lang::text(
            lang,
            &format!("error.federation.{}", federation_classify(other).1),
        ),
    }
}

impl From<BlockingError> for PageError {
    fn from(_: BlockingError) -> Self {
        PageError::Busy
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Account(AccountError::Store(e))
    }
}

impl From<ClientError> for PageError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Store(e) => e.into(),
            ClientError::NotFound => PageError::Account(AccountError::NotFound),
            invalid @ ClientError::Invalid { .. } => PageError::BadRequest(invalid.to_string()),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::Account(e) => classify(e).0,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Csrf(_) => StatusCode::FORBIDDEN,
            PageError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Federation(e) => federation_classify(e).0,
            PageError::Organization(e) => org_classify(e).0,
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
                crate::lang::text(lang, "error.temporarily_unavailable")
            }
            PageError::Account(e) => account_message(lang, e),
            PageError::BadRequest(detail) => detail.clone(),
            PageError::Csrf(crate::csrf::CsrfFailure::NoCookie) => {
                crate::lang::text(lang, "error.cookies_disabled")
            }
            PageError::Csrf(
                crate::csrf::CsrfFailure::Mismatch | crate::csrf::CsrfFailure::CrossSite,
            ) => crate::lang::text(lang, "error.csrf"),
            PageError::Federation(e) => federation_message(lang, e),
            PageError::Organization(e) => org_message(lang, e),
        }
    }
}

/// An error of the OAuth endpoints (`/token`, `/introspect`, `/revoke`),
/// answered as RFC 6749 §5.2 JSON.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct OAuthEndpointError(#[from] pub OAuthError);

impl From<BlockingError> for OAuthEndpointError {
    fn from(_: BlockingError) -> Self {
        OAuthEndpointError(OAuthError::Store(StoreError::Busy))
    }
}

impl ResponseError for OAuthEndpointError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            OAuthError::InvalidClient(_) => StatusCode::UNAUTHORIZED,
            OAuthError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let description = match &self.0 {
            OAuthError::Store(e) => {
                tracing::error!(error = %e, "storage failure at an OAuth endpoint");
                "The service is temporarily unavailable.".to_owned()
            }
            other => other.to_string(),
        };
        let mut response = HttpResponse::build(self.status_code());
        response
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("Pragma", "no-cache"));
        if matches!(self.0, OAuthError::InvalidClient(_)) {
            response.insert_header((WWW_AUTHENTICATE, "Basic realm=\"idp\""));
        }
        response.json(serde_json::json!({
            "error": self.0.code(),
            "error_description": description,
        }))
    }
}

/// An error of `/userinfo`: a Bearer refusal (RFC 6750 §3), or no answer
/// for now.
#[derive(Debug, thiserror::Error)]
pub enum UserInfoError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the server is busy")]
    Busy,
}

impl From<AccessError> for UserInfoError {
    fn from(e: AccessError) -> Self {
        Refusal::try_from(e).map_or_else(UserInfoError::from, UserInfoError::Refused)
    }
}

impl From<BlockingError> for UserInfoError {
    fn from(_: BlockingError) -> Self {
        UserInfoError::Busy
    }
}

impl ResponseError for UserInfoError {
    fn status_code(&self) -> StatusCode {
        match self {
            UserInfoError::Refused(refusal) => refusal.status,
            UserInfoError::Store(_) | UserInfoError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header(("Cache-Control", "no-store"));
        match self {
            UserInfoError::Refused(refusal) => {
                response.insert_header((WWW_AUTHENTICATE, refusal.challenge()));
                match refusal.error {
                    Some(code) => response.json(serde_json::json!({
                        "error": code,
                        "error_description": refusal.description,
                    })),
                    None => response.finish(),
                }
            }
            UserInfoError::Store(e) => {
                tracing::error!(error = %e, "storage failure at userinfo");
                response.finish()
            }
            UserInfoError::Busy => response.finish(),
        }
    }
}

/// An error of `/register` and `/register/{client_id}` (RFC 7591 §3.2.2,
/// RFC 7592).
#[derive(Debug, thiserror::Error)]
pub enum RegistrationFailure {
    #[error(transparent)]
    Registration(#[from] RegistrationError),
    #[error("The body is not valid client metadata: {0}")]
    BadBody(String),
    #[error("the server is busy")]
    Busy,
}

impl From<BlockingError> for RegistrationFailure {
    fn from(_: BlockingError) -> Self {
        RegistrationFailure::Busy
    }
}

impl RegistrationFailure {
    /// Status, code, description, and for a token problem its challenge.
    fn parts(&self) -> (StatusCode, &'static str, String, Option<Refusal>) {
        use RegistrationError as R;
        let (status, code, description) = match self {
            Self::Registration(R::Disabled) => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Dynamic client registration is off.".to_owned(),
            ),
            // Unknown clients look like a wrong token (RFC 7592 §2.1).
            Self::Registration(
                R::MissingToken | R::Unauthorized | R::Client(ClientError::NotFound),
            ) => (
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "The access token is missing or wrong for this registration.".to_owned(),
            ),
            Self::Registration(R::Client(ClientError::Invalid { field, message })) => (
                StatusCode::BAD_REQUEST,
                if *field == "redirect_uris" {
                    "invalid_redirect_uri"
                } else {
                    "invalid_client_metadata"
                },
                format!("{field}: {message}"),
            ),
            Self::Registration(R::Client(ClientError::Store(_))) | Self::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "Try again in a moment.".to_owned(),
            ),
            Self::BadBody(_) => (
                StatusCode::BAD_REQUEST,
                "invalid_client_metadata",
                self.to_string(),
            ),
        };
        let refusal = (status == StatusCode::UNAUTHORIZED).then(|| match self {
            Self::Registration(R::MissingToken) => Refusal::no_token(&description),
            _ => Refusal::invalid_token(&description),
        });
        (status, code, description, refusal)
    }
}

impl ResponseError for RegistrationFailure {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        if let RegistrationFailure::Registration(RegistrationError::Client(ClientError::Store(e))) =
            self
        {
            tracing::error!(error = %e, "storage failure at registration");
        }
        let (status, code, description, refusal) = self.parts();
        let mut response = HttpResponse::build(status);
        response.insert_header(("Cache-Control", "no-store"));
        if let Some(refusal) = refusal {
            response.insert_header((WWW_AUTHENTICATE, refusal.challenge()));
        }
        response.json(serde_json::json!({ "error": code, "error_description": description }))
    }
}
