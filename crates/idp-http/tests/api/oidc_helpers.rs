//! What the OpenID Connect tests share: apps ("relying parties") that sign
//! people in with idp through the third-party `openidconnect` crate, and a
//! person's browser that walks through idp's pages as they are rendered.

use std::collections::HashMap;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use idp_core::accounts::NewUser;
use idp_core::clients::NewClient;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreErrorResponseType,
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKey, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreResponseType, CoreTokenResponse,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, AuthorizationRequest, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpClientError, IssuerUrl, JsonWebKey,
    JsonWebKeySetUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    ProviderMetadataWithLogout, RedirectUrl, RequestTokenError, Scope, StandardErrorResponse,
    TokenResponse,
};
use reqwest::redirect::Policy;
use serde_json::Value;
use url::Url;

use crate::helpers::*;

/// Discovery with the RP-Initiated Logout field (`end_session_endpoint`).
pub type Provider = ProviderMetadataWithLogout;

/// A client made from discovery: authorization endpoint set, token and
/// userinfo endpoints as discovered.
pub type OidcClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

pub type AuthRequest<'a> =
    AuthorizationRequest<'a, CoreAuthDisplay, CoreAuthPrompt, CoreResponseType>;

pub type TokenError = RequestTokenError<
    HttpClientError<reqwest::Error>,
    StandardErrorResponse<CoreErrorResponseType>,
>;

/// The relying party's HTTP client. The crate asks for redirects to be off
/// (following them would open the app to SSRF).
pub fn rp_http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

pub async fn discover(issuer: &str) -> Provider {
    Provider::discover_async(IssuerUrl::new(issuer.to_owned()).unwrap(), &rp_http())
        .await
        .unwrap_or_else(|e| panic!("discovery at {issuer}: {e:?}"))
}

/// The JWKS as served at `url` (a node's own `/jwks`, say).
pub async fn jwks_at(url: &str) -> CoreJsonWebKeySet {
    CoreJsonWebKeySet::fetch_async(&JsonWebKeySetUrl::new(url.to_owned()).unwrap(), &rp_http())
        .await
        .unwrap_or_else(|e| panic!("JWKS at {url}: {e:?}"))
}

pub fn kids(jwks: &CoreJsonWebKeySet) -> Vec<String> {
    jwks.keys()
        .iter()
        .filter_map(|k| k.key_id().map(|id| id.as_str().to_owned()))
        .collect()
}

/// A person with a verified account and the harness's password.
pub fn person(app: &TestApp, email: &str) -> String {
    account(app, email, false)
}

/// A verified account named Ada Lovelace with the harness's password, made
/// the operator's way (no mail is sent); an administrator when `admin`.
pub fn account(app: &TestApp, email: &str, admin: bool) -> String {
    app.idp
        .create_user(&NewUser {
            email: email.into(),
            password: PASSWORD.into(),
            verified: true,
            admin,
            given_name: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
        })
        .expect("account created")
        .id
}

/// Where an app named `name` receives codes and returns after logout.
pub fn callback_of(name: &str) -> String {
    format!("https://{}.example.com/oidc/callback", name.to_lowercase())
}

pub fn after_logout_of(name: &str) -> String {
    format!("https://{}.example.com/goodbye", name.to_lowercase())
}

/// A first-party web app with a secret (no consent page).
pub fn web_app(name: &str) -> NewClient {
    NewClient {
        name: name.into(),
        redirect_uris: vec![callback_of(name)],
        post_logout_redirect_uris: vec![after_logout_of(name)],
        skip_consent: true,
        ..NewClient::default()
    }
}

/// An app registered at idp that signs people in with the `openidconnect` crate.
pub struct Rp {
    pub client_id: String,
    pub secret: Option<String>,
    pub redirect_uri: String,
    pub provider: Provider,
    pub oidc: OidcClient,
    pub http: reqwest::Client,
}

/// An authorization request on its way: what the app keeps to check the answer.
pub struct Started {
    pub url: Url,
    pub state: CsrfToken,
    pub nonce: Nonce,
    pub verifier: Option<PkceCodeVerifier>,
}

impl Rp {
    /// Registers the app at idp and configures it from discovery.
    pub async fn register(app: &TestApp, new: NewClient) -> Rp {
        let created = app.idp.create_client(&new).expect("client registered");
        Self::configure(
            &app.address,
            created.client.client_id,
            created.secret,
            new.redirect_uris.first().cloned().unwrap_or_default(),
        )
        .await
    }

    /// An app that knows its credentials already (made with `idp client create`).
    pub async fn configure(
        issuer: &str,
        client_id: String,
        secret: Option<String>,
        redirect_uri: String,
    ) -> Rp {
        let provider = discover(issuer).await;
        let mut oidc = CoreClient::from_provider_metadata(
            provider.clone(),
            ClientId::new(client_id.clone()),
            secret.clone().map(ClientSecret::new),
        );
        if !redirect_uri.is_empty() {
            oidc = oidc.set_redirect_uri(RedirectUrl::new(redirect_uri.clone()).unwrap());
        }
        Rp {
            client_id,
            secret,
            redirect_uri,
            provider,
            oidc,
            http: rp_http(),
        }
    }

    /// The code flow with PKCE S256, a nonce and a state, asking for
    /// `openid profile email offline_access`; `adjust` adds to the request.
    pub fn start_with(&self, adjust: impl FnOnce(AuthRequest<'_>) -> AuthRequest<'_>) -> Started {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut started = self.start_without_pkce(|r| adjust(r.set_pkce_challenge(challenge)));
        started.verifier = Some(verifier);
        started
    }

    pub fn start(&self) -> Started {
        self.start_with(|r| r)
    }

    pub fn start_without_pkce(
        &self,
        adjust: impl FnOnce(AuthRequest<'_>) -> AuthRequest<'_>,
    ) -> Started {
        let request = self
            .oidc
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("offline_access".into()));
        let (url, state, nonce) = adjust(request).url();
        Started {
            url,
            state,
            nonce,
            verifier: None,
        }
    }

    /// Redeems the code from `callback` with the request's PKCE verifier.
    pub async fn redeem(
        &self,
        callback: &Callback,
        started: &Started,
    ) -> Result<CoreTokenResponse, TokenError> {
        let mut request = self
            .oidc
            .exchange_code(AuthorizationCode::new(callback.code().to_owned()))
            .expect("token endpoint discovered");
        if let Some(verifier) = &started.verifier {
            request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier.secret().clone()));
        }
        request.request_async(&self.http).await
    }

    /// Checks the ID token with the crate's verifier (signature against the
    /// discovered JWKS, iss, aud, exp, iat, nonce) and its `at_hash`.
    pub fn verify(&self, tokens: &CoreTokenResponse, nonce: &Nonce) -> CoreIdTokenClaims {
        let id_token = tokens.id_token().expect("an ID token");
        let verifier = self.oidc.id_token_verifier();
        let claims = id_token
            .claims(&verifier, nonce)
            .unwrap_or_else(|e| panic!("ID token rejected: {e:?}"))
            .clone();
        let expected = claims.access_token_hash().expect("at_hash");
        let actual = AccessTokenHash::from_token(
            tokens.access_token(),
            id_token.signing_alg().unwrap(),
            id_token.signing_key(&verifier).unwrap(),
        )
        .unwrap();
        assert_eq!(&actual, expected, "at_hash matches the access token");
        claims
    }

    /// An ID token without a nonce (from a refresh), otherwise fully checked.
    pub fn verify_refreshed(&self, id_token: &CoreIdToken) -> CoreIdTokenClaims {
        id_token
            .claims(&self.oidc.id_token_verifier(), |_: Option<&Nonce>| Ok(()))
            .unwrap_or_else(|e| panic!("ID token rejected: {e:?}"))
            .clone()
    }
}

/// The OAuth error code in a failed token request.
pub fn oauth_error(result: Result<CoreTokenResponse, TokenError>) -> String {
    match result {
        Err(RequestTokenError::ServerResponse(r)) => r.error().as_ref().to_owned(),
        Err(other) => panic!("not an OAuth error response: {other:?}"),
        Ok(_) => panic!("the token request succeeded"),
    }
}

/// The header and payload of a compact JWS, not verified.
pub fn jwt_parts(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let mut decode = || -> Value {
        let part = parts.next().expect("a JWT part");
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
    };
    (decode(), decode())
}

/// Verifies a JWT's signature (any of idp's algorithms) with the crate's JWK
/// code against `jwks`; returns header and payload.
pub fn verify_jwt_with(jwks: &CoreJsonWebKeySet, token: &str) -> (Value, Value) {
    let (header, payload) = jwt_parts(token);
    let kid = header["kid"].as_str().expect("kid");
    let key: &CoreJsonWebKey = jwks
        .keys()
        .iter()
        .find(|k| k.key_id().is_some_and(|id| id.as_str() == kid))
        .unwrap_or_else(|| panic!("kid {kid} is not in the JWKS"));
    let alg: CoreJwsSigningAlgorithm =
        serde_json::from_value(header["alg"].clone()).expect("a known alg");
    let (signed, signature) = token.rsplit_once('.').unwrap();
    key.verify_signature(
        &alg,
        signed.as_bytes(),
        &URL_SAFE_NO_PAD.decode(signature).unwrap(),
    )
    .unwrap_or_else(|e| panic!("signature of a {alg:?} token: {e:?}"));
    (header, payload)
}

/// Checks an access token as a resource server would (RFC 9068): signed
/// with a key from the issuer's published JWKS, `typ` at+jwt, from the
/// issuer, not expired. Its header and payload.
pub async fn verified_access_token(issuer: &str, token: &str) -> (Value, Value) {
    let (header, payload) = verify_jwt_with(&jwks_at(&format!("{issuer}/jwks")).await, token);
    assert_eq!(header["typ"], "at+jwt", "{header}");
    assert_eq!(payload["iss"], issuer, "{payload}");
    let exp = payload["exp"].as_i64().expect("exp is a number");
    assert!(exp > unix_now(), "expired: {payload}");
    (header, payload)
}

/// Checks an ID token that an app got without this crate (a plain-HTTP
/// code flow) as the app would: discovery, then the crate's verifier against
/// the published JWKS (signature, iss, aud, exp, iat; no nonce was sent).
/// Its payload.
pub async fn verified_id_token(issuer: &str, client_id: &str, id_token: &str) -> Value {
    let rp = Rp::configure(issuer, client_id.to_owned(), None, String::new()).await;
    let parsed: CoreIdToken = id_token.parse().expect("an ID token");
    rp.verify_refreshed(&parsed);
    jwt_parts(id_token).1
}

/// The answer an app receives at its redirect URI.
#[derive(Debug)]
pub struct Callback {
    pub url: Url,
    params: HashMap<String, String>,
}

impl Callback {
    pub fn parse(location: &str) -> Self {
        let url = Url::parse(location).unwrap_or_else(|_| panic!("not a URL: {location}"));
        let mut params: HashMap<String, String> = url.query_pairs().into_owned().collect();
        if let Some(fragment) = url.fragment() {
            params.extend(url::form_urlencoded::parse(fragment.as_bytes()).into_owned());
        }
        Self { url, params }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    pub fn code(&self) -> &str {
        self.get("code")
            .unwrap_or_else(|| panic!("no code in {}", self.url))
    }

    pub fn error(&self) -> Option<&str> {
        self.get("error")
    }

    /// The URL without its query and fragment: where it went.
    pub fn target(&self) -> String {
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        url.to_string()
    }

    /// RFC 6749 state and RFC 9207 iss, as every authorization response carries.
    pub fn assert_from(&self, issuer: &str, started: &Started) {
        assert_eq!(
            self.get("state"),
            Some(started.state.secret().as_str()),
            "{}",
            self.url
        );
        assert_eq!(self.get("iss"), Some(issuer), "{}", self.url);
    }
}

/// Where a person's browser lands after one step.
#[derive(Debug)]
pub enum Landing {
    /// Back at an app, with the authorization response.
    App(Callback),
    /// Sent to idp's sign-in page (this path, with return_to).
    SignIn(String),
    /// idp's consent page (its HTML).
    Consent(String),
    /// Another redirect within idp.
    Redirect(String),
    /// Any other page: status and HTML.
    Page(u16, String),
}

impl Landing {
    pub fn callback(self) -> Callback {
        match self {
            Landing::App(c) => c,
            other => panic!("expected to be back at the app, got {other:?}"),
        }
    }

    pub fn sign_in_path(self) -> String {
        match self {
            Landing::SignIn(path) => path,
            other => panic!("expected the sign-in page, got {other:?}"),
        }
    }

    pub fn consent_page(self) -> String {
        match self {
            Landing::Consent(html) => html,
            other => panic!("expected the consent page, got {other:?}"),
        }
    }
}

/// Opens `url` in the browser (without following redirects) and says where it landed.
pub async fn open(issuer: &str, browser: &reqwest::Client, url: &str) -> Landing {
    let r = browser.get(url).send().await.expect("GET");
    landing(issuer, r).await
}

async fn landing(issuer: &str, r: reqwest::Response) -> Landing {
    let status = r.status().as_u16();
    if let Some(location) = r.headers().get("location") {
        let location = location.to_str().unwrap().to_owned();
        let path = location
            .strip_prefix(issuer)
            .unwrap_or(&location)
            .to_owned();
        return if path.starts_with("/login") {
            Landing::SignIn(path)
        } else if path.starts_with('/') {
            Landing::Redirect(path)
        } else {
            Landing::App(Callback::parse(&location))
        };
    }
    let html = r.text().await.unwrap();
    if status == 200 && html.contains("action=\"/authorize/consent\"") {
        Landing::Consent(html)
    } else {
        Landing::Page(status, html)
    }
}

/// On the sign-in page at `path`: types the email and password and submits
/// the form with its hidden fields; then follows idp's redirect back.
pub async fn sign_in_at(
    issuer: &str,
    browser: &reqwest::Client,
    path: &str,
    email: &str,
) -> Landing {
    let html = browser
        .get(format!("{issuer}{path}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut form = hidden_fields(&html, "/login");
    form.push(("email".into(), email.into()));
    form.push(("password".into(), PASSWORD.into()));
    let r = browser
        .post(format!("{issuer}/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "signed in");
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        back.starts_with("/authorize"),
        "back to the request: {back}"
    );
    open(issuer, browser, &format!("{issuer}{back}")).await
}

/// Presses a button (`decision` = allow or deny) on the consent page.
pub async fn decide(
    issuer: &str,
    browser: &reqwest::Client,
    consent_html: &str,
    decision: &str,
) -> Landing {
    let mut form = hidden_fields(consent_html, "/authorize/consent");
    form.push(("decision".into(), decision.into()));
    let r = browser
        .post(format!("{issuer}/authorize/consent"))
        .form(&form)
        .send()
        .await
        .unwrap();
    landing(issuer, r).await
}

/// The person opens the app's request, signs in, and arrives back at the app.
pub async fn sign_in_for(
    app: &TestApp,
    browser: &reqwest::Client,
    started: &Started,
    email: &str,
) -> Callback {
    let login = open(&app.address, browser, started.url.as_str())
        .await
        .sign_in_path();
    let callback = sign_in_at(&app.address, browser, &login, email)
        .await
        .callback();
    callback.assert_from(&app.address, started);
    callback
}

/// The hidden inputs of the first form posting to `action`, as a browser
/// would send them.
pub fn hidden_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let marker = format!("action=\"{action}\"");
    let form = html
        .split("<form")
        .skip(1)
        .map(|f| f.split("</form>").next().unwrap_or(f))
        .find(|f| f.split('>').next().is_some_and(|tag| tag.contains(&marker)))
        .unwrap_or_else(|| panic!("no form posting to {action} in {html}"));
    form.split("<input")
        .skip(1)
        .filter_map(|input| {
            let tag = input.split('>').next().unwrap_or(input);
            (attribute(tag, "type").as_deref() == Some("hidden")).then(|| {
                (
                    attribute(tag, "name").unwrap_or_default(),
                    attribute(tag, "value").unwrap_or_default(),
                )
            })
        })
        .collect()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let raw = tag[start..].split('"').next()?;
    Some(
        raw.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// Form-urlencodes pairs (repeats kept, as written).
pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}
