//! Second factors (docs/mfa.md): an authenticator app (TOTP) and recovery
//! codes; who must use one; and what a session's `acr` and `amr` say.
//!
//! A sign-in that still owes its second factor opens a session marked
//! `awaiting_second_factor`. Such a session signs nobody in
//! ([`Idp::session_by_token`] does not see it): it only lets the
//! second-factor page finish it, or set up a first factor where one is
//! required. Step-up (an app asking for more than the session has) finishes
//! a complete session the same way, without asking for the password again.

mod manage;
mod passkey;
mod policy;
mod proof;
mod recovery;
mod totp;

pub use manage::{SecondFactorStatus, TotpConfirmed, TotpSetup};
pub use passkey::PasskeyOptions;
pub use policy::{
    acr_of, amr_claim, is_multi_factor, requests_multi_factor, ACR_MULTI_FACTOR, ACR_SINGLE_FACTOR,
    ACR_VALUES,
};
pub(crate) use policy::{due_at_sign_in, method_amr};
pub use recovery::CODES_PER_SET;
pub use totp::current_code;
