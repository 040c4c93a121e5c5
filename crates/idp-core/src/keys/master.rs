//! The master key that encrypts signing keys at rest: `master_key`
//! (IDP_MASTER_KEY, 32 bytes base64url) or, when unset, a key file made in
//! the data folder on first start. Every node of a cluster needs the same one.

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::KeyError;

const NONCE_BYTES: usize = 12;
pub const KEY_FILE: &str = "master.key";

pub struct MasterKey(Aes256Gcm);

impl MasterKey {
    pub fn from_base64(encoded: &str) -> Result<Self, KeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded.trim())
            .map_err(|_| KeyError::MasterKey("is not base64url".into()))?;
        if bytes.len() != 32 {
            return Err(KeyError::MasterKey(format!(
                "must be 32 bytes, found {}",
                bytes.len()
            )));
        }
        Ok(Self(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes))))
    }

    /// Reads `{data_dir}/master.key`, creating it (mode 0600) on first use.
    pub fn from_file(data_dir: &Path) -> Result<Self, KeyError> {
        let path = data_dir.join(KEY_FILE);
        let io = |e: std::io::Error| KeyError::MasterKey(format!("{}: {e}", path.display()));
        if !path.exists() {
            crate::files::create_private_dir(data_dir).map_err(io)?;
            let key = Aes256Gcm::generate_key(OsRng);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(mut file) => file
                    .write_all(URL_SAFE_NO_PAD.encode(key).as_bytes())
                    .map_err(io)?,
                // Another process made it a moment ago: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(e)),
            }
        }
        Self::from_base64(&std::fs::read_to_string(&path).map_err(io)?)
    }

    pub fn seal(&self, plain: &[u8]) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(&nonce, plain)
            .expect("AES-GCM encryption cannot fail for in-memory data");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, KeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(sealed)
            .map_err(|_| KeyError::Decrypt)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(KeyError::Decrypt);
        }
        let (nonce, body) = bytes.split_at(NONCE_BYTES);
        self.0
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| KeyError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = MasterKey::from_file(dir.path()).unwrap();
        let again = MasterKey::from_file(dir.path()).unwrap();
        let sealed = key.seal(b"secret");
        assert_eq!(again.open(&sealed).unwrap(), b"secret");
        let other = MasterKey::from_base64(&URL_SAFE_NO_PAD.encode([7u8; 32])).unwrap();
        assert!(other.open(&sealed).is_err());
        assert!(MasterKey::from_base64("short").is_err());
    }
}
