//! The raw cost of what bounds each flow, measured with the code idp runs:
//! its argon2id hasher at the default parameters and its signer for each
//! algorithm, on as many threads as asked (the cores, to compare with the
//! server's rate). ring, the other candidate for the signer, and the
//! pure-Rust `rsa` crate that signed RS256 first are measured beside it, for
//! the record in docs/benchmarks.md.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use idp_core::accounts::PasswordHasher;
use idp_core::config::Argon2Settings;
use idp_core::keys::{Alg, Signer};
use serde::Serialize;

/// A typical access token's signing input: header and claims, base64url.
const SIGNING_INPUT: &[u8] = &[b'e'; 420];

#[derive(Debug, Serialize)]
pub struct Primitive {
    pub name: String,
    pub threads: usize,
    pub per_second: f64,
}

pub fn measure(threads: usize, duration: Duration) -> Result<Vec<Primitive>, String> {
    let settings = Argon2Settings {
        max_concurrent: threads,
        ..Argon2Settings::default()
    };
    let hasher = PasswordHasher::new(&settings).map_err(|e| e.to_string())?;
    let mut out = vec![rate(
        format!(
            "argon2id m={} KiB t={} p={} (idp's hasher)",
            settings.memory_kib, settings.iterations, settings.parallelism
        ),
        threads,
        duration,
        || {
            hasher
                .hash("Corr3ct-Horse!Battery")
                .expect("a free slot per thread");
        },
    )];
    for alg in Alg::ALL {
        let (signer, _) = Signer::generate(alg).map_err(|e| e.to_string())?;
        out.push(rate(
            format!("{} sign (aws-lc-rs, idp's signer)", alg.as_str()),
            threads,
            duration,
            || {
                signer.sign(SIGNING_INPUT);
            },
        ));
        let signature = signer.sign(SIGNING_INPUT);
        out.push(rate(
            format!("{} verify (aws-lc-rs, idp's signer)", alg.as_str()),
            threads,
            duration,
            || assert!(signer.verify(SIGNING_INPUT, &signature)),
        ));
    }
    out.extend(ring_signer::measure(threads, duration)?);
    let rustcrypto = rsa_crate_signer()?;
    out.push(rate(
        "RS256 sign (rsa crate, before)".into(),
        threads,
        duration,
        || {
            use rsa::signature::Signer as _;
            let _: rsa::pkcs1v15::Signature = rustcrypto.sign(SIGNING_INPUT);
        },
    ));
    Ok(out)
}

fn rsa_crate_signer() -> Result<rsa::pkcs1v15::SigningKey<sha2::Sha256>, String> {
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(|e| e.to_string())?;
    Ok(rsa::pkcs1v15::SigningKey::new(key))
}

/// ring, which signed before aws-lc-rs (and still runs rustls).
mod ring_signer {
    use idp_core::keys::{Alg, Signer};
    use ring::rand::SystemRandom;
    use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};

    use super::{rate, Duration, Primitive, SIGNING_INPUT};

    pub fn measure(threads: usize, duration: Duration) -> Result<Vec<Primitive>, String> {
        let failed = |e: &dyn std::fmt::Display| e.to_string();
        let rng = SystemRandom::new();
        let (_, rsa_der) = Signer::generate(Alg::RS256).map_err(|e| failed(&e))?;
        let rsa = RsaKeyPair::from_pkcs8(&rsa_der).map_err(|e| failed(&e))?;
        let es256 = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let ecdsa_der = EcdsaKeyPair::generate_pkcs8(es256, &rng).map_err(|e| failed(&e))?;
        let ecdsa =
            EcdsaKeyPair::from_pkcs8(es256, ecdsa_der.as_ref(), &rng).map_err(|e| failed(&e))?;
        let ed_der = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|e| failed(&e))?;
        let ed25519 = Ed25519KeyPair::from_pkcs8(ed_der.as_ref()).map_err(|e| failed(&e))?;
        let es256_signature = ecdsa.sign(&rng, SIGNING_INPUT).map_err(|e| failed(&e))?;
        let es256_public = signature::UnparsedPublicKey::new(
            &signature::ECDSA_P256_SHA256_FIXED,
            ecdsa.public_key().as_ref().to_vec(),
        );
        Ok(vec![
            rate("RS256 sign (ring)".into(), threads, duration, || {
                let mut out = vec![0; rsa.public().modulus_len()];
                rsa.sign(&signature::RSA_PKCS1_SHA256, &rng, SIGNING_INPUT, &mut out)
                    .expect("RSA signs");
            }),
            rate("ES256 sign (ring)".into(), threads, duration, || {
                ecdsa.sign(&rng, SIGNING_INPUT).expect("ECDSA signs");
            }),
            rate("ES256 verify (ring)".into(), threads, duration, || {
                es256_public
                    .verify(SIGNING_INPUT, es256_signature.as_ref())
                    .expect("the signature verifies");
            }),
            rate("EdDSA sign (ring)".into(), threads, duration, || {
                let _ = ed25519.sign(SIGNING_INPUT);
            }),
        ])
    }
}

/// Runs `op` on `threads` threads for `duration`; operations per second.
fn rate(name: String, threads: usize, duration: Duration, op: impl Fn() + Sync) -> Primitive {
    let count = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    op();
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        std::thread::sleep(duration);
        stop.store(true, Ordering::Relaxed);
    });
    Primitive {
        name,
        threads,
        per_second: count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64(),
    }
}
