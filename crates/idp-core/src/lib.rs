//! idp's domain and storage. No web framework here: `idp-http` translates
//! HTTP into calls on [`Idp`] and results back into responses.

pub mod accounts;
pub mod audit;
pub mod botcheck;
pub mod branding;
pub mod clients;
pub mod config;
pub mod config_check;
pub mod crypto;
pub mod db;
pub mod email;
pub mod federation;
pub mod files;
pub mod i18n;
pub mod keys;
pub mod metrics;
pub mod oauth;
pub mod one_time;
pub mod organizations;
pub mod outbound;
pub mod paging;
pub mod passkeys;
pub mod second_factor;
pub mod secrets;
pub mod sessions;
pub mod throttle;
pub mod webhooks;

use std::sync::Arc;

use chrono::{NaiveDateTime, SubsecRound, Utc};

use accounts::{PasswordHasher, PasswordPolicy};
use config::Settings;
use db::{Db, StoreError};
use email::Mailer;
use secrets::ServerKeys;

/// The current time in UTC, at the microsecond precision both databases keep.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("argon2 settings: {0}")]
    Argon2(argon2::Error),
    #[error("email: {0}")]
    Email(#[from] email::MailError),
    #[error("signing keys: {0}")]
    Keys(#[from] keys::KeyError),
    #[error("branding.folder: {0}")]
    Wording(String),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

/// Everything the domain needs, cheap to clone and shared by every worker.
#[derive(Clone)]
pub struct Idp {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub mailer: Arc<Mailer>,
    pub keys: Arc<ServerKeys>,
    pub passwords: Arc<PasswordHasher>,
    pub policy: Arc<PasswordPolicy>,
    /// Token signing keys (the JWKS).
    pub signing: Arc<keys::Keys>,
    pub client_cache: Arc<clients::ClientCache>,
    /// Wakes this node's mail worker when a transaction queued mail.
    pub outgoing: Arc<email::Outgoing>,
    /// Upstream providers' discovery documents and keys.
    pub upstreams: Arc<federation::Upstreams>,
    /// What `/metrics` reports.
    pub metrics: Arc<metrics::Metrics>,
    /// The operator's own wording of idp's messages (`[branding] folder`).
    pub wording: Arc<i18n::Overrides>,
}

impl Idp {
    /// Connects, migrates, and loads (or creates) the server's keys.
    pub fn open(settings: Settings) -> Result<Self, StartError> {
        // Made private before anything goes in (the database makes its own
        // folder; the outbox would otherwise make this one with the umask's
        // permissions).
        let in_data_dir = settings.master_key.is_none()
            || (settings.smtp_url.is_none()
                && settings.outbox_dir().starts_with(&settings.data_dir));
        if in_data_dir {
            files::create_private_dir(&settings.data_dir).map_err(|source| {
                StartError::DataDir {
                    path: settings.data_dir.display().to_string(),
                    source,
                }
            })?;
        }
        let db = Db::connect(&settings.database_url(), settings.database.max_connections)?;
        db.migrate()?;
        let keys = ServerKeys::load_or_create(&db)?;
        let mailer = Mailer::from_settings(&settings)?;
        let passwords = PasswordHasher::new(&settings.argon2).map_err(StartError::Argon2)?;
        let policy = PasswordPolicy::new(&settings.password);
        let master = match &settings.master_key {
            Some(encoded) => keys::MasterKey::from_base64(encoded)?,
            None => keys::MasterKey::from_file(&settings.data_dir)?,
        };
        let signing = keys::Keys::open(db.clone(), master)?;
        let metrics = metrics::Metrics::new(passwords.wait_histogram(), db.wait_histogram());
        let wording = match &settings.branding.folder {
            Some(folder) => {
                i18n::Overrides::load(folder).map_err(|p| StartError::Wording(p.join("; ")))?
            }
            None => i18n::Overrides::default(),
        };
        Ok(Self {
            db,
            settings: Arc::new(settings),
            mailer: Arc::new(mailer),
            keys: Arc::new(keys),
            passwords: Arc::new(passwords),
            policy: Arc::new(policy),
            signing: Arc::new(signing),
            client_cache: Arc::new(clients::ClientCache::default()),
            outgoing: Arc::new(email::Outgoing::default()),
            upstreams: Arc::new(federation::Upstreams::default()),
            metrics: Arc::new(metrics),
            wording: Arc::new(wording),
        })
    }

    /// An absolute link to `path` on this server, for emails.
    ///
    /// Links that carry a place to return to afterwards go through
    /// [`local_path`] first.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.settings.issuer, path)
    }
}

impl Idp {
    /// Deletes expired sessions, tokens, counters and the records of sent
    /// mail; every node may run it.
    pub fn purge_expired(&self) -> Result<usize, StoreError> {
        let now = now();
        let sessions = self.purge_expired_sessions()?;
        let tokens = self.db.write(|conn| {
            Ok::<_, StoreError>(
                one_time::purge_expired(conn, now)?
                    + accounts::purge_pending_signups(conn, now)?
                    + federation::purge_expired(conn, now)?
                    + passkeys::purge_expired(conn, now)?,
            )
        })?;
        let counters = throttle::purge_expired(&self.db, &self.settings.throttle, now)?;
        let keys = self.signing.purge_expired()?;
        let grants = self
            .db
            .write(|conn| oauth::purge_expired(conn, now).map_err(StoreError::from))?;
        let mail = self
            .db
            .write(|conn| email::purge_expired(conn, now).map_err(StoreError::from))?;
        let retention = self.settings.audit.retention_days;
        let events = self
            .db
            .write(|conn| audit::purge_expired(conn, retention, now).map_err(StoreError::from))?;
        Ok(sessions + tokens + counters + keys + grants + mail + events)
    }
}

/// `raw` when it is a path on this server (no scheme, no `//host`), so that
/// "return to" parameters cannot send anyone to another site.
pub fn local_path(raw: &str) -> Option<&str> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && !raw.chars().any(char::is_control)
        && raw.len() <= 4096;
    ok.then_some(raw)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(super::local_path("/authorize?x=1"), Some("/authorize?x=1"));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "account",
            "/a\nb",
        ] {
            assert_eq!(super::local_path(bad), None, "{bad}");
        }
    }
}
