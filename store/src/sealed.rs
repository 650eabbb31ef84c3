//! Encryption at rest for the columns that identify or describe a person (ID number, phone,
//! name, address, household details) and for secrets that must be shown again (a replayed
//! answer's access code, a queued SMS).
//!
//! AES-256-GCM with a random 96-bit nonce per value, stored as the key's id, a colon, and base64
//! of nonce ‖ ciphertext (`k1a2b3c4d:…`), so that after a key rotation (`server rotate-key`) it is
//! plain which key a value is sealed with. Values sealed before key ids existed have no prefix and
//! are read with the key in use (the original key, until the first rotation).
//! Lookups go through [`DataKey::index`], a keyed hash (HMAC-SHA-256), so a person's applications
//! can be found without decrypting every row, and the hash alone reveals nothing without the key.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::StoreError;

mod files;
pub use files::FileSeal;

const NONCE_BYTES: usize = 12;

/// The key the sensitive columns are sealed with. Never printed.
#[derive(Clone)]
pub struct DataKey {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
    /// `k` and 8 hex digits of a hash of the key: names the key without revealing it.
    id: String,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DataKeyError {
    #[error("the data key must be 32 bytes, written as base64 (got {0} bytes)")]
    WrongLength(usize),
    #[error("the data key is not valid base64: {0}")]
    NotBase64(#[from] base64::DecodeError),
    #[error("PORTAL_DATA_KEY must be set when the database is PostgreSQL: every instance must seal with the same key, and a key file made on one machine leaves the others unable to read its rows")]
    RequiredForPostgres,
    #[error("could not read or write the data key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

impl DataKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        // The index key is derived, so one configured secret serves both purposes without the
        // hashes being usable as ciphertext keys or the other way round.
        let index_key: [u8; 32] = Sha256::new()
            .chain_update(b"jishijiu index key v1")
            .chain_update(bytes)
            .finalize()
            .into();
        let fingerprint = Sha256::new()
            .chain_update(b"jishijiu key id v1")
            .chain_update(bytes)
            .finalize();
        DataKey {
            cipher: Aes256Gcm::new(&bytes.into()),
            index_key,
            id: format!("k{}", hex::encode(&fingerprint[..4])),
        }
    }

    pub fn from_base64(text: &str) -> Result<DataKey, DataKeyError> {
        let bytes = BASE64.decode(text.trim())?;
        let bytes: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| DataKeyError::WrongLength(bytes.len()))?;
        Ok(DataKey::from_bytes(bytes))
    }

    /// Reads the key file, or creates one with a new random key (readable by its owner only) when
    /// there is none yet: the embedded default for a single machine. Deployments pass the key
    /// from their secret store instead.
    pub fn load_or_create(path: &Path) -> Result<DataKey, DataKeyError> {
        let file_error = |source| DataKeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => DataKey::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(file_error)?;
                }
                write_private(path, &BASE64.encode(bytes)).map_err(file_error)?;
                tracing::warn!(path = %path.display(), "created a new data key; keep a copy: without it the sealed columns cannot be read");
                Ok(DataKey::from_bytes(bytes))
            }
            Err(e) => Err(file_error(e)),
        }
    }

    /// The key's id, the prefix of the values it seals.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether `sealed` carries this key's id (unprefixed values carry none).
    pub fn sealed_this(&self, sealed: &str) -> bool {
        sealed
            .split_once(':')
            .is_some_and(|(prefix, _)| prefix == self.id)
    }

    pub fn seal(&self, plaintext: &str) -> Result<String, StoreError> {
        let mut nonce = [0u8; NONCE_BYTES];
        // The thread's generator: a CSPRNG seeded from the system, without a system call for
        // each value sealed (an import seals millions).
        rand::thread_rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .map_err(|_| StoreError::Corrupt("encryption failed".into()))?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(format!("{}:{}", self.id, BASE64.encode(sealed)))
    }

    pub fn open(&self, sealed: &str) -> Result<String, StoreError> {
        let sealed = match sealed.split_once(':') {
            Some((prefix, rest)) if prefix == self.id => rest,
            Some((prefix, _)) => {
                return Err(StoreError::Corrupt(format!(
                    "a sealed value is sealed with another data key ({prefix}, not {})",
                    self.id
                )))
            }
            None => sealed,
        };
        let bytes = BASE64
            .decode(sealed)
            .map_err(|_| StoreError::Corrupt("a sealed value is not base64".into()))?;
        if bytes.len() < NONCE_BYTES {
            return Err(StoreError::Corrupt("a sealed value is too short".into()));
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let plaintext = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| {
                StoreError::Corrupt("a sealed value does not open with this key".into())
            })?;
        String::from_utf8(plaintext)
            .map_err(|_| StoreError::Corrupt("a sealed value is not text".into()))
    }

    /// A keyed hash for finding rows by a sensitive value without storing it readable.
    pub fn index(&self, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_bytes([7; 32])
    }

    #[test]
    fn sealed_values_open_with_the_key_and_differ_each_time() {
        let key = key();
        let a = key.seal("11010519491231002X").expect("seal");
        let b = key.seal("11010519491231002X").expect("seal");
        assert_ne!(a, b, "a fresh nonce per value");
        assert!(!a.contains("1949"));
        assert_eq!(key.open(&a).expect("open"), "11010519491231002X");
        assert!(
            DataKey::from_bytes([8; 32]).open(&a).is_err(),
            "another key cannot open it"
        );
    }

    #[test]
    fn sealed_values_name_their_key_and_old_unprefixed_ones_still_open() {
        let key = key();
        let sealed = key.seal("13800138000").expect("seal");
        let (prefix, _) = sealed.split_once(':').expect("a key id prefix");
        assert_eq!(prefix, key.id());
        assert!(key.sealed_this(&sealed));
        let other = DataKey::from_bytes([8; 32]);
        assert_ne!(other.id(), key.id());
        assert!(!other.sealed_this(&sealed));
        let refused = other.open(&sealed).expect_err("another key");
        assert!(refused.to_string().contains(key.id()), "{refused}");
        // As sealed before values carried a key id.
        let unprefixed = sealed
            .split_once(':')
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        assert_eq!(key.open(unprefixed).expect("open"), "13800138000");
        assert!(!key.sealed_this(unprefixed));
    }

    #[test]
    fn the_index_is_stable_and_keyed() {
        assert_eq!(key().index("x"), key().index("x"));
        assert_ne!(key().index("x"), DataKey::from_bytes([8; 32]).index("x"));
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("keys/data.key");
        let first = DataKey::load_or_create(&path).expect("created");
        let again = DataKey::load_or_create(&path).expect("read");
        let sealed = first.seal("13800138000").expect("seal");
        assert_eq!(again.open(&sealed).expect("open"), "13800138000");
        assert!(matches!(
            DataKey::from_base64("c2hvcnQ="),
            Err(DataKeyError::WrongLength(5))
        ));
    }
}
