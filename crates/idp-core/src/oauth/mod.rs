//! OAuth 2.0 / OpenID Connect: authorization requests, codes, consent,
//! the token endpoint's grants, and the claims about a person.

mod authorize;
mod backchannel;
mod claims;
mod client_assertion;
mod client_auth;
mod codes;
mod consent;
mod decision;
mod error;
mod grants;
mod introspection;
mod logout;
mod pending;
mod scope;
mod subject;
mod tokens;
mod userinfo;

pub use authorize::{AuthorizationRequest, AuthorizeParams, Prompt, ResponseMode};
pub use backchannel::LogoutNotice;
pub(crate) use backchannel::{record_participant, take_participants};
pub use client_assertion::JWT_BEARER;
pub use client_auth::ClientCredentials;
pub use consent::AuthorizedApp;
pub use decision::{
    scopes_allowed_for, AuthorizationResponse, AuthorizeOutcome, AuthorizeStep, Browser,
    ADMIN_SCOPE,
};
pub use error::{AccessError, OAuthError};
pub use grants::{TokenRequest, TokenResponse};
pub use introspection::INTROSPECT_SCOPE;
pub use logout::{LogoutError, LogoutParams};
pub use scope::{is_person_scope, Scopes, PERSON_SCOPES};
pub use tokens::AccessTokenClaims;
pub use userinfo::UserInfo;

pub(crate) use grants::{purge_expired, revoke_account_grants};
