//! One signing key, parsed once and kept ready (re-parsing an RSA key per
//! signature costs about as much as the signature itself). Signing and
//! verifying run on `aws-lc-rs`: constant-time, assembly-optimised, at
//! OpenSSL's RS256 rate, which is up to 1.8 times ring's where the CPU has
//! AVX-512 IFMA and four times the pure-Rust `rsa` crate's
//! (docs/benchmarks.md). The RustCrypto crates only generate keys and read
//! the stored PKCS#8, whose format does not change, so keys stored before
//! either switch keep working.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::PublicKeyComponents;
use aws_lc_rs::signature::{self as sig, KeyPair as _};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use serde_json::{json, Value};

use super::{Alg, KeyError};

const RSA_BITS: usize = 2048;

enum Private {
    Rsa(sig::RsaKeyPair, PublicKeyComponents<Vec<u8>>),
    Es256(sig::EcdsaKeyPair),
    EdDsa(sig::Ed25519KeyPair),
}

pub struct Signer {
    pub kid: String,
    pub alg: Alg,
    key: Private,
    rng: SystemRandom,
}

impl Signer {
    /// A new key and its PKCS#8 DER (to be sealed and stored).
    pub fn generate(alg: Alg) -> Result<(Self, Vec<u8>), KeyError> {
        let generate = |e: String| KeyError::Generate(e);
        let der = match alg {
            Alg::RS256 => rsa::RsaPrivateKey::new(&mut OsRng, RSA_BITS)
                .map_err(|e| generate(e.to_string()))?
                .to_pkcs8_der()
                .map_err(|e| generate(e.to_string()))?
                .as_bytes()
                .to_vec(),
            Alg::ES256 => p256::SecretKey::random(&mut OsRng)
                .to_pkcs8_der()
                .map_err(|e| generate(e.to_string()))?
                .as_bytes()
                .to_vec(),
            Alg::EdDSA => ed25519_dalek::SigningKey::generate(&mut OsRng)
                .to_pkcs8_der()
                .map_err(|e| generate(e.to_string()))?
                .as_bytes()
                .to_vec(),
        };
        let kid = crate::crypto::random_token(12);
        Ok((Self::from_pkcs8(kid, alg, &der)?, der))
    }

    pub fn from_pkcs8(kid: String, alg: Alg, der: &[u8]) -> Result<Self, KeyError> {
        let bad = |e: String| KeyError::Parse(format!("{kid}: {e}"));
        let rng = SystemRandom::new();
        let key = match alg {
            Alg::RS256 => {
                let pair = sig::RsaKeyPair::from_pkcs8(der).map_err(|e| bad(e.to_string()))?;
                let public = PublicKeyComponents {
                    n: pair
                        .public_key()
                        .modulus()
                        .big_endian_without_leading_zero()
                        .to_vec(),
                    e: pair
                        .public_key()
                        .exponent()
                        .big_endian_without_leading_zero()
                        .to_vec(),
                };
                Private::Rsa(pair, public)
            }
            // The pair is made from the scalar and the public point, which
            // PKCS#8 may leave out: rebuild it from the parsed key.
            Alg::ES256 => {
                let secret =
                    p256::SecretKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?;
                let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
                    &secret.public_key(),
                    false,
                );
                Private::Es256(
                    sig::EcdsaKeyPair::from_private_key_and_public_key(
                        &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
                        &secret.to_bytes(),
                        point.as_bytes(),
                    )
                    .map_err(|e| bad(e.to_string()))?,
                )
            }
            Alg::EdDSA => {
                let secret = ed25519_dalek::SigningKey::from_pkcs8_der(der)
                    .map_err(|e| bad(e.to_string()))?;
                Private::EdDsa(
                    sig::Ed25519KeyPair::from_seed_and_public_key(
                        secret.as_bytes(),
                        secret.verifying_key().as_bytes(),
                    )
                    .map_err(|e| bad(e.to_string()))?,
                )
            }
        };
        Ok(Self { kid, alg, key, rng })
    }

    pub fn sign(&self, data: &[u8]) -> Vec<u8> {
        match &self.key {
            Private::Rsa(key, _) => {
                let mut signature = vec![0; key.public_modulus_len()];
                key.sign(&sig::RSA_PKCS1_SHA256, &self.rng, data, &mut signature)
                    .expect("a buffer of the modulus' length takes an RSA signature");
                signature
            }
            Private::Es256(key) => key
                .sign(&self.rng, data)
                .expect("the system random source does not fail")
                .as_ref()
                .to_vec(),
            Private::EdDsa(key) => key.sign(data).as_ref().to_vec(),
        }
    }

    pub fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        match &self.key {
            Private::Rsa(_, public) => public
                .verify(&sig::RSA_PKCS1_2048_8192_SHA256, data, signature)
                .is_ok(),
            Private::Es256(key) => {
                sig::UnparsedPublicKey::new(&sig::ECDSA_P256_SHA256_FIXED, key.public_key())
                    .verify(data, signature)
                    .is_ok()
            }
            Private::EdDsa(key) => sig::UnparsedPublicKey::new(&sig::ED25519, key.public_key())
                .verify(data, signature)
                .is_ok(),
        }
    }

    /// The public half as a JWK (RFC 7517), with `kid`, `alg` and `use`.
    pub fn public_jwk(&self) -> Value {
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let mut jwk = match &self.key {
            Private::Rsa(_, public) => json!({
                "kty": "RSA",
                "n": b64(&public.n),
                "e": b64(&public.e),
            }),
            Private::Es256(key) => {
                // An uncompressed SEC 1 point: 0x04, then x and y.
                let point = key.public_key().as_ref();
                json!({
                    "kty": "EC",
                    "crv": "P-256",
                    "x": b64(&point[1..33]),
                    "y": b64(&point[33..65]),
                })
            }
            Private::EdDsa(key) => json!({
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64(key.public_key().as_ref()),
            }),
        };
        jwk["kid"] = json!(self.kid);
        jwk["alg"] = json!(self.alg.as_str());
        jwk["use"] = json!("sig");
        jwk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_signs_verifies_and_round_trips() {
        for alg in [Alg::RS256, Alg::ES256, Alg::EdDSA] {
            let (signer, der) = Signer::generate(alg).unwrap();
            let signature = signer.sign(b"payload");
            assert!(signer.verify(b"payload", &signature), "{alg:?}");
            assert!(!signer.verify(b"other", &signature), "{alg:?}");
            let again = Signer::from_pkcs8(signer.kid.clone(), alg, &der).unwrap();
            assert!(again.verify(b"payload", &signature));
            assert_eq!(again.public_jwk(), signer.public_jwk());
        }
    }

    /// Relying parties check our signatures with other libraries: the
    /// RustCrypto verifiers, fed only the published JWK, accept them.
    #[test]
    fn signatures_verify_with_an_independent_implementation_from_the_jwk() {
        use p256::ecdsa::signature::Verifier as _;
        let b64 = |jwk: &Value, field: &str| {
            URL_SAFE_NO_PAD
                .decode(jwk[field].as_str().unwrap())
                .unwrap()
        };
        let (rsa_signer, _) = Signer::generate(Alg::RS256).unwrap();
        let jwk = rsa_signer.public_jwk();
        let public = rsa::RsaPublicKey::new(
            rsa::BigUint::from_bytes_be(&b64(&jwk, "n")),
            rsa::BigUint::from_bytes_be(&b64(&jwk, "e")),
        )
        .unwrap();
        let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(public);
        let signature = rsa::pkcs1v15::Signature::try_from(&rsa_signer.sign(b"m")[..]).unwrap();
        assert!(verifier.verify(b"m", &signature).is_ok());
        assert!(verifier.verify(b"n", &signature).is_err());

        let (ec_signer, _) = Signer::generate(Alg::ES256).unwrap();
        let jwk = ec_signer.public_jwk();
        let point = p256::EncodedPoint::from_affine_coordinates(
            b64(&jwk, "x")[..].into(),
            b64(&jwk, "y")[..].into(),
            false,
        );
        let verifier = p256::ecdsa::VerifyingKey::from_encoded_point(&point).unwrap();
        let signature = p256::ecdsa::Signature::from_slice(&ec_signer.sign(b"m")).unwrap();
        assert!(verifier.verify(b"m", &signature).is_ok());

        let (ed_signer, _) = Signer::generate(Alg::EdDSA).unwrap();
        let jwk = ed_signer.public_jwk();
        let x: [u8; 32] = b64(&jwk, "x").try_into().unwrap();
        let verifier = ed25519_dalek::VerifyingKey::from_bytes(&x).unwrap();
        let signature = ed25519_dalek::Signature::from_slice(&ed_signer.sign(b"m")).unwrap();
        assert!(verifier.verify(b"m", &signature).is_ok());
    }
}
