//! One virtual client: its own connection and its own cookies, speaking the
//! protocol as an app and a browser would. Cookies are kept by hand, per
//! server, because two idp servers on one host (the federated scenario)
//! would otherwise share `idp_session` across ports. With several nodes for
//! one issuer, each request goes to the next node, as behind a load
//! balancer without sticky sessions; cookies stay the issuer's.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use reqwest::header::{HeaderMap, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

use crate::setup::Target;

/// Why a request did not do what the flow needed.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{step}: HTTP {status}")]
    Status { step: &'static str, status: u16 },
    #[error("{step}: {message}")]
    Transport { step: &'static str, message: String },
    #[error("{step}: {message}")]
    Protocol { step: &'static str, message: String },
}

impl Failure {
    /// How the report counts it.
    pub fn cause(&self) -> String {
        match self {
            Failure::Status { status, .. } => status.to_string(),
            Failure::Transport { .. } => "transport".into(),
            Failure::Protocol { .. } => "protocol".into(),
        }
    }
}

/// Tokens from a code exchange.
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
}

pub struct Agent {
    http: Client,
    /// The issuer's origin and the nodes that answer for it (none: the
    /// issuer itself).
    issuer: String,
    nodes: Vec<String>,
    turn: AtomicUsize,
    /// Sent as `X-Forwarded-For`, so a server that trusts it sees each
    /// virtual client at its own address, as people behind a proxy are.
    forwarded_for: Option<String>,
    /// Cookie name → value, per origin (`scheme://host:port`).
    cookies: BTreeMap<String, BTreeMap<String, String>>,
}

impl Agent {
    pub fn new(target: &Target, forwarded_for: Option<String>) -> Self {
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .build()
            .expect("a plain HTTP client builds");
        Self {
            http,
            issuer: target.base.clone(),
            nodes: target.nodes.clone(),
            turn: AtomicUsize::new(0),
            forwarded_for,
            cookies: BTreeMap::new(),
        }
    }

    pub async fn get(&mut self, step: &'static str, url: &str) -> Result<Response, Failure> {
        let request = self.http.get(self.route(url));
        self.browser_send(step, url, request).await
    }

    /// `GET`, expecting a 200 with a body (discovery, JWKS).
    pub async fn fetch(&mut self, step: &'static str, url: &str) -> Result<(), Failure> {
        let response = expect(step, self.get(step, url).await?, StatusCode::OK)?;
        response.bytes().await.map_err(|e| transport(step, e))?;
        Ok(())
    }

    /// Email and password at `POST /api/v1/session`, as idp's own pages do
    /// (a CSRF token bound to the browser's cookie first, once).
    pub async fn sign_in(&mut self, api: &str, email: &str, password: &str) -> Result<(), Failure> {
        let step = "sign-in";
        let token = self.csrf_token(step, api).await?;
        let url = format!("{api}/session");
        let request = self
            .http
            .post(self.route(&url))
            .header("X-CSRF-Token", token)
            .json(&serde_json::json!({"email": email, "password": password}));
        let response = self.browser_send(step, &url, request).await?;
        let response = expect(step, response, StatusCode::OK)?;
        response.bytes().await.map_err(|e| transport(step, e))?;
        Ok(())
    }

    /// The CSRF token bound to this browser's cookie at `api`.
    async fn csrf_token(&mut self, step: &'static str, api: &str) -> Result<String, Failure> {
        let url = format!("{api}/csrf");
        let csrf = json(
            step,
            expect(step, self.get(step, &url).await?, StatusCode::OK)?,
        )
        .await?;
        Ok(field(step, &csrf, "csrf_token")?.to_string())
    }

    /// "Continue with …" on idp's sign-in page by a browser that is signed
    /// in at the upstream: out to the upstream's authorization endpoint,
    /// back to idp's callback, and signed in to idp. Each one is a new visit
    /// (no idp cookies), as a person arriving from an app.
    pub async fn federated_sign_in(&mut self, target: &Target) -> Result<(), Failure> {
        let step = "federated-sign-in";
        let provider = &target
            .federation
            .as_ref()
            .ok_or_else(|| protocol(step, "no upstream (--upstream)".into()))?
            .provider;
        self.cookies.remove(&origin(&target.base));
        let token = self.csrf_token(step, &target.api).await?;
        let start = format!("{}/federation/{provider}/start", target.base);
        let request = self
            .http
            .post(self.route(&start))
            .form(&[("csrf_token", token.as_str()), ("return_to", "/account")]);
        let response = self.browser_send(step, &start, request).await?;
        let upstream = redirected_to(step, &response)?;
        let response = self.get(step, &upstream).await?;
        let callback = redirected_to(step, &response)?;
        let response = self.get(step, &callback).await?;
        let landed = redirected_to(step, &response)?;
        if landed != "/account" {
            return Err(protocol(
                step,
                format!("the callback went to {landed}, not /account"),
            ));
        }
        Ok(())
    }

    /// A signed-in browser's authorization request (PKCE S256) and the
    /// app's exchange of the code it brings back.
    pub async fn code_flow(&mut self, target: &Target, scope: &str) -> Result<Tokens, Failure> {
        let verifier = random(32);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let mut url = Url::parse(&target.authorization_endpoint)
            .map_err(|e| protocol("authorize", e.to_string()))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &target.web.client_id)
            .append_pair("redirect_uri", &target.web.redirect_uri)
            .append_pair("scope", scope)
            .append_pair("state", &random(12))
            .append_pair("nonce", &random(12))
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        let response = self.get("authorize", url.as_str()).await?;
        let code = code_from_redirect(&response, &target.web.redirect_uri)?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", target.web.redirect_uri.as_str()),
            ("code_verifier", verifier.as_str()),
        ];
        let body = self
            .token("code-exchange", target, &target.web, &form)
            .await?;
        Ok(Tokens {
            access_token: field("code-exchange", &body, "access_token")?.to_string(),
            refresh_token: body["refresh_token"].as_str().map(str::to_string),
        })
    }

    /// A refresh; the token rotates, so the caller keeps the new one.
    pub async fn refresh(
        &mut self,
        target: &Target,
        refresh_token: &str,
    ) -> Result<Tokens, Failure> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        let body = self.token("refresh", target, &target.web, &form).await?;
        Ok(Tokens {
            access_token: field("refresh", &body, "access_token")?.to_string(),
            refresh_token: body["refresh_token"].as_str().map(str::to_string),
        })
    }

    pub async fn client_credentials(&mut self, target: &Target) -> Result<(), Failure> {
        let form = [("grant_type", "client_credentials")];
        let body = self
            .token("client-credentials", target, &target.service, &form)
            .await?;
        field("client-credentials", &body, "access_token")?;
        Ok(())
    }

    pub async fn userinfo(&mut self, target: &Target, access_token: &str) -> Result<(), Failure> {
        let step = "userinfo";
        let request = self
            .http
            .get(self.route(&target.userinfo_endpoint))
            .bearer_auth(access_token);
        let body = self.app_call(step, request).await?;
        field(step, &body, "sub")?;
        Ok(())
    }

    pub async fn introspect(&mut self, target: &Target, token: &str) -> Result<(), Failure> {
        let step = "introspection";
        let request = self
            .http
            .post(self.route(&target.introspection_endpoint))
            .basic_auth(&target.web.client_id, Some(&target.web.client_secret))
            .form(&[("token", token)]);
        let body = self.app_call(step, request).await?;
        if body["active"] != Value::Bool(true) {
            return Err(protocol(step, format!("the token is not active: {body}")));
        }
        Ok(())
    }

    async fn token(
        &mut self,
        step: &'static str,
        target: &Target,
        client: &crate::setup::ClientCredentials,
        form: &[(&str, &str)],
    ) -> Result<Value, Failure> {
        let request = self
            .http
            .post(self.route(&target.token_endpoint))
            .basic_auth(&client.client_id, Some(&client.client_secret))
            .form(form);
        self.app_call(step, request).await
    }

    /// An app's call (it carries no cookies), expecting a 200 with JSON.
    async fn app_call(
        &self,
        step: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, Failure> {
        let response = self.send(step, request).await?;
        json(step, expect(step, response, StatusCode::OK)?).await
    }

    /// A browser's request to `url`: it sends the cookies of that origin
    /// and keeps those the answer sets.
    async fn browser_send(
        &mut self,
        step: &'static str,
        url: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Response, Failure> {
        let request = request.headers(self.cookie_header(url));
        let response = self.send(step, request).await?;
        self.keep_cookies(url, response.headers());
        Ok(response)
    }

    async fn send(
        &self,
        step: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<Response, Failure> {
        let request = match &self.forwarded_for {
            Some(address) => request.header("X-Forwarded-For", address),
            None => request,
        };
        request.send().await.map_err(|e| transport(step, e))
    }

    /// Where a request for `url` goes: the next node, when `url` is the
    /// issuer's and there are nodes.
    fn route(&self, url: &str) -> String {
        let rest = url
            .strip_prefix(self.issuer.as_str())
            .filter(|rest| rest.is_empty() || rest.starts_with('/'));
        match rest {
            Some(rest) if !self.nodes.is_empty() => {
                // One task owns the agent; the atomic only lets `&self` count.
                let turn = self.turn.fetch_add(1, Ordering::Relaxed);
                format!("{}{rest}", self.nodes[turn % self.nodes.len()])
            }
            _ => url.to_string(),
        }
    }

    fn cookie_header(&self, url: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(jar) = self.cookies.get(&origin(url)) {
            let line: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            if let Ok(value) = line.join("; ").parse() {
                headers.insert(COOKIE, value);
            }
        }
        headers
    }

    fn keep_cookies(&mut self, url: &str, headers: &HeaderMap) {
        let jar = self.cookies.entry(origin(url)).or_default();
        for value in headers.get_all(SET_COOKIE) {
            let Some((name, value)) = value
                .to_str()
                .ok()
                .and_then(|v| v.split(';').next())
                .and_then(|pair| pair.split_once('='))
            else {
                continue;
            };
            if value.is_empty() {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_string(), value.trim().to_string());
            }
        }
    }
}

fn origin(url: &str) -> String {
    Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

fn random(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

fn transport(step: &'static str, e: reqwest::Error) -> Failure {
    Failure::Transport {
        step,
        message: e.to_string(),
    }
}

fn protocol(step: &'static str, message: String) -> Failure {
    Failure::Protocol { step, message }
}

fn expect(step: &'static str, response: Response, status: StatusCode) -> Result<Response, Failure> {
    if response.status() == status {
        Ok(response)
    } else {
        Err(Failure::Status {
            step,
            status: response.status().as_u16(),
        })
    }
}

async fn json(step: &'static str, response: Response) -> Result<Value, Failure> {
    let bytes = response.bytes().await.map_err(|e| transport(step, e))?;
    serde_json::from_slice(&bytes).map_err(|e| protocol(step, format!("not JSON: {e}")))
}

fn field<'a>(step: &'static str, body: &'a Value, name: &str) -> Result<&'a str, Failure> {
    body[name]
        .as_str()
        .ok_or_else(|| protocol(step, format!("no {name} in {body}")))
}

/// Where a redirect sends the browser.
fn redirected_to(step: &'static str, response: &Response) -> Result<String, Failure> {
    if !response.status().is_redirection() {
        return Err(Failure::Status {
            step,
            status: response.status().as_u16(),
        });
    }
    response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| protocol(step, "a redirect without Location".into()))
}

/// The `code` of an authorization response that went to `redirect_uri`.
fn code_from_redirect(response: &Response, redirect_uri: &str) -> Result<String, Failure> {
    let step = "authorize";
    let location = redirected_to(step, response)?;
    if !location.starts_with(redirect_uri) {
        return Err(protocol(
            step,
            format!("redirected to {location}, not the app"),
        ));
    }
    let url = Url::parse(&location).map_err(|e| protocol(step, e.to_string()))?;
    let mut code = None;
    for (k, v) in url.query_pairs() {
        match &*k {
            "code" => code = Some(v.into_owned()),
            "error" => return Err(protocol(step, format!("the app got error={v}"))),
            _ => {}
        }
    }
    code.ok_or_else(|| protocol(step, format!("no code in {location}")))
}
