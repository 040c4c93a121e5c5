//! Signing keys: kept in the database (private parts sealed with the master
//! key), one active key per algorithm, rotated with `idp keys rotate`.
//! Every node reloads the ring from the database every few seconds, so a
//! rotation on one node reaches all of them.

mod jwt;
mod master;
mod signer;
mod verified;

pub use master::{MasterKey, KEY_FILE};
pub use signer::Signer;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::Value;

use crate::audit::{self, Event, EventType};
use crate::db::schema::signing_keys as k;
use crate::db::{Db, StoreError};
use crate::now;

/// How long a node trusts its in-memory copy of the keys.
const RELOAD_AFTER: StdDuration = StdDuration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms)]
pub enum Alg {
    RS256,
    ES256,
    EdDSA,
}

impl Alg {
    pub const ALL: [Alg; 3] = [Alg::RS256, Alg::ES256, Alg::EdDSA];

    pub fn as_str(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::ES256 => "ES256",
            Alg::EdDSA => "EdDSA",
        }
    }

    pub fn parse(s: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("master key {0}")]
    MasterKey(String),
    #[error("a signing key cannot be decrypted: is this the master key the keys were made with?")]
    Decrypt,
    #[error("a signing key cannot be read: {0}")]
    Parse(String),
    #[error("cannot generate a signing key: {0}")]
    Generate(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for KeyError {
    fn from(e: diesel::result::Error) -> Self {
        KeyError::Store(StoreError::Query(e))
    }
}

/// The keys as loaded at one moment.
struct Ring {
    /// The newest unretired key per algorithm.
    active: HashMap<Alg, Arc<Signer>>,
    /// Every published key by kid (active and retired-but-published).
    by_kid: HashMap<String, Arc<Signer>>,
    /// The newest published key per algorithm, retired or not.
    newest: HashMap<Alg, Arc<Signer>>,
    jwks: Value,
    loaded: Instant,
}

pub struct Keys {
    db: Db,
    master: MasterKey,
    ring: RwLock<Arc<Ring>>,
    verified: verified::Verified,
}

impl Keys {
    /// Loads the keys, making the first ones if there are none.
    pub fn open(db: Db, master: MasterKey) -> Result<Self, KeyError> {
        let ring = load(&db, &master)?;
        let keys = Self {
            db,
            master,
            ring: RwLock::new(Arc::new(ring)),
            verified: verified::Verified::default(),
        };
        let missing: Vec<Alg> = Alg::ALL
            .into_iter()
            .filter(|a| !keys.current().active.contains_key(a))
            .collect();
        if !missing.is_empty() {
            keys.create(&missing, None)?;
        }
        Ok(keys)
    }

    /// The master key, which also seals queued mail (`email::queue`).
    pub(crate) fn master(&self) -> &MasterKey {
        &self.master
    }

    fn current(&self) -> Arc<Ring> {
        let ring = self.ring.read().unwrap_or_else(|p| p.into_inner()).clone();
        if ring.loaded.elapsed() < RELOAD_AFTER {
            return ring;
        }
        match load(&self.db, &self.master) {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                *self.ring.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
                fresh
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot reload signing keys; using the loaded ones");
                ring
            }
        }
    }

    fn reload(&self) -> Result<(), KeyError> {
        let fresh = Arc::new(load(&self.db, &self.master)?);
        *self.ring.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    /// The active key for `alg`. Rotation stores the new keys in the same
    /// transaction that retires the old, so one is always there; should an
    /// operator have deleted rows by hand, the newest published key serves.
    pub fn signer(&self, alg: Alg) -> Arc<Signer> {
        let ring = self.current();
        if let Some(active) = ring.active.get(&alg) {
            return active.clone();
        }
        tracing::error!(
            alg = alg.as_str(),
            "no active signing key; using the newest published one"
        );
        ring.newest
            .get(&alg)
            .cloned()
            .expect("keys are made at start for every algorithm")
    }

    /// The JWKS document: every published public key.
    pub fn jwks(&self) -> Value {
        self.current().jwks.clone()
    }

    /// Signs `claims` as a compact JWS with header `typ`.
    pub fn sign_jwt(&self, alg: Alg, typ: &str, claims: &Value) -> String {
        jwt::encode(&self.signer(alg), typ, claims)
    }

    /// Verifies one of our own JWTs; returns (header, claims). Expiry and
    /// audience are the caller's to check.
    pub fn verify_jwt(&self, token: &str) -> Option<(Value, Value)> {
        let ring = self.current();
        let digest = verified::digest(token);
        if let Some(seen) = self
            .verified
            .get(&digest, |kid| ring.by_kid.contains_key(kid))
        {
            return Some(seen);
        }
        let (header, claims) = jwt::decode(token, |kid| ring.by_kid.get(kid).cloned())?;
        self.verified.put(digest, &header, &claims);
        Some((header, claims))
    }

    /// Makes new keys for every algorithm; the old ones stop signing now and
    /// stay published for `publish_for` (the longest a token they signed lives).
    pub fn rotate(&self, publish_for: Duration) -> Result<Vec<String>, KeyError> {
        let kids = self.create(&Alg::ALL, Some(publish_for))?;
        tracing::info!(?kids, "signing keys rotated");
        Ok(kids)
    }

    /// Generates first, then retires the old keys and stores the new ones in
    /// one transaction, so no node ever finds an algorithm without a key.
    fn create(&self, algs: &[Alg], retire_old: Option<Duration>) -> Result<Vec<String>, KeyError> {
        let mut fresh = Vec::new();
        for alg in algs {
            let (signer, der) = Signer::generate(*alg)?;
            fresh.push((signer, self.master.seal(&der), *alg));
        }
        let now = now();
        self.db.write(|conn| {
            if let Some(publish_for) = retire_old {
                diesel::update(k::table.filter(k::retired_at.is_null()))
                    .set((
                        k::retired_at.eq(Some(now)),
                        k::publish_until.eq(Some(now + publish_for)),
                    ))
                    .execute(conn)?;
            }
            if retire_old.is_some() {
                let kids: Vec<&str> = fresh.iter().map(|(s, _, _)| s.kid.as_str()).collect();
                let event = Event::new(EventType::KeysRotated).detail("new_kids", kids);
                audit::record(conn, &event)?;
            }
            for (signer, sealed, alg) in &fresh {
                diesel::insert_into(k::table)
                    .values((
                        k::kid.eq(&signer.kid),
                        k::alg.eq(alg.as_str()),
                        k::private_key.eq(sealed),
                        k::public_jwk.eq(signer.public_jwk().to_string()),
                        k::created_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            Ok::<_, KeyError>(())
        })?;
        self.reload()?;
        Ok(fresh.into_iter().map(|(s, _, _)| s.kid).collect())
    }

    /// Every stored key, newest first, without its private part.
    pub fn list(&self) -> Result<Vec<KeyInfo>, StoreError> {
        self.db.read(|conn| {
            k::table
                .order((k::created_at.desc(), k::kid))
                .select(KeyInfo::as_select())
                .load(conn)
                .map_err(StoreError::from)
        })
    }

    /// Drops retired keys whose publication period is over (housekeeping).
    pub fn purge_expired(&self) -> Result<usize, StoreError> {
        let now = now();
        self.db.write(|conn| {
            diesel::delete(k::table.filter(k::publish_until.lt(now)))
                .execute(conn)
                .map_err(StoreError::from)
        })
    }
}

/// A signing key as an operator sees it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = k)]
pub struct KeyInfo {
    pub kid: String,
    pub alg: String,
    pub created_at: NaiveDateTime,
    /// When it stopped signing (a rotation); `None` while it signs.
    pub retired_at: Option<NaiveDateTime>,
    /// Until when a retired key stays in the JWKS.
    pub publish_until: Option<NaiveDateTime>,
}

type KeyRow = (
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn load(db: &Db, master: &MasterKey) -> Result<Ring, KeyError> {
    let now = now();
    let rows: Vec<KeyRow> = db.read(|conn| {
        k::table
            .filter(k::publish_until.is_null().or(k::publish_until.gt(now)))
            .order(k::created_at.desc())
            .select((
                k::kid,
                k::alg,
                k::private_key,
                k::created_at,
                k::retired_at,
                k::publish_until,
            ))
            .load(conn)
            .map_err(KeyError::from)
    })?;
    let mut active = HashMap::new();
    let mut newest = HashMap::new();
    let mut by_kid = HashMap::new();
    let mut jwks = Vec::new();
    for (kid, alg, sealed, _, retired_at, _) in rows {
        let Some(alg) = Alg::parse(&alg) else {
            continue;
        };
        let der = master.open(&sealed)?;
        let signer = Arc::new(Signer::from_pkcs8(kid.clone(), alg, &der)?);
        jwks.push(signer.public_jwk());
        if retired_at.is_none() {
            active.entry(alg).or_insert_with(|| signer.clone());
        }
        newest.entry(alg).or_insert_with(|| signer.clone());
        by_kid.insert(kid, signer);
    }
    Ok(Ring {
        active,
        newest,
        by_kid,
        jwks: serde_json::json!({ "keys": jwks }),
        loaded: Instant::now(),
    })
}
