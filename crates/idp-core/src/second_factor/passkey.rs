//! Passkeys as ways in, under the rules of every other factor: a second
//! factor after the password, a whole sign-in on their own (the person is
//! always verified by the device), and added or removed only soon after a
//! sign-in, with an email. The WebAuthn checks are `crate::passkeys`'.

use super::policy::AMR_HWK;
use super::proof::upgrade;
use crate::accounts::{Account, AccountError, SignedIn};
use crate::audit::{self, Event, EventType};
use crate::passkeys::PasskeyError;
use crate::sessions::{self, ClientInfo, NewSession, Session};
use crate::Idp;

/// The browser's options for `navigator.credentials`, and the token of the
/// ceremony they belong to.
pub type PasskeyOptions = (String, serde_json::Value);

impl Idp {
    /// Starts adding a passkey for the person signed in by `session`.
    pub fn start_adding_passkey(
        &self,
        session: &Session,
        account: &Account,
    ) -> Result<PasskeyOptions, AccountError> {
        self.check_recent(session)?;
        self.db
            .read(|conn| self.check_may_add(conn, session, account))?;
        Ok(self.start_passkey_registration(account)?)
    }

    /// Finishes adding a passkey: the session now counts it (it was just
    /// used, with the person verified), and the person is told by email.
    pub fn finish_adding_passkey(
        &self,
        session: &Session,
        account: &Account,
        ceremony: &str,
        response: &serde_json::Value,
        name: &str,
    ) -> Result<NewSession, AccountError> {
        self.check_recent(session)?;
        self.db
            .read(|conn| self.check_may_add(conn, session, account))?;
        self.finish_passkey_registration(account, ceremony, response, name)?;
        self.db.write(|conn| {
            let upgraded = upgrade(conn, self, session, AMR_HWK)?;
            self.factor_changed(conn, account, EventType::SecondFactorAdded, "passkey_added")?;
            Ok(upgraded)
        })
    }

    /// Removes one of the person's passkeys; with no factor left, the
    /// recovery codes go too.
    pub fn remove_own_passkey(
        &self,
        session: &Session,
        account: &Account,
        passkey_id: &str,
    ) -> Result<(), AccountError> {
        self.check_complete_and_recent(session)?;
        self.remove_passkey(&account.id, passkey_id)?;
        self.db
            .write(|conn| self.factor_removed(conn, account, "passkey_removed"))
    }

    /// Starts proving a passkey as the second factor of the session behind
    /// `token` (awaiting it, or stepping up).
    pub fn start_passkey_second_factor(&self, token: &str) -> Result<PasskeyOptions, AccountError> {
        let (_, account) = self
            .any_session_by_token(token)?
            .ok_or(AccountError::NotFound)?;
        Ok(self.start_passkey_authentication(Some(&account))?)
    }

    /// Finishes a session with a passkey: only one of its own person's.
    pub fn prove_passkey(
        &self,
        token: &str,
        ceremony: &str,
        response: &serde_json::Value,
    ) -> Result<NewSession, AccountError> {
        let (session, account) = self
            .any_session_by_token(token)?
            .ok_or(AccountError::NotFound)?;
        let used = self.finish_passkey_authentication(ceremony, response)?;
        if used.account_id != account.id {
            return Err(not_verified());
        }
        self.db.write(|conn| {
            let upgraded = upgrade(conn, self, &session, AMR_HWK)?;
            let event = Event::new(EventType::SecondFactorUsed)
                .subject(&account.id)
                .detail("factor", "passkey")
                .detail("session", session.id.as_str());
            audit::record(conn, &event)?;
            Ok(upgraded)
        })
    }

    /// Starts a sign-in with a passkey and no name (the sign-in page).
    pub fn start_passkey_sign_in(&self) -> Result<PasskeyOptions, AccountError> {
        Ok(self.start_passkey_authentication(None)?)
    }

    /// Signs in with a passkey alone; `replaces` ends, as after a password.
    pub fn sign_in_with_passkey(
        &self,
        ceremony: &str,
        response: &serde_json::Value,
        client: &ClientInfo,
        replaces: Option<&str>,
    ) -> Result<SignedIn, AccountError> {
        let used = self.finish_passkey_authentication(ceremony, response)?;
        if !used.user_verified {
            return Err(not_verified());
        }
        let account = self.account(&used.account_id)?;
        // A company that signs its people in itself decides for passkeys too.
        if let Some(route) = self
            .sso_for_email(&account.email_address())?
            .filter(|r| r.required)
        {
            return Err(AccountError::SsoRequired {
                organization: route.organization_name,
                provider_id: route.provider_id,
            });
        }
        let (session, ended) = self.db.write(|conn| {
            let ended = match replaces {
                Some(old) => sessions::end_by_token(conn, old)?,
                None => Vec::new(),
            };
            let session = sessions::create(conn, self, &account, client, "passkey")?;
            Ok::<_, AccountError>((session, ended))
        })?;
        self.notify_logout(ended);
        Ok(SignedIn { session, account })
    }
}

fn not_verified() -> AccountError {
    AccountError::Passkey(PasskeyError::InvalidResponse(
        "the passkey could not be checked".into(),
    ))
}
