//! The scenarios: what a virtual client prepares once, and what one of its
//! iterations does.

use clap::ValueEnum;
use rand::Rng;

use crate::agent::{Agent, Failure};
use crate::setup::{Target, PASSWORD};

/// Asked for in the flows that need tokens: refresh needs `offline_access`.
const SCOPE: &str = "openid email offline_access";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    Discovery,
    Jwks,
    ClientCredentials,
    PasswordSignIn,
    /// Authorize and code exchange by a signed-in browser (the password
    /// step happens once per virtual client, before the clock starts).
    AuthorizationCode,
    Refresh,
    Userinfo,
    Introspection,
    /// "Continue with …" through an upstream idp (`--upstream`) by a
    /// browser signed in there; the first one, which links the account,
    /// happens before the clock starts.
    FederatedSignIn,
    /// Mostly refresh, userinfo and introspection, some sign-ins and code
    /// flows; with `--burst` a wave of sign-ins in the middle third.
    Mixed,
}

impl Scenario {
    pub const ALL: [Scenario; 10] = [
        Scenario::Discovery,
        Scenario::Jwks,
        Scenario::ClientCredentials,
        Scenario::PasswordSignIn,
        Scenario::AuthorizationCode,
        Scenario::Refresh,
        Scenario::Userinfo,
        Scenario::Introspection,
        Scenario::FederatedSignIn,
        Scenario::Mixed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Discovery => "discovery",
            Scenario::Jwks => "jwks",
            Scenario::ClientCredentials => "client-credentials",
            Scenario::PasswordSignIn => "password-sign-in",
            Scenario::AuthorizationCode => "authorization-code",
            Scenario::Refresh => "refresh",
            Scenario::Userinfo => "userinfo",
            Scenario::Introspection => "introspection",
            Scenario::FederatedSignIn => "federated-sign-in",
            Scenario::Mixed => "mixed",
        }
    }

    /// Whether its clients sign in (and so need people and the web client).
    pub fn needs_people(self) -> bool {
        self.needs_tokens() || matches!(self, Scenario::PasswordSignIn | Scenario::FederatedSignIn)
    }

    fn needs_tokens(self) -> bool {
        matches!(
            self,
            Scenario::AuthorizationCode
                | Scenario::Refresh
                | Scenario::Userinfo
                | Scenario::Introspection
                | Scenario::Mixed
        )
    }
}

/// One virtual client between iterations.
pub struct Client {
    agent: Agent,
    email: String,
    access_token: String,
    refresh_token: String,
}

impl Client {
    /// Signs in and fetches tokens when the scenario's iterations need them.
    /// With `forwarded_for`, client `index` says it comes from its own
    /// address (10.x.y.1).
    pub async fn prepare(
        scenario: Scenario,
        target: &Target,
        index: usize,
        forwarded_for: bool,
    ) -> Result<Self, Failure> {
        let email = target
            .emails
            .get(index % target.emails.len().max(1))
            .cloned()
            .unwrap_or_default();
        let mut client = Client {
            agent: Agent::new(
                target,
                forwarded_for.then(|| format!("10.{}.{}.1", (index >> 8) & 0xff, index & 0xff)),
            ),
            email,
            access_token: String::new(),
            refresh_token: String::new(),
        };
        if scenario.needs_tokens() {
            client
                .agent
                .sign_in(&target.api, &client.email, PASSWORD)
                .await?;
            let tokens = client.agent.code_flow(target, SCOPE).await?;
            client.access_token = tokens.access_token;
            client.refresh_token = tokens.refresh_token.ok_or(Failure::Protocol {
                step: "code-exchange",
                message: "no refresh_token for offline_access".into(),
            })?;
        }
        if scenario == Scenario::FederatedSignIn {
            let upstream = target.federation.as_ref().map(|f| f.upstream_api.clone());
            let upstream = upstream.ok_or(Failure::Protocol {
                step: "prepare",
                message: "the federated scenario needs --upstream".into(),
            })?;
            client
                .agent
                .sign_in(&upstream, &client.email, PASSWORD)
                .await?;
            client.agent.federated_sign_in(target).await?;
        }
        Ok(client)
    }

    /// One iteration; returns the name of what it measured (for `mixed`,
    /// the flow it picked).
    pub async fn step(
        &mut self,
        scenario: Scenario,
        target: &Target,
    ) -> (&'static str, Result<(), Failure>) {
        let flow = match scenario {
            Scenario::Mixed => mixed_pick(),
            other => other,
        };
        let result = match flow {
            Scenario::Discovery => self.agent.fetch("discovery", &target.discovery_url).await,
            Scenario::Jwks => self.agent.fetch("jwks", &target.jwks_uri).await,
            Scenario::ClientCredentials => self.agent.client_credentials(target).await,
            Scenario::PasswordSignIn => self.sign_in(target).await,
            Scenario::AuthorizationCode => self.code_flow(target).await,
            Scenario::Refresh => self.refresh(target).await,
            Scenario::Userinfo => self.agent.userinfo(target, &self.access_token).await,
            Scenario::Introspection => self.agent.introspect(target, &self.access_token).await,
            Scenario::FederatedSignIn => self.agent.federated_sign_in(target).await,
            Scenario::Mixed => unreachable!("mixed_pick picks a single flow"),
        };
        (flow.name(), result)
    }

    async fn sign_in(&mut self, target: &Target) -> Result<(), Failure> {
        self.agent.sign_in(&target.api, &self.email, PASSWORD).await
    }

    async fn code_flow(&mut self, target: &Target) -> Result<(), Failure> {
        let tokens = self.agent.code_flow(target, SCOPE).await?;
        self.access_token = tokens.access_token;
        Ok(())
    }

    async fn refresh(&mut self, target: &Target) -> Result<(), Failure> {
        let tokens = self.agent.refresh(target, &self.refresh_token).await?;
        self.access_token = tokens.access_token;
        if let Some(rotated) = tokens.refresh_token {
            self.refresh_token = rotated;
        }
        Ok(())
    }
}

/// `mixed`'s next flow, out of 100: 40 refresh, 25 userinfo, 25
/// introspection, 5 code flows, 5 sign-ins.
fn mixed_pick() -> Scenario {
    match rand::thread_rng().gen_range(0..100) {
        0..40 => Scenario::Refresh,
        40..65 => Scenario::Userinfo,
        65..90 => Scenario::Introspection,
        90..95 => Scenario::AuthorizationCode,
        _ => Scenario::PasswordSignIn,
    }
}
