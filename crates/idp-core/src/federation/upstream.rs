//! Talking to upstream providers: discovery and keys (cached), the
//! authorization URL, the code exchange, and the checks an ID token must
//! pass before idp believes who it names. OpenID kinds go through the
//! `openidconnect` crate; Facebook through its OAuth 2.0 and Graph API.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJsonWebKeySet,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AccessToken, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, LoginHint, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, SignatureVerificationError, SubjectIdentifier, TokenResponse,
};
use serde::{Deserialize, Serialize};

use super::provider::{Provider, ProviderKind};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long discovery documents and keys are trusted before a refetch.
const CACHE_FOR: Duration = Duration::from_secs(3600);
const MAX_DOCUMENT: usize = 512 * 1024;
/// ID tokens from the future (beyond clock skew) or from long ago are refused.
const IAT_SKEW_SECS: i64 = 300;
const IAT_MAX_AGE_SECS: i64 = 3600;

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Network trouble, a timeout, a 5xx, or a document that is not what
    /// it should be: the person may try again later.
    #[error("the provider could not be reached or answered badly: {0}")]
    Unreachable(String),
    /// The provider refused the code (used, expired, or not ours).
    #[error("the provider refused the sign-in: {0}")]
    Refused(String),
    /// The ID token failed a check (signature, issuer, audience, times, nonce).
    #[error("the provider's ID token is not valid: {0}")]
    InvalidToken(String),
    #[error("tenant {0} is not allowed to sign in here")]
    TenantNotAllowed(String),
}

/// Who the upstream says signed in, as it said it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamIdentity {
    pub subject: String,
    pub email: Option<String>,
    /// Whether the upstream asserted the address is verified (not yet
    /// weighed against the provider's `trust_email`).
    pub email_verified: bool,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birthdate: Option<NaiveDate>,
}

/// What a sign-in sends out and must find again at the callback.
pub struct Outbound {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub pkce_challenge: PkceCodeChallenge,
}

impl Outbound {
    pub fn new() -> Self {
        let (pkce_challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        Self {
            state: crate::crypto::random_token(32),
            nonce: crate::crypto::random_token(32),
            pkce_verifier: verifier.secret().clone(),
            pkce_challenge,
        }
    }
}

impl Default for Outbound {
    fn default() -> Self {
        Self::new()
    }
}

/// Claims beyond the standard ones that idp reads (Microsoft's).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ExtraClaims {
    #[serde(default)]
    tid: Option<String>,
    /// "Email domain owner verified": Microsoft's only word on the address.
    #[serde(default)]
    xms_edov: Option<serde_json::Value>,
}
impl openidconnect::AdditionalClaims for ExtraClaims {}

type UpstreamIdToken = openidconnect::IdToken<
    ExtraClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

struct Cached {
    fetched: Instant,
    metadata: CoreProviderMetadata,
}

/// Discovery documents with their keys, per issuer.
#[derive(Default)]
pub struct Upstreams {
    cache: Mutex<HashMap<String, Cached>>,
}

fn http(provider: &Provider) -> Result<reqwest::blocking::Client, UpstreamError> {
    // No redirects (a provider's endpoints answer directly) and no proxy
    // from the environment, so loopback providers are reached directly.
    let mut builder = reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if provider.public_only {
        builder = builder.dns_resolver(std::sync::Arc::new(PublicOnly));
    }
    builder.build().map_err(|e| unreachable("client", &e))
}

/// A failed call to a provider as a message for the log: the step, then
/// each cause, never a URL's query or credentials. A reqwest error names
/// the whole URL it called, and Facebook takes the app secret, the code
/// and the access token in the query.
fn unreachable(what: &str, error: &(dyn std::error::Error + 'static)) -> UpstreamError {
    let mut message = what.to_owned();
    let mut cause = Some(error);
    while let Some(e) = cause {
        let mut said = e.to_string();
        if let Some(url) = called_url(e) {
            said = said.replace(url.as_str(), &shown_url(url.as_str()));
        }
        message.push_str(": ");
        message.push_str(&said);
        cause = e.source();
    }
    UpstreamError::Unreachable(message)
}

/// The URL a reqwest error names, also when it comes wrapped in the
/// `io::Error` of a body read (which prints it, but hides it as a source)
/// or boxed, as openidconnect hands it on.
fn called_url<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a url::Url> {
    fn as_reqwest<'b>(e: &'b (dyn std::error::Error + 'static)) -> Option<&'b reqwest::Error> {
        e.downcast_ref::<reqwest::Error>()
            .or_else(|| e.downcast_ref::<Box<reqwest::Error>>().map(|b| &**b))
    }
    as_reqwest(e)
        .or_else(|| {
            e.downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::get_ref)
                .and_then(|inner| as_reqwest(inner))
        })
        .and_then(reqwest::Error::url)
}

/// A URL as a message may show it: scheme, host, port and path.
fn shown_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            url.set_query(None);
            url.set_fragment(None);
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.into()
        }
        Err(_) => "a URL that does not parse".into(),
    }
}

/// Resolves names to their public addresses only: every connection an
/// outsider-chosen provider makes idp open goes through it, so a name
/// that points inside the operator's network is never reached.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            use std::net::ToSocketAddrs;
            let public: Vec<std::net::SocketAddr> = (host.as_str(), 0)
                .to_socket_addrs()?
                .filter(|a| crate::outbound::is_public(a.ip()))
                .collect();
            if public.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The resolver never sees an address written into the URL itself.
fn check_url(provider: &Provider, url: &str) -> Result<(), UpstreamError> {
    if !provider.public_only {
        return Ok(());
    }
    let parsed = url::Url::parse(url)
        .map_err(|_| UpstreamError::Unreachable("a URL that does not parse".into()))?;
    let internal = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => !crate::outbound::is_public(ip.into()),
        Some(url::Host::Ipv6(ip)) => !crate::outbound::is_public(ip.into()),
        Some(url::Host::Domain(_)) => false,
        None => true,
    };
    if internal || parsed.scheme() != "https" {
        return Err(UpstreamError::Unreachable(format!(
            "{}: only https URLs on public addresses are reached for an organization's provider",
            shown_url(url)
        )));
    }
    Ok(())
}

/// `http` as openidconnect calls it, with every URL checked first.
fn guarded<'a>(
    provider: &'a Provider,
    http: &'a reqwest::blocking::Client,
) -> impl Fn(
    openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, openidconnect::HttpClientError<reqwest::Error>>
       + 'a {
    move |request| {
        check_url(provider, &request.uri().to_string())
            .map_err(|e| openidconnect::HttpClientError::Other(e.to_string()))?;
        openidconnect::SyncHttpClient::call(http, request)
    }
}

fn fetch_json<T: serde::de::DeserializeOwned>(
    request: reqwest::blocking::RequestBuilder,
    what: &str,
) -> Result<(reqwest::StatusCode, T), UpstreamError> {
    let response = request
        .header("Accept", "application/json")
        .send()
        .map_err(|e| unreachable(what, &e))?;
    let status = response.status();
    let mut body = Vec::new();
    response
        .take(MAX_DOCUMENT as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| unreachable(what, &e))?;
    if body.len() > MAX_DOCUMENT {
        return Err(UpstreamError::Unreachable(format!(
            "{what}: answer too large"
        )));
    }
    if status.is_server_error() {
        return Err(UpstreamError::Unreachable(format!(
            "{what}: status {status}"
        )));
    }
    let value = serde_json::from_slice(&body).map_err(|e| {
        if status.is_success() {
            UpstreamError::Unreachable(format!("{what}: {e}"))
        } else {
            UpstreamError::Refused(format!("{what}: status {status}"))
        }
    })?;
    Ok((status, value))
}

/// The tenant-templated issuer Microsoft's multi-tenant discovery names.
const TENANT_PLACEHOLDER: &str = "{tenantid}";

impl Upstreams {
    /// The provider's discovery document with its keys; `refresh` refetches
    /// (an ID token named a key that is not in the cached set).
    fn metadata(
        &self,
        provider: &Provider,
        refresh: bool,
    ) -> Result<CoreProviderMetadata, UpstreamError> {
        let issuer = provider.issuer.clone().unwrap_or_default();
        if !refresh {
            let cache = self.cache.lock().expect("cache lock");
            if let Some(hit) = cache.get(&issuer) {
                if hit.fetched.elapsed() < CACHE_FOR {
                    return Ok(hit.metadata.clone());
                }
            }
        }
        let client = http(provider)?;
        let url = format!("{issuer}/.well-known/openid-configuration");
        check_url(provider, &url)?;
        let (status, metadata): (_, CoreProviderMetadata) =
            fetch_json(client.get(&url), "discovery")?;
        if !status.is_success() {
            return Err(UpstreamError::Unreachable(format!(
                "discovery: status {status}"
            )));
        }
        let named = metadata.issuer().as_str().trim_end_matches('/');
        // Microsoft's shared endpoints (`common`, `organizations`,
        // `consumers`) name another issuer of the same origin: the
        // `{tenantid}` template, or the consumer tenant's own.
        let same_origin = match (url::Url::parse(named), url::Url::parse(&issuer)) {
            (Ok(a), Ok(b)) => a.origin() == b.origin(),
            _ => false,
        };
        let microsoft_shared = provider.kind == ProviderKind::Microsoft && same_origin;
        if named != issuer && !microsoft_shared {
            return Err(UpstreamError::Unreachable(format!(
                "discovery names issuer {named}, not {issuer}"
            )));
        }
        let jwks_url = metadata.jwks_uri().url().as_str().to_owned();
        check_url(provider, &jwks_url)?;
        let (status, jwks): (_, CoreJsonWebKeySet) = fetch_json(client.get(&jwks_url), "keys")?;
        if !status.is_success() {
            return Err(UpstreamError::Unreachable(format!("keys: status {status}")));
        }
        let metadata = metadata.set_jwks(jwks);
        self.cache.lock().expect("cache lock").insert(
            issuer,
            Cached {
                fetched: Instant::now(),
                metadata: metadata.clone(),
            },
        );
        Ok(metadata)
    }

    /// Fetches the provider's discovery document and keys afresh: whether
    /// it can be used at all (before an organization's provider is saved).
    pub fn check(&self, provider: &Provider) -> Result<(), UpstreamError> {
        self.metadata(provider, true).map(|_| ())
    }

    /// Where to send the browser.
    pub fn authorization_url(
        &self,
        provider: &Provider,
        redirect_uri: &str,
        outbound: &Outbound,
        login_hint: Option<&str>,
    ) -> Result<String, UpstreamError> {
        if provider.kind == ProviderKind::Facebook {
            let mut url = url::Url::parse(provider.authorization_endpoint.as_deref().unwrap_or(""))
                .map_err(|e| UpstreamError::Unreachable(e.to_string()))?;
            url.query_pairs_mut()
                .append_pair("client_id", &provider.client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("response_type", "code")
                .append_pair("state", &outbound.state)
                .append_pair("scope", &provider.scopes.join(","))
                .append_pair("code_challenge", outbound.pkce_challenge.as_str())
                .append_pair("code_challenge_method", "S256");
            return Ok(url.into());
        }
        let metadata = self.metadata(provider, false)?;
        let client = openid_client(provider, metadata, redirect_uri)?;
        let (state, nonce) = (outbound.state.clone(), outbound.nonce.clone());
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .add_scopes(
                provider
                    .scopes
                    .iter()
                    .filter(|s| *s != "openid")
                    .map(|s| Scope::new(s.clone())),
            )
            .set_pkce_challenge(outbound.pkce_challenge.clone());
        if let Some(hint) = login_hint {
            request = request.set_login_hint(LoginHint::new(hint.to_owned()));
        }
        Ok(request.url().0.into())
    }

    /// Exchanges the code and reads who signed in.
    pub fn identity(
        &self,
        provider: &Provider,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<UpstreamIdentity, UpstreamError> {
        if provider.kind == ProviderKind::Facebook {
            return facebook_identity(provider, redirect_uri, code, pkce_verifier);
        }
        let metadata = self.metadata(provider, false)?;
        let client = openid_client(provider, metadata, redirect_uri)?;
        let http = http(provider)?;
        let http = guarded(provider, &http);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| unreachable("token endpoint", &e))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request(&http)
            .map_err(token_error)?;
        let raw = tokens
            .id_token()
            .ok_or_else(|| UpstreamError::InvalidToken("the token answer has no ID token".into()))?
            .to_string();
        let token: UpstreamIdToken = raw
            .parse()
            .map_err(|e| UpstreamError::InvalidToken(format!("not a JWT: {e}")))?;
        let claims = match self.verified_claims(provider, &token, nonce, false) {
            Err(UpstreamError::InvalidToken(e)) if e == NO_MATCHING_KEY => {
                // The provider rotated its keys since they were cached.
                self.verified_claims(provider, &token, nonce, true)?
            }
            other => other?,
        };
        let mut identity = identity_from(provider, &claims)?;
        if identity.email.is_none() {
            let metadata = self.metadata(provider, false)?;
            let client = openid_client(provider, metadata, redirect_uri)?;
            if let Ok(request) = client.user_info(
                AccessToken::new(tokens.access_token().secret().clone()),
                Some(SubjectIdentifier::new(identity.subject.clone())),
            ) {
                let info: CoreUserInfoClaims = request
                    .request(&http)
                    .map_err(|e| unreachable("userinfo", &e))?;
                identity.email = info.email().map(|e| e.as_str().to_owned());
                identity.email_verified = provider.kind != ProviderKind::Microsoft
                    && info.email_verified().unwrap_or(false);
                if identity.given_name.is_none() {
                    identity.given_name = localized(info.given_name());
                }
                if identity.family_name.is_none() {
                    identity.family_name = localized(info.family_name());
                }
            }
        }
        Ok(identity)
    }

    fn verified_claims(
        &self,
        provider: &Provider,
        token: &UpstreamIdToken,
        nonce: &str,
        refresh: bool,
    ) -> Result<openidconnect::IdTokenClaims<ExtraClaims, CoreGenderClaim>, UpstreamError> {
        let metadata = self.metadata(provider, refresh)?;
        let issuer = metadata.issuer().clone();
        let verifier = openidconnect::IdTokenVerifier::new_public_client(
            ClientId::new(provider.client_id.clone()),
            issuer.clone(),
            metadata.jwks().clone(),
        )
        // Checked below, against the tenant's issuer where there is one.
        .require_issuer_match(false)
        .set_allowed_algs([
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
            CoreJwsSigningAlgorithm::RsaSsaPssSha256,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EcdsaP384Sha384,
            CoreJwsSigningAlgorithm::EdDsa,
        ])
        .set_issue_time_verifier_fn(|iat| {
            let age = (Utc::now() - iat).num_seconds();
            if age < -IAT_SKEW_SECS {
                Err(format!("issued in the future ({iat})"))
            } else if age > IAT_MAX_AGE_SECS {
                Err(format!("issued too long ago ({iat})"))
            } else {
                Ok(())
            }
        });
        let claims = token
            .claims(&verifier, &Nonce::new(nonce.to_owned()))
            .map_err(|e| match e {
                ClaimsVerificationError::SignatureVerification(
                    SignatureVerificationError::NoMatchingKey,
                ) => UpstreamError::InvalidToken(NO_MATCHING_KEY.into()),
                other => UpstreamError::InvalidToken(other.to_string()),
            })?
            .clone();
        check_issuer(provider, &issuer, &claims)?;
        // OpenID Connect Core 3.1.3.7 (4, 5): whom the token was made for.
        let audiences = claims.audiences();
        match claims.authorized_party() {
            Some(azp) if azp.as_str() != provider.client_id => {
                return Err(UpstreamError::InvalidToken(format!(
                    "azp is {}, not this client",
                    azp.as_str()
                )))
            }
            None if audiences.len() > 1 => {
                return Err(UpstreamError::InvalidToken(
                    "several audiences and no azp".into(),
                ))
            }
            _ => {}
        }
        Ok(claims)
    }
}

const NO_MATCHING_KEY: &str = "no key of the provider matches the token";

/// `iss` must be the discovered issuer, or for Microsoft's multi-tenant
/// endpoints that issuer's template filled with the token's own `tid`.
fn check_issuer(
    provider: &Provider,
    issuer: &IssuerUrl,
    claims: &openidconnect::IdTokenClaims<ExtraClaims, CoreGenderClaim>,
) -> Result<(), UpstreamError> {
    let template = issuer.as_str();
    let tid = claims.additional_claims().tid.as_deref();
    let expected = if template.contains(TENANT_PLACEHOLDER) {
        let tid = tid.ok_or_else(|| UpstreamError::InvalidToken("no tid claim".into()))?;
        template.replace(TENANT_PLACEHOLDER, tid)
    } else {
        template.to_owned()
    };
    let iss = claims.issuer().as_str();
    if iss.trim_end_matches('/') != expected.trim_end_matches('/') {
        return Err(UpstreamError::InvalidToken(format!(
            "iss is {iss}, expected {expected}"
        )));
    }
    if provider.kind == ProviderKind::Microsoft && !provider.tenants.is_empty() {
        let tid = tid.unwrap_or("");
        if !provider.tenants.iter().any(|t| t.eq_ignore_ascii_case(tid)) {
            return Err(UpstreamError::TenantNotAllowed(tid.to_owned()));
        }
    }
    Ok(())
}

fn localized<T: std::ops::Deref<Target = String>>(
    claim: Option<&openidconnect::LocalizedClaim<T>>,
) -> Option<String> {
    claim
        .and_then(|c| c.get(None))
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
}

fn identity_from(
    provider: &Provider,
    claims: &openidconnect::IdTokenClaims<ExtraClaims, CoreGenderClaim>,
) -> Result<UpstreamIdentity, UpstreamError> {
    let email_verified = match provider.kind {
        // Microsoft never sends email_verified; `xms_edov` is its only word.
        ProviderKind::Microsoft => {
            matches!(
                claims.additional_claims().xms_edov.as_ref(),
                Some(serde_json::Value::Bool(true))
            ) || matches!(
                claims.additional_claims().xms_edov.as_ref(),
                Some(serde_json::Value::String(s)) if s == "true" || s == "1"
            ) || claims.additional_claims().xms_edov == Some(serde_json::json!(1))
        }
        _ => claims.email_verified().unwrap_or(false),
    };
    Ok(UpstreamIdentity {
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified,
        given_name: localized(claims.given_name()),
        family_name: localized(claims.family_name()),
        birthdate: claims
            .birthdate()
            .and_then(|b| NaiveDate::parse_from_str(b.as_str(), "%Y-%m-%d").ok()),
    })
}

/// The client type `from_provider_metadata` makes (token endpoint and
/// userinfo as the discovery document says).
type OpenIdClient = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn openid_client(
    provider: &Provider,
    metadata: CoreProviderMetadata,
    redirect_uri: &str,
) -> Result<OpenIdClient, UpstreamError> {
    let redirect = RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|e| UpstreamError::Unreachable(e.to_string()))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(provider.client_secret.clone())),
    )
    .set_redirect_uri(redirect))
}

fn token_error<E: std::error::Error + 'static>(
    e: openidconnect::RequestTokenError<
        E,
        openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    >,
) -> UpstreamError {
    match e {
        openidconnect::RequestTokenError::ServerResponse(answer) => {
            UpstreamError::Refused(answer.error().to_string())
        }
        other => unreachable("token endpoint", &other),
    }
}

#[derive(Deserialize)]
struct FacebookToken {
    access_token: Option<String>,
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct FacebookMe {
    id: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    name: Option<String>,
}

/// Facebook: the code for an access token, then `/me` with
/// `appsecret_proof` (HMAC-SHA256 of the token under the app secret).
fn facebook_identity(
    provider: &Provider,
    redirect_uri: &str,
    code: &str,
    pkce_verifier: &str,
) -> Result<UpstreamIdentity, UpstreamError> {
    use hmac::{Hmac, Mac};
    let client = http(provider)?;
    let token_url = provider.token_endpoint.as_deref().unwrap_or("");
    let (status, token): (_, FacebookToken) = fetch_json(
        client.get(token_url).query(&[
            ("client_id", provider.client_id.as_str()),
            ("client_secret", provider.client_secret.as_str()),
            ("redirect_uri", redirect_uri),
            ("code", code),
            ("code_verifier", pkce_verifier),
        ]),
        "token endpoint",
    )?;
    let access_token = match (status.is_success(), token.access_token, token.error) {
        (true, Some(t), None) => t,
        (_, _, Some(error)) => {
            let message = error
                .get("message")
                .and_then(|m| m.as_str())
                .unwrap_or("error");
            return Err(UpstreamError::Refused(message.chars().take(200).collect()));
        }
        _ => {
            return Err(UpstreamError::Refused(format!(
                "token endpoint: status {status}"
            )))
        }
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(provider.client_secret.as_bytes())
        .expect("HMAC takes any key");
    mac.update(access_token.as_bytes());
    let proof: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let graph = provider.graph_url.as_deref().unwrap_or("");
    let (status, me): (_, FacebookMe) = fetch_json(
        client.get(format!("{graph}/me")).query(&[
            ("fields", "id,email,first_name,last_name,name"),
            ("access_token", access_token.as_str()),
            ("appsecret_proof", proof.as_str()),
        ]),
        "graph /me",
    )?;
    let subject = match (status.is_success(), me.id) {
        (true, Some(id)) if !id.is_empty() => id,
        _ => {
            return Err(UpstreamError::Refused(format!(
                "graph /me: status {status}"
            )))
        }
    };
    let (given, family) = match (me.first_name, me.last_name, me.name) {
        (None, None, Some(name)) => match name.split_once(' ') {
            Some((g, f)) => (Some(g.to_owned()), Some(f.to_owned())),
            None => (Some(name), None),
        },
        (g, f, _) => (g, f),
    };
    Ok(UpstreamIdentity {
        subject,
        email: me.email,
        // Facebook does not say; only `trust_email` can make it count.
        email_verified: true,
        given_name: given,
        family_name: family,
        birthdate: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::provider::{ProviderInput, ProviderKind, Source};

    const SECRETS: [&str; 4] = [
        "THE-APP-SECRET",
        "THE-CODE",
        "THE-VERIFIER",
        "client_secret",
    ];

    /// A URL where nothing listens, and one where a server accepts and
    /// says nothing until the read timeout: the two ways a call fails.
    fn dead_ends() -> [String; 2] {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let closed_url = format!("http://{}/token", closed.local_addr().unwrap());
        drop(closed);
        // Kept open (and never accepted) by leaking it for the test's life.
        let silent = Box::leak(Box::new(
            std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        ));
        let silent_url = format!("http://{}/token", silent.local_addr().unwrap());
        [closed_url, silent_url]
    }

    fn assert_names_no_secret(error: &UpstreamError, context: &str) {
        let text = format!("{error} {error:?}");
        assert!(matches!(error, UpstreamError::Unreachable(_)), "{text}");
        for secret in SECRETS {
            assert!(!text.contains(secret), "{context}: {text}");
        }
    }

    /// The token request carries the app secret and the code in its query;
    /// when it fails, what is logged must carry neither.
    #[test]
    fn a_failed_facebook_call_names_no_secret() {
        for token_endpoint in dead_ends() {
            let provider = ProviderInput {
                id: "facebook".into(),
                kind: Some(ProviderKind::Facebook),
                client_id: Some("app".into()),
                client_secret: Some("THE-APP-SECRET".into()),
                token_endpoint: Some(token_endpoint.clone()),
                ..ProviderInput::default()
            }
            .resolve(Source::Config, None)
            .unwrap();
            let error = facebook_identity(&provider, "http://idp/cb", "THE-CODE", "THE-VERIFIER")
                .expect_err("nothing answers");
            assert_names_no_secret(&error, &token_endpoint);
            assert!(error.to_string().contains("token endpoint"), "{error}");
        }
    }

    /// However the reqwest error reaches the message (as it is, boxed by
    /// openidconnect, or inside a body read's `io::Error`), its URL loses
    /// the query and keeps what helps an operator: where and why.
    #[test]
    fn a_failed_call_names_no_query_however_it_is_wrapped() {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        for endpoint in dead_ends() {
            let failed = || {
                client
                    .get(format!(
                        "{endpoint}?client_secret=THE-APP-SECRET&code=THE-CODE"
                    ))
                    .send()
                    .expect_err("nothing answers")
            };
            let boxed = openidconnect::HttpClientError::Reqwest(Box::new(failed()));
            let in_io = std::io::Error::other(failed());
            for error in [
                unreachable("step", &failed()),
                unreachable("step", &boxed),
                unreachable("step", &in_io),
            ] {
                assert_names_no_secret(&error, &endpoint);
                assert!(error.to_string().contains(&endpoint), "{error}");
            }
        }
    }
}
