//! The password rule and password storage (argon2id).

use std::sync::{Condvar, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;

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

/// argon2id with the configured cost, and a cap on how many hashes run at
/// once so a burst of sign-ins cannot exhaust memory.
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    params: Params,
    slots: Mutex<usize>,
    freed: Condvar,
    dummy_hash: String,
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
        let mut hasher = Self {
            argon2,
            params,
            slots: Mutex::new(settings.max_concurrent),
            freed: Condvar::new(),
            dummy_hash: String::new(),
        };
        hasher.dummy_hash = hasher.hash(&crate::crypto::random_token(16));
        Ok(hasher)
    }

    pub fn hash(&self, password: &str) -> String {
        let _slot = self.acquire();
        let salt = SaltString::generate(&mut OsRng);
        self.argon2
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 with valid parameters cannot fail")
            .to_string()
    }

    /// Checks `password` against `stored`; with no stored hash (unknown
    /// account, or one without a password) it still spends the same time.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> Verification {
        let _slot = self.acquire();
        let Some(parsed) = stored.and_then(|s| PasswordHash::new(s).ok()) else {
            if let Ok(dummy) = PasswordHash::new(&self.dummy_hash) {
                let _ = self.argon2.verify_password(password.as_bytes(), &dummy);
            }
            return Verification::Mismatch;
        };
        if self
            .argon2
            .verify_password(password.as_bytes(), &parsed)
            .is_err()
        {
            return Verification::Mismatch;
        }
        let current = parsed.algorithm.as_str() == "argon2id"
            && Params::try_from(&parsed).is_ok_and(|p| {
                p.m_cost() == self.params.m_cost()
                    && p.t_cost() == self.params.t_cost()
                    && p.p_cost() == self.params.p_cost()
            });
        if current {
            Verification::Match
        } else {
            Verification::MatchNeedsRehash
        }
    }

    fn acquire(&self) -> Slot<'_> {
        let mut free = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Slot(self)
    }
}

struct Slot<'a>(&'a PasswordHasher);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.slots.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.0.freed.notify_one();
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

    #[test]
    fn hashes_verify_and_notice_changed_parameters() {
        let cheap = Argon2Settings {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
            max_concurrent: 2,
        };
        let hasher = PasswordHasher::new(&cheap).unwrap();
        let stored = hasher.hash("Corr3ct-Horse!");
        assert!(stored.starts_with("$argon2id$"));
        assert_eq!(
            hasher.verify("Corr3ct-Horse!", Some(&stored)),
            Verification::Match
        );
        assert_eq!(
            hasher.verify("wrong", Some(&stored)),
            Verification::Mismatch
        );
        assert_eq!(hasher.verify("x", None), Verification::Mismatch);
        let stronger = PasswordHasher::new(&Argon2Settings {
            memory_kib: 128,
            ..cheap
        })
        .unwrap();
        assert_eq!(
            stronger.verify("Corr3ct-Horse!", Some(&stored)),
            Verification::MatchNeedsRehash
        );
    }
}
