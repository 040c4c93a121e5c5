//! The robot check: a self-hosted proof of work. The server hands out a
//! signed, expiring challenge; the browser finds a number whose SHA-256 with
//! the challenge starts with `difficulty` zero bits. Nothing leaves the
//! server, nothing tracks the person, and each solved challenge works once.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Toggle;
use crate::crypto::{hmac_sign, hmac_verify, random_token, sha256_hex};
use crate::db::schema::bot_check_used as t;
use crate::db::StoreError;
use crate::{now, Idp};

/// How long a challenge may take to solve and submit.
const CHALLENGE_LIFETIME_MINUTES: i64 = 30;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Challenge {
    pub challenge: String,
    pub difficulty: u8,
}

#[derive(Debug, thiserror::Error)]
pub enum BotCheckError {
    #[error("the robot check is missing, wrong, expired or was already used")]
    Failed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Idp {
    pub fn bot_check_enabled(&self) -> bool {
        self.settings.bot_check == Toggle::On
    }

    /// A fresh challenge: `{expiry}.{nonce}.{difficulty}.{signature}`.
    pub fn bot_challenge(&self) -> Challenge {
        let difficulty = self.settings.bot_check_difficulty;
        let expires = (now() + Duration::minutes(CHALLENGE_LIFETIME_MINUTES))
            .and_utc()
            .timestamp();
        let body = format!("{expires}.{}.{difficulty}", random_token(16));
        let signature = hmac_sign(&self.keys.bot_check, &body);
        Challenge {
            challenge: format!("{body}.{signature}"),
            difficulty,
        }
    }

    /// Accepts a solved challenge once. Always passes when the check is off.
    pub fn verify_bot_check(&self, challenge: &str, solution: &str) -> Result<(), BotCheckError> {
        if !self.bot_check_enabled() {
            return Ok(());
        }
        let now = now();
        let expires_at = parse_valid(&self.keys.bot_check, challenge, solution, now)
            .ok_or(BotCheckError::Failed)?;
        let inserted = self.db.write(|conn| {
            diesel::delete(t::table.filter(t::expires_at.lt(now))).execute(conn)?;
            diesel::insert_into(t::table)
                .values((
                    t::challenge_hash.eq(sha256_hex(challenge)),
                    t::expires_at.eq(expires_at),
                ))
                .execute(conn)
                .map_err(StoreError::from)
        });
        match inserted {
            Ok(_) => Ok(()),
            Err(e) if e.is_unique_violation() => Err(BotCheckError::Failed),
            Err(e) => Err(e.into()),
        }
    }
}

/// Checks signature, expiry and work; returns when the challenge expires.
fn parse_valid(
    key: &[u8],
    challenge: &str,
    solution: &str,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    if challenge.len() > 256 || solution.len() > 20 {
        return None;
    }
    let (body, signature) = challenge.rsplit_once('.')?;
    if !hmac_verify(key, body, signature) {
        return None;
    }
    let mut parts = body.split('.');
    let expires: i64 = parts.next()?.parse().ok()?;
    let _nonce = parts.next()?;
    let difficulty: u32 = parts.next()?.parse().ok()?;
    let expires_at = chrono::DateTime::from_timestamp(expires, 0)?.naive_utc();
    if expires_at <= now || solution.parse::<u64>().is_err() {
        return None;
    }
    (leading_zero_bits(challenge, solution) >= difficulty).then_some(expires_at)
}

fn leading_zero_bits(challenge: &str, solution: &str) -> u32 {
    let digest = Sha256::digest(format!("{challenge}:{solution}").as_bytes());
    let mut bits = 0;
    for byte in digest {
        if byte == 0 {
            bits += 8;
        } else {
            bits += byte.leading_zeros();
            break;
        }
    }
    bits
}

/// Does the work a browser does (for tests and command-line clients).
pub fn solve(challenge: &Challenge) -> String {
    (0u64..)
        .map(|n| n.to_string())
        .find(|n| leading_zero_bits(&challenge.challenge, n) >= u32::from(challenge.difficulty))
        .expect("a solution exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solved_challenges_verify_and_tampering_fails() {
        let key = b"k";
        let now = crate::now();
        let exp = (now + Duration::minutes(5)).and_utc().timestamp();
        let body = format!("{exp}.nonce.8");
        let c = Challenge {
            challenge: format!("{body}.{}", hmac_sign(key, &body)),
            difficulty: 8,
        };
        let answer = solve(&c);
        assert!(parse_valid(key, &c.challenge, &answer, now).is_some());
        assert!(parse_valid(b"other", &c.challenge, &answer, now).is_none());
        let easier = c.challenge.replace(".8.", ".0.");
        assert!(parse_valid(key, &easier, "0", now).is_none());
        let later = now + Duration::minutes(6);
        assert!(parse_valid(key, &c.challenge, &answer, later).is_none());
        assert!(parse_valid(key, "garbage", "1", now).is_none());
    }
}
