//! End-to-end tests of idp through HTTP, each on SQLite and on PostgreSQL.

mod federation_helpers;
mod helpers;
mod oauth_helpers;
mod oidc_helpers;
mod org_helpers;
mod serve_process;
mod upstream_standin;

mod admin_clients;
mod admin_providers;
mod api_contract;
mod authorization_decision;
mod authorize_options;
mod backchannel_logout;
mod bad_input;
mod bearer_challenges;
mod bot_check;
mod cli;
mod consent_and_signup;
mod data_files;
mod dynamic_registration;
mod email_delivery;
mod federation;
mod federation_attacks;
mod health;
mod introspection;
mod login_csrf;
mod mail_floods;
mod oidc_cluster;
mod oidc_errors;
mod oidc_flows;
mod org_invitations;
mod org_sso;
mod organizations;
mod pairwise;
mod pairwise_subjects;
mod password_reset;
mod pre_hijacking;

mod private_key_jwt;
mod profile;
mod response_headers;
mod sign_in;
mod signup;
mod storage_failures;
mod throttling;
