//! What a run needs from the server before it starts: the endpoints (from
//! discovery), two clients and some verified people, made with idp's own
//! command line against the server's database; for the federated scenario
//! also the same people at an upstream idp, a client there, and the
//! upstream registered as a provider through the admin API.

use std::process::Stdio;

use serde_json::Value;
use tokio::process::Command;

/// The password of every person the load generator creates.
pub const PASSWORD: &str = "Bench-Load-2026!correct";
/// Where the web client says it lives; the generator reads the code off the
/// redirect and never follows it.
const REDIRECT_URI: &str = "http://127.0.0.1:9/bench/callback";

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("discovery at {url}: {message}")]
    Discovery { url: String, message: String },
    #[error("`{command}` failed: {message}")]
    Command { command: String, message: String },
    #[error("registering the upstream provider: {0}")]
    Provider(String),
}

#[derive(Debug, Clone, Default)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
}

#[derive(Debug, Clone)]
pub struct Target {
    /// The issuer's base URL (`--url`).
    pub base: String,
    /// Servers answering for that issuer, taken in turn per request (empty:
    /// `base` alone).
    pub nodes: Vec<String>,
    pub discovery_url: String,
    pub api: String,
    pub jwks_uri: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub introspection_endpoint: String,
    /// Confidential, authorization code and refresh, no consent screen.
    pub web: ClientCredentials,
    /// Confidential, client credentials only.
    pub service: ClientCredentials,
    pub emails: Vec<String>,
    /// Set when the run has an upstream idp to sign in through.
    pub federation: Option<Federation>,
}

/// An upstream idp the server trusts as provider `provider`; `emails` have
/// accounts with the same password at both.
#[derive(Debug, Clone)]
pub struct Federation {
    pub provider: String,
    pub upstream_api: String,
}

/// Another idp server to sign in through, and how to run idp against its
/// database.
pub struct Upstream {
    pub url: String,
    pub idp: IdpCommand,
}

/// A client to register with `idp client create`.
struct ClientSpec<'a> {
    name: &'a str,
    redirect_uri: &'a str,
    grants: &'a [&'a str],
    scopes: &'a [&'a str],
    skip_consent: bool,
    id_token_alg: Option<&'a str>,
}

/// `idp` as the operator runs it against the server's database: a program
/// and its leading arguments (`--database-url …`, `--config …`).
#[derive(Debug, Clone)]
pub struct IdpCommand(pub Vec<String>);

impl IdpCommand {
    async fn run(&self, args: &[&str]) -> Result<String, SetupError> {
        let (program, leading) = self.0.split_first().expect("the command is not empty");
        let shown = format!("{} {}", self.0.join(" "), args.join(" "));
        let failed = |message: String| SetupError::Command {
            command: shown.clone(),
            message,
        };
        let output = Command::new(program)
            .args(leading)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|e| failed(e.to_string()))?;
        if !output.status.success() {
            return Err(failed(
                String::from_utf8_lossy(&output.stderr).trim().to_string(),
            ));
        }
        String::from_utf8(output.stdout).map_err(|e| failed(e.to_string()))
    }

    async fn client(&self, spec: ClientSpec<'_>) -> Result<ClientCredentials, SetupError> {
        let mut args = vec![
            "--json",
            "client",
            "create",
            "--name",
            spec.name,
            "--redirect-uri",
            spec.redirect_uri,
        ];
        if let Some(alg) = spec.id_token_alg {
            args.extend(["--id-token-signed-response-alg", alg]);
        }
        for grant in spec.grants {
            args.extend(["--grant-type", grant]);
        }
        for scope in spec.scopes {
            args.extend(["--scope", scope]);
        }
        if spec.skip_consent {
            args.push("--skip-consent");
        }
        let out = self.run(&args).await?;
        let json: Value = serde_json::from_str(&out).map_err(|e| SetupError::Command {
            command: format!("client create {}", spec.name),
            message: format!("not JSON ({e}): {out}"),
        })?;
        let get = |k: &str| json[k].as_str().unwrap_or_default().to_string();
        Ok(ClientCredentials {
            client_id: get("client_id"),
            client_secret: get("client_secret"),
            redirect_uri: spec.redirect_uri.to_string(),
        })
    }

    /// Verified people with the load generator's password.
    async fn people(&self, emails: &[String]) -> Result<(), SetupError> {
        for email in emails {
            self.run(&[
                "user",
                "create",
                "--email",
                email,
                "--password",
                PASSWORD,
                "--verified",
            ])
            .await?;
        }
        Ok(())
    }
}

/// What a run asks of the server beforehand.
pub struct Needs {
    /// People and the web client (every scenario but discovery, JWKS and
    /// client credentials).
    pub people: usize,
    /// The service client: made with the CLI unless given.
    pub service: Option<Option<ClientCredentials>>,
    /// The web client's ID token algorithm (idp's default is RS256).
    pub id_token_alg: Option<String>,
    /// For the federated scenario.
    pub upstream: Option<Upstream>,
    /// Servers to send requests to in turn (see [`Target::nodes`]).
    pub nodes: Vec<String>,
}

/// Reads discovery at `base`, then makes what `needs` asks for (named after
/// `run_id`, so runs never collide). A server that is not idp (a peer
/// measured the same way) only needs discovery and a given service client.
pub async fn prepare(
    base: &str,
    idp: &IdpCommand,
    needs: Needs,
    run_id: &str,
) -> Result<Target, SetupError> {
    let base = base.trim_end_matches('/');
    let discovery_url = format!("{base}/.well-known/openid-configuration");
    let discovery = discover(&discovery_url).await?;
    let endpoint = |k: &str| discovery[k].as_str().unwrap_or_default().to_string();
    let web = if needs.people > 0 {
        idp.client(ClientSpec {
            name: &format!("bench-web-{run_id}"),
            redirect_uri: REDIRECT_URI,
            grants: &["authorization_code", "refresh_token"],
            scopes: &[],
            skip_consent: true,
            id_token_alg: needs.id_token_alg.as_deref(),
        })
        .await?
    } else {
        ClientCredentials::default()
    };
    let service = match needs.service {
        Some(Some(given)) => given,
        Some(None) => {
            idp.client(service_spec(&format!("bench-service-{run_id}"), &[]))
                .await?
        }
        None => ClientCredentials::default(),
    };
    let emails: Vec<String> = (0..needs.people)
        .map(|i| format!("bench-{run_id}-{i}@bench.test"))
        .collect();
    idp.people(&emails).await?;
    let api = format!("{base}/api/v1");
    let federation = match &needs.upstream {
        Some(upstream) => {
            upstream.idp.people(&emails).await?;
            let provider = format!("bench-{run_id}");
            let token_endpoint = endpoint("token_endpoint");
            register_upstream(base, &api, &token_endpoint, idp, upstream, &provider).await?;
            Some(Federation {
                provider,
                upstream_api: format!("{}/api/v1", upstream.url.trim_end_matches('/')),
            })
        }
        None => None,
    };
    Ok(Target {
        base: base.to_string(),
        nodes: needs
            .nodes
            .iter()
            .map(|n| n.trim_end_matches('/').to_string())
            .collect(),
        api,
        jwks_uri: endpoint("jwks_uri"),
        authorization_endpoint: endpoint("authorization_endpoint"),
        token_endpoint: endpoint("token_endpoint"),
        userinfo_endpoint: endpoint("userinfo_endpoint"),
        introspection_endpoint: endpoint("introspection_endpoint"),
        discovery_url,
        web,
        service,
        emails,
        federation,
    })
}

fn service_spec<'a>(name: &'a str, scopes: &'a [&'a str]) -> ClientSpec<'a> {
    ClientSpec {
        name,
        redirect_uri: REDIRECT_URI,
        grants: &["client_credentials"],
        scopes,
        skip_consent: false,
        id_token_alg: None,
    }
}

/// Registers idp at the upstream (a first-party client there, so no
/// consent page) and the upstream at idp as provider `provider`, through the
/// admin API as an operator would, trusting the addresses it asserts (so
/// the first sign-in links to the account with the same verified address).
async fn register_upstream(
    base: &str,
    api: &str,
    token_endpoint: &str,
    idp: &IdpCommand,
    upstream: &Upstream,
    provider: &str,
) -> Result<(), SetupError> {
    let failed = |e: &dyn std::fmt::Display| SetupError::Provider(e.to_string());
    let callback = format!("{base}/federation/{provider}/callback");
    let at_upstream = upstream
        .idp
        .client(ClientSpec {
            name: &format!("idp under load ({provider})"),
            redirect_uri: &callback,
            grants: &["authorization_code"],
            scopes: &["openid", "email", "profile"],
            skip_consent: true,
            id_token_alg: None,
        })
        .await?;
    let admin = idp
        .client(service_spec(&format!("{provider}-admin"), &["admin"]))
        .await?;
    let http = reqwest::Client::new();
    let token: Value = http
        .post(token_endpoint)
        .basic_auth(&admin.client_id, Some(&admin.client_secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "admin")])
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| failed(&e))?
        .json()
        .await
        .map_err(|e| failed(&e))?;
    let bearer = token["access_token"]
        .as_str()
        .ok_or_else(|| failed(&format!("no admin token in {token}")))?;
    let response = http
        .post(format!("{api}/admin/providers"))
        .bearer_auth(bearer)
        .json(&serde_json::json!({
            "id": provider,
            "kind": "oidc",
            "display_name": "Upstream idp",
            "issuer": upstream.url.trim_end_matches('/'),
            "client_id": at_upstream.client_id,
            "client_secret": at_upstream.client_secret,
            "trust_email": true,
        }))
        .send()
        .await
        .map_err(|e| failed(&e))?;
    if response.status() != reqwest::StatusCode::CREATED {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        return Err(failed(&format!("HTTP {status}: {body}")));
    }
    Ok(())
}

async fn discover(url: &str) -> Result<Value, SetupError> {
    let failed = |message: String| SetupError::Discovery {
        url: url.to_string(),
        message,
    };
    let response = reqwest::get(url).await.map_err(|e| failed(e.to_string()))?;
    if !response.status().is_success() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    response.json().await.map_err(|e| failed(e.to_string()))
}
