//! Compact JWS (RFC 7515) for our own tokens.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::Signer;

pub fn encode(signer: &Signer, typ: &str, claims: &Value) -> String {
    let header = json!({ "alg": signer.alg.as_str(), "kid": signer.kid, "typ": typ });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = signer.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// Checks the signature with the key `find` returns for the header's kid.
pub fn decode(token: &str, find: impl Fn(&str) -> Option<Arc<Signer>>) -> Option<(Value, Value)> {
    if token.len() > 16 * 1024 {
        return None;
    }
    let mut parts = token.split('.');
    let (header_b64, claims_b64, signature_b64) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header_b64).ok()?).ok()?;
    let signer = find(header.get("kid")?.as_str()?)?;
    if header.get("alg")?.as_str()? != signer.alg.as_str() {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).ok()?;
    let signing_input = &token[..header_b64.len() + 1 + claims_b64.len()];
    if !signer.verify(signing_input.as_bytes(), &signature) {
        return None;
    }
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims_b64).ok()?).ok()?;
    Some((header, claims))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Alg;

    #[test]
    fn tokens_verify_and_tampering_is_caught() {
        let (signer, _) = Signer::generate(Alg::ES256).unwrap();
        let signer = Arc::new(signer);
        let token = encode(&signer, "JWT", &json!({"sub": "a"}));
        let find = |kid: &str| (kid == signer.kid).then(|| signer.clone());
        let (header, claims) = decode(&token, find).unwrap();
        assert_eq!(
            (header["typ"].as_str(), claims["sub"].as_str()),
            (Some("JWT"), Some("a"))
        );
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(json!({"sub": "b"}).to_string());
        parts[1] = &forged;
        assert!(decode(&parts.join("."), find).is_none());
        assert!(decode("a.b", find).is_none());
        assert!(decode(&format!("{token}.x"), find).is_none());
    }
}
