//! A short-lived per-node copy of client registrations: the token and
//! authorization endpoints look a client up on every call. A change on this
//! node clears its entry at once; other nodes see it within `TTL`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Client;

const TTL: Duration = Duration::from_secs(10);
/// Beyond this many entries the cache starts over (unknown ids are cached too).
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct ClientCache {
    entries: Mutex<HashMap<String, (Instant, Option<Client>)>>,
}

impl ClientCache {
    pub fn get(&self, client_id: &str) -> Option<Option<Client>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(client_id)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, c)| c.clone())
    }

    pub fn put(&self, client_id: &str, client: Option<Client>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(client_id.to_owned(), (Instant::now(), client));
    }

    pub fn forget(&self, client_id: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(client_id);
    }
}
