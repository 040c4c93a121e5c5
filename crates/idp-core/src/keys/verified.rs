//! Our own JWTs that verified recently, by the SHA-256 of the whole token.
//! A resource server introspects the same access token on every call it
//! serves, and an ECDSA P-256 verification was a third of such a call's
//! CPU (docs/benchmarks.md). The same bytes verify the same way for as long
//! as the key that signed them is published, which every hit checks again,
//! so a withdrawn key's tokens stop verifying at once. Only tokens that
//! verified are kept: forged ones cost a verification every time.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Beyond this many tokens the cache starts over (about 1.5 MiB: a
/// token's header and claims as JSON values take about 1.5 KiB).
const MAX_ENTRIES: usize = 1024;

pub type TokenDigest = [u8; 32];

pub fn digest(token: &str) -> TokenDigest {
    Sha256::digest(token.as_bytes()).into()
}

struct Entry {
    kid: String,
    header: Value,
    claims: Value,
}

#[derive(Default)]
pub struct Verified {
    entries: Mutex<HashMap<TokenDigest, Entry>>,
}

impl Verified {
    /// The header and claims of a token that verified before, if the key
    /// that signed it is still published.
    pub fn get(
        &self,
        digest: &TokenDigest,
        published: impl Fn(&str) -> bool,
    ) -> Option<(Value, Value)> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(digest)?;
        published(&entry.kid).then(|| (entry.header.clone(), entry.claims.clone()))
    }

    /// Remembers a token that has just verified.
    pub fn put(&self, digest: TokenDigest, header: &Value, claims: &Value) {
        let Some(kid) = header.get("kid").and_then(Value::as_str) else {
            return;
        };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            digest,
            Entry {
                kid: kid.to_owned(),
                header: header.clone(),
                claims: claims.clone(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_hit_needs_the_same_token_and_its_key_still_published() {
        let cache = Verified::default();
        let header = json!({"kid": "k1", "alg": "ES256"});
        let claims = json!({"sub": "a"});
        cache.put(digest("a.b.c"), &header, &claims);
        let hit = cache.get(&digest("a.b.c"), |kid| kid == "k1");
        assert_eq!(hit, Some((header, claims)));
        assert_eq!(cache.get(&digest("a.b.d"), |_| true), None, "another token");
        assert_eq!(
            cache.get(&digest("a.b.c"), |kid| kid != "k1"),
            None,
            "a withdrawn key's tokens are not served from the cache"
        );
    }

    #[test]
    fn it_stays_bounded() {
        let cache = Verified::default();
        let header = json!({"kid": "k"});
        for i in 0..MAX_ENTRIES + 10 {
            cache.put(digest(&i.to_string()), &header, &json!({}));
        }
        assert!(cache.entries.lock().unwrap().len() <= MAX_ENTRIES);
    }
}
