//! Passkeys (WebAuthn): registering them, and proving one is held, either
//! as a second factor of a named account or to sign in without a name.
//!
//! The checks are webauthn-rs's (0.6, pure Rust): the challenge, the
//! origin (the issuer's origin, exactly), the RP ID hash (the issuer's
//! host), the signature over the authenticator data with the stored public
//! key, user presence, and **user verification: always required**. That is
//! the crate's stance for passkeys, taken as is: a passkey is then a whole
//! sign-in on its own, so `PasskeyUse::user_verified` is always true today
//! (it is reported so that the web layer never has to assume). Authenticators
//! that cannot verify the person (a PIN-less U2F key) cannot register.
//! Registration asks for a discoverable credential (`residentKey:
//! "preferred"`), so that one passkey serves both uses where the
//! authenticator can store it; no attestation is asked for.
//!
//! What is stored:
//! - `passkeys`: per credential its account, the person's name for it, the
//!   credential ID (base64url, unique across accounts: one credential never
//!   serves two accounts), the crate's serialised `Passkey` (public key,
//!   signature counter, backup flags), whether the browser said it is
//!   discoverable (`credProps.rk`, unsigned, for display only), when it was
//!   added and last used. No secret is stored: a leaked table lets no one in.
//! - `webauthn_ceremonies`: a registration or sign-in in progress: the
//!   crate's state (the challenge) under the SHA-256 of a random token that
//!   only the browser holds. Single use (deleted by the first attempt to
//!   finish it, whatever the outcome), five minutes long, tied to the account
//!   it was started for; a token that is unknown, expired, used, of another
//!   account or of another kind is `UnknownCeremony`.
//!
//! The user handle (the WebAuthn `user.id`) is derived from the account id
//! (see [`relying_party::user_handle`] for why). Sign-in without a name
//! finds the account by the credential ID, then checks that the handle the
//! authenticator returned is that account's.
//!
//! A signature counter that does not move forward (both zero excepted, as
//! synced passkeys keep none) refuses the sign-in: the credential may have
//! been cloned. It is checked against the stored counter inside the
//! transaction that records the use, so two concurrent uses cannot both pass.
//!
//! Browser JSON is attacker input: anything that does not parse, or parses
//! and fails a check, is `InvalidResponse` with a sentence for the person;
//! the crate's reason goes to the log at `info`.

mod ceremony;
mod relying_party;
mod store;
#[cfg(test)]
mod tests;

pub use ceremony::LIFETIME_SECS as CEREMONY_LIFETIME_SECS;
pub use relying_party::MAX_NAME;

use chrono::NaiveDateTime;
use diesel::QueryResult;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Webauthn, WebauthnError,
};

use crate::accounts::Account;
use crate::crypto::new_id;
use crate::db::{lock_key, DbConnection, StoreError};
use crate::{now, Idp};
use ceremony::Kind;

/// Passkeys one account may have.
pub const MAX_PASSKEYS: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Expired, used already, of another account or of another kind.
    #[error("this passkey request has expired or was used already; start again")]
    UnknownCeremony,
    /// What the browser sent did not parse or did not verify; the message
    /// says what a person can do about it.
    #[error("{0}")]
    InvalidResponse(String),
    #[error("a passkey's name is 1 to 64 characters, without control characters")]
    NameInvalid,
    #[error("an account can have at most 10 passkeys; remove one first")]
    TooMany,
    #[error("no such passkey")]
    NotFound,
    #[error("the account is disabled; contact the administrator")]
    Disabled,
    /// The server's configuration rules passkeys out (its issuer is not a
    /// domain name); the web layer hides them.
    #[error("{0}")]
    Unavailable(String),
}

impl From<diesel::result::Error> for PasskeyError {
    fn from(e: diesel::result::Error) -> Self {
        PasskeyError::Store(e.into())
    }
}

/// A passkey as its owner sees it in their list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyInfo {
    pub id: String,
    pub name: String,
    /// The browser said the authenticator keeps it (usable without a name).
    pub discoverable: bool,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

/// A passkey that was just proved to be held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyUse {
    pub account_id: String,
    pub passkey_id: String,
    pub user_verified: bool,
}

const UNREADABLE: &str =
    "The browser's answer could not be read. Try again, or use another way to sign in.";
const NOT_VERIFIED: &str = "The passkey could not be verified. Try again, or use another passkey.";
const UNKNOWN_PASSKEY: &str =
    "This passkey is not registered here. Sign in another way, then add it to your account.";
const ALREADY_REGISTERED: &str = "This passkey is registered already.";
const MAYBE_CLONED: &str = "This passkey's signature counter went backwards, so it may have \
     been copied. Sign in another way and remove it from your account.";

/// The crate's reason, for the log; the person gets `message`.
fn rejected(what: &str, error: WebauthnError, message: &str) -> PasskeyError {
    tracing::info!(%error, "passkey {what} refused");
    match error {
        WebauthnError::CredentialPossibleCompromise => {
            PasskeyError::InvalidResponse(MAYBE_CLONED.into())
        }
        _ => PasskeyError::InvalidResponse(message.into()),
    }
}

fn parse<T: serde::de::DeserializeOwned>(response: &serde_json::Value) -> Result<T, PasskeyError> {
    T::deserialize(response).map_err(|error| {
        tracing::info!(%error, "unreadable passkey response");
        PasskeyError::InvalidResponse(UNREADABLE.into())
    })
}

fn state<T: serde::de::DeserializeOwned>(stored: &str) -> Result<T, PasskeyError> {
    serde_json::from_str(stored)
        .map_err(|e| StoreError::Corrupt(format!("passkey ceremony: {e}")).into())
}

fn options(options: &impl serde::Serialize) -> Result<serde_json::Value, PasskeyError> {
    serde_json::to_value(options)
        .map_err(|e| StoreError::Corrupt(format!("passkey options: {e}")).into())
}

fn lock_account(conn: &mut DbConnection, account_id: &str) -> QueryResult<()> {
    lock_key(conn, &format!("passkeys:{account_id}"))
}

impl Idp {
    fn relying_party(&self) -> Result<Webauthn, PasskeyError> {
        relying_party::webauthn(&self.settings.issuer)
    }

    /// Whether this server can offer passkeys at all (its issuer is a
    /// domain name); the web layer shows none of their pages otherwise.
    pub fn passkeys_available(&self) -> bool {
        self.relying_party().is_ok()
    }

    /// Starts adding a passkey to `account`: the token the browser keeps for
    /// [`Idp::finish_passkey_registration`], and the options to give
    /// `navigator.credentials.create` (`{"publicKey": {…}}`). The account's
    /// passkeys are excluded, so an authenticator is not registered twice.
    pub fn start_passkey_registration(
        &self,
        account: &Account,
    ) -> Result<(String, serde_json::Value), PasskeyError> {
        if account.is_disabled() {
            return Err(PasskeyError::Disabled);
        }
        let webauthn = self.relying_party()?;
        let rows = self
            .db
            .read(|conn| store::of_account(conn, &account.id).map_err(PasskeyError::from))?;
        if rows.len() as i64 >= MAX_PASSKEYS {
            return Err(PasskeyError::TooMany);
        }
        let exclude = rows
            .iter()
            .map(|row| row.passkey().map(|p| p.cred_id().clone()))
            .collect::<Result<Vec<_>, _>>()?;
        let display = format!("{} {}", account.given_name, account.family_name);
        let display = match display.trim() {
            "" => account.email.as_str(),
            name => name,
        };
        let (challenge, registration) = webauthn
            .start_passkey_registration(
                relying_party::user_handle(&account.id),
                &account.email,
                display,
                Some(exclude),
            )
            .map_err(|e| rejected("registration start", e, NOT_VERIFIED))?;
        let mut options = options(&challenge)?;
        // The crate discourages resident keys (security keys have little
        // room for them); idp prefers them, for sign-in without a name. The
        // crate does not check residency when finishing, so this is the
        // browser's hint only.
        if let Some(selection) = options
            .pointer_mut("/publicKey/authenticatorSelection")
            .and_then(|s| s.as_object_mut())
        {
            selection.insert("residentKey".into(), "preferred".into());
            selection.insert("requireResidentKey".into(), false.into());
        }
        let token = self.db.write(|conn| {
            ceremony::open(
                conn,
                Kind::Register,
                Some(&account.id),
                &registration,
                now(),
            )
        })?;
        Ok((token, options))
    }

    /// Finishes adding a passkey: `response` is the browser's
    /// `PublicKeyCredential` as JSON (`toJSON()`), `name` the person's label.
    pub fn finish_passkey_registration(
        &self,
        account: &Account,
        ceremony: &str,
        response: &serde_json::Value,
        name: &str,
    ) -> Result<PasskeyInfo, PasskeyError> {
        // Before the ceremony is taken, so that a bad name can be fixed.
        let name = relying_party::valid_name(name)?;
        if account.is_disabled() {
            return Err(PasskeyError::Disabled);
        }
        let webauthn = self.relying_party()?;
        let taken = self.db.write(|conn| {
            ceremony::take(conn, ceremony, now(), |kind, owner| {
                kind == Kind::Register && owner == Some(account.id.as_str())
            })
        })?;
        let registration: PasskeyRegistration = state(&taken.state)?;
        let credential: RegisterPublicKeyCredential = parse(response)?;
        let passkey = webauthn
            .finish_passkey_registration(&credential, &registration)
            .map_err(|e| rejected("registration", e, NOT_VERIFIED))?;
        let discoverable = credential
            .extensions
            .cred_props
            .as_ref()
            .and_then(|p| p.rk)
            .unwrap_or(false);
        let row = store::Row {
            id: new_id(),
            account_id: account.id.clone(),
            name,
            credential: store::serialise(&passkey)?,
            discoverable,
            created_at: now(),
            last_used_at: None,
        };
        let credential_id = store::encode_id(passkey.cred_id());
        self.db.write(|conn| {
            lock_account(conn, &account.id)?;
            if store::count(conn, &account.id)? >= MAX_PASSKEYS {
                return Err(PasskeyError::TooMany);
            }
            if store::by_credential_id(conn, &credential_id)?.is_some() {
                return Err(PasskeyError::InvalidResponse(ALREADY_REGISTERED.into()));
            }
            store::insert(conn, &row, &credential_id).map_err(|e| {
                let e = StoreError::from(e);
                if e.is_unique_violation() {
                    PasskeyError::InvalidResponse(ALREADY_REGISTERED.into())
                } else {
                    e.into()
                }
            })
        })?;
        Ok(row.info())
    }

    /// Starts proving a passkey is held. With an account (a second factor
    /// after the password): its passkeys are the ones allowed, and there must
    /// be one (`NotFound` otherwise). Without: any passkey registered here,
    /// the authenticator says whose (the sign-in page); the options carry
    /// `"mediation": "conditional"` for autofill, which a page that asks on
    /// a button press drops.
    pub fn start_passkey_authentication(
        &self,
        account: Option<&Account>,
    ) -> Result<(String, serde_json::Value), PasskeyError> {
        let webauthn = self.relying_party()?;
        let Some(account) = account else {
            let (challenge, discover) = webauthn
                .start_discoverable_authentication()
                .map_err(|e| rejected("sign-in start", e, NOT_VERIFIED))?;
            let options = options(&challenge)?;
            let token = self
                .db
                .write(|conn| ceremony::open(conn, Kind::Discover, None, &discover, now()))?;
            return Ok((token, options));
        };
        if account.is_disabled() {
            return Err(PasskeyError::Disabled);
        }
        let passkeys = self
            .db
            .read(|conn| store::of_account(conn, &account.id).map_err(PasskeyError::from))?
            .iter()
            .map(store::Row::passkey)
            .collect::<Result<Vec<_>, _>>()?;
        if passkeys.is_empty() {
            return Err(PasskeyError::NotFound);
        }
        let (challenge, authentication) = webauthn
            .start_passkey_authentication(&passkeys)
            .map_err(|e| rejected("sign-in start", e, NOT_VERIFIED))?;
        let options = options(&challenge)?;
        let token = self.db.write(|conn| {
            ceremony::open(
                conn,
                Kind::Authenticate,
                Some(&account.id),
                &authentication,
                now(),
            )
        })?;
        Ok((token, options))
    }

    /// Finishes proving a passkey is held: whose it is, and which. The
    /// ceremony is used up whatever the outcome.
    pub fn finish_passkey_authentication(
        &self,
        ceremony: &str,
        response: &serde_json::Value,
    ) -> Result<PasskeyUse, PasskeyError> {
        let webauthn = self.relying_party()?;
        let taken = self.db.write(|conn| {
            ceremony::take(conn, ceremony, now(), |kind, _| {
                matches!(kind, Kind::Authenticate | Kind::Discover)
            })
        })?;
        let credential: PublicKeyCredential = parse(response)?;
        let credential_id = store::encode_id(credential.get_credential_id());
        self.db.write(|conn| {
            lock_key(conn, &format!("passkey:{credential_id}"))?;
            let Some(row) = store::by_credential_id(conn, &credential_id)? else {
                return Err(PasskeyError::InvalidResponse(UNKNOWN_PASSKEY.into()));
            };
            let mut passkey = row.passkey()?;
            let result = match taken.kind {
                Kind::Discover => {
                    let discover: DiscoverableAuthentication = state(&taken.state)?;
                    let (handle, _) = webauthn
                        .identify_discoverable_authentication(&credential)
                        .map_err(|e| rejected("sign-in", e, NOT_VERIFIED))?;
                    if handle != relying_party::user_handle(&row.account_id) {
                        tracing::info!("passkey sign-in refused: user handle of another account");
                        return Err(PasskeyError::InvalidResponse(NOT_VERIFIED.into()));
                    }
                    webauthn.finish_discoverable_authentication_v2(&credential, discover, &passkey)
                }
                _ => {
                    if taken.account_id.as_deref() != Some(row.account_id.as_str()) {
                        tracing::info!("passkey sign-in refused: passkey of another account");
                        return Err(PasskeyError::InvalidResponse(NOT_VERIFIED.into()));
                    }
                    let authentication: PasskeyAuthentication = state(&taken.state)?;
                    webauthn.finish_passkey_authentication(&credential, &authentication)
                }
            }
            .map_err(|e| rejected("sign-in", e, NOT_VERIFIED))?;
            // The crate compared the counter with the one in the ceremony's
            // state; the stored one may have moved on since.
            let stored = store::counter(&passkey);
            if (result.counter() > 0 || stored > 0) && result.counter() <= stored {
                tracing::warn!(passkey = %row.id, "passkey counter went backwards");
                return Err(PasskeyError::InvalidResponse(MAYBE_CLONED.into()));
            }
            let account = Account::find(conn, &row.account_id)?.ok_or(PasskeyError::NotFound)?;
            if account.is_disabled() {
                return Err(PasskeyError::Disabled);
            }
            let updated = match passkey.update_credential(&result) {
                Some(true) => Some(store::serialise(&passkey)?),
                _ => None,
            };
            store::record_use(conn, &row.id, updated.as_deref(), now())?;
            Ok(PasskeyUse {
                account_id: row.account_id,
                passkey_id: row.id,
                user_verified: result.user_verified(),
            })
        })
    }

    /// The account's passkeys, oldest first.
    pub fn list_passkeys(&self, account_id: &str) -> Result<Vec<PasskeyInfo>, PasskeyError> {
        let rows = self
            .db
            .read(|conn| store::of_account(conn, account_id).map_err(PasskeyError::from))?;
        Ok(rows.iter().map(store::Row::info).collect())
    }

    /// How many passkeys the account has.
    pub fn count_passkeys(&self, account_id: &str) -> Result<i64, PasskeyError> {
        self.db
            .read(|conn| store::count(conn, account_id).map_err(PasskeyError::from))
    }

    /// Whether the account has a passkey (to offer it as a second factor).
    pub fn has_passkeys(&self, account_id: &str) -> Result<bool, PasskeyError> {
        Ok(self.count_passkeys(account_id)? > 0)
    }

    /// Renames one of the account's passkeys; `NotFound` when it is not theirs.
    pub fn rename_passkey(
        &self,
        account_id: &str,
        passkey_id: &str,
        name: &str,
    ) -> Result<PasskeyInfo, PasskeyError> {
        let name = relying_party::valid_name(name)?;
        self.db.write(|conn| {
            if store::rename(conn, account_id, passkey_id, &name)? == 0 {
                return Err(PasskeyError::NotFound);
            }
            let row = store::find(conn, account_id, passkey_id)?.ok_or(PasskeyError::NotFound)?;
            Ok(row.info())
        })
    }

    /// Removes one of the account's passkeys; `NotFound` when it is not theirs.
    pub fn remove_passkey(&self, account_id: &str, passkey_id: &str) -> Result<(), PasskeyError> {
        self.db
            .write(|conn| match store::delete(conn, account_id, passkey_id)? {
                0 => Err(PasskeyError::NotFound),
                _ => Ok(()),
            })
    }

    /// Deletes ceremonies nobody finished (housekeeping; [`Idp::purge_expired`]
    /// does it too).
    pub fn purge_expired_ceremonies(&self) -> Result<usize, StoreError> {
        self.db
            .write(|conn| purge_expired(conn, now()).map_err(StoreError::from))
    }
}

/// The account's passkeys as their owner sees them, in a transaction of
/// the caller's.
pub(crate) fn of_account(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<PasskeyInfo>> {
    Ok(store::of_account(conn, account_id)?
        .iter()
        .map(store::Row::info)
        .collect())
}

pub(crate) fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    ceremony::purge_expired(conn, now)
}
