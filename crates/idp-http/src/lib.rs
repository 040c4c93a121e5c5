//! idp's HTTP side: pages, the JSON API and the `idp` command. Handlers
//! translate requests into calls on [`idp_core::Idp`] and results back.

pub mod api;
pub mod bearer;
pub mod blocking;
pub mod cli;
pub mod client;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod health;
pub mod lang;
pub mod metrics;
pub mod oidc;
pub mod origin;
pub mod pages;
pub mod security_headers;
pub mod signed_in;
pub mod startup;
pub mod telemetry;
