//! What this browser's session lets a resident open: a phone verified with a one-time code (its
//! keyed hash, never the number), and the cases opened with their access code or through that
//! phone. Each grant lasts 30 minutes from when it was proven; the session itself also ends
//! after the session layer's idle timeout.

use serde::{Deserialize, Serialize};
use store::applications::{CaseKey, CaseView};
use store::one_time_codes::PhoneIndex;
use store::{Store, StoreError};
use tower_sessions::Session;

const SESSION_KEY: &str = "resident_access";
pub const GRANT_SECONDS: i64 = 30 * 60;
/// Enough for a family's cases; the oldest grants go first.
const MAX_CASES: usize = 20;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Grants {
    /// The verified phone and when it was verified (unix seconds).
    phone: Option<(PhoneIndex, i64)>,
    /// References opened, and when.
    cases: Vec<(String, i64)>,
}

pub struct ResidentAccess {
    session: Session,
    grants: Grants,
    now: i64,
}

fn normal(reference: &str) -> String {
    reference.trim().to_ascii_uppercase()
}

impl ResidentAccess {
    /// The session's grants still in force; none when the session cannot be read.
    pub async fn load(session: &Session, store: &Store) -> ResidentAccess {
        let now = store.clock().now().unix_timestamp();
        let mut grants = match session.get::<Grants>(SESSION_KEY).await {
            Ok(grants) => grants.unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = %e, "could not read a resident's session");
                Grants::default()
            }
        };
        let live = |at: i64| now - at < GRANT_SECONDS;
        grants.phone = grants.phone.filter(|(_, at)| live(*at));
        grants.cases.retain(|(_, at)| live(*at));
        ResidentAccess {
            session: session.clone(),
            grants,
            now,
        }
    }

    pub fn verified_phone(&self) -> Option<&PhoneIndex> {
        self.grants.phone.as_ref().map(|(phone, _)| phone)
    }

    fn opened(&self, reference: &str) -> bool {
        let reference = normal(reference);
        self.grants.cases.iter().any(|(r, _)| *r == reference)
    }

    /// Remembers a phone just verified, under a new session id (so that an id planted in the
    /// browser beforehand is worth nothing).
    pub async fn remember_phone(
        &mut self,
        phone: PhoneIndex,
    ) -> Result<(), tower_sessions::session::Error> {
        self.session.cycle_id().await?;
        self.grants.phone = Some((phone, self.now));
        self.save().await
    }

    /// Remembers a case just opened with its access code or through the verified phone.
    pub async fn remember_case(&mut self, reference: &str) {
        let reference = normal(reference);
        self.grants.cases.retain(|(r, _)| *r != reference);
        self.grants.cases.push((reference, self.now));
        let excess = self.grants.cases.len().saturating_sub(MAX_CASES);
        self.grants.cases.drain(..excess);
        if let Err(e) = self.save().await {
            // The case is shown all the same; uploading to it will ask to open it again.
            tracing::warn!(error = %e, "could not remember an opened case in the session");
        }
    }

    async fn save(&self) -> Result<(), tower_sessions::session::Error> {
        self.session.insert(SESSION_KEY, &self.grants).await
    }

    /// The case, when this browser may see it: opened before, or on the verified phone (which
    /// then counts as opened). `None` otherwise, exactly as for a reference that does not exist.
    pub async fn open_case(
        &mut self,
        store: &Store,
        reference: &str,
    ) -> Result<Option<CaseView>, StoreError> {
        if self.opened(reference) {
            return store.open_case(reference, CaseKey::OpenedBefore).await;
        }
        let Some(phone) = self.verified_phone().cloned() else {
            return Ok(None);
        };
        let found = store.find_case_for_phone(reference, &phone).await?;
        if let Some(case) = &found {
            self.remember_case(&case.reference).await;
        }
        Ok(found)
    }
}
