//! The raw cost of what bounds each flow, measured with the code idp runs:
//! its argon2id hasher at the default parameters and its signer for each
//! algorithm, on as many threads as asked (the cores, to compare with the
//! server's rate). The pure-Rust `rsa` crate that signed RS256 before is
//! measured beside it, for the record in docs/benchmarks.md.

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
            format!("{} sign (ring, idp's signer)", alg.as_str()),
            threads,
            duration,
            || {
                signer.sign(SIGNING_INPUT);
            },
        ));
    }
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
