//! OAuth 2.0 / OpenID Connect: authorization requests, codes, consent,
//! the token endpoint's grants, and the claims about a person.

mod authorize;
mod claims;
mod client_auth;
mod codes;
mod consent;
mod error;
mod grants;
mod logout;
mod scope;
mod tokens;

pub use authorize::{AuthorizationRequest, AuthorizeError, AuthorizeParams, Prompt, ResponseMode};
pub use claims::userinfo_claims;
pub use client_auth::ClientCredentials;
pub use error::OAuthError;
pub use grants::{TokenRequest, TokenResponse};
pub use logout::{LogoutError, LogoutParams};
pub use scope::Scopes;
pub use tokens::AccessTokenClaims;

pub(crate) use grants::purge_expired;
