//! Organizations: companies with branches, members, invitations,
//! agreements, email domains and enterprise sign-in.

pub mod dns;
pub mod logo;
