//! Settings: an optional TOML file, `IDP_*` environment variables over it,
//! then command-line flags. Every value is checked at start, and an error
//! names the key (or variable) that is wrong.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("configuration file {path}: {message}")]
    Syntax {
        path: String,
        message: String,
        /// Where in the file, in bytes.
        span: Option<std::ops::Range<usize>>,
    },
    #[error("environment variable {var}: {message}")]
    Env { var: String, message: String },
    #[error("configuration key `{key}`: {message}")]
    Invalid { key: String, message: String },
}

fn invalid(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Toggle {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Public base URL; links in emails and (later) the OIDC issuer.
    pub issuer: String,
    pub bind: String,
    pub data_dir: PathBuf,
    /// Defaults to `sqlite://{data_dir}/idp.db`.
    pub database_url: Option<String>,
    /// When unset, email goes to `{data_dir}/outbox` as `.eml` files.
    pub smtp_url: Option<String>,
    pub bot_check: Toggle,
    /// Leading zero bits the proof-of-work must find (each bit doubles the work).
    pub bot_check_difficulty: u8,
    pub log_format: LogFormat,
    /// `IP:PORT` of a second listener that serves only `/metrics`; unset,
    /// nothing serves metrics (never the public listener).
    pub metrics_bind: Option<String>,
    /// On SIGTERM, how long `/readyz` fails before the listener closes, so
    /// that load balancers stop sending first; in-flight requests then
    /// finish.
    pub shutdown_delay_seconds: u64,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// 32 bytes, base64url: encrypts signing keys at rest. When unset, a key
    /// file `{data_dir}/master.key` is made on first start.
    pub master_key: Option<String>,
    pub oauth: OauthSettings,
    pub database: DatabaseSettings,
    pub email: EmailSettings,
    pub password: PasswordSettings,
    pub argon2: Argon2Settings,
    pub sessions: SessionSettings,
    pub second_factor: SecondFactorSettings,
    pub tokens: TokenLifetimes,
    pub throttle: ThrottleSettings,
    pub federation: FederationSettings,
    pub dns: DnsSettings,
    pub audit: AuditSettings,
    pub webhooks: WebhookSettings,
    pub branding: crate::branding::BrandingSettings,
}

/// `[webhooks]`: where audit events are sent (docs/operations.md, "Webhooks").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookSettings {
    pub endpoints: Vec<WebhookEndpoint>,
    /// The first retry waits this long; each next one twice as long, up to
    /// an hour.
    pub retry_seconds: i64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            endpoints: Vec::new(),
            retry_seconds: 10,
        }
    }
}

/// `[[webhooks.endpoints]]`: one receiver.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpoint {
    /// Names it in the admin API and keeps its place in the event stream.
    pub id: String,
    pub url: String,
    /// `whsec_` + base64 (Standard Webhooks), or at least 32 characters.
    pub secret: String,
    /// Event types (`sign_in.failed`, …), or `*` for all.
    #[serde(default = "all_events")]
    pub events: Vec<String>,
}

fn all_events() -> Vec<String> {
    vec!["*".into()]
}

impl WebhookEndpoint {
    /// The signing key: the bytes after `whsec_`, or the secret as written.
    pub fn key(&self) -> Option<Vec<u8>> {
        use base64::Engine;
        match self.secret.strip_prefix("whsec_") {
            Some(b64) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .ok()
                .filter(|k| k.len() >= 24),
            None => (self.secret.len() >= 32).then(|| self.secret.as_bytes().to_vec()),
        }
    }

    /// Every event type, not a list of them.
    pub fn wants_all(&self) -> bool {
        self.events.iter().any(|e| e == "*")
    }
}

/// `[audit]`: the audit trail (docs/operations.md, "Audit events").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// Housekeeping deletes events older than this.
    pub retention_days: i64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            retention_days: 365,
        }
    }
}

/// `[dns]`: where domain verification looks up TXT records.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DnsSettings {
    /// `IP:PORT` of the nameserver to ask; unset, the system's
    /// (`/etc/resolv.conf`). Tests point it at a server on loopback.
    pub nameserver: Option<std::net::SocketAddr>,
}

/// `[[federation.providers]]`: upstream providers people sign in through.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FederationSettings {
    pub providers: Vec<crate::federation::ProviderInput>,
}

impl FederationSettings {
    /// The configured providers, checked (start-up refused bad ones).
    pub fn resolved(&self) -> Result<Vec<crate::federation::Provider>, ConfigError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for (i, input) in self.providers.iter().enumerate() {
            let provider = input
                .clone()
                .resolve(crate::federation::Source::Config, None)
                .map_err(|e| invalid(&format!("federation.providers[{i}].{}", e.key), e.message))?;
            if !seen.insert(provider.id.clone()) {
                return Err(invalid(
                    &format!("federation.providers[{i}].id"),
                    format!("`{}` is used by another provider", provider.id),
                ));
            }
            out.push(provider);
        }
        Ok(out)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailSettings {
    pub from: String,
    /// Defaults to `{data_dir}/outbox`.
    pub outbox_dir: Option<PathBuf>,
    /// Wait before the first retry of a message that could not be sent; it
    /// doubles with every further try (up to an hour).
    pub retry_seconds: i64,
    /// Tries before a message is given up as failed.
    pub max_attempts: i32,
    /// Mail of each limited kind (verification, email change, reset code)
    /// that one account may cause in an hour.
    pub max_per_account_per_hour: i64,
    /// Mail of each limited kind that one address may receive in an hour.
    pub max_per_address_per_hour: i64,
    /// Invitations one organization admin may send in an hour (a company
    /// invites its colleagues in a batch; each address still gets at most
    /// `max_per_address_per_hour`).
    pub max_invitations_per_account_per_hour: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordSettings {
    pub min_length: usize,
    pub max_length: usize,
    /// zxcvbn score (0-4) a password must reach.
    pub min_strength: u8,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes may run at once (each takes `memory_kib`).
    pub max_concurrent: usize,
    /// How many more may wait for a free slot; beyond that the answer is "busy".
    pub max_queue: usize,
    /// How long one may wait for a slot before the answer is "busy".
    pub max_wait_ms: u64,
}

/// Who must use a second factor at every sign-in (docs/mfa.md). Apps may
/// ask for one per request (`acr_values`), and an organization for its
/// members, whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecondFactorRequirement {
    /// Only people who set one up.
    Nobody,
    /// Administrators, and people who set one up.
    Admins,
    Everyone,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecondFactorSettings {
    pub require: SecondFactorRequirement,
    /// Adding or removing a factor needs a sign-in at most this old.
    pub recent_sign_in_minutes: i64,
}

impl Default for SecondFactorSettings {
    fn default() -> Self {
        Self {
            require: SecondFactorRequirement::Nobody,
            recent_sign_in_minutes: 10,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    pub idle_timeout_minutes: i64,
    pub absolute_timeout_hours: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenLifetimes {
    /// `RS256`, `ES256` or `EdDSA` (IDP_ACCESS_TOKEN_ALG).
    pub access_token_alg: String,
    pub access_token_minutes: i64,
    pub id_token_minutes: i64,
    pub authorization_code_seconds: i64,
    pub refresh_token_idle_days: i64,
    pub refresh_token_absolute_days: i64,
    pub email_verification_hours: i64,
    pub email_change_hours: i64,
    pub password_reset_code_minutes: i64,
    pub password_reset_code_attempts: i32,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OauthSettings {
    /// Require PKCE (S256) from confidential clients too (public clients always need it).
    pub require_pkce: bool,
    /// Dynamic client registration (RFC 7591) at `/register`.
    pub dynamic_registration: bool,
    /// The initial access token `/register` requires (Bearer). Without one,
    /// registration is open to anyone: only for tests and closed networks.
    pub registration_token: Option<String>,
    /// Let idp fetch `jwks_uri` and post back-channel logouts to loopback and
    /// private addresses (tests, or clients inside the operator's network).
    pub allow_internal_urls: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleSettings {
    pub window_minutes: i64,
    pub max_failures_per_account: i32,
    pub max_failures_per_address: i32,
    pub lockout_minutes: i64,
    /// Wrong password-reset codes one client address may send per window,
    /// whatever accounts they were for.
    pub max_reset_code_failures_per_address: i32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            issuer: "http://127.0.0.1:8080".into(),
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            smtp_url: None,
            bot_check: Toggle::On,
            bot_check_difficulty: 16,
            log_format: LogFormat::Text,
            metrics_bind: None,
            shutdown_delay_seconds: 5,
            trust_forwarded_for: false,
            master_key: None,
            oauth: OauthSettings::default(),
            database: DatabaseSettings::default(),
            email: EmailSettings::default(),
            password: PasswordSettings::default(),
            argon2: Argon2Settings::default(),
            sessions: SessionSettings::default(),
            second_factor: SecondFactorSettings::default(),
            tokens: TokenLifetimes::default(),
            throttle: ThrottleSettings::default(),
            federation: FederationSettings::default(),
            dns: DnsSettings::default(),
            audit: AuditSettings::default(),
            webhooks: WebhookSettings::default(),
            branding: crate::branding::BrandingSettings::default(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
        }
    }
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            from: "idp <no-reply@localhost>".into(),
            outbox_dir: None,
            retry_seconds: 30,
            max_attempts: 12,
            max_per_account_per_hour: 5,
            max_per_address_per_hour: 3,
            max_invitations_per_account_per_hour: 100,
        }
    }
}

impl Default for PasswordSettings {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 64,
            min_strength: 3,
        }
    }
}

impl Default for Argon2Settings {
    // OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
            // More hashes at once than cores only adds memory: each runs
            // on one core for its whole time.
            max_concurrent: std::thread::available_parallelism().map_or(2, |n| n.get().min(256)),
            // Room for a burst of 64 sign-ins and more: at about 50
            // hashes a second per core, 128 waiters wait under 2 s.
            max_queue: 128,
            max_wait_ms: 2_000,
        }
    }
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle_timeout_minutes: 24 * 60,
            absolute_timeout_hours: 14 * 24,
        }
    }
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        Self {
            access_token_alg: "RS256".into(),
            access_token_minutes: 10,
            id_token_minutes: 60,
            authorization_code_seconds: 60,
            refresh_token_idle_days: 30,
            refresh_token_absolute_days: 90,
            email_verification_hours: 24,
            email_change_hours: 24,
            password_reset_code_minutes: 15,
            password_reset_code_attempts: 5,
        }
    }
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            window_minutes: 15,
            max_failures_per_account: 5,
            max_failures_per_address: 50,
            lockout_minutes: 15,
            max_reset_code_failures_per_address: 20,
        }
    }
}

const ENV_PREFIX: &str = "IDP_";

impl Settings {
    /// Loads `file` (if given, else `./idp.toml` when present), then overlays
    /// `IDP_*` variables from `env`. `IDP_A__B` sets key `b` of section `a`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let raw = RawSettings::read(file, env)?;
        let settings = raw.deserialize(raw.root.clone())?;
        settings.validate()?;
        Ok(settings)
    }

    /// The first problem of [`Self::problems`].
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self.problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every value that is out of range or malformed, not just the first.
    pub fn problems(&self) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        match url::Url::parse(&self.issuer) {
            Err(e) => errors.push(invalid("issuer", format!("not a URL: {e}"))),
            Ok(issuer)
                if !matches!(issuer.scheme(), "http" | "https")
                    || issuer.query().is_some()
                    || issuer.fragment().is_some()
                    || issuer.host_str().is_none() =>
            {
                errors.push(invalid(
                    "issuer",
                    "must be an http(s) URL without query or fragment",
                ))
            }
            Ok(_) => {}
        }
        if self.issuer.ends_with('/') {
            errors.push(invalid("issuer", "must not end with a slash"));
        }
        if self.bind.parse::<std::net::SocketAddr>().is_err() {
            errors.push(invalid("bind", "must be IP:PORT, e.g. 127.0.0.1:8080"));
        }
        if let Some(metrics) = &self.metrics_bind {
            match metrics.parse::<std::net::SocketAddr>() {
                Err(_) => errors.push(invalid(
                    "metrics_bind",
                    "must be IP:PORT, e.g. 127.0.0.1:9100",
                )),
                Ok(m) if Some(m) == self.bind.parse().ok() && m.port() != 0 => {
                    errors.push(invalid(
                        "metrics_bind",
                        "must differ from bind: metrics are never public",
                    ))
                }
                Ok(_) => {}
            }
        }
        for (key, message) in self.branding.problems() {
            errors.push(invalid(key, message));
        }
        if self.shutdown_delay_seconds > 300 {
            errors.push(invalid("shutdown_delay_seconds", "must be 0 to 300"));
        }
        let p = &self.password;
        if p.min_length < 8 {
            errors.push(invalid("password.min_length", "must be at least 8"));
        }
        if p.max_length < p.min_length || p.max_length > 1024 {
            errors.push(invalid(
                "password.max_length",
                "must be between password.min_length and 1024",
            ));
        }
        if p.min_strength > 4 {
            errors.push(invalid("password.min_strength", "must be 0 to 4"));
        }
        let a = &self.argon2;
        if a.parallelism == 0
            || a.iterations == 0
            || u64::from(a.memory_kib) < 8 * u64::from(a.parallelism)
        {
            errors.push(invalid(
                "argon2",
                "iterations and parallelism must be at least 1, memory_kib at least 8 × parallelism",
            ));
        }
        // The blocks are allocated at start, and every waiter holds a
        // blocking thread: both must stay within what a machine has.
        if !(1..=MAX_ARGON2_CONCURRENT).contains(&a.max_concurrent) {
            errors.push(invalid(
                "argon2.max_concurrent",
                format!("must be 1 to {MAX_ARGON2_CONCURRENT}"),
            ));
        }
        if a.max_queue > MAX_ARGON2_QUEUE {
            errors.push(invalid(
                "argon2.max_queue",
                format!("must be 0 to {MAX_ARGON2_QUEUE}"),
            ));
        }
        if !(1..=MAX_ARGON2_WAIT_MS).contains(&a.max_wait_ms) {
            errors.push(invalid(
                "argon2.max_wait_ms",
                format!("must be 1 to {MAX_ARGON2_WAIT_MS}"),
            ));
        }
        if self.bot_check_difficulty == 0 || self.bot_check_difficulty > 32 {
            errors.push(invalid("bot_check_difficulty", "must be 1 to 32"));
        }
        if !(1..=1000).contains(&self.database.max_connections) {
            errors.push(invalid("database.max_connections", "must be 1 to 1000"));
        }
        let positive = [
            (
                "tokens.access_token_minutes",
                self.tokens.access_token_minutes,
            ),
            ("tokens.id_token_minutes", self.tokens.id_token_minutes),
            (
                "tokens.authorization_code_seconds",
                self.tokens.authorization_code_seconds,
            ),
            (
                "tokens.refresh_token_idle_days",
                self.tokens.refresh_token_idle_days,
            ),
            (
                "tokens.refresh_token_absolute_days",
                self.tokens.refresh_token_absolute_days,
            ),
            (
                "sessions.idle_timeout_minutes",
                self.sessions.idle_timeout_minutes,
            ),
            (
                "sessions.absolute_timeout_hours",
                self.sessions.absolute_timeout_hours,
            ),
            (
                "tokens.email_verification_hours",
                self.tokens.email_verification_hours,
            ),
            ("tokens.email_change_hours", self.tokens.email_change_hours),
            (
                "tokens.password_reset_code_minutes",
                self.tokens.password_reset_code_minutes,
            ),
            (
                "tokens.password_reset_code_attempts",
                self.tokens.password_reset_code_attempts.into(),
            ),
            ("throttle.window_minutes", self.throttle.window_minutes),
            (
                "second_factor.recent_sign_in_minutes",
                self.second_factor.recent_sign_in_minutes,
            ),
            (
                "throttle.max_failures_per_account",
                self.throttle.max_failures_per_account.into(),
            ),
            (
                "throttle.max_failures_per_address",
                self.throttle.max_failures_per_address.into(),
            ),
            ("throttle.lockout_minutes", self.throttle.lockout_minutes),
            ("audit.retention_days", self.audit.retention_days),
            ("email.retry_seconds", self.email.retry_seconds),
            ("email.max_attempts", self.email.max_attempts.into()),
            (
                "email.max_per_account_per_hour",
                self.email.max_per_account_per_hour,
            ),
            (
                "email.max_per_address_per_hour",
                self.email.max_per_address_per_hour,
            ),
            (
                "email.max_invitations_per_account_per_hour",
                self.email.max_invitations_per_account_per_hour,
            ),
            (
                "throttle.max_reset_code_failures_per_address",
                self.throttle.max_reset_code_failures_per_address.into(),
            ),
        ];
        for (key, value) in positive {
            // The cap keeps every lifetime far inside what dates can hold.
            if !(1..=MAX_DURATION_SETTING).contains(&value) {
                errors.push(invalid(
                    key,
                    format!("must be a positive number no larger than {MAX_DURATION_SETTING}"),
                ));
            }
        }
        if crate::keys::Alg::parse(&self.tokens.access_token_alg).is_none() {
            errors.push(invalid(
                "tokens.access_token_alg",
                "must be RS256, ES256 or EdDSA",
            ));
        }
        if let Some(token) = &self.oauth.registration_token {
            if token.len() < 32 {
                errors.push(invalid(
                    "oauth.registration_token",
                    "must be at least 32 characters (make one with `openssl rand -base64 32`)",
                ));
            }
        }
        if let Some(Err(e)) = self
            .master_key
            .as_deref()
            .map(crate::keys::MasterKey::from_base64)
        {
            errors.push(invalid("master_key", e.to_string()));
        }
        if self.email.from.parse::<lettre::message::Mailbox>().is_err() {
            errors.push(invalid(
                "email.from",
                "must be an address such as `idp <no-reply@example.com>`",
            ));
        }
        if let Some(url) = &self.smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                errors.push(invalid("smtp_url", "must start with smtp:// or smtps://"));
            }
        }
        if let Err(e) = crate::db::DatabaseUrl::parse(&self.database_url()) {
            errors.push(invalid("database_url", e.to_string()));
        }
        if let Err(e) = self.federation.resolved() {
            errors.push(e);
        }
        self.webhook_problems(&mut errors);
        errors
    }

    fn webhook_problems(&self, errors: &mut Vec<ConfigError>) {
        let mut seen = std::collections::BTreeSet::new();
        for (i, w) in self.webhooks.endpoints.iter().enumerate() {
            let key = |name: &str| format!("webhooks.endpoints[{i}].{name}");
            let id_ok = (1..=64).contains(&w.id.len())
                && w.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !id_ok {
                errors.push(invalid(&key("id"), "1 to 64 of a-z, 0-9, - and _"));
            } else if !seen.insert(w.id.as_str()) {
                errors.push(invalid(
                    &key("id"),
                    format!("`{}` is used by another endpoint", w.id),
                ));
            }
            let http = url::Url::parse(&w.url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
            if !http {
                errors.push(invalid(&key("url"), "must be an http(s) URL"));
            }
            if w.key().is_none() {
                errors.push(invalid(
                    &key("secret"),
                    "must be whsec_ and base64 of at least 24 bytes (e.g. `echo whsec_$(openssl rand -base64 32)`), or 32 characters or more",
                ));
            }
            if let Some(bad) = w
                .events
                .iter()
                .find(|e| *e != "*" && crate::audit::EventType::parse(e).is_none())
            {
                errors.push(invalid(
                    &key("events"),
                    format!("`{bad}` is not an event type"),
                ));
            }
        }
        if !(1..=3600).contains(&self.webhooks.retry_seconds) {
            errors.push(invalid("webhooks.retry_seconds", "must be 1 to 3600"));
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("idp.db").display()))
    }

    /// The database URL without its password, for banners and logs.
    pub fn database_url_for_display(&self) -> String {
        let raw = self.database_url();
        match url::Url::parse(&raw) {
            Ok(mut parsed) if parsed.password().is_some() => {
                let _ = parsed.set_password(Some("***"));
                parsed.to_string()
            }
            _ => raw,
        }
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.email
            .outbox_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("outbox"))
    }

    /// Cookies get `Secure` when people reach the server over https.
    pub fn secure_cookies(&self) -> bool {
        self.issuer.starts_with("https://")
    }

    /// The issuer's origin (`scheme://host[:port]`), as browsers send it in
    /// `Origin` from idp's own pages.
    pub fn issuer_origin(&self) -> String {
        url::Url::parse(&self.issuer)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }
}

/// The largest number a lifetime or counter setting may hold.
const MAX_DURATION_SETTING: i64 = 10_000_000;

/// Upper bounds of the argon2 slots and queue: together they stay below the
/// 512 blocking threads a worker has, so waiting happens in the hasher's
/// bounded queue and not in the runtime's unbounded one.
const MAX_ARGON2_CONCURRENT: usize = 256;
const MAX_ARGON2_QUEUE: usize = 256;
/// Longest wait for an argon2 slot that may be configured (one minute).
const MAX_ARGON2_WAIT_MS: u64 = 60_000;

/// Environment variables named in DESIGN.md whose key is in a section.
const ENV_ALIASES: &[(&str, &str)] = &[("ACCESS_TOKEN_ALG", "tokens.access_token_alg")];

/// Settings that are text even when they look like a number (`IDP_DATA_DIR=2024`).
const STRING_KEYS: &[&str] = &[
    "issuer",
    "bind",
    "metrics_bind",
    "data_dir",
    "database_url",
    "smtp_url",
    "bot_check",
    "log_format",
    "email.from",
    "email.outbox_dir",
    "master_key",
    "tokens.access_token_alg",
    "oauth.registration_token",
];

/// The file and the environment merged into one TOML table, before it is
/// read into [`Settings`]; `idp config check` reads it part by part.
pub(crate) struct RawSettings {
    pub root: toml::Table,
    /// The file's text, for locating keys.
    pub text: Option<String>,
    pub path: Option<String>,
    /// Which variable set which key.
    env_keys: BTreeMap<String, String>,
}

impl RawSettings {
    /// Reads `file` (if given, else `./idp.toml` when present), then overlays
    /// `IDP_*` variables from `env`. `IDP_A__B` sets key `b` of section `a`.
    pub fn read(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut raw = RawSettings {
            root: toml::Table::new(),
            text: None,
            path: None,
            env_keys: BTreeMap::new(),
        };
        let default_file = Path::new("idp.toml");
        let file = file.or_else(|| default_file.exists().then_some(default_file));
        if let Some(path) = file {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: shown.clone(),
                source,
            })?;
            raw.root = text
                .parse::<toml::Table>()
                .map_err(|e| ConfigError::Syntax {
                    path: shown.clone(),
                    message: e.message().to_owned(),
                    span: e.span(),
                })?;
            raw.text = Some(text);
            raw.path = Some(shown);
        }
        for (var, value) in env {
            let Some(rest) = var.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            // Variables the test harness or shell may set that are not settings.
            if rest.starts_with("TEST_") || rest == "LOG" {
                continue;
            }
            let path: Vec<String> = match ENV_ALIASES.iter().find(|(name, _)| *name == rest) {
                Some((_, key)) => key.split('.').map(str::to_owned).collect(),
                None => rest.split("__").map(|p| p.to_ascii_lowercase()).collect(),
            };
            if path.iter().any(|p| p.is_empty()) {
                return Err(ConfigError::Env {
                    var,
                    message: "empty key segment".into(),
                });
            }
            let key = path.join(".");
            let value = if STRING_KEYS.contains(&key.as_str()) {
                toml::Value::String(value)
            } else {
                env_value(&value)
            };
            set_path(&mut raw.root, &path, value).map_err(|message| ConfigError::Env {
                var: var.clone(),
                message,
            })?;
            raw.env_keys.insert(key, var);
        }
        Ok(raw)
    }

    /// Reads `root` (all of [`Self::root`], or a part of it) into settings;
    /// an error names the key, or the variable that set it.
    pub fn deserialize(&self, root: toml::Table) -> Result<Settings, ConfigError> {
        serde_path_to_error::deserialize(toml::Value::Table(root)).map_err(|e| {
            let key = e.path().to_string();
            let message = e.inner().message().to_owned();
            match self.env_keys.get(&key) {
                Some(var) => ConfigError::Env {
                    var: var.clone(),
                    message,
                },
                None => ConfigError::Invalid { key, message },
            }
        })
    }
}

/// Environment values are TOML literals when they parse as one (numbers,
/// booleans), else plain strings, so `IDP_BIND=127.0.0.1:9000` needs no quotes.
fn env_value(raw: &str) -> toml::Value {
    let probe = format!("v = {raw}");
    match probe.parse::<toml::Table>() {
        Ok(mut t) => match t.remove("v") {
            Some(v @ (toml::Value::Integer(_) | toml::Value::Boolean(_))) => v,
            _ => toml::Value::String(raw.to_owned()),
        },
        Err(_) => toml::Value::String(raw.to_owned()),
    }
}

fn set_path(root: &mut toml::Table, path: &[String], value: toml::Value) -> Result<(), String> {
    let (last, parents) = path.split_last().expect("path has at least one segment");
    let mut table = root;
    for part in parents {
        let entry = table
            .entry(part.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        table = entry
            .as_table_mut()
            .ok_or_else(|| format!("`{part}` is not a section"))?;
    }
    table.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_no_configuration() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.database_url(), "sqlite://./data/idp.db");
        assert_eq!(s.database_url_for_display(), "sqlite://./data/idp.db");
        let pg = Settings {
            database_url: Some("postgres://idp:s3cret@db/idp".into()),
            ..Settings::default()
        };
        assert_eq!(pg.database_url_for_display(), "postgres://idp:***@db/idp");
        assert_eq!(s.bot_check, Toggle::On);
    }

    #[test]
    fn environment_overrides_and_nests() {
        let s = Settings::load(
            None,
            env(&[
                ("IDP_BOT_CHECK", "off"),
                ("IDP_BIND", "127.0.0.1:9999"),
                ("IDP_PASSWORD__MAX_LENGTH", "20"),
                ("IDP_DATA_DIR", "2024"),
                ("IDP_ACCESS_TOKEN_ALG", "ES256"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(s.bot_check, Toggle::Off);
        assert_eq!(s.bind, "127.0.0.1:9999");
        assert_eq!(s.password.max_length, 20);
        assert_eq!(s.data_dir, PathBuf::from("2024"));
        assert_eq!(s.tokens.access_token_alg, "ES256");
    }

    #[test]
    fn errors_name_the_variable_or_key() {
        let e = Settings::load(None, env(&[("IDP_BOT_CHEK", "off")])).unwrap_err();
        assert!(e.to_string().contains("IDP_BOT_CHEK"), "{e}");
        let e = Settings::load(None, env(&[("IDP_PASSWORD__MIN_LENGTH", "abc")])).unwrap_err();
        assert!(e.to_string().contains("IDP_PASSWORD__MIN_LENGTH"), "{e}");
        let e = Settings::load(None, env(&[("IDP_PASSWORD__MIN_LENGTH", "4")])).unwrap_err();
        assert!(e.to_string().contains("password.min_length"), "{e}");
        let e = Settings::load(
            None,
            env(&[("IDP_SESSIONS__IDLE_TIMEOUT_MINUTES", "9223372036854775807")]),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("sessions.idle_timeout_minutes"),
            "{e}"
        );
        let e =
            Settings::load(None, env(&[("IDP_ARGON2__PARALLELISM", "4294967295")])).unwrap_err();
        assert!(e.to_string().contains("argon2"), "{e}");
        let e =
            Settings::load(None, env(&[("IDP_TOKENS__ACCESS_TOKEN_MINUTES", "0")])).unwrap_err();
        assert!(e.to_string().contains("tokens.access_token_minutes"), "{e}");
        for (var, key, value) in [
            ("IDP_ARGON2__MAX_CONCURRENT", "argon2.max_concurrent", "0"),
            ("IDP_ARGON2__MAX_CONCURRENT", "argon2.max_concurrent", "257"),
            ("IDP_ARGON2__MAX_QUEUE", "argon2.max_queue", "257"),
            ("IDP_ARGON2__MAX_WAIT_MS", "argon2.max_wait_ms", "0"),
            ("IDP_ARGON2__MAX_WAIT_MS", "argon2.max_wait_ms", "60001"),
            (
                "IDP_THROTTLE__MAX_RESET_CODE_FAILURES_PER_ADDRESS",
                "throttle.max_reset_code_failures_per_address",
                "0",
            ),
        ] {
            let e = Settings::load(None, env(&[(var, value)])).unwrap_err();
            assert!(e.to_string().contains(key), "{var}={value}: {e}");
        }
        // No queue at all is allowed: busy at once when every slot is taken.
        assert!(Settings::load(None, env(&[("IDP_ARGON2__MAX_QUEUE", "0")])).is_ok());
        let e = Settings::load(None, env(&[("IDP_ISSUER", "ftp://x")])).unwrap_err();
        assert!(e.to_string().contains("issuer"), "{e}");
    }

    #[test]
    fn file_keys_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idp.toml");
        std::fs::write(&path, "[password]\nmin_lenght = 9\n").unwrap();
        let e = Settings::load(Some(&path), env(&[])).unwrap_err();
        assert!(e.to_string().contains("min_lenght"), "{e}");
        std::fs::write(&path, "issuer = \"https://id.example.com\"\n").unwrap();
        let s = Settings::load(Some(&path), env(&[])).unwrap();
        assert!(s.secure_cookies());
    }

    #[test]
    fn upstream_providers_are_checked_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idp.toml");
        let google = "[[federation.providers]]\nid = \"google\"\nkind = \"google\"\nclient_id = \"a\"\nclient_secret = \"b\"\n";
        std::fs::write(&path, google).unwrap();
        let s = Settings::load(Some(&path), env(&[])).unwrap();
        let providers = s.federation.resolved().unwrap();
        assert_eq!(providers[0].display_name, "Google");
        assert!(providers[0].trust_email);
        std::fs::write(&path, format!("{google}{google}")).unwrap();
        let e = Settings::load(Some(&path), env(&[])).unwrap_err();
        assert!(e.to_string().contains("federation.providers[1].id"), "{e}");
        std::fs::write(&path, google.replace("google\"\nclient", "oidc\"\nclient")).unwrap();
        let e = Settings::load(Some(&path), env(&[])).unwrap_err();
        assert!(
            e.to_string().contains("federation.providers[0].issuer"),
            "{e}"
        );
        std::fs::write(&path, format!("{google}colour = \"red\"\n")).unwrap();
        let e = Settings::load(Some(&path), env(&[])).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }
}
