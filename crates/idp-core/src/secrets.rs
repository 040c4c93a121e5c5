//! Keys the server makes for itself, shared by every node through the
//! database: one random master secret, from which a key per purpose is derived.

use diesel::prelude::*;

use crate::crypto::{hmac_sign, random_token};
use crate::db::schema::server_secrets;
use crate::db::{Db, StoreError};
use crate::now;

const MASTER: &str = "hmac_master";

pub struct ServerKeys {
    pub csrf: Vec<u8>,
    pub unsubscribe: Vec<u8>,
    pub bot_check: Vec<u8>,
    pub pairwise: Vec<u8>,
    pub pairwise_session: Vec<u8>,
}

impl ServerKeys {
    pub fn load_or_create(db: &Db) -> Result<Self, StoreError> {
        let master = match read(db)? {
            Some(v) => v,
            None => {
                let created = db.write(|conn| {
                    diesel::insert_into(server_secrets::table)
                        .values((
                            server_secrets::name.eq(MASTER),
                            server_secrets::value.eq(random_token(32)),
                            server_secrets::created_at.eq(now()),
                        ))
                        .execute(conn)
                        .map_err(StoreError::from)
                });
                // Another node may have created it first; theirs wins.
                match created {
                    Err(e) if !e.is_unique_violation() => return Err(e),
                    _ => read(db)?.ok_or(StoreError::Query(diesel::result::Error::NotFound))?,
                }
            }
        };
        let derive = |purpose: &str| hmac_sign(master.as_bytes(), purpose).into_bytes();
        Ok(Self {
            csrf: derive("csrf"),
            unsubscribe: derive("unsubscribe"),
            bot_check: derive("bot-check"),
            pairwise: derive("pairwise-subject"),
            pairwise_session: derive("pairwise-session"),
        })
    }
}

fn read(db: &Db) -> Result<Option<String>, StoreError> {
    db.read(|conn| {
        server_secrets::table
            .find(MASTER)
            .select(server_secrets::value)
            .first::<String>(conn)
            .optional()
            .map_err(StoreError::from)
    })
}
