//! Password hashes made by other systems and brought in by `idp user
//! import`: bcrypt, PBKDF2 (SHA-256 or SHA-512, also as Keycloak stores
//! it) and scrypt. They are checked at sign-in like our own, and a match is
//! rehashed to argon2id at once, so each lives until its owner's next
//! sign-in.
//!
//! Their cost is the old system's, so it is bounded when they are imported:
//! a hash that would take a slot for seconds, or gigabytes for scrypt, is
//! refused there and never reaches a sign-in.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use base64::Engine;
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

/// bcrypt's cost is a power of two; 16 is about four seconds a check.
const MAX_BCRYPT_COST: u32 = 16;
/// Django's default is 1.2 million for PBKDF2-SHA256 (2025); this allows
/// somewhat more, about a second a check.
const MAX_PBKDF2_ITERATIONS: u32 = 5_000_000;
/// scrypt takes 128 × r × 2^ln bytes.
const MAX_SCRYPT_BYTES: u64 = 256 * 1024 * 1024;
const MAX_SCRYPT_P: u32 = 16;

/// A hash of another system's, parsed and within bounds.
#[derive(Debug)]
pub(crate) enum ForeignHash<'a> {
    Bcrypt(&'a str),
    Pbkdf2 {
        sha512: bool,
        iterations: u32,
        salt: Vec<u8>,
        expected: Vec<u8>,
    },
    Scrypt {
        params: scrypt::Params,
        salt: Vec<u8>,
        expected: Vec<u8>,
    },
}

/// Why an imported hash is refused (said in the import report).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashRefused {
    #[error("the password hash is not in a supported form (argon2, bcrypt, pbkdf2-sha256, pbkdf2-sha512, scrypt, or a Keycloak credential)")]
    Unsupported,
    #[error("the password hash is malformed: {0}")]
    Malformed(&'static str),
    #[error("the password hash costs more than idp checks at sign-in: {0}")]
    TooCostly(&'static str),
}

impl<'a> ForeignHash<'a> {
    /// Our own argon2 hashes are not foreign: `Unsupported` here.
    pub(crate) fn parse(stored: &'a str) -> Result<Self, HashRefused> {
        if let Some(rest) = ["$2a$", "$2b$", "$2y$"]
            .iter()
            .find_map(|p| stored.strip_prefix(p))
        {
            let cost: u32 = rest
                .get(..2)
                .and_then(|c| c.parse().ok())
                .ok_or(HashRefused::Malformed("bcrypt cost"))?;
            if cost > MAX_BCRYPT_COST {
                return Err(HashRefused::TooCostly("bcrypt cost above 16"));
            }
            // `$2y$NN$` + 22 salt characters + 31 hash characters.
            if stored.len() != 60 {
                return Err(HashRefused::Malformed("a bcrypt hash has 60 characters"));
            }
            return Ok(ForeignHash::Bcrypt(stored));
        }
        let phc = PasswordHash::new(stored).map_err(|_| HashRefused::Unsupported)?;
        let salt = phc
            .salt
            .ok_or(HashRefused::Malformed("no salt"))
            .and_then(|s| {
                let mut buf = [0u8; 64];
                s.decode_b64(&mut buf)
                    .map(<[u8]>::to_vec)
                    .map_err(|_| HashRefused::Malformed("the salt is not base64"))
            })?;
        let expected = phc
            .hash
            .ok_or(HashRefused::Malformed("no hash"))?
            .as_bytes()
            .to_vec();
        let number = |name: &str| -> Result<u32, HashRefused> {
            phc.params.get_decimal(name).ok_or(HashRefused::Malformed(
                "a parameter is missing or not a number",
            ))
        };
        match phc.algorithm.as_str() {
            "pbkdf2-sha256" | "pbkdf2-sha512" => {
                let iterations = number("i")?;
                if iterations == 0 {
                    return Err(HashRefused::Malformed("no iterations"));
                }
                if iterations > MAX_PBKDF2_ITERATIONS {
                    return Err(HashRefused::TooCostly("more than 5,000,000 iterations"));
                }
                if let Some(length) = phc.params.get_decimal("l") {
                    if length as usize != expected.len() {
                        return Err(HashRefused::Malformed("l is not the hash's length"));
                    }
                }
                Ok(ForeignHash::Pbkdf2 {
                    sha512: phc.algorithm.as_str() == "pbkdf2-sha512",
                    iterations,
                    salt,
                    expected,
                })
            }
            "scrypt" => {
                let (ln, r, p) = (number("ln")?, number("r")?, number("p")?);
                let bytes = 128u64
                    .saturating_mul(u64::from(r))
                    .saturating_mul(1u64.checked_shl(ln).unwrap_or(u64::MAX));
                if bytes > MAX_SCRYPT_BYTES || p > MAX_SCRYPT_P {
                    return Err(HashRefused::TooCostly(
                        "scrypt memory above 256 MiB, or p above 16",
                    ));
                }
                let ln = u8::try_from(ln).map_err(|_| HashRefused::Malformed("ln"))?;
                let params = scrypt::Params::new(ln, r, p, expected.len())
                    .map_err(|_| HashRefused::Malformed("scrypt parameters"))?;
                Ok(ForeignHash::Scrypt {
                    params,
                    salt,
                    expected,
                })
            }
            _ => Err(HashRefused::Unsupported),
        }
    }

    pub(crate) fn matches(&self, password: &str) -> bool {
        let password = password.as_bytes();
        match self {
            ForeignHash::Bcrypt(hash) => bcrypt::verify(password, hash).unwrap_or(false),
            ForeignHash::Pbkdf2 {
                sha512,
                iterations,
                salt,
                expected,
            } => {
                let mut out = vec![0u8; expected.len()];
                if *sha512 {
                    pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, *iterations, &mut out);
                } else {
                    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, *iterations, &mut out);
                }
                bool::from(out.ct_eq(expected))
            }
            ForeignHash::Scrypt {
                params,
                salt,
                expected,
            } => {
                let mut out = vec![0u8; expected.len()];
                scrypt::scrypt(password, salt, params, &mut out).is_ok()
                    && bool::from(out.ct_eq(expected))
            }
        }
    }
}

/// Whether `stored` can be kept as an account's hash: argon2 that sign-in
/// can check within its memory bound, or a foreign hash within bounds.
pub(crate) fn check_importable(stored: &str) -> Result<(), HashRefused> {
    if stored.starts_with("$argon2") {
        let phc = PasswordHash::new(stored).map_err(|_| HashRefused::Malformed("argon2"))?;
        argon2::Algorithm::try_from(phc.algorithm)
            .map_err(|_| HashRefused::Malformed("argon2 variant"))?;
        let params = argon2::Params::try_from(&phc)
            .map_err(|_| HashRefused::Malformed("argon2 parameters"))?;
        if phc.salt.is_none() || phc.hash.is_none() {
            return Err(HashRefused::Malformed("no salt or hash"));
        }
        if params.block_count() > super::password::MAX_STORED_HASH_MEMORY_KIB {
            return Err(HashRefused::TooCostly("argon2 memory above the bound"));
        }
        return Ok(());
    }
    ForeignHash::parse(stored).map(|_| ())
}

/// Keycloak's stored password credential (its export's `credentials[]`
/// entry, or the `secretData` and `credentialData` of its database) as the
/// PHC string idp keeps: `$pbkdf2-sha256$i=N,l=32$SALT$HASH`, or
/// `$argon2id$v=19$m=…,t=…,p=…$SALT$HASH` for Keycloak's argon2.
pub(crate) fn from_keycloak(credential: &serde_json::Value) -> Result<String, HashRefused> {
    use serde_json::Value;
    // The two parts are JSON objects, or strings holding JSON (as exported).
    let part = |name: &str| -> Result<Value, HashRefused> {
        match credential.get(name) {
            Some(Value::String(s)) => serde_json::from_str(s)
                .map_err(|_| HashRefused::Malformed("secretData or credentialData is not JSON")),
            Some(v @ Value::Object(_)) => Ok(v.clone()),
            _ => Err(HashRefused::Unsupported),
        }
    };
    let (secret, data) = (part("secretData")?, part("credentialData")?);
    let algorithm = data
        .get("algorithm")
        .and_then(Value::as_str)
        .ok_or(HashRefused::Malformed("no algorithm in credentialData"))?;
    let iterations = data
        .get("hashIterations")
        .and_then(Value::as_u64)
        .and_then(|i| u32::try_from(i).ok())
        .ok_or(HashRefused::Malformed(
            "no hashIterations in credentialData",
        ))?;
    let decode = |name: &str| {
        secret
            .get(name)
            .and_then(Value::as_str)
            .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
            .ok_or(HashRefused::Malformed(
                "secretData value or salt is not base64",
            ))
    };
    let (hash, salt) = (decode("value")?, decode("salt")?);
    let salt = SaltString::encode_b64(&salt).map_err(|_| HashRefused::Malformed("salt length"))?;
    let hash = Output::new(&hash).map_err(|_| HashRefused::Malformed("hash length"))?;
    let malformed = |_| HashRefused::Malformed("parameters");
    let mut params = ParamsString::new();
    let (ident, version) = match algorithm {
        "pbkdf2-sha256" | "pbkdf2-sha512" => {
            params.add_decimal("i", iterations).map_err(malformed)?;
            params
                .add_decimal("l", hash.len() as u32)
                .map_err(malformed)?;
            (algorithm, None)
        }
        // Keycloak 24 and later: argon2, its settings as one-element lists
        // of strings in additionalParameters.
        "argon2" => {
            let extra = data.get("additionalParameters");
            let setting = |name: &str| {
                extra
                    .and_then(|p| p.get(name))
                    .and_then(|v| v.get(0).or(Some(v)))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let number = |name: &str, default: u32| match setting(name) {
                Some(v) => v
                    .parse::<u32>()
                    .map_err(|_| HashRefused::Malformed("argon2 setting")),
                None => Ok(default),
            };
            let ident = match setting("type").as_deref() {
                Some("id") | None => "argon2id",
                Some("i") => "argon2i",
                Some("d") => "argon2d",
                Some(_) => return Err(HashRefused::Unsupported),
            };
            let version = match setting("version").as_deref() {
                Some("1.3") | None => 0x13,
                Some("1.0") => 0x10,
                Some(_) => return Err(HashRefused::Unsupported),
            };
            params
                .add_decimal("m", number("memory", 7168)?)
                .map_err(malformed)?;
            params.add_decimal("t", iterations).map_err(malformed)?;
            params
                .add_decimal("p", number("parallelism", 1)?)
                .map_err(malformed)?;
            (ident, Some(version))
        }
        _ => return Err(HashRefused::Unsupported),
    };
    let phc = PasswordHash {
        algorithm: argon2::password_hash::Ident::new(ident)
            .map_err(|_| HashRefused::Unsupported)?,
        version,
        params,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    }
    .to_string();
    // What is stored must be what sign-in can check.
    check_importable(&phc)?;
    Ok(phc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costly_or_malformed_hashes_are_refused() {
        let refused = |h: &str| ForeignHash::parse(h).unwrap_err();
        assert_eq!(
            refused("$2b$17$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyzabcde"),
            HashRefused::TooCostly("bcrypt cost above 16")
        );
        assert!(matches!(refused("$2b$10$short"), HashRefused::Malformed(_)));
        assert!(matches!(
            refused("$pbkdf2-sha256$i=9000000,l=32$c2FsdHNhbHQ$YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE"),
            HashRefused::TooCostly(_)
        ));
        assert!(matches!(
            refused(
                "$scrypt$ln=22,r=8,p=1$c2FsdHNhbHQ$YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE"
            ),
            HashRefused::TooCostly(_)
        ));
        assert_eq!(refused("$md5$abc"), HashRefused::Unsupported);
        assert_eq!(refused("plain text"), HashRefused::Unsupported);
    }

    #[test]
    fn keycloak_argon2_becomes_a_phc_string_that_checks() {
        use base64::engine::general_purpose::STANDARD;
        let salt = b"keycloak-salt-16";
        let params = argon2::Params::new(7168, 5, 1, Some(32)).unwrap();
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = [0u8; 32];
        argon.hash_password_into(b"pw", salt, &mut out).unwrap();
        let credential = serde_json::json!({
            "type": "password",
            "secretData": serde_json::json!({"value": STANDARD.encode(out), "salt": STANDARD.encode(salt), "additionalParameters": {}}).to_string(),
            "credentialData": serde_json::json!({"hashIterations": 5, "algorithm": "argon2",
                "additionalParameters": {"hashLength": ["32"], "memory": ["7168"], "type": ["id"], "version": ["1.3"], "parallelism": ["1"]}}).to_string(),
        });
        let phc = from_keycloak(&credential).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{phc}");
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(argon2::PasswordVerifier::verify_password(
            &argon2::Argon2::default(),
            b"pw",
            &parsed
        )
        .is_ok());
        let mut wrong = credential.clone();
        wrong["credentialData"] = serde_json::json!({"hashIterations": 5, "algorithm": "md5"})
            .to_string()
            .into();
        assert_eq!(from_keycloak(&wrong).unwrap_err(), HashRefused::Unsupported);
    }

    #[test]
    fn pbkdf2_and_scrypt_check_what_they_were_made_from() {
        // Made here with the same primitives; the import tests check hashes
        // made by Python's hashlib and bcrypt.
        let salt = b"0123456789abcdef";
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"pw", salt, 1000, &mut out);
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD_NO_PAD.encode(b);
        let phc = format!("$pbkdf2-sha256$i=1000,l=32${}${}", b64(salt), b64(&out));
        let hash = ForeignHash::parse(&phc).unwrap();
        assert!(hash.matches("pw") && !hash.matches("pW"));
        let params = scrypt::Params::new(10, 8, 1, 32).unwrap();
        scrypt::scrypt(b"pw", salt, &params, &mut out).unwrap();
        let phc = format!("$scrypt$ln=10,r=8,p=1${}${}", b64(salt), b64(&out));
        let hash = ForeignHash::parse(&phc).unwrap();
        assert!(hash.matches("pw") && !hash.matches("pw "));
    }
}
