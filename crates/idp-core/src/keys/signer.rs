//! One signing key, parsed once and kept ready (re-parsing an RSA key per
//! signature costs about as much as the signature itself).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use rand::rngs::OsRng;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use sha2::Sha256;

use super::{Alg, KeyError};

const RSA_BITS: usize = 2048;

enum Private {
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>, rsa::RsaPublicKey),
    Es256(p256::ecdsa::SigningKey),
    EdDsa(ed25519_dalek::SigningKey),
}

pub struct Signer {
    pub kid: String,
    pub alg: Alg,
    key: Private,
}

impl Signer {
    /// A new key and its PKCS#8 DER (to be sealed and stored).
    pub fn generate(alg: Alg) -> Result<(Self, Vec<u8>), KeyError> {
        let der = match alg {
            Alg::RS256 => rsa::RsaPrivateKey::new(&mut OsRng, RSA_BITS)
                .map_err(|e| KeyError::Generate(e.to_string()))?
                .to_pkcs8_der()
                .map_err(|e| KeyError::Generate(e.to_string()))?
                .as_bytes()
                .to_vec(),
            Alg::ES256 => p256::SecretKey::random(&mut OsRng)
                .to_pkcs8_der()
                .map_err(|e| KeyError::Generate(e.to_string()))?
                .as_bytes()
                .to_vec(),
            Alg::EdDSA => ed25519_dalek::SigningKey::generate(&mut OsRng)
                .to_pkcs8_der()
                .map_err(|e| KeyError::Generate(e.to_string()))?
                .as_bytes()
                .to_vec(),
        };
        let kid = crate::crypto::random_token(12);
        Ok((Self::from_pkcs8(kid, alg, &der)?, der))
    }

    pub fn from_pkcs8(kid: String, alg: Alg, der: &[u8]) -> Result<Self, KeyError> {
        let bad = |e: String| KeyError::Parse(format!("{kid}: {e}"));
        let key = match alg {
            Alg::RS256 => {
                let private =
                    rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?;
                let public = private.to_public_key();
                Private::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(private)), public)
            }
            Alg::ES256 => Private::Es256(
                p256::SecretKey::from_pkcs8_der(der)
                    .map_err(|e| bad(e.to_string()))?
                    .into(),
            ),
            Alg::EdDSA => Private::EdDsa(
                ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?,
            ),
        };
        Ok(Self { kid, alg, key })
    }

    pub fn sign(&self, data: &[u8]) -> Vec<u8> {
        match &self.key {
            Private::Rsa(key, _) => {
                let signature: rsa::pkcs1v15::Signature = key.sign(data);
                rsa::signature::SignatureEncoding::to_vec(&signature)
            }
            Private::Es256(key) => {
                let signature: p256::ecdsa::Signature = key.sign(data);
                signature.to_bytes().to_vec()
            }
            Private::EdDsa(key) => key.sign(data).to_bytes().to_vec(),
        }
    }

    pub fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        match &self.key {
            Private::Rsa(_, public) => {
                let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public.clone());
                rsa::pkcs1v15::Signature::try_from(signature)
                    .is_ok_and(|s| verifier.verify(data, &s).is_ok())
            }
            Private::Es256(key) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|s| key.verifying_key().verify(data, &s).is_ok()),
            Private::EdDsa(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|s| key.verifying_key().verify(data, &s).is_ok()),
        }
    }

    /// The public half as a JWK (RFC 7517), with `kid`, `alg` and `use`.
    pub fn public_jwk(&self) -> Value {
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let mut jwk = match &self.key {
            Private::Rsa(_, public) => json!({
                "kty": "RSA",
                "n": b64(&public.n().to_bytes_be()),
                "e": b64(&public.e().to_bytes_be()),
            }),
            Private::Es256(key) => {
                let point = key.verifying_key().to_encoded_point(false);
                json!({
                    "kty": "EC",
                    "crv": "P-256",
                    "x": b64(point.x().expect("uncompressed point")),
                    "y": b64(point.y().expect("uncompressed point")),
                })
            }
            Private::EdDsa(key) => json!({
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64(key.verifying_key().as_bytes()),
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
}
