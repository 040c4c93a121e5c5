//! Signature checks of our JWTs (`Signer::verify`) with arbitrary messages
//! and signatures, and `MasterKey` opening arbitrary sealed data.
//!
//! The JWT parser itself (`keys::jwt::decode`) is private and only reachable
//! through `Keys::verify_jwt`, which needs a database; this covers the part
//! of that path that takes attacker bytes after base64: the signature check.
//!
//! Input: byte 0 picks RS256 / ES256 / EdDSA / master key; byte 1 splits the
//! rest into message and signature (for the master key: key and sealed text)
//! and picks the bit flipped in a known-good signature.
#![no_main]

use std::sync::OnceLock;

use idp_core::keys::{Alg, MasterKey, Signer};
use libfuzzer_sys::fuzz_target;

const MESSAGE: &[u8] = b"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0";

/// A fixed RSA key (PKCS#8 DER, made for this target only): generating one
/// takes seconds under the sanitizer, inside the first input's time limit.
const RS256_KEY: &[u8] = include_bytes!("../keys/rs256.pk8");

/// One key per algorithm, and its signature over [`MESSAGE`].
fn signers() -> &'static [(Signer, Vec<u8>); 3] {
    static SIGNERS: OnceLock<[(Signer, Vec<u8>); 3]> = OnceLock::new();
    SIGNERS.get_or_init(|| {
        Alg::ALL.map(|alg| {
            let signer = match alg {
                Alg::RS256 => Signer::from_pkcs8("fuzz-rs256".into(), alg, RS256_KEY).expect("key"),
                _ => Signer::generate(alg).expect("key").0,
            };
            let signature = signer.sign(MESSAGE);
            assert!(signer.verify(MESSAGE, &signature), "{alg:?}: own signature refused");
            (signer, signature)
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let [select, split, rest @ ..] = data else {
        return;
    };
    let at = usize::from(*split).min(rest.len());
    let (first, second) = rest.split_at(at);
    match select % 4 {
        n @ 0..=2 => {
            let (signer, good) = &signers()[usize::from(n)];
            let (message, signature) = (first, second);
            if signer.verify(message, signature) {
                // RS256 and EdDSA signatures are unique; ECDSA has the
                // (r, n-s) twin, so only "it verifies" is checked there.
                let own = signer.sign(message);
                assert!(signer.verify(message, &own), "own signature refused");
                if signer.alg != Alg::ES256 {
                    assert_eq!(signature, &own[..], "{:?}: forged signature accepted", signer.alg);
                }
            }
            // One flipped bit anywhere makes a good signature fail.
            let mut bad = good.clone();
            let bit = usize::from(*split) * 8 + usize::from(*select) / 4;
            let byte = bit / 8 % bad.len();
            bad[byte] ^= 1 << (bit % 8);
            assert!(!signer.verify(MESSAGE, &bad), "{:?}: tampered signature accepted", signer.alg);
            // A good signature does not carry over to another message.
            if message != MESSAGE {
                assert!(!signer.verify(message, good), "{:?}: signature fits two messages", signer.alg);
            }
        }
        _ => {
            let (Ok(key), Ok(sealed)) = (std::str::from_utf8(first), std::str::from_utf8(second))
            else {
                return;
            };
            let Ok(master) = MasterKey::from_base64(key) else {
                return;
            };
            let _ = master.open(sealed);
            let again = master.seal(sealed.as_bytes());
            assert_eq!(master.open(&again).ok().as_deref(), Some(sealed.as_bytes()));
        }
    }
});
