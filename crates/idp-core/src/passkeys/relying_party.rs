//! Who idp is to an authenticator (the relying party), and who the person is.

use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{Url, Uuid, Webauthn, WebauthnBuilder, WebauthnError};

use super::PasskeyError;

/// The relying party of `issuer`: its host is the RP ID, its origin the
/// only origin accepted. Built per call: it is a few allocations, and a
/// changed issuer can never leave a stale one behind.
pub(crate) fn webauthn(issuer: &str) -> Result<Webauthn, PasskeyError> {
    let unavailable = || {
        PasskeyError::Unavailable(format!(
            "passkeys need the issuer to be an https:// (or http://localhost) URL with a \
             domain name, not `{issuer}`"
        ))
    };
    let url = Url::parse(issuer).map_err(|_| unavailable())?;
    // An IP address cannot be an RP ID (WebAuthn §5.1.3): `domain()` is None.
    let host = url.domain().ok_or_else(unavailable)?.to_owned();
    let origin = Url::parse(&url.origin().ascii_serialization()).map_err(|_| unavailable())?;
    WebauthnBuilder::new(&host, &origin)
        .and_then(|b| b.rp_name(&host).build())
        .map_err(|_: WebauthnError| unavailable())
}

/// The WebAuthn user handle of an account: the first 128 bits of
/// SHA-256("idp passkey user:" + account id), as the crate wants a UUID.
///
/// Derived, not stored: it is stable for the life of the account (account
/// ids never change), the same for every passkey of the account (so an
/// authenticator replaces its old credential for us instead of piling up
/// another), needs no table of its own, and does not show the account id or
/// anything personal to whoever reads the authenticator. It is not a secret:
/// sign-in looks the credential up by its ID and only checks that the handle
/// the authenticator returns is its account's.
pub(crate) fn user_handle(account_id: &str) -> Uuid {
    let digest = Sha256::digest(format!("idp passkey user:{account_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// Longest passkey name, in characters.
pub const MAX_NAME: usize = 64;

/// A person's label for a passkey ("Work laptop"): trimmed, 1 to 64
/// characters, none of them control characters.
pub(crate) fn valid_name(raw: &str) -> Result<String, PasskeyError> {
    let name = raw.trim();
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME || name.chars().any(char::is_control) {
        return Err(PasskeyError::NameInvalid);
    }
    Ok(name.to_owned())
}
