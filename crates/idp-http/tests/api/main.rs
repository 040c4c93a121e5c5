//! End-to-end tests of idp through HTTP, each on SQLite and on PostgreSQL.

mod helpers;
mod oauth_helpers;
mod oidc_helpers;

mod admin_clients;
mod api_contract;
mod backchannel_logout;
mod bad_input;
mod bot_check;
mod cli;
mod consent_and_signup;
mod email_delivery;
mod health;
mod introspection;
mod oidc_cluster;
mod oidc_errors;
mod oidc_flows;
mod password_reset;
mod profile;
mod sign_in;
mod signup;
