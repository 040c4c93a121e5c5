//! Organizations: companies with branches, members, invitations,
//! agreements, email domains and enterprise sign-in.
//!
//! Who may do what is decided in [`access`] and nowhere else: every entry
//! point (JSON API, pages, token claims) asks it.

mod access;
mod agreements;
mod claims;
pub(crate) use claims::organizations_of;
pub mod dns;
mod domains;
mod events;
mod invitations;
pub mod logo;
mod logos;
mod members;
mod sso;
mod tree;

pub use crate::paging::{Page, PageRequest};
pub use access::{Access, Actor, Role};
pub use agreements::{Agreement, AgreementInput, AgreementStatus};
pub use claims::{OrganizationClaim, ORGANIZATIONS_SCOPE};
pub use domains::{Domain, CHALLENGE_LABEL};
pub use events::Event;
pub use invitations::{Invitation, InvitationState, InvitationView, INVITATION_DAYS};
pub use logos::StoredLogo;
pub(crate) use members::last_admin_of;
pub use members::Member;
pub(crate) use sso::join_through_sso;
pub use sso::{OrgSso, SsoInput, SsoRoute, SSO_PROVIDER_PREFIX};
pub use tree::{Organization, MAX_NAME_CHARS};

use crate::db::StoreError;

/// Why an organization operation did not go through. The HTTP layer maps
/// each to one status in one place.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    /// Missing, or the caller is no member: the two look the same, so a
    /// non-member learns nothing, not even that it exists.
    #[error("no such organization")]
    NotFound,
    #[error("only an administrator of this organization may do that")]
    AdminOnly,
    #[error("{0}")]
    Invalid(&'static str),
    /// The request is fine, but the thing is not in a state that allows it.
    #[error("{0}")]
    Conflict(&'static str),
    #[error("no such member")]
    NoSuchMember,
    #[error("the last administrator of a top-level organization cannot leave or be demoted; make someone else an administrator first")]
    LastAdmin,
    #[error("no such invitation")]
    NoSuchInvitation,
    #[error("this invitation link is not valid: it was used, revoked or replaced")]
    InvitationInvalid,
    #[error("this invitation has expired; ask for a new one")]
    InvitationExpired,
    #[error("this invitation was sent to another address")]
    InvitationForSomeoneElse,
    #[error("verify your email address before joining an organization")]
    EmailUnverified,
    #[error("that person is a member already")]
    AlreadyMember,
    #[error("too many invitations were sent from this account or to this address in the last hour; try again later")]
    TooManyInvitations,
    #[error("no such agreement")]
    NoSuchAgreement,
    #[error("this version is accepted already")]
    AlreadyAccepted,
    #[error("no such domain claim")]
    NoSuchDomain,
    #[error("this domain is verified for another organization")]
    DomainTaken,
    #[error("the TXT record was not found: {0}")]
    DomainNotProven(String),
    #[error("no logo")]
    NoLogo,
    #[error("this organization has no single sign-on set up")]
    NoSso,
    #[error("the provider cannot be used: {0}")]
    SsoUnreachable(String),
    #[error(transparent)]
    Logo(#[from] logo::LogoError),
    #[error("an account with this address exists already: sign in to accept the invitation")]
    AccountExists,
    #[error(transparent)]
    Account(#[from] crate::accounts::AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for OrgError {
    fn from(e: diesel::result::Error) -> Self {
        OrgError::Store(StoreError::Query(e))
    }
}

impl From<crate::paging::InvalidPage> for OrgError {
    fn from(e: crate::paging::InvalidPage) -> Self {
        OrgError::Invalid(e.0)
    }
}
