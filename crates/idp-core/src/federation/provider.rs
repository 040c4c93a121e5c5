//! Upstream providers: what the operator wrote (configuration file or admin
//! API), checked and completed with each kind's defaults.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Google,
    Microsoft,
    Facebook,
    Oidc,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Google => "google",
            ProviderKind::Microsoft => "microsoft",
            ProviderKind::Facebook => "facebook",
            ProviderKind::Oidc => "oidc",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Google, Self::Microsoft, Self::Facebook, Self::Oidc]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }

    /// Whether the kind speaks OpenID Connect (discovery, ID tokens).
    pub fn is_openid(self) -> bool {
        self != ProviderKind::Facebook
    }
}

/// What an upstream may change in the profile of the account it signs in to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    /// Empty profile fields are filled at the first sign-in only.
    #[default]
    Fill,
    Never,
    /// Names follow the upstream at every sign-in (the email never does).
    Always,
}

impl SyncMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::Fill => "fill",
            SyncMode::Never => "never",
            SyncMode::Always => "always",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Fill, Self::Never, Self::Always]
            .into_iter()
            .find(|m| m.as_str() == raw)
    }
}

/// Where a provider was defined; those in the configuration file are
/// changed there, not through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Config,
    Api,
    /// An organization's enterprise SSO.
    Organization,
}

/// A provider as written: `[[federation.providers]]` or an API body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    #[serde(default)]
    pub id: String,
    pub kind: Option<ProviderKind>,
    pub client_id: Option<String>,
    /// Required when a provider is made; an update without one keeps the old.
    pub client_secret: Option<String>,
    pub display_name: Option<String>,
    pub issuer: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub trust_email: Option<bool>,
    pub sync: Option<SyncMode>,
    pub enabled: Option<bool>,
    pub tenants: Option<Vec<String>>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub graph_url: Option<String>,
}

/// A checked provider with every default filled in.
#[derive(Clone, PartialEq, Eq)]
pub struct Provider {
    pub id: String,
    pub kind: ProviderKind,
    pub display_name: String,
    pub client_id: String,
    pub client_secret: String,
    /// The OpenID issuer (none for facebook).
    pub issuer: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub graph_url: Option<String>,
    pub scopes: Vec<String>,
    pub trust_email: bool,
    pub sync: SyncMode,
    pub enabled: bool,
    pub tenants: Vec<String>,
    pub source: Source,
    /// Set for an organization's own provider (enterprise SSO).
    pub organization_id: Option<String>,
    /// Reach only public addresses: the URLs were chosen by an outsider
    /// (an organization's admin), not by the operator.
    pub public_only: bool,
}

impl std::fmt::Debug for Provider {
    // Without the secret: providers end up in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("issuer", &self.issuer)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

/// A problem with one key of a provider definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{key}`: {message}")]
pub struct ProviderInvalid {
    pub key: &'static str,
    pub message: String,
}

fn invalid(key: &'static str, message: impl Into<String>) -> ProviderInvalid {
    ProviderInvalid {
        key,
        message: message.into(),
    }
}

pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
pub const MICROSOFT_ISSUER: &str = "https://login.microsoftonline.com/common/v2.0";
const FACEBOOK_DIALOG: &str = "https://www.facebook.com/v19.0/dialog/oauth";
const FACEBOOK_TOKEN: &str = "https://graph.facebook.com/v19.0/oauth/access_token";
const FACEBOOK_GRAPH: &str = "https://graph.facebook.com/v19.0";

const MAX_ID: usize = 64;
const MAX_TEXT: usize = 2048;
const MAX_DISPLAY_NAME: usize = 64;
const MAX_LIST: usize = 64;

fn checked_url(key: &'static str, raw: &str) -> Result<String, ProviderInvalid> {
    let url = url::Url::parse(raw).map_err(|e| invalid(key, format!("not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(key, "must be an http(s) URL"));
    }
    if url.fragment().is_some() || raw.len() > MAX_TEXT {
        return Err(invalid(
            key,
            "must have no fragment and be at most 2048 characters",
        ));
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

fn checked_text(key: &'static str, raw: Option<String>) -> Result<String, ProviderInvalid> {
    let value = raw.unwrap_or_default();
    if value.trim().is_empty() || value.len() > MAX_TEXT || value.chars().any(char::is_control) {
        return Err(invalid(
            key,
            "is required (printable, at most 2048 characters)",
        ));
    }
    Ok(value)
}

/// Ids appear in URLs (`/federation/{id}/callback`).
pub fn valid_id(id: &str) -> bool {
    // Organizations' own providers are named so.
    valid_reference(id) && !id.starts_with(crate::organizations::SSO_PROVIDER_PREFIX)
}

/// The shape of any provider id in a path, organizations' included.
pub fn valid_reference(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl ProviderInput {
    /// Checks the definition; `old_secret` stands in for a missing secret
    /// (an update that does not change it).
    pub fn resolve(
        self,
        source: Source,
        old_secret: Option<&str>,
    ) -> Result<Provider, ProviderInvalid> {
        if !valid_id(&self.id) {
            return Err(invalid(
                "id",
                "must be 1 to 64 lowercase letters, digits or `-`, starting with a letter or digit, and not with `org-` (organizations' own providers use it)",
            ));
        }
        let kind = self
            .kind
            .ok_or_else(|| invalid("kind", "is required: google, microsoft, facebook or oidc"))?;
        let client_id = checked_text("client_id", self.client_id)?;
        let client_secret = checked_text(
            "client_secret",
            self.client_secret.or(old_secret.map(str::to_owned)),
        )?;
        let display_name = match self.display_name {
            Some(name) => {
                let name = name.trim().to_owned();
                if name.is_empty()
                    || name.chars().count() > MAX_DISPLAY_NAME
                    || name.chars().any(char::is_control)
                {
                    return Err(invalid(
                        "display_name",
                        "must be 1 to 64 printable characters",
                    ));
                }
                name
            }
            None => match kind {
                ProviderKind::Google => "Google".into(),
                ProviderKind::Microsoft => "Microsoft".into(),
                ProviderKind::Facebook => "Facebook".into(),
                ProviderKind::Oidc => self.id.clone(),
            },
        };
        let issuer = match (kind, self.issuer) {
            (ProviderKind::Facebook, Some(_)) => return Err(invalid(
                "issuer",
                "facebook has no issuer; set authorization_endpoint, token_endpoint and graph_url",
            )),
            (ProviderKind::Facebook, None) => None,
            (_, Some(raw)) => Some(checked_url("issuer", &raw)?),
            (ProviderKind::Google, None) => Some(GOOGLE_ISSUER.into()),
            (ProviderKind::Microsoft, None) => Some(MICROSOFT_ISSUER.into()),
            (ProviderKind::Oidc, None) => {
                return Err(invalid("issuer", "is required for kind oidc"))
            }
        };
        let endpoint = |key: &'static str, raw: Option<String>, default: &str| match (kind, raw) {
            (ProviderKind::Facebook, Some(raw)) => checked_url(key, &raw).map(Some),
            (ProviderKind::Facebook, None) => Ok(Some(default.to_owned())),
            (_, Some(_)) => Err(invalid(key, "is only for kind facebook")),
            (_, None) => Ok(None),
        };
        let authorization_endpoint = endpoint(
            "authorization_endpoint",
            self.authorization_endpoint,
            FACEBOOK_DIALOG,
        )?;
        let token_endpoint = endpoint("token_endpoint", self.token_endpoint, FACEBOOK_TOKEN)?;
        let graph_url = endpoint("graph_url", self.graph_url, FACEBOOK_GRAPH)?;
        let scopes = match self.scopes {
            Some(scopes) => scopes,
            None if kind == ProviderKind::Facebook => vec!["email".into(), "public_profile".into()],
            None => vec!["openid".into(), "email".into(), "profile".into()],
        };
        let scope_ok = |s: &String| {
            !s.is_empty()
                && s.len() <= 256
                && s.chars()
                    .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\' && c != ',')
        };
        if scopes.len() > MAX_LIST || !scopes.iter().all(scope_ok) {
            return Err(invalid(
                "scopes",
                "must be up to 64 scope names without spaces",
            ));
        }
        if kind.is_openid() && !scopes.iter().any(|s| s == "openid") {
            return Err(invalid(
                "scopes",
                "must include openid for an OpenID provider",
            ));
        }
        let tenants = self.tenants.unwrap_or_default();
        if !tenants.is_empty() && kind != ProviderKind::Microsoft {
            return Err(invalid("tenants", "is only for kind microsoft"));
        }
        if tenants.len() > MAX_LIST
            || !tenants.iter().all(|t| {
                !t.is_empty()
                    && t.len() <= 64
                    && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        {
            return Err(invalid(
                "tenants",
                "must be up to 64 tenant ids (letters, digits, `-`)",
            ));
        }
        Ok(Provider {
            trust_email: self.trust_email.unwrap_or(kind == ProviderKind::Google),
            sync: self.sync.unwrap_or_default(),
            enabled: self.enabled.unwrap_or(true),
            id: self.id,
            kind,
            display_name,
            client_id,
            client_secret,
            issuer,
            authorization_endpoint,
            token_endpoint,
            graph_url,
            scopes,
            tenants,
            source,
            organization_id: None,
            public_only: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: ProviderKind) -> ProviderInput {
        ProviderInput {
            id: "up".into(),
            kind: Some(kind),
            client_id: Some("id".into()),
            client_secret: Some("secret".into()),
            ..ProviderInput::default()
        }
    }

    #[test]
    fn each_kind_gets_its_defaults() {
        let google = input(ProviderKind::Google)
            .resolve(Source::Config, None)
            .unwrap();
        assert_eq!(google.issuer.as_deref(), Some(GOOGLE_ISSUER));
        assert!(google.trust_email);
        let ms = input(ProviderKind::Microsoft)
            .resolve(Source::Config, None)
            .unwrap();
        assert!(!ms.trust_email);
        assert_eq!(ms.display_name, "Microsoft");
        let fb = input(ProviderKind::Facebook)
            .resolve(Source::Config, None)
            .unwrap();
        assert_eq!(fb.issuer, None);
        assert_eq!(fb.graph_url.as_deref(), Some(FACEBOOK_GRAPH));
        assert!(input(ProviderKind::Oidc)
            .resolve(Source::Config, None)
            .is_err());
    }

    #[test]
    fn bad_definitions_name_their_key() {
        let mut bad = input(ProviderKind::Google);
        bad.id = "Has Space".into();
        assert_eq!(bad.resolve(Source::Api, None).unwrap_err().key, "id");
        let mut bad = input(ProviderKind::Google);
        bad.tenants = Some(vec!["t".into()]);
        assert_eq!(bad.resolve(Source::Api, None).unwrap_err().key, "tenants");
        let mut bad = input(ProviderKind::Oidc);
        bad.issuer = Some("ftp://x".into());
        assert_eq!(bad.resolve(Source::Api, None).unwrap_err().key, "issuer");
        let mut bad = input(ProviderKind::Google);
        bad.client_secret = None;
        assert_eq!(
            bad.resolve(Source::Api, None).unwrap_err().key,
            "client_secret"
        );
        let mut kept = input(ProviderKind::Google);
        kept.client_secret = None;
        assert_eq!(
            kept.resolve(Source::Api, Some("old"))
                .unwrap()
                .client_secret,
            "old"
        );
    }
}
