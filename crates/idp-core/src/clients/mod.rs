//! OAuth clients (the apps that send people to idp): their registration,
//! metadata and secrets. Secrets are 256 random bits, shown once, stored as
//! SHA-256 and compared in constant time.

mod metadata;

pub use metadata::{ClientMetadata, GrantType, TokenEndpointAuth};

use diesel::prelude::*;

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
}

pub struct CreatedClient {
    pub client: Client,
    /// Shown once; only its hash is kept.
    pub secret: Option<String>,
}

type ClientRow = (String, Option<String>, String, String);

fn from_row((client_id, secret_hash, name, metadata): ClientRow) -> Result<Client, ClientError> {
    let metadata = serde_json::from_str(&metadata)
        .map_err(|e| StoreError::Migration(format!("client {client_id} metadata: {e}")))?;
    Ok(Client {
        client_id,
        name,
        secret_hash,
        metadata,
    })
}

impl Idp {
    pub fn create_client(&self, new: &NewClient) -> Result<CreatedClient, ClientError> {
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid("name", "must be 1 to 100 characters"));
        }
        let metadata = ClientMetadata::build(new)?;
        let secret = (!new.public).then(|| random_token(32));
        let client = Client {
            client_id: random_token(16),
            name: name.to_owned(),
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
                .execute(conn)
                .map_err(ClientError::from)
        })?;
        Ok(CreatedClient { client, secret })
    }

    /// The client with this id, if registered.
    pub fn client(&self, client_id: &str) -> Result<Option<Client>, ClientError> {
        if client_id.is_empty() || client_id.len() > 128 {
            return Ok(None);
        }
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
