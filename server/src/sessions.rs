//! Persists tower-sessions' records in the portal's own database through the store.

use async_trait::async_trait;
use store::sessions::SessionRecord;
use store::Store;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

/// The name carries the `__Host-` prefix: the browser only accepts it over HTTPS (or on
/// localhost), for path `/` and without a domain, so no sibling site can plant or read it.
pub const COOKIE_NAME: &str = "__Host-portal-session";

#[derive(Debug, Clone)]
pub struct PortalSessionStore(pub Store);

fn to_record(record: &Record) -> Result<SessionRecord> {
    Ok(SessionRecord {
        id: record.id.to_string(),
        data: serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?,
        expires_at: record.expiry_date.unix_timestamp(),
    })
}

fn backend(e: store::StoreError) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for PortalSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        while !self
            .0
            .create_session(&to_record(record)?)
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.0
            .save_session(&to_record(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(stored) = self
            .0
            .load_session(&id.to_string())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&stored.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(stored.expires_at)
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

pub fn layer(store: Store) -> SessionManagerLayer<PortalSessionStore> {
    let idle = app::staff::session::IDLE_TIMEOUT;
    SessionManagerLayer::new(PortalSessionStore(store))
        .with_name(COOKIE_NAME)
        .with_secure(true)
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
        // Every request of a signed-in member pushes the idle deadline back.
        .with_always_save(true)
}
