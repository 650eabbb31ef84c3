//! Files in an S3-compatible object store (AWS S3, the government cloud's OSS, MinIO), through
//! the `object_store` crate: what several instances of the portal share.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, PutPayload, RetryConfig};

use crate::storage::{FileStore, StorageError, StorageKey};

/// Where files go: `s3://bucket` or `s3://bucket/some/prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    bucket: String,
    prefix: String,
}

impl S3Url {
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The folder inside the bucket, without slashes at either end; empty for the whole bucket.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The same bucket under another folder (tests give each run its own).
    pub fn with_prefix(&self, prefix: &str) -> Self {
        Self {
            bucket: self.bucket.clone(),
            prefix: prefix.trim_matches('/').to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidS3Url {
    #[error("the upload URL must start with s3:// (e.g. s3://portal-uploads/jining)")]
    Scheme,
    #[error("the upload URL names no bucket (e.g. s3://portal-uploads/jining)")]
    NoBucket,
    #[error("a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens")]
    Bucket,
    #[error("the folder in the upload URL may hold letters, digits, '-', '_', '.' and '/' only, and no '..'")]
    Prefix,
}

impl FromStr for S3Url {
    type Err = InvalidS3Url;

    fn from_str(text: &str) -> Result<Self, InvalidS3Url> {
        let rest = text.strip_prefix("s3://").ok_or(InvalidS3Url::Scheme)?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(InvalidS3Url::NoBucket);
        }
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !bucket_ok {
            return Err(InvalidS3Url::Bucket);
        }
        let prefix = prefix.trim_matches('/');
        let prefix_ok = prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
            && prefix.split('/').all(|segment| {
                segment != ".." && segment != "." && (prefix.is_empty() || !segment.is_empty())
            });
        if !prefix_ok {
            return Err(InvalidS3Url::Prefix);
        }
        Ok(Self {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }
}

impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

/// How to reach the object store. Unset credentials and region fall back to the usual
/// discovery of the AWS SDKs (instance metadata), which a government cloud may not have.
#[derive(Clone)]
pub struct S3Settings {
    pub url: S3Url,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub region: Option<String>,
    /// For MinIO, OSS and other S3-compatible stores: `https://oss.example.gov.cn`.
    pub endpoint: Option<String>,
    /// Allow `http://` endpoints (a store on loopback in tests).
    pub allow_http: bool,
}

// The secret key never reaches a log line.
impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("url", &self.url)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("allow_http", &self.allow_http)
            .finish_non_exhaustive()
    }
}

/// Files as objects in a bucket, under the URL's folder, one object per key. A put is one
/// request that the store applies whole: a reader never sees part of a file.
pub struct ObjectFileStore {
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

impl fmt::Debug for ObjectFileStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectFileStore")
            .field("store", &self.store.to_string())
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl ObjectFileStore {
    /// A store on S3 or an S3-compatible service. Nothing is contacted yet: a wrong setting
    /// shows at the first request (`check` tries one at start).
    pub fn s3(settings: &S3Settings) -> Result<Self, StorageError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(settings.url.bucket())
            // MinIO and most S3-compatible stores name the bucket in the path, not the host.
            .with_virtual_hosted_style_request(false)
            // A resident waits for the answer: a few quick retries, not the default 3 minutes.
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 3,
                retry_timeout: Duration::from_secs(15),
            })
            .with_client_options(
                // allow_http lives in the client options: set here, or they would undo it.
                ClientOptions::new()
                    .with_allow_http(settings.allow_http)
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(30)),
            );
        if let Some(id) = &settings.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        builder = builder.with_region(settings.region.as_deref().unwrap_or("us-east-1"));
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder
            .build()
            .map_err(|e| StorageError::Remote(e.to_string()))?;
        Ok(Self {
            store: Arc::new(store),
            prefix: settings.url.prefix().to_owned(),
        })
    }

    fn path_of(&self, key: &StorageKey) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key.as_str())
        } else {
            ObjectPath::from(format!("{}/{}", self.prefix, key.as_str()))
        }
    }

    /// Whether the bucket can be reached with these settings: asks for an object that is never
    /// there ("not found" is the answer of a bucket that works).
    pub async fn check(&self) -> Result<(), StorageError> {
        let probe = ObjectPath::from(format!("{}/.portal-check", self.prefix));
        match self.store.head(&probe).await.map_err(remote) {
            Ok(_) | Err(StorageError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

fn remote(error: object_store::Error) -> StorageError {
    match error {
        object_store::Error::NotFound { .. } => StorageError::NotFound,
        other => StorageError::Remote(other.to_string()),
    }
}

#[async_trait]
impl FileStore for ObjectFileStore {
    async fn put(&self, key: &StorageKey, bytes: &[u8]) -> Result<(), StorageError> {
        self.store
            .put(&self.path_of(key), PutPayload::from(bytes.to_vec()))
            .await
            .map_err(remote)?;
        Ok(())
    }

    async fn get(&self, key: &StorageKey) -> Result<Vec<u8>, StorageError> {
        let found = self.store.get(&self.path_of(key)).await.map_err(remote)?;
        Ok(found.bytes().await.map_err(remote)?.to_vec())
    }

    /// S3 answers a delete of a missing object as done: so does this store.
    async fn delete(&self, key: &StorageKey) -> Result<(), StorageError> {
        self.store.delete(&self.path_of(key)).await.map_err(remote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_urls_name_a_bucket_and_a_folder() {
        let url: S3Url = "s3://portal-uploads/jining/prod/".parse().unwrap();
        assert_eq!(url.bucket(), "portal-uploads");
        assert_eq!(url.prefix(), "jining/prod");
        let bare: S3Url = "s3://portal-uploads".parse().unwrap();
        assert_eq!(bare.prefix(), "");
    }

    #[test]
    fn bad_upload_urls_say_what_is_wrong() {
        assert_eq!("https://x/y".parse::<S3Url>(), Err(InvalidS3Url::Scheme));
        assert_eq!("s3:///x".parse::<S3Url>(), Err(InvalidS3Url::NoBucket));
        assert_eq!(
            "s3://Big_Bucket".parse::<S3Url>(),
            Err(InvalidS3Url::Bucket)
        );
        assert_eq!(
            "s3://bucket/../x".parse::<S3Url>(),
            Err(InvalidS3Url::Prefix)
        );
        assert_eq!(
            "s3://bucket/a//b".parse::<S3Url>(),
            Err(InvalidS3Url::Prefix)
        );
        assert_eq!(
            "s3://bucket/a b".parse::<S3Url>(),
            Err(InvalidS3Url::Prefix)
        );
    }
}
