//! Signing in through upstream providers (Google, Facebook, Microsoft, any
//! OpenID provider) and the identities linked to accounts.

mod flow;
mod identities;
mod provider;
mod store;
mod upstream;

pub use flow::{
    Arrival, Callback, Completion, LinkTarget, PendingIdentity, Start, Visitor,
    FRESH_FOR_LINKING_MINUTES,
};
pub use identities::{Identity, LinkedIdentity};
pub use provider::{
    valid_id, valid_reference, Provider, ProviderInput, ProviderInvalid, ProviderKind, Source,
    SyncMode,
};
pub use store::ProviderError;
pub use upstream::{UpstreamError, UpstreamIdentity, Upstreams};

pub(crate) use flow::purge_expired;
pub(crate) use identities::unlink_all;

use crate::accounts::AccountError;
use crate::db::StoreError;

/// Why an upstream sign-in (or what follows it) did not go through. Each
/// ends on a page that says so; none leaves an account, link or session.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    #[error("no such provider")]
    UnknownProvider,
    /// A third-party-initiated login (OIDC Core §4) named another issuer.
    #[error("the sign-in link names another issuer")]
    WrongIssuer,
    #[error("sign-in with {0} is turned off")]
    ProviderDisabled(String),
    /// Missing, used, expired, or started in another browser.
    #[error("the sign-in state is missing, used, expired or from another browser")]
    StateInvalid,
    #[error("the person cancelled at the provider")]
    Cancelled,
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    #[error("the provider shared no email address")]
    NoEmail,
    #[error("the account of this identity is gone")]
    AccountGone,
    #[error("an unverified registration holds this address")]
    AddressAwaitsVerification,
    #[error("the address belongs to an account already")]
    AddressTaken,
    #[error("this identity is linked to another account")]
    LinkedElsewhere,
    #[error("the person is not signed in as the account being linked")]
    NotSignedIn,
    #[error("the waiting sign-in is missing, expired or from another browser")]
    PendingInvalid,
    #[error("ownership of the account is not proven yet")]
    NotProven,
    #[error("the last way into the account cannot be removed")]
    LastWayIn,
    #[error("no such sign-in method on this account")]
    NoSuchIdentity,
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for FederationError {
    fn from(e: diesel::result::Error) -> Self {
        FederationError::Store(StoreError::Query(e))
    }
}
