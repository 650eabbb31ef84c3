//! Uploaded files sealed under the data key before they leave the process for the file store.
//!
//! A sealed file is `MAGIC ‖ version ‖ nonce ‖ AES-256-GCM ciphertext`, the storage key as
//! associated data: the file opens only under its own key, so a file copied over another is
//! refused. The marker starts with a NUL byte, which no accepted upload (JPEG, PNG, PDF) can
//! start with, so files kept before sealing (plain, on a local disk) are told apart and still
//! read. The text seal of the columns (`DataKey::seal`) is a separate format.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::Nonce;
use rand::RngCore;

use super::{DataKey, NONCE_BYTES};
use crate::db::Store;
use crate::error::StoreError;

const MAGIC: &[u8] = b"\0JSJ-FILE";
const VERSION: u8 = 1;
const AAD_PREFIX: &[u8] = b"jishijiu sealed file v1:";

/// Seals and opens uploaded files under the data key; nothing else of the key is reachable.
#[derive(Clone)]
pub struct FileSeal {
    key: DataKey,
}

impl std::fmt::Debug for FileSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileSeal(…)")
    }
}

impl FileSeal {
    pub fn new(key: DataKey) -> Self {
        Self { key }
    }

    /// The bytes to store for file `name` (its storage key).
    pub fn seal(&self, name: &str, bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = [AAD_PREFIX, name.as_bytes()].concat();
        let ciphertext = self
            .key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: bytes,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Corrupt("file encryption failed".into()))?;
        let mut sealed = Vec::with_capacity(MAGIC.len() + 1 + NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(MAGIC);
        sealed.push(VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// The file's bytes, when `sealed` is file `name` sealed under this key.
    pub fn open(&self, name: &str, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        let rest = sealed
            .strip_prefix(MAGIC)
            .ok_or_else(|| StoreError::Corrupt("a stored file is not sealed".into()))?;
        let (&version, rest) = rest
            .split_first()
            .ok_or_else(|| StoreError::Corrupt("a sealed file is too short".into()))?;
        if version != VERSION {
            return Err(StoreError::Corrupt(format!(
                "a sealed file has an unknown format version {version}"
            )));
        }
        if rest.len() < NONCE_BYTES {
            return Err(StoreError::Corrupt("a sealed file is too short".into()));
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
        let aad = [AAD_PREFIX, name.as_bytes()].concat();
        self.key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| {
                StoreError::Corrupt(
                    "a sealed file does not open with this key under this name".into(),
                )
            })
    }

    /// Whether stored bytes are in the sealed format (they may still fail to open).
    pub fn is_sealed(stored: &[u8]) -> bool {
        stored.starts_with(MAGIC)
    }
}

impl Store {
    /// The sealing of uploaded files, under this store's data key.
    pub fn file_seal(&self) -> FileSeal {
        FileSeal::new(self.data_key().clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal() -> FileSeal {
        FileSeal::new(DataKey::from_bytes([7; 32]))
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR the picture";

    #[test]
    fn a_sealed_file_hides_its_bytes_and_opens_under_its_name() {
        let sealed = seal().seal("2026/03/a.png", PNG).unwrap();

        assert!(FileSeal::is_sealed(&sealed));
        assert!(!sealed.windows(4).any(|w| w == b"IHDR"));
        assert!(!sealed.starts_with(b"\x89PNG"));
        assert_eq!(seal().open("2026/03/a.png", &sealed).unwrap(), PNG);
        assert_ne!(sealed, seal().seal("2026/03/a.png", PNG).unwrap());
    }

    #[test]
    fn a_sealed_file_does_not_open_under_another_name_or_key() {
        let sealed = seal().seal("2026/03/a.png", PNG).unwrap();

        assert!(seal().open("2026/03/b.png", &sealed).is_err());
        assert!(FileSeal::new(DataKey::from_bytes([8; 32]))
            .open("2026/03/a.png", &sealed)
            .is_err());
        let mut changed = sealed.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert!(seal().open("2026/03/a.png", &changed).is_err());
    }

    #[test]
    fn plain_files_are_not_taken_for_sealed_ones() {
        for plain in [PNG, b"\xFF\xD8\xFF\xE0 jpeg".as_slice(), b"%PDF-1.4"] {
            assert!(!FileSeal::is_sealed(plain));
            assert!(seal().open("a.png", plain).is_err());
        }
    }
}
