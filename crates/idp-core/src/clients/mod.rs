//! OAuth clients (the apps that send people to idp): their registration,
//! metadata and secrets. Secrets are 256 random bits, shown once, stored as
//! SHA-256 and compared in constant time.

mod cache;
mod metadata;
mod registration;

pub use cache::ClientCache;

pub use metadata::{ClientMetadata, GrantType, TokenEndpointAuth};
pub use registration::{RegistrationError, RegistrationRequest};

use diesel::prelude::*;

use crate::audit::{self, Event, EventType};
use crate::crypto::{constant_time_eq, random_token, sha256_hex};
use crate::db::schema::clients as c;
use crate::db::StoreError;
use crate::{now, Idp};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("no such client")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ClientError {
    fn from(e: diesel::result::Error) -> Self {
        ClientError::Store(StoreError::Query(e))
    }
}

pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> ClientError {
    ClientError::Invalid {
        field,
        message: message.into(),
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    pub client_id: String,
    pub name: String,
    secret_hash: Option<String>,
    pub metadata: ClientMetadata,
}

impl Client {
    /// A public client (a browser or native app) holds no secret.
    pub fn is_public(&self) -> bool {
        self.metadata.token_endpoint_auth_method == TokenEndpointAuth::None
    }

    pub fn allows_grant(&self, grant: GrantType) -> bool {
        self.metadata.grant_types.contains(&grant)
    }

    /// Authenticates with `client_secret_basic` or `client_secret_post`.
    pub fn uses_secret(&self) -> bool {
        matches!(
            self.metadata.token_endpoint_auth_method,
            TokenEndpointAuth::ClientSecretBasic | TokenEndpointAuth::ClientSecretPost
        )
    }

    pub fn uses_private_key_jwt(&self) -> bool {
        self.metadata.token_endpoint_auth_method == TokenEndpointAuth::PrivateKeyJwt
    }

    /// The registration as it stands, as `update_client` takes it: a
    /// partial change starts from here.
    pub fn registration(&self) -> NewClient {
        let m = &self.metadata;
        let public = self.is_public();
        NewClient {
            name: self.name.clone(),
            redirect_uris: m.redirect_uris.clone(),
            post_logout_redirect_uris: m.post_logout_redirect_uris.clone(),
            public,
            grant_types: m
                .grant_types
                .iter()
                .map(|g| g.as_str().to_owned())
                .collect(),
            scopes: m.scopes.clone(),
            skip_consent: m.skip_consent,
            logo_uri: m.logo_uri.clone(),
            policy_uri: m.policy_uri.clone(),
            tos_uri: m.tos_uri.clone(),
            id_token_signed_response_alg: Some(m.id_token_signed_response_alg.clone()),
            token_endpoint_auth_method: (!public)
                .then(|| m.token_endpoint_auth_method.as_str().to_owned()),
            backchannel_logout_uri: m.backchannel_logout_uri.clone(),
            jwks: m.jwks.clone(),
            jwks_uri: m.jwks_uri.clone(),
            userinfo_signed_response_alg: m.userinfo_signed_response_alg.clone(),
            subject_type: m.sector.as_ref().map(|_| "pairwise".to_owned()),
        }
    }

    pub fn secret_matches(&self, presented: &str) -> bool {
        match &self.secret_hash {
            Some(hash) => constant_time_eq(&sha256_hex(presented), hash),
            None => false,
        }
    }

    /// Exact string comparison, as RFC 9700 asks.
    pub fn has_redirect_uri(&self, uri: &str) -> bool {
        self.metadata.redirect_uris.iter().any(|r| r == uri)
    }
}

fn check_name(name: &str) -> Result<String, ClientError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(invalid("name", "must be 1 to 100 characters of text"));
    }
    Ok(name.to_owned())
}

/// What `idp client create` and the admin API accept.
#[derive(Debug, Clone, Default)]
pub struct NewClient {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub public: bool,
    pub grant_types: Vec<String>,
    pub scopes: Vec<String>,
    pub skip_consent: bool,
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    /// `RS256` (default), `ES256` or `EdDSA`.
    pub id_token_signed_response_alg: Option<String>,
    /// For confidential clients: `client_secret_basic` (default) or `client_secret_post`.
    pub token_endpoint_auth_method: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    pub jwks: Option<serde_json::Value>,
    pub jwks_uri: Option<String>,
    pub userinfo_signed_response_alg: Option<String>,
    /// `public` (default) or `pairwise`.
    pub subject_type: Option<String>,
}

pub struct CreatedClient {
    pub client: Client,
    /// Shown once; only its hash is kept.
    pub secret: Option<String>,
}

type ClientRow = (String, Option<String>, String, String);

fn from_row((client_id, secret_hash, name, metadata): ClientRow) -> Result<Client, ClientError> {
    let metadata = serde_json::from_str(&metadata)
        .map_err(|e| StoreError::Corrupt(format!("client {client_id} metadata: {e}")))?;
    Ok(Client {
        client_id,
        name,
        secret_hash,
        metadata,
    })
}

impl Idp {
    pub fn create_client(&self, new: &NewClient) -> Result<CreatedClient, ClientError> {
        let name = check_name(&new.name)?;
        let metadata = ClientMetadata::build(new)?;
        let uses_secret = matches!(
            metadata.token_endpoint_auth_method,
            TokenEndpointAuth::ClientSecretBasic | TokenEndpointAuth::ClientSecretPost
        );
        let secret = uses_secret.then(|| random_token(32));
        let client = Client {
            client_id: random_token(16),
            name,
            secret_hash: secret.as_deref().map(sha256_hex),
            metadata,
        };
        let now = now();
        let json = serde_json::to_string(&client.metadata).expect("metadata serialises");
        self.db.write(|conn| {
            diesel::insert_into(c::table)
                .values((
                    c::client_id.eq(&client.client_id),
                    c::secret_hash.eq(&client.secret_hash),
                    c::name.eq(&client.name),
                    c::metadata.eq(&json),
                    c::created_at.eq(now),
                    c::updated_at.eq(now),
                ))
                .execute(conn)?;
            let event = Event::new(EventType::ClientCreated)
                .client(&client.client_id)
                .detail("name", client.name.as_str());
            audit::record(conn, &event).map_err(ClientError::from)
        })?;
        self.client_cache.forget(&client.client_id);
        Ok(CreatedClient { client, secret })
    }

    /// The client with this id, if registered (cached briefly per node).
    pub fn client(&self, client_id: &str) -> Result<Option<Client>, ClientError> {
        if client_id.is_empty() || client_id.len() > 128 {
            return Ok(None);
        }
        if let Some(cached) = self.client_cache.get(client_id) {
            return Ok(cached);
        }
        let found = self.load_client(client_id)?;
        self.client_cache.put(client_id, found.clone());
        Ok(found)
    }

    fn load_client(&self, client_id: &str) -> Result<Option<Client>, ClientError> {
        let row: Option<ClientRow> = self.db.read(|conn| {
            c::table
                .find(client_id)
                .select((c::client_id, c::secret_hash, c::name, c::metadata))
                .first(conn)
                .optional()
                .map_err(ClientError::from)
        })?;
        row.map(from_row).transpose()
    }
}

impl Idp {
    /// Every client, by name.
    pub fn list_clients(&self) -> Result<Vec<Client>, ClientError> {
        let rows: Vec<ClientRow> = self.db.read(|conn| {
            c::table
                .order((c::name, c::client_id))
                .select((c::client_id, c::secret_hash, c::name, c::metadata))
                .load(conn)
                .map_err(ClientError::from)
        })?;
        rows.into_iter().map(from_row).collect()
    }

    /// Replaces a client's metadata (its id and secret stay). Whether it is
    /// public cannot change: that would leave a secret without a use, or none.
    pub fn update_client(
        &self,
        client_id: &str,
        update: &NewClient,
    ) -> Result<Client, ClientError> {
        let current = self.client(client_id)?.ok_or(ClientError::NotFound)?;
        if update.public != current.is_public() {
            return Err(invalid(
                "public",
                "a client cannot switch between public and confidential; make a new one",
            ));
        }
        let name = check_name(&update.name)?;
        let metadata = ClientMetadata::build(update)?;
        let secret_based = |m: &ClientMetadata| {
            matches!(
                m.token_endpoint_auth_method,
                TokenEndpointAuth::ClientSecretBasic | TokenEndpointAuth::ClientSecretPost
            )
        };
        // A secret left behind would still authenticate, and a key-based
        // client has no secret to switch to.
        if secret_based(&metadata) != current.uses_secret() {
            return Err(invalid(
                "token_endpoint_auth_method",
                "a client cannot switch between a secret and private_key_jwt; make a new one",
            ));
        }
        let json = serde_json::to_string(&metadata).expect("metadata serialises");
        self.db.write(|conn| {
            diesel::update(c::table.find(client_id))
                .set((
                    c::name.eq(&name),
                    c::metadata.eq(&json),
                    c::updated_at.eq(now()),
                ))
                .execute(conn)?;
            let event = Event::new(EventType::ClientUpdated).client(client_id);
            audit::record(conn, &event).map_err(ClientError::from)
        })?;
        self.client_cache.forget(client_id);
        Ok(Client {
            name,
            metadata,
            ..current
        })
    }

    /// Deletes a client with its codes, consents and refresh tokens.
    pub fn delete_client(&self, client_id: &str) -> Result<(), ClientError> {
        let n = self.db.write(|conn| {
            let n = diesel::delete(c::table.find(client_id)).execute(conn)?;
            if n > 0 {
                audit::record(
                    conn,
                    &Event::new(EventType::ClientDeleted).client(client_id),
                )?;
            }
            Ok::<_, ClientError>(n)
        })?;
        self.client_cache.forget(client_id);
        if n == 0 {
            return Err(ClientError::NotFound);
        }
        Ok(())
    }

    /// A new secret for a confidential client; the old one stops working.
    pub fn rotate_client_secret(&self, client_id: &str) -> Result<String, ClientError> {
        let client = self.client(client_id)?.ok_or(ClientError::NotFound)?;
        if !client.uses_secret() {
            return Err(invalid(
                "client_id",
                "this client authenticates without a secret (public or private_key_jwt)",
            ));
        }
        let secret = random_token(32);
        self.db.write(|conn| {
            diesel::update(c::table.find(client_id))
                .set((
                    c::secret_hash.eq(Some(sha256_hex(&secret))),
                    c::updated_at.eq(now()),
                ))
                .execute(conn)?;
            let event = Event::new(EventType::ClientSecretRotated).client(client_id);
            audit::record(conn, &event).map_err(ClientError::from)
        })?;
        self.client_cache.forget(client_id);
        Ok(secret)
    }
}
