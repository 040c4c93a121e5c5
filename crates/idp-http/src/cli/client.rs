//! `idp client`: the apps that sign people in with idp.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use idp_core::clients::{Client, ClientError, NewClient};
use idp_core::config::Settings;
use idp_core::Idp;

use super::{confirmed, fail, open, print_json};
use crate::api::ClientView;

#[derive(Subcommand)]
pub(super) enum ClientCommand {
    /// Register a client; its secret is printed once.
    Create(Box<ClientCreate>),
    /// List the clients by name.
    List,
    /// Show one client's registration.
    Show(ClientId),
    /// Change a client: the flags given replace what is registered (a
    /// repeated flag replaces the whole list); the rest stays.
    Update(Box<ClientUpdate>),
    /// Delete a client with its codes, consents and refresh tokens.
    Delete(ClientDelete),
    /// Give a confidential client a new secret (printed once); the old one stops working.
    RotateSecret(ClientId),
}

#[derive(Args)]
pub(super) struct ClientId {
    /// The client's id.
    #[arg(allow_hyphen_values = true)]
    client_id: String,
}

#[derive(Args)]
pub(super) struct ClientCreate {
    #[arg(long)]
    name: String,
    /// A browser or native app without a secret (PKCE is required).
    #[arg(long)]
    public: bool,
    /// A first-party app: no consent page.
    #[arg(long)]
    skip_consent: bool,
    #[command(flatten)]
    fields: ClientFields,
}

#[derive(Args)]
pub(super) struct ClientUpdate {
    /// The client's id.
    #[arg(allow_hyphen_values = true)]
    client_id: String,
    #[arg(long)]
    name: Option<String>,
    /// true for a first-party app (no consent page), false to ask for consent.
    #[arg(long)]
    skip_consent: Option<bool>,
    #[command(flatten)]
    fields: ClientFields,
}

#[derive(Args)]
pub(super) struct ClientDelete {
    /// The client's id.
    #[arg(allow_hyphen_values = true)]
    client_id: String,
    /// Delete without asking (needed when no terminal is attached).
    #[arg(long)]
    yes: bool,
}

/// What `create` and `update` both take. An empty list or an absent value
/// means the default at creation and "unchanged" at an update.
#[derive(Args)]
pub(super) struct ClientFields {
    /// Where the app receives codes (exact match); repeat for several.
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// authorization_code, refresh_token, client_credentials; repeat for several.
    #[arg(long = "grant-type")]
    grant_types: Vec<String>,
    /// Scopes the client may ask for; repeat for several.
    #[arg(long = "scope")]
    scopes: Vec<String>,
    #[arg(long = "post-logout-redirect-uri")]
    post_logout_redirect_uris: Vec<String>,
    /// Shown on the consent page.
    #[arg(long)]
    logo_uri: Option<String>,
    #[arg(long)]
    policy_uri: Option<String>,
    #[arg(long)]
    tos_uri: Option<String>,
    /// RS256 (default), ES256 or EdDSA.
    #[arg(long)]
    id_token_signed_response_alg: Option<String>,
    /// client_secret_basic (default), client_secret_post or private_key_jwt.
    #[arg(long)]
    token_endpoint_auth_method: Option<String>,
    /// Receives a logout token when a session the app took part in ends.
    #[arg(long)]
    backchannel_logout_uri: Option<String>,
    /// The app's public keys, for --token-endpoint-auth-method private_key_jwt.
    #[arg(long)]
    jwks_uri: Option<String>,
    /// public (default) or pairwise: a different subject identifier per app.
    #[arg(long)]
    subject_type: Option<String>,
}

impl ClientFields {
    /// Lays the flags given over `base`.
    fn apply(self, base: &mut NewClient) {
        let list = |given: Vec<String>, old: &mut Vec<String>| {
            if !given.is_empty() {
                *old = given;
            }
        };
        list(self.redirect_uris, &mut base.redirect_uris);
        list(self.grant_types, &mut base.grant_types);
        list(self.scopes, &mut base.scopes);
        list(
            self.post_logout_redirect_uris,
            &mut base.post_logout_redirect_uris,
        );
        let one = |given: Option<String>, old: &mut Option<String>| {
            if given.is_some() {
                *old = given;
            }
        };
        one(self.logo_uri, &mut base.logo_uri);
        one(self.policy_uri, &mut base.policy_uri);
        one(self.tos_uri, &mut base.tos_uri);
        one(
            self.id_token_signed_response_alg,
            &mut base.id_token_signed_response_alg,
        );
        one(
            self.token_endpoint_auth_method,
            &mut base.token_endpoint_auth_method,
        );
        one(
            self.backchannel_logout_uri,
            &mut base.backchannel_logout_uri,
        );
        one(self.jwks_uri, &mut base.jwks_uri);
        one(self.subject_type, &mut base.subject_type);
    }
}

pub(super) fn run(settings: Settings, command: ClientCommand, json: bool) -> ExitCode {
    if let ClientCommand::Delete(args) = &command {
        let what = format!("the client {}", args.client_id);
        if let Some(refused) = confirmed(args.yes, &what, json) {
            return refused;
        }
    }
    let idp = match open(settings, json) {
        Ok(idp) => idp,
        Err(code) => return code,
    };
    let done = match command {
        ClientCommand::Create(args) => return create_client(&idp, *args, json),
        ClientCommand::List => {
            return match idp.list_clients() {
                Ok(clients) => {
                    list(&clients, json);
                    ExitCode::SUCCESS
                }
                Err(e) => client_failure(json, e),
            }
        }
        ClientCommand::Show(args) => idp
            .client(&args.client_id)
            .and_then(|c| c.ok_or(ClientError::NotFound))
            .map(|c| (c, None)),
        ClientCommand::Update(args) => {
            let args = *args;
            idp.client(&args.client_id)
                .and_then(|c| c.ok_or(ClientError::NotFound))
                .and_then(|current| {
                    let mut new = current.registration();
                    if let Some(name) = args.name {
                        new.name = name;
                    }
                    if let Some(skip) = args.skip_consent {
                        new.skip_consent = skip;
                    }
                    args.fields.apply(&mut new);
                    idp.update_client(&current.client_id, &new)
                })
                .map(|c| (c, None))
        }
        ClientCommand::Delete(args) => idp
            .client(&args.client_id)
            .and_then(|c| c.ok_or(ClientError::NotFound))
            .and_then(|c| idp.delete_client(&c.client_id).map(|()| (c, None))),
        ClientCommand::RotateSecret(args) => {
            idp.rotate_client_secret(&args.client_id)
                .and_then(|secret| {
                    let client = idp.client(&args.client_id)?.ok_or(ClientError::NotFound)?;
                    Ok((client, Some(secret)))
                })
        }
    };
    match done {
        Ok((client, secret)) => {
            show(&client, secret, json);
            ExitCode::SUCCESS
        }
        Err(e) => client_failure(json, e),
    }
}

fn list(clients: &[Client], json: bool) {
    if json {
        let views: Vec<ClientView> = clients.iter().map(|c| ClientView::new(c, None)).collect();
        print_json(&serde_json::json!({ "clients": views }));
        return;
    }
    for c in clients {
        let kind = match c.is_public() {
            true => "public",
            false => c.metadata.token_endpoint_auth_method.as_str(),
        };
        println!("{}  {}  {kind}", c.client_id, c.name);
    }
}

fn show(client: &Client, secret: Option<String>, json: bool) {
    if json {
        print_json(&ClientView::new(client, secret));
        return;
    }
    let m = &client.metadata;
    println!("client_id:     {}", client.client_id);
    println!("name:          {}", client.name);
    println!("redirect_uris: {}", m.redirect_uris.join(" "));
    let grants: Vec<&str> = m.grant_types.iter().map(|g| g.as_str()).collect();
    println!("grant_types:   {}", grants.join(" "));
    println!("scope:         {}", m.scopes.join(" "));
    println!("auth method:   {}", m.token_endpoint_auth_method.as_str());
    if let Some(secret) = secret {
        println!("client_secret: {secret}");
        println!("(the secret is shown only now; store it safely)");
    }
}

fn client_failure(json: bool, e: ClientError) -> ExitCode {
    match e {
        ClientError::Invalid { field, message } => fail(
            json,
            "invalid_client_metadata",
            &format!(
                "--{}: {message}",
                field.trim_end_matches('s').replace('_', "-")
            ),
        ),
        ClientError::NotFound => fail(json, "not_found", "no such client"),
        ClientError::Store(e) => fail(json, "temporarily_unavailable", &e.to_string()),
    }
}

fn create_client(idp: &Idp, args: ClientCreate, json: bool) -> ExitCode {
    let mut new = NewClient {
        name: args.name,
        public: args.public,
        skip_consent: args.skip_consent,
        ..NewClient::default()
    };
    args.fields.apply(&mut new);
    match idp.create_client(&new) {
        Ok(created) if json => {
            print_json(&ClientView::new(&created.client, created.secret));
            ExitCode::SUCCESS
        }
        Ok(created) => {
            println!("client_id:     {}", created.client.client_id);
            if let Some(secret) = &created.secret {
                println!("client_secret: {secret}");
                println!("(the secret is shown only now; store it safely)");
            }
            ExitCode::SUCCESS
        }
        Err(e) => client_failure(json, e),
    }
}
