//! A sign-in through an upstream provider, from the button to a session:
//! the state sent out and found again, then what the identity that came
//! back may do. Identities are found by (provider, subject), never by email;
//! an email only decides whether to offer a new account or ask for proof of
//! owning the existing one (see docs/security.md, "Linking").

use crate::audit::{self, Event, EventType};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::identities::{self, NewIdentity};
use super::provider::{Provider, SyncMode};
use super::upstream::{Outbound, UpstreamError, UpstreamIdentity};
use super::FederationError;
use crate::accounts::{Account, AccountError, EmailAddress, ProfileUpdate, Recipient};
use crate::crypto::{browser_id, constant_time_eq, random_digits, random_token, sha256_hex};
use crate::db::schema::{accounts, federation_logins as l, federation_pending as fp};
use crate::db::{DbConnection, StoreError};
use crate::email::{enqueue, quota_allows, Action, Quota};
use crate::one_time::{self, Purpose};
use crate::sessions::{self, ClientInfo, NewSession, Session};
use crate::throttle::ThrottleKey;
use crate::{i18n, now, Idp};

/// How long a person may spend at the provider.
const LOGIN_MINUTES: i64 = 10;
/// Sign-ins in flight per browser; older ones give way.
const MAX_LOGINS_PER_BROWSER: i64 = 8;
/// How long an identity waits for details or for proof and confirmation.
const PENDING_MINUTES: i64 = 15;
const LINK_CODE_LENGTH: usize = 8;
const LINK_CODE_ATTEMPTS: i32 = 5;
/// A signed-in person links another sign-in method only this soon after
/// signing in (someone at an unlocked screen should not).
pub const FRESH_FOR_LINKING_MINUTES: i64 = 10;

/// The browser as it arrived: its binding (CSRF cookie) and session.
pub struct Visitor<'a> {
    pub binding: &'a str,
    pub session_token: Option<&'a str>,
    pub client: &'a ClientInfo,
}

/// What the button (or a third-party-initiated login) asks for.
pub struct Start<'a> {
    pub provider_id: &'a str,
    pub binding: &'a str,
    /// A path on idp to continue at (an app's pending request, or My Profile).
    pub return_to: &'a str,
    pub login_hint: Option<&'a str>,
    /// Set when a signed-in person links another method from My Profile.
    pub link_account: Option<&'a str>,
}

/// The query (or form) the provider sends back.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub struct Callback {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// Where the callback leads.
pub enum Arrival {
    /// Signed in: set the cookie and go on to `return_to`.
    SignedIn {
        session: NewSession,
        return_to: String,
    },
    /// The method was added to the signed-in account (from My Profile).
    Linked { return_to: String },
    /// A new account: the person completes the details first.
    Complete { pending: String },
    /// An account has this address: the person proves it is theirs first.
    ProveOwnership { pending: String },
}

/// An identity waiting in this browser, as the pages show it.
#[derive(Debug, Clone)]
pub struct PendingIdentity {
    pub provider_id: String,
    pub provider_name: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub birthdate: Option<NaiveDate>,
    /// Whether the address counts as verified (asserted by a provider that
    /// is trusted to); if not, idp emails its own link once the account
    /// is made.
    pub email_verified: bool,
    /// The account it would be linked to, and whether it can take a password.
    pub link_to: Option<LinkTarget>,
    pub proven: bool,
}

#[derive(Debug, Clone)]
pub struct LinkTarget {
    pub email: String,
    pub has_password: bool,
}

/// The details the "complete your account" page asks for.
pub struct Completion {
    pub given_name: String,
    pub family_name: String,
    pub birthdate: String,
    pub marketing_opt_in: bool,
    pub locale: String,
}

/// What `federation_logins` holds, with the browser's hash and the expiry.
type LoginFields = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
);

struct LoginRow {
    provider_id: String,
    nonce: String,
    pkce_verifier: String,
    return_to: String,
    link_account_id: Option<String>,
}

type PendingRow = (
    String,
    String,
    String,
    bool,
    String,
    String,
    Option<NaiveDate>,
    String,
    Option<String>,
    Option<String>,
    i32,
    bool,
);

struct Waiting {
    ref_hash: String,
    provider_id: String,
    subject: String,
    email: String,
    email_verified: bool,
    given_name: String,
    family_name: String,
    birthdate: Option<NaiveDate>,
    return_to: String,
    account_id: Option<String>,
    code_hash: Option<String>,
    code_attempts: i32,
    proven: bool,
}

impl From<(String, PendingRow)> for Waiting {
    fn from((ref_hash, r): (String, PendingRow)) -> Self {
        Waiting {
            ref_hash,
            provider_id: r.0,
            subject: r.1,
            email: r.2,
            email_verified: r.3,
            given_name: r.4,
            family_name: r.5,
            birthdate: r.6,
            return_to: r.7,
            account_id: r.8,
            code_hash: r.9,
            code_attempts: r.10,
            proven: r.11,
        }
    }
}

fn log_failure(provider: &str, e: &FederationError) {
    tracing::info!(target: "federation", provider, error = %e, "upstream sign-in failed");
}

impl Idp {
    /// The redirect URI to register at the upstream.
    pub fn federation_redirect_uri(&self, provider_id: &str) -> String {
        self.link(&format!("/federation/{provider_id}/callback"))
    }

    /// A provider people may use now.
    fn usable_provider(&self, id: &str) -> Result<Provider, FederationError> {
        match self.provider(id)? {
            None => Err(FederationError::UnknownProvider),
            Some(p) if !p.enabled => Err(FederationError::ProviderDisabled(p.display_name)),
            Some(p) => Ok(p),
        }
    }

    /// Whether `session` may add a sign-in method now.
    pub fn fresh_for_linking(&self, session: &Session) -> bool {
        now() - session.auth_time <= Duration::minutes(FRESH_FOR_LINKING_MINUTES)
    }

    /// Whether a third-party-initiated login (OpenID Connect Core §4) may
    /// start: anyone can send a browser to its URL, so it must at least
    /// name the provider's own issuer.
    pub fn federation_initiated(
        &self,
        provider_id: &str,
        iss: Option<&str>,
    ) -> Result<(), FederationError> {
        let provider = self
            .provider(provider_id)?
            .ok_or(FederationError::UnknownProvider)?;
        let named = iss.map(|i| i.trim_end_matches('/'));
        if named.is_none() || named != provider.issuer.as_deref() {
            return Err(FederationError::WrongIssuer);
        }
        Ok(())
    }

    /// Stores what the callback must find and returns where to send the browser.
    pub fn federation_start(&self, start: &Start<'_>) -> Result<String, FederationError> {
        let provider = self.usable_provider(start.provider_id)?;
        let outbound = Outbound::new();
        let redirect_uri = self.federation_redirect_uri(&provider.id);
        let url = self
            .upstreams
            .authorization_url(&provider, &redirect_uri, &outbound, start.login_hint)
            .inspect_err(|e| {
                tracing::warn!(target: "federation", provider = %provider.id, error = %e, "cannot start upstream sign-in")
            })?;
        let now = now();
        let browser = browser_id(start.binding);
        let return_to = crate::local_path(start.return_to).unwrap_or("/account");
        self.db.write(|conn| {
            let older: Vec<String> = l::table
                .filter(l::browser_hash.eq(&browser))
                .order(l::created_at.desc())
                .select(l::state_hash)
                .offset(MAX_LOGINS_PER_BROWSER - 1)
                .limit(1000)
                .load(conn)?;
            if !older.is_empty() {
                diesel::delete(l::table.filter(l::state_hash.eq_any(&older))).execute(conn)?;
            }
            diesel::insert_into(l::table)
                .values((
                    l::state_hash.eq(sha256_hex(&outbound.state)),
                    l::browser_hash.eq(&browser),
                    l::provider_id.eq(&provider.id),
                    l::nonce.eq(&outbound.nonce),
                    l::pkce_verifier.eq(&outbound.pkce_verifier),
                    l::return_to.eq(return_to),
                    l::link_account_id.eq(start.link_account),
                    l::created_at.eq(now),
                    l::expires_at.eq(now + Duration::minutes(LOGIN_MINUTES)),
                ))
                .execute(conn)
                .map_err(StoreError::from)
        })?;
        tracing::info!(target: "federation", provider = %provider.id, "upstream sign-in started");
        Ok(url)
    }

    /// The provider sent the browser back.
    pub fn federation_callback(
        &self,
        provider_id: &str,
        callback: &Callback,
        visitor: &Visitor<'_>,
    ) -> Result<Arrival, FederationError> {
        let result = self.callback_inner(provider_id, callback, visitor);
        if let Err(e) = &result {
            log_failure(provider_id, e);
        }
        result
    }

    fn callback_inner(
        &self,
        provider_id: &str,
        callback: &Callback,
        visitor: &Visitor<'_>,
    ) -> Result<Arrival, FederationError> {
        let state = callback
            .state
            .as_deref()
            .filter(|s| !s.is_empty() && s.len() <= 128)
            .ok_or(FederationError::StateInvalid)?;
        let login = self.take_login(state, provider_id, visitor.binding)?;
        if let Some(error) = &callback.error {
            return Err(if error == "access_denied" {
                FederationError::Cancelled
            } else {
                FederationError::Upstream(UpstreamError::Refused(error.chars().take(64).collect()))
            });
        }
        let code = callback
            .code
            .as_deref()
            .filter(|c| !c.is_empty() && c.len() <= 4096)
            .ok_or(FederationError::Upstream(UpstreamError::Refused(
                "no code".into(),
            )))?;
        let provider = self.usable_provider(&login.provider_id)?;
        let identity = self.upstreams.identity(
            &provider,
            &self.federation_redirect_uri(&provider.id),
            code,
            &login.pkce_verifier,
            &login.nonce,
        )?;
        if identity.subject.is_empty() || identity.subject.len() > 255 {
            return Err(UpstreamError::InvalidToken("no usable subject".into()).into());
        }
        self.arrive(&provider, identity, login, visitor)
    }

    /// The login row for `state`, if this browser started it for this
    /// provider and it is still young; it is gone afterwards either way.
    fn take_login(
        &self,
        state: &str,
        provider_id: &str,
        binding: &str,
    ) -> Result<LoginRow, FederationError> {
        let hash = sha256_hex(state);
        let now = now();
        let row = self.db.write(|conn| {
            let row: Option<LoginFields> = l::table
                .find(&hash)
                .select((
                    l::provider_id,
                    l::nonce,
                    l::pkce_verifier,
                    l::return_to,
                    l::link_account_id,
                    l::browser_hash,
                    l::expires_at,
                ))
                .first(conn)
                .optional()?;
            let Some(row) = row else {
                return Ok::<_, StoreError>(None);
            };
            // A state from another browser is not used up by this one.
            if !constant_time_eq(&row.5, &browser_id(binding)) {
                return Ok(None);
            }
            if diesel::delete(l::table.find(&hash)).execute(conn)? != 1 {
                return Ok(None);
            }
            Ok(Some(row))
        })?;
        match row {
            Some(r) if r.0 == provider_id && r.6 > now => Ok(LoginRow {
                provider_id: r.0,
                nonce: r.1,
                pkce_verifier: r.2,
                return_to: r.3,
                link_account_id: r.4,
            }),
            _ => Err(FederationError::StateInvalid),
        }
    }

    fn arrive(
        &self,
        provider: &Provider,
        upstream: UpstreamIdentity,
        login: LoginRow,
        visitor: &Visitor<'_>,
    ) -> Result<Arrival, FederationError> {
        let known = self
            .db
            .read(|conn| identities::find(conn, &provider.id, &upstream.subject))?;
        if let Some(linking) = &login.link_account_id {
            return self.link_signed_in(provider, &upstream, linking, known, &login, visitor);
        }
        if let Some(identity) = known {
            let account = self
                .db
                .read(|conn| Account::find(conn, &identity.account_id).map_err(StoreError::from))?
                .ok_or(FederationError::AccountGone)?;
            let session = self.db.write(|conn| {
                identities::touch(conn, &identity.id, now())?;
                if provider.sync == SyncMode::Always {
                    sync_names(conn, &account.id, &upstream)?;
                }
                self.open_session(conn, &account, visitor)
            })?;
            tracing::info!(target: "federation", provider = %provider.id, account = %account.id, "signed in through upstream");
            return Ok(Arrival::SignedIn {
                session: self.after_session(session),
                return_to: login.return_to,
            });
        }
        let email = upstream
            .email
            .as_deref()
            .and_then(|e| EmailAddress::parse(e).ok())
            .ok_or(FederationError::NoEmail)?;
        let verified = self.vouches_for(provider, &email, upstream.email_verified)?;
        let existing = self
            .db
            .read(|conn| Account::find_by_email(conn, &email).map_err(StoreError::from))?;
        match existing {
            Some(account) if account.email_verified && verified => {
                // A trusted provider vouches for the address the account proved.
                let session = self.db.write(|conn| {
                    self.add_identity(conn, provider, &upstream, &account)?;
                    self.open_session(conn, &account, visitor)
                })?;
                tracing::info!(target: "federation", provider = %provider.id, account = %account.id, "linked by trusted verified email");
                Ok(Arrival::SignedIn {
                    session: self.after_session(session),
                    return_to: login.return_to,
                })
            }
            Some(account) if account.email_verified => {
                let pending = self.hold(
                    provider,
                    &upstream,
                    &email,
                    false,
                    &login,
                    Some(&account.id),
                    visitor,
                )?;
                Ok(Arrival::ProveOwnership { pending })
            }
            // Someone registered the address and never proved it: a verified
            // upstream address voids that registration (at completion).
            Some(_) if verified => {
                let pending =
                    self.hold(provider, &upstream, &email, true, &login, None, visitor)?;
                Ok(Arrival::Complete { pending })
            }
            Some(_) => Err(FederationError::AddressAwaitsVerification),
            None => {
                let pending =
                    self.hold(provider, &upstream, &email, verified, &login, None, visitor)?;
                Ok(Arrival::Complete { pending })
            }
        }
    }

    /// A signed-in person came back from linking another method.
    fn link_signed_in(
        &self,
        provider: &Provider,
        upstream: &UpstreamIdentity,
        account_id: &str,
        known: Option<identities::Identity>,
        login: &LoginRow,
        visitor: &Visitor<'_>,
    ) -> Result<Arrival, FederationError> {
        let signed_in = match visitor.session_token {
            Some(token) => self
                .session_by_token(token)
                .map_err(FederationError::from)?,
            None => None,
        };
        let Some((_, account)) = signed_in.filter(|(s, _)| s.account_id == account_id) else {
            return Err(FederationError::NotSignedIn);
        };
        match known {
            Some(identity) if identity.account_id == account.id => {}
            Some(_) => return Err(FederationError::LinkedElsewhere),
            None => {
                self.db
                    .write(|conn| self.add_identity(conn, provider, upstream, &account))?;
                tracing::info!(target: "federation", provider = %provider.id, account = %account.id, "sign-in method linked from My Profile");
            }
        }
        Ok(Arrival::Linked {
            return_to: login.return_to.clone(),
        })
    }

    /// Links the identity and tells the account's owner.
    fn add_identity(
        &self,
        conn: &mut DbConnection,
        provider: &Provider,
        upstream: &UpstreamIdentity,
        account: &Account,
    ) -> Result<(), FederationError> {
        let new = NewIdentity {
            account_id: &account.id,
            provider_id: &provider.id,
            subject: &upstream.subject,
            email: upstream.email.as_deref().unwrap_or(""),
        };
        match identities::insert(conn, &new, now()) {
            Err(e) if e.is_unique_violation() => return Err(FederationError::LinkedElsewhere),
            other => other?,
        }
        let event = Event::new(EventType::IdentityLinked)
            .subject(&account.id)
            .detail("provider", provider.id.as_str());
        audit::record(conn, &event).map_err(StoreError::from)?;
        crate::organizations::join_through_sso(conn, provider, &account.id, &account.email)?;
        if provider.sync != SyncMode::Never {
            fill_empty(conn, account, upstream)?;
        }
        let notice = self.compose_email(
            &account.email,
            &account.locale,
            "identity_linked",
            &[("provider", &provider.display_name)],
            Action::Link(&self.link("/account")),
        );
        enqueue(conn, self, Some(&account.id), &notice).map_err(StoreError::from)?;
        Ok(())
    }

    fn open_session(
        &self,
        conn: &mut DbConnection,
        account: &Account,
        visitor: &Visitor<'_>,
    ) -> Result<(NewSession, Vec<crate::oauth::LogoutNotice>), FederationError> {
        let ended = match visitor.session_token {
            Some(old) => sessions::end_by_token(conn, old).map_err(StoreError::from)?,
            None => Vec::new(),
        };
        let session = sessions::create(conn, self, account, visitor.client, "upstream")?;
        Ok((session, ended))
    }

    fn after_session(
        &self,
        (session, ended): (NewSession, Vec<crate::oauth::LogoutNotice>),
    ) -> NewSession {
        self.notify_logout(ended);
        session
    }

    /// Keeps the identity for this browser until the person acts on it.
    #[allow(clippy::too_many_arguments)]
    fn hold(
        &self,
        provider: &Provider,
        upstream: &UpstreamIdentity,
        email: &EmailAddress,
        email_verified: bool,
        login: &LoginRow,
        account_id: Option<&str>,
        visitor: &Visitor<'_>,
    ) -> Result<String, FederationError> {
        let raw = random_token(32);
        let now = now();
        let browser = browser_id(visitor.binding);
        // `sync = never`: the page starts empty, as the profile would stay.
        let fills = provider.sync != SyncMode::Never;
        let name = |v: &Option<String>| {
            v.as_deref()
                .filter(|_| fills)
                .map(|s| {
                    s.trim()
                        .chars()
                        .take(crate::accounts::MAX_NAME_LENGTH)
                        .collect::<String>()
                })
                .unwrap_or_default()
        };
        self.db.write(|conn| {
            // One waiting identity per browser: a new one replaces the old.
            diesel::delete(fp::table.filter(fp::browser_hash.eq(&browser))).execute(conn)?;
            diesel::insert_into(fp::table)
                .values((
                    fp::ref_hash.eq(sha256_hex(&raw)),
                    fp::browser_hash.eq(&browser),
                    fp::provider_id.eq(&provider.id),
                    fp::subject.eq(&upstream.subject),
                    fp::email.eq(email.as_str()),
                    fp::email_verified.eq(email_verified),
                    fp::given_name.eq(name(&upstream.given_name)),
                    fp::family_name.eq(name(&upstream.family_name)),
                    fp::birthdate.eq(upstream.birthdate.filter(|_| fills)),
                    fp::return_to.eq(&login.return_to),
                    fp::account_id.eq(account_id),
                    fp::code_hash.eq(None::<String>),
                    fp::code_attempts.eq(0),
                    fp::proven.eq(false),
                    fp::created_at.eq(now),
                    fp::expires_at.eq(now + Duration::minutes(PENDING_MINUTES)),
                ))
                .execute(conn)
                .map_err(StoreError::from)
        })?;
        Ok(raw)
    }

    fn waiting(&self, raw: &str, binding: &str) -> Result<Waiting, FederationError> {
        if raw.is_empty() || raw.len() > 128 {
            return Err(FederationError::PendingInvalid);
        }
        let hash = sha256_hex(raw);
        let row: Option<PendingRow> = self.db.read(|conn| {
            fp::table
                .find(&hash)
                .filter(fp::browser_hash.eq(browser_id(binding)))
                .filter(fp::expires_at.gt(now()))
                .select((
                    fp::provider_id,
                    fp::subject,
                    fp::email,
                    fp::email_verified,
                    fp::given_name,
                    fp::family_name,
                    fp::birthdate,
                    fp::return_to,
                    fp::account_id,
                    fp::code_hash,
                    fp::code_attempts,
                    fp::proven,
                ))
                .first(conn)
                .optional()
                .map_err(StoreError::from)
        })?;
        row.map(|r| Waiting::from((hash, r)))
            .ok_or(FederationError::PendingInvalid)
    }

    /// The identity waiting in this browser under `raw`.
    pub fn federation_pending(
        &self,
        raw: &str,
        binding: &str,
    ) -> Result<PendingIdentity, FederationError> {
        let w = self.waiting(raw, binding)?;
        let provider_name = self
            .provider(&w.provider_id)?
            .map(|p| p.display_name)
            .unwrap_or_else(|| w.provider_id.clone());
        let link_to = match &w.account_id {
            Some(id) => {
                let account = self
                    .db
                    .read(|conn| Account::find(conn, id).map_err(StoreError::from))?
                    .ok_or(FederationError::PendingInvalid)?;
                Some(LinkTarget {
                    email: account.email,
                    has_password: account.password_hash.is_some(),
                })
            }
            None => None,
        };
        Ok(PendingIdentity {
            provider_id: w.provider_id,
            provider_name,
            email: w.email,
            given_name: w.given_name,
            family_name: w.family_name,
            birthdate: w.birthdate,
            email_verified: w.email_verified,
            link_to,
            proven: w.proven,
        })
    }

    /// The "complete your account" form: the new account is made, linked
    /// and signed in, all at once or not at all.
    pub fn federation_complete(
        &self,
        raw: &str,
        form: &Completion,
        visitor: &Visitor<'_>,
    ) -> Result<(NewSession, String), FederationError> {
        let w = self.waiting(raw, visitor.binding)?;
        if w.account_id.is_some() {
            return Err(FederationError::PendingInvalid);
        }
        let mut errors = Vec::new();
        let profile = ProfileUpdate {
            given_name: form.given_name.clone(),
            family_name: form.family_name.clone(),
            birthdate: form.birthdate.clone(),
            contact: None,
        }
        .validate(&mut errors);
        AccountError::check(errors)?;
        let profile = profile.expect("valid");
        let provider = self.usable_provider(&w.provider_id)?;
        let email = EmailAddress::parse(&w.email).map_err(AccountError::from)?;
        let now = now();
        let locale = i18n::supported(&form.locale);
        let result = self.db.write(|conn| {
            crate::db::lock_key(conn, &crate::accounts::address_key(email.as_str()))
                .map_err(StoreError::from)?;
            if diesel::delete(fp::table.find(&w.ref_hash))
                .execute(conn)
                .map_err(StoreError::from)?
                != 1
            {
                return Err(FederationError::PendingInvalid);
            }
            let mut ended = Vec::new();
            if let Some(old) = Account::find_by_email(conn, &email).map_err(StoreError::from)? {
                if old.email_verified || old.is_disabled() || !w.email_verified {
                    return Err(FederationError::AddressTaken);
                }
                // Pre-hijacking: the unproven registration (its password,
                // sessions, links and pending changes) is void.
                ended = sessions::end_all(conn, &old.id, None).map_err(StoreError::from)?;
                diesel::delete(accounts::table.find(&old.id))
                    .execute(conn)
                    .map_err(StoreError::from)?;
                tracing::info!(target: "federation", provider = %provider.id, "unverified registration voided by a verified upstream address");
            }
            let account = Account {
                id: crate::crypto::new_id(),
                email: email.as_str().to_owned(),
                email_verified: w.email_verified,
                password_hash: None,
                given_name: profile.given_name.into_inner(),
                family_name: profile.family_name.into_inner(),
                birthdate: Some(profile.birthdate.date()),
                marketing_opt_in: form.marketing_opt_in,
                is_admin: false,
                locale: locale.to_owned(),
                created_at: now,
                updated_at: now,
                disabled_at: None,
            };
            diesel::insert_into(accounts::table)
                .values(&account)
                .execute(conn)
                .map_err(StoreError::from)?;
            let upstream = UpstreamIdentity {
                subject: w.subject.clone(),
                email: Some(w.email.clone()),
                ..UpstreamIdentity::default()
            };
            identities::insert(
                conn,
                &NewIdentity {
                    account_id: &account.id,
                    provider_id: &provider.id,
                    subject: &upstream.subject,
                    email: &w.email,
                },
                now,
            )?;
            let event = Event::new(EventType::IdentityLinked)
                .subject(&account.id)
                .detail("provider", provider.id.as_str())
                .detail("new_account", true);
            audit::record(conn, &event).map_err(StoreError::from)?;
            crate::organizations::join_through_sso(conn, &provider, &account.id, &account.email)?;
            if account.email_verified {
                crate::accounts::claim_address(conn, &account, now)?;
            } else {
                let lifetime = Duration::hours(self.settings.tokens.email_verification_hours);
                let token = one_time::issue(conn, &account.id, Purpose::VerifyEmail, lifetime, None, now)
                    .map_err(StoreError::from)?;
                let to = Recipient {
                    email: &account.email,
                    given_name: &account.given_name,
                    locale: &account.locale,
                };
                let mail = self.verification_email(&to, &token, None);
                enqueue(conn, self, Some(&account.id), &mail).map_err(StoreError::from)?;
            }
            let session = self.open_session(conn, &account, visitor)?;
            tracing::info!(target: "federation", provider = %provider.id, account = %account.id, verified = account.email_verified, "account made through upstream");
            Ok((session, ended))
        });
        let (session, ended) = match result {
            // The same identity completed twice at once, or the address
            // was taken meanwhile.
            Err(FederationError::Store(e)) if e.is_unique_violation() => {
                return Err(FederationError::AddressTaken)
            }
            other => other?,
        };
        self.notify_logout(ended);
        Ok((self.after_session(session), w.return_to))
    }

    /// Proof of owning the existing account: its password.
    pub fn federation_prove_password(
        &self,
        raw: &str,
        password: &str,
        visitor: &Visitor<'_>,
    ) -> Result<(), FederationError> {
        let (w, account) = self.link_target(raw, visitor.binding)?;
        let keys = [
            ThrottleKey::Account(&account.email),
            ThrottleKey::Address(&visitor.client.ip_address),
        ];
        let verdict =
            self.check_password(&keys, password, account.password_hash.as_deref(), now())?;
        if verdict == crate::accounts::Verification::Mismatch {
            return Err(AccountError::InvalidCredentials.into());
        }
        self.mark_proven(&w)
    }

    /// Emails a code to the existing account (the other proof).
    pub fn federation_send_link_code(
        &self,
        raw: &str,
        binding: &str,
    ) -> Result<(), FederationError> {
        let (w, account) = self.link_target(raw, binding)?;
        let code = random_digits(LINK_CODE_LENGTH);
        let now = now();
        let provider_name = self
            .provider(&w.provider_id)?
            .map(|p| p.display_name)
            .unwrap_or_else(|| w.provider_id.clone());
        self.db.write(|conn| {
            if !quota_allows(
                conn,
                self,
                Quota::LinkCode,
                Some(&account.id),
                &account.email,
                now,
            )? {
                // Answered as if sent: the person waits for the earlier code.
                return Ok::<_, StoreError>(());
            }
            diesel::update(fp::table.find(&w.ref_hash))
                .set((
                    fp::code_hash.eq(Some(sha256_hex(&format!("{}:{code}", w.ref_hash)))),
                    fp::code_attempts.eq(0),
                ))
                .execute(conn)?;
            let mail = self.compose_email(
                &account.email,
                &account.locale,
                "link_code",
                &[
                    ("provider", &provider_name),
                    ("minutes", &PENDING_MINUTES.to_string()),
                ],
                Action::Code(&code),
            );
            enqueue(conn, self, Some(&account.id), &mail)?;
            Ok(())
        })?;
        Ok(())
    }

    /// Proof by the emailed code; a few wrong guesses end the attempt.
    pub fn federation_prove_code(
        &self,
        raw: &str,
        code: &str,
        binding: &str,
    ) -> Result<(), FederationError> {
        let (w, _) = self.link_target(raw, binding)?;
        let Some(stored) = &w.code_hash else {
            return Err(AccountError::InvalidCode.into());
        };
        // Counted before comparing, and only while the count is what was read,
        // so parallel guesses cannot share one attempt.
        let counted = self.db.write(|conn| {
            diesel::update(
                fp::table
                    .find(&w.ref_hash)
                    .filter(fp::code_attempts.eq(w.code_attempts))
                    .filter(fp::code_attempts.lt(LINK_CODE_ATTEMPTS)),
            )
            .set(fp::code_attempts.eq(w.code_attempts + 1))
            .execute(conn)
            .map_err(StoreError::from)
        })?;
        let typed = code.trim();
        let right = typed.len() <= 16
            && constant_time_eq(&sha256_hex(&format!("{}:{typed}", w.ref_hash)), stored);
        if counted != 1 || !right {
            return Err(AccountError::InvalidCode.into());
        }
        self.mark_proven(&w)
    }

    fn mark_proven(&self, w: &Waiting) -> Result<(), FederationError> {
        self.db.write(|conn| {
            diesel::update(fp::table.find(&w.ref_hash))
                .set((fp::proven.eq(true), fp::code_hash.eq(None::<String>)))
                .execute(conn)
                .map_err(StoreError::from)
        })?;
        Ok(())
    }

    fn link_target(&self, raw: &str, binding: &str) -> Result<(Waiting, Account), FederationError> {
        let w = self.waiting(raw, binding)?;
        let id = w
            .account_id
            .clone()
            .ok_or(FederationError::PendingInvalid)?;
        let account = self
            .db
            .read(|conn| Account::find(conn, &id).map_err(StoreError::from))?
            .ok_or(FederationError::PendingInvalid)?;
        Ok((w, account))
    }

    /// The person proved ownership and confirms: linked and signed in. The
    /// proof is spent.
    pub fn federation_confirm_link(
        &self,
        raw: &str,
        visitor: &Visitor<'_>,
    ) -> Result<(NewSession, String), FederationError> {
        let (w, account) = self.link_target(raw, visitor.binding)?;
        if !w.proven {
            return Err(FederationError::NotProven);
        }
        let provider = self.usable_provider(&w.provider_id)?;
        let upstream = UpstreamIdentity {
            subject: w.subject.clone(),
            email: Some(w.email.clone()),
            given_name: Some(w.given_name.clone()),
            family_name: Some(w.family_name.clone()),
            birthdate: w.birthdate,
            email_verified: false,
        };
        let session = self.db.write(|conn| {
            let taken = diesel::delete(
                fp::table
                    .find(&w.ref_hash)
                    .filter(fp::proven.eq(true))
                    .filter(fp::account_id.eq(&account.id)),
            )
            .execute(conn)
            .map_err(StoreError::from)?;
            if taken != 1 {
                return Err(FederationError::PendingInvalid);
            }
            self.add_identity(conn, &provider, &upstream, &account)?;
            self.open_session(conn, &account, visitor)
        })?;
        tracing::info!(target: "federation", provider = %provider.id, account = %account.id, "linked after proof of ownership");
        Ok((self.after_session(session), w.return_to))
    }

    /// The person chose not to go on: the waiting identity is dropped.
    pub fn federation_cancel(&self, raw: &str, binding: &str) -> Result<(), FederationError> {
        let w = self.waiting(raw, binding)?;
        self.db.write(|conn| {
            diesel::delete(fp::table.find(&w.ref_hash))
                .execute(conn)
                .map_err(StoreError::from)
        })?;
        Ok(())
    }
}

/// A name the upstream gave, if it is one idp would accept from a person.
fn upstream_name(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .and_then(|s| crate::accounts::PersonName::parse("name", s).ok())
        .map(|n| n.into_inner())
}

/// `sync = fill`: what the account lacks (names, date of birth) comes
/// from the upstream when the identity is linked; nothing is overwritten.
fn fill_empty(
    conn: &mut DbConnection,
    account: &Account,
    upstream: &UpstreamIdentity,
) -> Result<(), FederationError> {
    let name = upstream_name;
    let target = accounts::table.find(&account.id);
    if account.given_name.trim().is_empty() {
        if let Some(given) = name(&upstream.given_name) {
            diesel::update(target)
                .set(accounts::given_name.eq(given))
                .execute(conn)?;
        }
    }
    if account.family_name.trim().is_empty() {
        if let Some(family) = name(&upstream.family_name) {
            diesel::update(target)
                .set(accounts::family_name.eq(family))
                .execute(conn)?;
        }
    }
    if account.birthdate.is_none() && upstream.birthdate.is_some() {
        diesel::update(target)
            .set(accounts::birthdate.eq(upstream.birthdate))
            .execute(conn)?;
    }
    Ok(())
}

fn sync_names(
    conn: &mut DbConnection,
    account_id: &str,
    upstream: &UpstreamIdentity,
) -> Result<(), FederationError> {
    let clean = upstream_name;
    if let Some(given) = clean(&upstream.given_name) {
        diesel::update(accounts::table.find(account_id))
            .set(accounts::given_name.eq(given))
            .execute(conn)
            .map_err(StoreError::from)?;
    }
    if let Some(family) = clean(&upstream.family_name) {
        diesel::update(accounts::table.find(account_id))
            .set(accounts::family_name.eq(family))
            .execute(conn)
            .map_err(StoreError::from)?;
    }
    Ok(())
}

/// Deletes what nobody finished (housekeeping).
pub(crate) fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    Ok(
        diesel::delete(l::table.filter(l::expires_at.le(now))).execute(conn)?
            + diesel::delete(fp::table.filter(fp::expires_at.le(now))).execute(conn)?,
    )
}
