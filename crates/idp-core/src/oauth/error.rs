use crate::db::StoreError;

/// Token-endpoint errors, in RFC 6749 §5.2 terms.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{0}")]
    InvalidClient(String),
    #[error("{0}")]
    InvalidGrant(String),
    #[error("{0}")]
    UnauthorizedClient(String),
    #[error("{0}")]
    UnsupportedGrantType(String),
    #[error("{0}")]
    InvalidScope(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OAuthError {
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::InvalidRequest(_) => "invalid_request",
            OAuthError::InvalidClient(_) => "invalid_client",
            OAuthError::InvalidGrant(_) => "invalid_grant",
            OAuthError::UnauthorizedClient(_) => "unauthorized_client",
            OAuthError::UnsupportedGrantType(_) => "unsupported_grant_type",
            OAuthError::InvalidScope(_) => "invalid_scope",
            OAuthError::Store(_) => "temporarily_unavailable",
        }
    }
}

/// Why an access token presented to one of idp's resources (UserInfo, the
/// admin API) gets its caller nothing, in RFC 6750 §3.1 terms.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Malformed, not idp's, expired or revoked, or its client or person is
    /// gone, or it is about no person where one is needed.
    #[error("the access token is invalid, expired or revoked")]
    InvalidToken,
    /// A good token that does not allow this.
    #[error("{0}")]
    InsufficientScope(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<crate::clients::ClientError> for AccessError {
    fn from(e: crate::clients::ClientError) -> Self {
        match e {
            crate::clients::ClientError::Store(s) => AccessError::Store(s),
            other => AccessError::Store(StoreError::Corrupt(other.to_string())),
        }
    }
}

impl From<diesel::result::Error> for OAuthError {
    fn from(e: diesel::result::Error) -> Self {
        OAuthError::Store(StoreError::Query(e))
    }
}

impl From<crate::clients::ClientError> for OAuthError {
    fn from(e: crate::clients::ClientError) -> Self {
        match e {
            crate::clients::ClientError::Store(s) => OAuthError::Store(s),
            other => OAuthError::InvalidClient(other.to_string()),
        }
    }
}
