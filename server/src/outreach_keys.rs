//! The keys of the volunteers' offline outreach sync (`POST /outreach/sync`).
//!
//! A finished application is sealed on the phone with a fresh AES-256-GCM key, and that key is
//! wrapped to the bureau's RSA public key with RSA-OAEP (SHA-256 for the hash and for MGF1, no
//! label: WebCrypto's `RSA-OAEP` with `hash: 'SHA-256'`). Only the server, holding the RSA private
//! key, opens it. The server answers with a receipt signed with ECDSA P-256 / SHA-256, which the
//! phone checks before it deletes its copy.
//!
//! One secret configures both: the receipt signing key is derived from the RSA private key's
//! PKCS#8 DER with HKDF-SHA256 (no salt, info `"jishijiu outreach receipts v1"`; when the 32
//! bytes are not a valid P-256 scalar, which happens with probability about 2^-32, the info gets
//! a counter byte 1, 2, … appended until they are). So every instance given the same key opens
//! the same records and signs alike, and there is no second secret to distribute.

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use serde::Deserialize;
use sha2::Sha256;

/// The HKDF info of the receipt signing key.
pub const RECEIPT_KEY_INFO: &[u8] = b"jishijiu outreach receipts v1";
/// The first line of every signed receipt message.
pub const RECEIPT_PREFIX: &str = "jishijiu-outreach-receipt";
/// The size of the RSA key made on first start.
pub const NEW_KEY_BITS: usize = 3072;
/// The smallest RSA key accepted from configuration.
pub const MIN_KEY_BITS: usize = 2048;
/// AES-GCM's nonce, as WebCrypto's `iv`.
const IV_BYTES: usize = 12;
/// AES-GCM's tag, appended to the ciphertext by WebCrypto.
const TAG_BYTES: usize = 16;

/// A record as the phone sends it: every binary value as standard base64.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SealedRecord {
    /// The phone's id of the record: a UUID v4, also the AES-GCM additional data.
    pub client_id: String,
    /// The 32-byte AES key, wrapped with RSA-OAEP-SHA256.
    pub key: String,
    /// AES-GCM's 12-byte nonce.
    pub iv: String,
    /// AES-256-GCM ciphertext with its 16-byte tag appended.
    pub data: String,
}

impl SealedRecord {
    /// Seals `plaintext` under `client_id` to the bureau's key (`seal_key_spki_base64`, as the
    /// desk gets it) exactly as the phone's WebCrypto does (`public/outreach.js`): a fresh
    /// AES-256-GCM key and nonce, the client id as additional data, the key wrapped with
    /// RSA-OAEP-SHA256. The server never seals; its tests and the sync load tool do.
    pub fn seal(
        seal_key_spki_base64: &str,
        client_id: &str,
        plaintext: &[u8],
    ) -> Result<SealedRecord, String> {
        use rand::RngCore;
        use rsa::pkcs8::DecodePublicKey;
        let spki = BASE64
            .decode(seal_key_spki_base64)
            .map_err(|e| e.to_string())?;
        let public = RsaPublicKey::from_public_key_der(&spki).map_err(|e| e.to_string())?;
        let mut aes_key = [0u8; 32];
        let mut iv = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut aes_key);
        rand::rngs::OsRng.fill_bytes(&mut iv);
        let wrapped = public
            .encrypt(&mut rand::rngs::OsRng, Oaep::new::<Sha256>(), &aes_key)
            .map_err(|e| e.to_string())?;
        let data = Aes256Gcm::new_from_slice(&aes_key)
            .map_err(|e| e.to_string())?
            .encrypt(
                Nonce::from_slice(&iv),
                Payload {
                    msg: plaintext,
                    aad: client_id.as_bytes(),
                },
            )
            .map_err(|e| e.to_string())?;
        Ok(SealedRecord {
            client_id: client_id.to_owned(),
            key: BASE64.encode(wrapped),
            iv: BASE64.encode(iv),
            data: BASE64.encode(data),
        })
    }
}

/// Why a sealed record cannot be opened. The phone sets such a record aside; the details are
/// only logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealedInvalid {
    #[error("the client id is not a UUID v4")]
    ClientId,
    #[error("{0} is not standard base64")]
    Base64(&'static str),
    #[error("the iv is not 12 bytes")]
    Iv,
    #[error("the wrapped key does not open with the outreach key")]
    WrappedKey,
    #[error("the data does not open (wrong key, client id or iv, or changed on the way)")]
    Data,
}

/// Why the outreach key cannot be used; stops the start with the reason.
#[derive(Debug, thiserror::Error)]
pub enum OutreachKeyError {
    #[error(
        "the outreach key is not a PKCS#8 PEM RSA private key (-----BEGIN PRIVATE KEY-----): {0}"
    )]
    NotAKey(String),
    #[error("the outreach key has {0} bits; at least {MIN_KEY_BITS} are needed ({NEW_KEY_BITS} is what a new one gets)")]
    TooSmall(usize),
    #[error("could not read or write the outreach key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("could not make a new outreach key: {0}")]
    Generate(String),
}

/// The bureau's outreach keys: the RSA key records are sealed to, and the P-256 key receipts are
/// signed with, each with its public half as WebCrypto imports it.
pub struct OutreachKeys {
    rsa: RsaPrivateKey,
    seal_spki_base64: String,
    signing: SigningKey,
    receipt_spki_base64: String,
}

impl std::fmt::Debug for OutreachKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutreachKeys")
            .field("seal_key", &self.seal_spki_base64)
            .field("receipt_key", &self.receipt_spki_base64)
            .finish_non_exhaustive()
    }
}

impl OutreachKeys {
    /// The keys of a PKCS#8 PEM RSA private key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<OutreachKeys, OutreachKeyError> {
        let rsa = RsaPrivateKey::from_pkcs8_pem(pem.trim())
            .map_err(|e| OutreachKeyError::NotAKey(e.to_string()))?;
        Self::from_rsa(rsa)
    }

    fn from_rsa(rsa: RsaPrivateKey) -> Result<OutreachKeys, OutreachKeyError> {
        let bits = rsa.n().bits();
        if bits < MIN_KEY_BITS {
            return Err(OutreachKeyError::TooSmall(bits));
        }
        let der = rsa
            .to_pkcs8_der()
            .map_err(|e| OutreachKeyError::NotAKey(e.to_string()))?;
        let signing = receipt_key_of(der.as_bytes());
        let seal_spki = RsaPublicKey::from(&rsa)
            .to_public_key_der()
            .map_err(|e| OutreachKeyError::NotAKey(e.to_string()))?;
        let receipt_spki = signing
            .verifying_key()
            .to_public_key_der()
            .map_err(|e| OutreachKeyError::NotAKey(e.to_string()))?;
        Ok(OutreachKeys {
            seal_spki_base64: BASE64.encode(seal_spki.as_bytes()),
            receipt_spki_base64: BASE64.encode(receipt_spki.as_bytes()),
            rsa,
            signing,
        })
    }

    /// Reads the key file, or creates one with a new RSA-3072 key (readable by its owner only)
    /// when there is none yet. Two instances starting at once over one file end with the same
    /// key: the file appears whole or not at all, and the second reads the first's.
    pub fn load_or_create(path: &Path) -> Result<OutreachKeys, OutreachKeyError> {
        let file_error = |source| OutreachKeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_pkcs8_pem(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let rsa = RsaPrivateKey::new(&mut rand::rngs::OsRng, NEW_KEY_BITS)
                    .map_err(|e| OutreachKeyError::Generate(e.to_string()))?;
                let pem = rsa
                    .to_pkcs8_pem(LineEnding::LF)
                    .map_err(|e| OutreachKeyError::Generate(e.to_string()))?;
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(file_error)?;
                }
                if write_new_private(path, pem.as_bytes()).map_err(file_error)? {
                    tracing::warn!(path = %path.display(), "created a new outreach key; keep a copy and give every instance the same one: records sealed to it open only with it");
                    Self::from_rsa(rsa)
                } else {
                    // Another instance made it first.
                    let text = std::fs::read_to_string(path).map_err(file_error)?;
                    Self::from_pkcs8_pem(&text)
                }
            }
            Err(e) => Err(file_error(e)),
        }
    }

    /// The RSA public key that records are sealed to: SubjectPublicKeyInfo DER as standard
    /// base64, for WebCrypto's `importKey('spki', …, {name: 'RSA-OAEP', hash: 'SHA-256'})`.
    pub fn seal_key_spki_base64(&self) -> &str {
        &self.seal_spki_base64
    }

    /// The P-256 public key that verifies receipts: SubjectPublicKeyInfo DER as standard
    /// base64, for `importKey('spki', …, {name: 'ECDSA', namedCurve: 'P-256'})`.
    pub fn receipt_key_spki_base64(&self) -> &str {
        &self.receipt_spki_base64
    }

    /// Opens a sealed record: its plaintext bytes. The client id is the additional data, so a
    /// record moved under another id does not open.
    pub fn open(&self, sealed: &SealedRecord) -> Result<Vec<u8>, SealedInvalid> {
        client_id_of(&sealed.client_id)?;
        let wrapped = decode(&sealed.key, "key")?;
        let iv = decode(&sealed.iv, "iv")?;
        let data = decode(&sealed.data, "data")?;
        if iv.len() != IV_BYTES {
            return Err(SealedInvalid::Iv);
        }
        if data.len() < TAG_BYTES {
            return Err(SealedInvalid::Data);
        }
        let key = self
            .rsa
            .decrypt_blinded(&mut rand::rngs::OsRng, Oaep::new::<Sha256>(), &wrapped)
            .map_err(|_| SealedInvalid::WrappedKey)?;
        let cipher = Aes256Gcm::new_from_slice(&key).map_err(|_| SealedInvalid::WrappedKey)?;
        cipher
            .decrypt(
                Nonce::from_slice(&iv),
                Payload {
                    msg: &data,
                    aad: sealed.client_id.as_bytes(),
                },
            )
            .map_err(|_| SealedInvalid::Data)
    }

    /// The receipt's signature: ECDSA P-256 with SHA-256 over [`receipt_message`], as the 64
    /// bytes r‖s (IEEE P1363, what WebCrypto's `verify` takes), standard base64.
    pub fn sign_receipt(&self, client_id: &str, reference: &str, received_at: &str) -> String {
        let signature: Signature = self
            .signing
            .sign(receipt_message(client_id, reference, received_at).as_bytes());
        BASE64.encode(signature.to_bytes())
    }
}

/// What a receipt's signature covers: `jishijiu-outreach-receipt\n{client_id}\n{reference}\n{received_at}`.
pub fn receipt_message(client_id: &str, reference: &str, received_at: &str) -> String {
    format!("{RECEIPT_PREFIX}\n{client_id}\n{reference}\n{received_at}")
}

/// The client id as the store keeps it (lower case), when it is a UUID v4 in its usual
/// hyphenated form.
pub fn client_id_of(text: &str) -> Result<String, SealedInvalid> {
    let id = uuid::Uuid::try_parse(text).map_err(|_| SealedInvalid::ClientId)?;
    let canonical = id.hyphenated().to_string();
    if id.get_version() != Some(uuid::Version::Random) || !canonical.eq_ignore_ascii_case(text) {
        return Err(SealedInvalid::ClientId);
    }
    Ok(canonical)
}

fn decode(text: &str, what: &'static str) -> Result<Vec<u8>, SealedInvalid> {
    BASE64.decode(text).map_err(|_| SealedInvalid::Base64(what))
}

/// The receipt signing key of an RSA key's PKCS#8 DER (see the module's documentation).
fn receipt_key_of(der: &[u8]) -> SigningKey {
    let hkdf = hkdf::Hkdf::<Sha256>::new(None, der);
    let mut counter: u8 = 0;
    loop {
        let mut info = RECEIPT_KEY_INFO.to_vec();
        if counter > 0 {
            info.push(counter);
        }
        let mut okm = [0u8; 32];
        // 32 bytes are always within HKDF-SHA256's 8160.
        if hkdf.expand(&info, &mut okm).is_ok() {
            if let Ok(key) = SigningKey::from_slice(&okm) {
                return key;
            }
        }
        // Zero or not below the group order: about 2^-32 likely; 255 failures in a row never
        // happen, but the loop must end, so the counter wraps and keeps looking.
        counter = counter.wrapping_add(1);
    }
}

/// Writes a new file readable by its owner only, whole or not at all: written beside, then
/// linked to its name, which fails when the name exists. `false`: someone else made it first.
fn write_new_private(path: &Path, contents: &[u8]) -> std::io::Result<bool> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        uuid::Uuid::new_v4().simple()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = (|| {
        let mut file = options.open(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()
    })();
    let linked = written.and_then(|()| std::fs::hard_link(&temporary, path));
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// The fixed key of the tests (`server/tests/fixtures/outreach-test-key.pem`): RSA-3072 key
/// generation in a debug build takes long, so every test uses this one.
pub const TEST_KEY_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/outreach-test-key.pem"
);

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;
    use p256::pkcs8::DecodePublicKey;

    fn keys() -> OutreachKeys {
        OutreachKeys::from_pkcs8_pem(include_str!("../tests/fixtures/outreach-test-key.pem"))
            .expect("the test key")
    }

    fn seal(keys: &OutreachKeys, client_id: &str, plaintext: &[u8]) -> SealedRecord {
        SealedRecord::seal(keys.seal_key_spki_base64(), client_id, plaintext).expect("sealed")
    }

    const ID: &str = "0b7d4c8e-2f1a-4e3b-9c5d-6a7b8c9d0e1f";

    #[test]
    fn a_record_sealed_as_webcrypto_does_opens() {
        let keys = keys();
        let sealed = seal(&keys, ID, b"{\"hello\":1}");
        assert_eq!(keys.open(&sealed), Ok(b"{\"hello\":1}".to_vec()));
    }

    #[test]
    fn anything_changed_does_not_open() {
        let keys = keys();
        let sealed = seal(&keys, ID, b"plaintext");
        let other_id = SealedRecord {
            client_id: "1b7d4c8e-2f1a-4e3b-9c5d-6a7b8c9d0e1f".into(),
            ..sealed.clone()
        };
        assert_eq!(keys.open(&other_id), Err(SealedInvalid::Data));
        let mut data = BASE64.decode(&sealed.data).expect("base64");
        data[0] ^= 1;
        let flipped = SealedRecord {
            data: BASE64.encode(&data),
            ..sealed.clone()
        };
        assert_eq!(keys.open(&flipped), Err(SealedInvalid::Data));
        let wrong_key = SealedRecord {
            key: BASE64.encode([1u8; 384]),
            ..sealed.clone()
        };
        assert_eq!(keys.open(&wrong_key), Err(SealedInvalid::WrappedKey));
        let short_iv = SealedRecord {
            iv: BASE64.encode([1u8; 8]),
            ..sealed.clone()
        };
        assert_eq!(keys.open(&short_iv), Err(SealedInvalid::Iv));
        let not_base64 = SealedRecord {
            iv: "not base64!".into(),
            ..sealed.clone()
        };
        assert_eq!(keys.open(&not_base64), Err(SealedInvalid::Base64("iv")));
        for id in [
            "",
            "not-a-uuid",
            // Version 1, and the simple form without hyphens.
            "0b7d4c8e-2f1a-1e3b-9c5d-6a7b8c9d0e1f",
            "0b7d4c8e2f1a4e3b9c5d6a7b8c9d0e1f",
        ] {
            let record = SealedRecord {
                client_id: id.into(),
                ..sealed.clone()
            };
            assert_eq!(keys.open(&record), Err(SealedInvalid::ClientId), "{id}");
        }
    }

    #[test]
    fn receipts_verify_with_the_served_key_and_every_instance_signs_alike() {
        let keys = keys();
        let again = keys_again();
        assert_eq!(
            keys.receipt_key_spki_base64(),
            again.receipt_key_spki_base64()
        );
        let signature = keys.sign_receipt(ID, "JSJ-2026-000001", "2026-12-06T02:00:00Z");
        let bytes = BASE64.decode(&signature).expect("base64");
        assert_eq!(bytes.len(), 64, "r||s");
        let verifying = VerifyingKey::from_public_key_der(
            &BASE64
                .decode(again.receipt_key_spki_base64())
                .expect("base64"),
        )
        .expect("a P-256 SPKI");
        let signature = Signature::from_slice(&bytes).expect("a signature");
        let message = receipt_message(ID, "JSJ-2026-000001", "2026-12-06T02:00:00Z");
        assert!(verifying.verify(message.as_bytes(), &signature).is_ok());
        assert!(verifying
            .verify(
                receipt_message(ID, "JSJ-2026-000002", "2026-12-06T02:00:00Z").as_bytes(),
                &signature
            )
            .is_err());
    }

    fn keys_again() -> OutreachKeys {
        OutreachKeys::load_or_create(Path::new(TEST_KEY_FILE)).expect("the test key file")
    }

    #[test]
    fn a_key_file_is_made_once_and_then_read() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("keys").join("outreach.key");
        // What a first start does, without the slow key generation of a debug build.
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("dir");
        let pem = include_str!("../tests/fixtures/outreach-test-key.pem");
        assert!(write_new_private(&path, pem.as_bytes()).expect("written"));
        assert!(
            !write_new_private(&path, b"another").expect("not replaced"),
            "the first file stays"
        );
        assert_eq!(std::fs::read_to_string(&path).expect("read"), pem);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let loaded = OutreachKeys::load_or_create(&path).expect("loaded");
        assert_eq!(loaded.seal_key_spki_base64(), keys().seal_key_spki_base64());
        assert!(
            std::fs::read_dir(path.parent().expect("a parent"))
                .expect("listed")
                .count()
                == 1,
            "no temporary file is left"
        );
    }

    #[test]
    fn what_is_not_an_rsa_key_is_refused_with_the_reason() {
        assert!(matches!(
            OutreachKeys::from_pkcs8_pem("not a key"),
            Err(OutreachKeyError::NotAKey(_))
        ));
    }
}
