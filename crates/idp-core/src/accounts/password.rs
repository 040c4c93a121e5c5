//! The password rule and password storage (argon2id).

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use prometheus_client::metrics::histogram::Histogram;
use rand::rngs::OsRng;
use subtle::ConstantTimeEq;

use super::foreign_hash::ForeignHash;
use super::{EmailAddress, FieldError};
use crate::config::{Argon2Settings, PasswordSettings};

/// The documents' rule (three of four kinds of character, bounded length)
/// plus a guessability estimate and no password built from the address.
#[derive(Debug, Clone)]
pub struct PasswordPolicy {
    min_length: usize,
    max_length: usize,
    min_strength: u8,
}

impl PasswordPolicy {
    pub fn new(settings: &PasswordSettings) -> Self {
        Self {
            min_length: settings.min_length,
            max_length: settings.max_length,
            min_strength: settings.min_strength,
        }
    }

    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// Checks a new password for `field`; `context` are words a guesser would
    /// try first (the address, the person's names).
    pub fn check(
        &self,
        field: &'static str,
        password: &str,
        email: &EmailAddress,
        context: &[&str],
    ) -> Result<(), FieldError> {
        self.check_rules(field, password, email)?;
        self.check_strength(field, password, email, context)
    }

    /// The cheap part: length, kinds of character, the address.
    pub fn check_rules(
        &self,
        field: &'static str,
        password: &str,
        email: &EmailAddress,
    ) -> Result<(), FieldError> {
        let len = password.chars().count();
        if len < self.min_length {
            return Err(FieldError::new(field, "password_too_short")
                .arg("min", self.min_length.to_string()));
        }
        if len > self.max_length {
            return Err(
                FieldError::new(field, "password_too_long").arg("max", self.max_length.to_string())
            );
        }
        if password.chars().any(char::is_control) {
            return Err(FieldError::new(field, "password_control_characters"));
        }
        let kinds = [
            password.chars().any(char::is_uppercase),
            password.chars().any(char::is_lowercase),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_alphanumeric()),
        ];
        if kinds.iter().filter(|k| **k).count() < 3 {
            return Err(FieldError::new(field, "password_too_few_kinds"));
        }
        let local = email.local_part();
        if local.len() >= 3 && password.to_lowercase().contains(local) {
            return Err(FieldError::new(field, "password_contains_email"));
        }
        Ok(())
    }

    /// The costly part (up to ~100 ms for long inputs): the guessability
    /// estimate. Callers facing anonymous requests run it after the robot check.
    pub fn check_strength(
        &self,
        field: &'static str,
        password: &str,
        email: &EmailAddress,
        context: &[&str],
    ) -> Result<(), FieldError> {
        let local = email.local_part();
        let mut inputs: Vec<&str> = vec![email.as_str(), local];
        inputs.extend(context.iter().filter(|c| !c.is_empty()));
        let estimate = zxcvbn::zxcvbn(password, &inputs);
        if u8::from(estimate.score()) < self.min_strength {
            return Err(FieldError::new(field, "password_guessable"));
        }
        Ok(())
    }
}

/// What checking a password against a stored hash found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Match,
    /// Correct, but hashed with other parameters: store a new hash.
    MatchNeedsRehash,
    Mismatch,
}

/// Every argon2 slot is taken and the queue for one is full (or the wait
/// for one ran out): the password was not looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the server is busy hashing passwords; try again in {retry_after_secs} s")]
pub struct HasherBusy {
    pub retry_after_secs: i64,
}

/// A stored hash that needs more memory than this is not checked at all
/// (treated as wrong): only an operator's import could have made one, and
/// allocating it could take the process down.
pub(super) const MAX_STORED_HASH_MEMORY_KIB: usize = 1 << 20;

/// argon2id with the configured cost. Memory is a pool of at most
/// `max_concurrent` block sets, each allocated the first time that many
/// hashes run at once and reused ever after, so an idle server holds none
/// and a burst of sign-ins cannot grow it past the cap; callers beyond the
/// pool wait in a bounded queue for a bounded time, and beyond that get
/// [`HasherBusy`] at once.
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    params: Params,
    pool: BlockPool,
    dummy_hash: String,
    /// How long each check waited for a slot (`/metrics`).
    wait: Histogram,
}

impl PasswordHasher {
    pub fn new(settings: &Argon2Settings) -> Result<Self, argon2::Error> {
        let params = Params::new(
            settings.memory_kib,
            settings.iterations,
            settings.parallelism,
            None,
        )?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        Ok(Self {
            dummy_hash: dummy_hash(&params),
            pool: BlockPool::new(
                settings.max_concurrent.max(1),
                params.block_count(),
                settings.max_queue,
                Duration::from_millis(settings.max_wait_ms),
            ),
            argon2,
            params,
            wait: crate::metrics::wait_histogram(),
        })
    }

    /// Checks waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.pool.waiting()
    }

    pub(crate) fn wait_histogram(&self) -> Histogram {
        self.wait.clone()
    }

    /// A slot, with the time it took to get one recorded.
    fn lease(&self) -> Result<Lease<'_>, HasherBusy> {
        let started = std::time::Instant::now();
        let lease = self.pool.acquire();
        self.wait.observe(started.elapsed().as_secs_f64());
        lease
    }

    pub fn hash(&self, password: &str) -> Result<String, HasherBusy> {
        let mut lease = self.lease()?;
        Ok(hash_with(
            &self.argon2,
            &self.params,
            &mut lease.blocks,
            password,
        ))
    }

    /// Checks `password` against `stored`; with no stored hash (unknown
    /// account, or one without a password) it still spends the same time.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> Result<Verification, HasherBusy> {
        let mut lease = self.lease()?;
        // An imported hash is checked in the same slot, and always rehashed.
        let foreign = stored
            .filter(|s| !s.starts_with("$argon2"))
            .and_then(|s| ForeignHash::parse(s).ok());
        if let Some(foreign) = foreign {
            return Ok(match foreign.matches(password) {
                true => Verification::MatchNeedsRehash,
                false => Verification::Mismatch,
            });
        }
        let Some(parsed) = stored.and_then(|s| PasswordHash::new(s).ok()) else {
            if let Ok(dummy) = PasswordHash::new(&self.dummy_hash) {
                let _ = matches(&mut lease.blocks, password, &dummy);
            }
            return Ok(Verification::Mismatch);
        };
        if !matches(&mut lease.blocks, password, &parsed) {
            return Ok(Verification::Mismatch);
        }
        let current = parsed.algorithm.as_str() == "argon2id"
            && Params::try_from(&parsed).is_ok_and(|p| {
                p.m_cost() == self.params.m_cost()
                    && p.t_cost() == self.params.t_cost()
                    && p.p_cost() == self.params.p_cost()
            });
        Ok(if current {
            Verification::Match
        } else {
            Verification::MatchNeedsRehash
        })
    }
}

/// A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password`,
/// computed in `blocks`.
fn hash_with(argon2: &Argon2<'_>, params: &Params, blocks: &mut [Block], password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt
        .decode_b64(&mut salt_bytes)
        .expect("a generated salt decodes");
    let mut out = [0u8; 32];
    argon2
        .hash_password_into_with_memory(password.as_bytes(), raw_salt, &mut out, blocks)
        .expect("argon2 with valid parameters cannot fail");
    phc_string(params, &salt, &out)
}

/// What an account without a password is checked against: today's
/// parameters and a random salt and output, so the check costs exactly a
/// real one and matches nothing; nothing is hashed (or allocated) to make it.
fn dummy_hash(params: &Params) -> String {
    let salt = SaltString::generate(&mut OsRng);
    let mut out = [0u8; 32];
    rand::RngCore::fill_bytes(&mut OsRng, &mut out);
    phc_string(params, &salt, &out)
}

fn phc_string(params: &Params, salt: &SaltString, out: &[u8; 32]) -> String {
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: params.try_into().expect("valid parameters have a PHC form"),
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(out).expect("32 bytes is a valid output")),
    }
    .to_string()
}

/// Whether `password` hashes to `stored`, using the pool's `blocks`. A hash
/// made under larger settings than today's (before `memory_kib` was lowered)
/// gets memory of its own for this one check, still inside the caller's
/// slot, so at most `max_concurrent` such checks run at once; the account is
/// rehashed at that sign-in and needs no more of it.
fn matches(blocks: &mut [Block], password: &str, stored: &PasswordHash<'_>) -> bool {
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(stored.algorithm),
        Params::try_from(stored),
        stored.salt,
        stored.hash,
    ) else {
        return false;
    };
    let version = match stored.version {
        Some(v) => match Version::try_from(v) {
            Ok(v) => v,
            Err(_) => return false,
        },
        None => Version::default(),
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let needed = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let computed = if needed <= blocks.len() {
        argon2.hash_password_into_with_memory(password.as_bytes(), raw_salt, &mut out, blocks)
    } else if needed <= MAX_STORED_HASH_MEMORY_KIB {
        let mut larger = vec![Block::new(); needed];
        argon2.hash_password_into_with_memory(password.as_bytes(), raw_salt, &mut out, &mut larger)
    } else {
        return false;
    };
    computed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// The argon2 memory, one block set per slot, and the bounded queue of those
/// waiting for one. Each waiter holds a blocking thread and no memory.
struct BlockPool {
    state: Mutex<PoolState>,
    freed: Condvar,
    slots: usize,
    block_count: usize,
    max_queue: usize,
    max_wait: Duration,
}

struct PoolState {
    free: Vec<Vec<Block>>,
    /// Block sets made so far (free or lent); never more than `slots`.
    made: usize,
    waiting: usize,
}

/// One slot's blocks, lent out; they go back to the pool on drop.
struct Lease<'a> {
    pool: &'a BlockPool,
    blocks: Vec<Block>,
}

impl BlockPool {
    fn new(slots: usize, block_count: usize, max_queue: usize, max_wait: Duration) -> Self {
        Self {
            state: Mutex::new(PoolState {
                free: Vec::with_capacity(slots),
                made: 0,
                waiting: 0,
            }),
            freed: Condvar::new(),
            slots,
            block_count,
            max_queue,
            max_wait,
        }
    }

    fn acquire(&self) -> Result<Lease<'_>, HasherBusy> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.free.is_empty() && state.made < self.slots {
            // A slot never used yet: its memory is made now, outside the
            // lock, and stays in the pool from then on.
            state.made += 1;
            drop(state);
            return Ok(Lease {
                pool: self,
                blocks: vec![Block::new(); self.block_count],
            });
        }
        if state.free.is_empty() {
            if state.waiting >= self.max_queue {
                return Err(self.busy());
            }
            state.waiting += 1;
            state = self
                .freed
                .wait_timeout_while(state, self.max_wait, |s| s.free.is_empty())
                .unwrap_or_else(|p| p.into_inner())
                .0;
            state.waiting -= 1;
        }
        match state.free.pop() {
            Some(blocks) => Ok(Lease { pool: self, blocks }),
            None => Err(self.busy()),
        }
    }

    fn busy(&self) -> HasherBusy {
        let secs = self.max_wait.as_millis().div_ceil(1000).max(1);
        HasherBusy {
            retry_after_secs: i64::try_from(secs).unwrap_or(i64::MAX),
        }
    }

    fn waiting(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).waiting
    }

    #[cfg(test)]
    fn made(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).made
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let blocks = std::mem::take(&mut self.blocks);
        let mut state = self.pool.state.lock().unwrap_or_else(|p| p.into_inner());
        state.free.push(blocks);
        drop(state);
        self.pool.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::new(&PasswordSettings::default())
    }

    fn email() -> EmailAddress {
        EmailAddress::parse("ada.lovelace@example.com").unwrap()
    }

    fn code(pw: &str) -> &'static str {
        policy()
            .check("password", pw, &email(), &[])
            .unwrap_err()
            .code
    }

    #[test]
    fn the_documents_rule_and_its_reasons() {
        assert_eq!(code("Ab1!"), "password_too_short");
        assert_eq!(code(&"Ab1!".repeat(17)), "password_too_long");
        assert_eq!(code("alllowercaseletters"), "password_too_few_kinds");
        assert_eq!(code("ALLUPPER12345678"), "password_too_few_kinds");
        assert_eq!(code("Qwerty123!"), "password_guessable");
        assert_eq!(code("Ada.Lovelace-42x!"), "password_contains_email");
        assert_eq!(code("Password1!"), "password_guessable");
        assert!(policy()
            .check("password", "Corr3ct-Horse!Battery", &email(), &[])
            .is_ok());
    }

    #[test]
    fn names_count_as_guessable() {
        let p = policy();
        assert!(p
            .check("password", "Wilhelmina1987!", &email(), &["Wilhelmina"])
            .is_err());
    }

    fn cheap() -> Argon2Settings {
        Argon2Settings {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
            max_concurrent: 2,
            max_queue: 1,
            max_wait_ms: 60_000,
        }
    }

    #[test]
    fn hashes_verify_and_notice_changed_parameters() {
        let hasher = PasswordHasher::new(&cheap()).unwrap();
        let stored = hasher.hash("Corr3ct-Horse!").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=64,t=1,p=1$"),
            "{stored}"
        );
        assert_eq!(
            hasher.verify("Corr3ct-Horse!", Some(&stored)),
            Ok(Verification::Match)
        );
        assert_eq!(
            hasher.verify("wrong", Some(&stored)),
            Ok(Verification::Mismatch)
        );
        assert_eq!(hasher.verify("x", None), Ok(Verification::Mismatch));
        let stronger = PasswordHasher::new(&Argon2Settings {
            memory_kib: 128,
            ..cheap()
        })
        .unwrap();
        assert_eq!(
            stronger.verify("Corr3ct-Horse!", Some(&stored)),
            Ok(Verification::MatchNeedsRehash)
        );
        // A hash made under larger settings than the pool's blocks.
        let larger = stronger.hash("Corr3ct-Horse!").unwrap();
        assert_eq!(
            hasher.verify("Corr3ct-Horse!", Some(&larger)),
            Ok(Verification::MatchNeedsRehash)
        );
        assert_eq!(
            hasher.verify("wrong", Some(&larger)),
            Ok(Verification::Mismatch)
        );
    }

    #[test]
    fn hashes_from_the_argon2_crate_verify_and_the_other_way_round() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let hasher = PasswordHasher::new(&cheap()).unwrap();
        let params = Params::new(64, 1, 1, None).unwrap();
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let theirs = reference
            .hash_password(b"Corr3ct-Horse!", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert_eq!(
            hasher.verify("Corr3ct-Horse!", Some(&theirs)),
            Ok(Verification::Match)
        );
        let ours = hasher.hash("Corr3ct-Horse!").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(reference
            .verify_password(b"Corr3ct-Horse!", &parsed)
            .is_ok());
        assert!(reference.verify_password(b"wrong", &parsed).is_err());
    }

    #[test]
    fn stored_hashes_needing_huge_memory_are_not_computed() {
        let hasher = PasswordHasher::new(&cheap()).unwrap();
        let huge = "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0$\
                    AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let parsed = PasswordHash::new(huge).unwrap();
        assert!(Params::try_from(&parsed).is_ok(), "a well-formed hash");
        assert_eq!(hasher.verify("x", Some(huge)), Ok(Verification::Mismatch));
    }

    /// Where a lease's blocks live, to tell block sets apart.
    fn address(lease: &Lease<'_>) -> usize {
        lease.blocks.as_ptr() as usize
    }

    #[test]
    fn the_pool_lends_only_its_blocks_and_refuses_when_the_queue_is_full() {
        let pool = BlockPool::new(2, 8, 1, Duration::from_secs(3600));
        let first = pool.acquire().unwrap();
        let second = pool.acquire().unwrap();
        let (a, b) = (address(&first), address(&second));
        assert_ne!(a, b);
        std::thread::scope(|s| {
            let queued = s.spawn(|| pool.acquire().map(|lease| address(&lease)));
            while pool.waiting() == 0 {
                std::thread::yield_now();
            }
            // Both slots lent and the one queue place taken: refused at once
            // (were it queued instead, this would wait for an hour).
            assert_eq!(
                pool.acquire().err(),
                Some(HasherBusy {
                    retry_after_secs: 3600
                })
            );
            drop(first);
            assert_eq!(queued.join().unwrap(), Ok(a), "the freed block, no new one");
        });
        drop(second);
        let mut seen: Vec<_> = [pool.acquire().unwrap(), pool.acquire().unwrap()]
            .iter()
            .map(address)
            .collect();
        seen.sort();
        let mut lent = vec![a, b];
        lent.sort();
        assert_eq!(seen, lent, "always the same two block sets");
        assert_eq!(pool.made(), 2);
    }

    #[test]
    fn an_idle_hasher_holds_no_argon2_memory_and_a_burst_makes_at_most_the_cap() {
        let hasher = PasswordHasher::new(&Argon2Settings {
            max_concurrent: 3,
            max_queue: 64,
            ..cheap()
        })
        .unwrap();
        assert_eq!(hasher.pool.made(), 0, "nothing allocated at start");
        let stored = hasher.hash("Corr3ct-Horse!").unwrap();
        assert_eq!(hasher.pool.made(), 1, "one hash, one block set");
        // 32 concurrent checks, ten rounds: still at most three block sets,
        // and after the first round no new one at all.
        std::thread::scope(|s| {
            for round in 0..10 {
                let workers: Vec<_> = (0..32)
                    .map(|_| s.spawn(|| hasher.verify("Corr3ct-Horse!", Some(&stored))))
                    .collect();
                for worker in workers {
                    assert_eq!(worker.join().unwrap(), Ok(Verification::Match));
                }
                assert!(hasher.pool.made() <= 3, "round {round}");
            }
        });
        let made = hasher.pool.made();
        for _ in 0..20 {
            hasher.verify("x", None).unwrap();
        }
        assert_eq!(hasher.pool.made(), made, "sequential checks reuse a set");
    }

    #[test]
    fn a_queued_caller_gives_up_after_the_longest_wait() {
        let pool = BlockPool::new(1, 8, 4, Duration::from_millis(20));
        let _held = pool.acquire().unwrap();
        assert_eq!(
            pool.acquire().err(),
            Some(HasherBusy {
                retry_after_secs: 1
            })
        );
        assert_eq!(pool.waiting(), 0);
    }

    #[test]
    fn the_hasher_answers_busy_instead_of_queueing_without_limit() {
        let hasher = PasswordHasher::new(&Argon2Settings {
            max_concurrent: 1,
            max_queue: 0,
            ..cheap()
        })
        .unwrap();
        let stored = hasher.hash("Corr3ct-Horse!").unwrap();
        let held = hasher.pool.acquire().unwrap();
        assert!(hasher.hash("Corr3ct-Horse!").is_err());
        assert!(hasher.verify("Corr3ct-Horse!", Some(&stored)).is_err());
        drop(held);
        assert_eq!(
            hasher.verify("Corr3ct-Horse!", Some(&stored)),
            Ok(Verification::Match)
        );
    }
}
