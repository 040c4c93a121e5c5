//! What a run needs from the server before it starts: the endpoints (from
//! discovery), two clients and some verified people, made with idp's own
//! command line against the server's database.

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
}

#[derive(Debug, Clone, Default)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
}

#[derive(Debug, Clone)]
pub struct Target {
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

    async fn client(
        &self,
        name: &str,
        grants: &[&str],
        skip_consent: bool,
        id_token_alg: Option<&str>,
    ) -> Result<ClientCredentials, SetupError> {
        let mut args = vec![
            "--json",
            "client",
            "create",
            "--name",
            name,
            "--redirect-uri",
            REDIRECT_URI,
        ];
        if let Some(alg) = id_token_alg {
            args.extend(["--id-token-signed-response-alg", alg]);
        }
        for grant in grants {
            args.extend(["--grant-type", grant]);
        }
        if skip_consent {
            args.push("--skip-consent");
        }
        let out = self.run(&args).await?;
        let json: Value = serde_json::from_str(&out).map_err(|e| SetupError::Command {
            command: format!("client create {name}"),
            message: format!("not JSON ({e}): {out}"),
        })?;
        let get = |k: &str| json[k].as_str().unwrap_or_default().to_string();
        Ok(ClientCredentials {
            client_id: get("client_id"),
            client_secret: get("client_secret"),
            redirect_uri: REDIRECT_URI.to_string(),
        })
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
        idp.client(
            &format!("bench-web-{run_id}"),
            &["authorization_code", "refresh_token"],
            true,
            needs.id_token_alg.as_deref(),
        )
        .await?
    } else {
        ClientCredentials::default()
    };
    let service = match needs.service {
        Some(Some(given)) => given,
        Some(None) => {
            idp.client(
                &format!("bench-service-{run_id}"),
                &["client_credentials"],
                false,
                None,
            )
            .await?
        }
        None => ClientCredentials::default(),
    };
    let mut emails = Vec::with_capacity(needs.people);
    for i in 0..needs.people {
        let email = format!("bench-{run_id}-{i}@bench.test");
        idp.run(&[
            "user",
            "create",
            "--email",
            &email,
            "--password",
            PASSWORD,
            "--verified",
        ])
        .await?;
        emails.push(email);
    }
    Ok(Target {
        api: format!("{base}/api/v1"),
        jwks_uri: endpoint("jwks_uri"),
        authorization_endpoint: endpoint("authorization_endpoint"),
        token_endpoint: endpoint("token_endpoint"),
        userinfo_endpoint: endpoint("userinfo_endpoint"),
        introspection_endpoint: endpoint("introspection_endpoint"),
        discovery_url,
        web,
        service,
        emails,
    })
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
