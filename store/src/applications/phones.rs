//! Finding applications by phone number: the applicant's own, and a family member's who applied
//! on their behalf. Only keyed hashes of the numbers are stored for this (`application_phones`).

use rules::ProgrammeId;
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::db::Store;
use crate::error::StoreError;
use crate::one_time_codes::PhoneIndex;
use casework::{CaseState, NewApplication, SubmittedBy};

/// One application of a phone, as the list after a verified phone shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneApplication {
    pub reference: String,
    pub status: CaseState,
    pub submitted_at: OffsetDateTime,
    pub programmes: Vec<ProgrammeId>,
    /// `self`, `family` or `volunteer`.
    pub submitted_by: String,
}

/// Applications indexed in one transaction while filling in those stored before migration 0007.
const BACKFILL_BATCH: i64 = 500;

pub(crate) fn phones_of<'a>(
    applicant_phone: &'a str,
    submitted_by: &'a SubmittedBy,
) -> Vec<&'a str> {
    let mut phones = vec![applicant_phone];
    if let SubmittedBy::Family { phone, .. } = submitted_by {
        if phone.as_str() != applicant_phone {
            phones.push(phone.as_str());
        }
    }
    phones
}

impl Store {
    /// Indexes a new application's phones, in the transaction that stores it.
    pub(super) async fn index_application_phones(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: i64,
        application: &NewApplication,
    ) -> Result<(), StoreError> {
        let phones = phones_of(
            application.applicant.phone.as_str(),
            &application.submitted_by,
        );
        self.insert_phone_rows(tx, id, &phones).await
    }

    async fn insert_phone_rows(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: i64,
        phones: &[&str],
    ) -> Result<(), StoreError> {
        for phone in phones {
            sqlx::query(
                "INSERT INTO application_phones (application_id, phone_index) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(self.data_key().index(phone))
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Indexes the phones of applications stored before there was an index, from their sealed
    /// columns. Every application has at least the applicant's phone, so one without a row is
    /// one not done yet: running this again finds nothing to do.
    pub(crate) async fn backfill_application_phones(&self) -> Result<u64, StoreError> {
        let mut done = 0;
        loop {
            let mut tx = self.write_tx().await?;
            let rows = sqlx::query(
                "SELECT a.id, a.phone_sealed, a.submitted_by_detail_sealed FROM applications a \
                 WHERE NOT EXISTS (SELECT 1 FROM application_phones p WHERE p.application_id = a.id) \
                 ORDER BY a.id LIMIT $1",
            )
            .bind(BACKFILL_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let phone = self
                    .data_key()
                    .open(&row.try_get::<String, _>("phone_sealed")?)?;
                let detail = self
                    .data_key()
                    .open(&row.try_get::<String, _>("submitted_by_detail_sealed")?)?;
                let submitted_by: SubmittedBy = serde_json::from_str(&detail).map_err(|e| {
                    StoreError::Corrupt(format!("who submitted application {id}: {e}"))
                })?;
                self.insert_phone_rows(&mut tx, id, &phones_of(&phone, &submitted_by))
                    .await?;
            }
            tx.commit().await?;
            done += rows.len() as u64;
        }
    }

    /// Every application the phone is on, newest first.
    pub async fn phone_applications(
        &self,
        phone: &PhoneIndex,
    ) -> Result<Vec<PhoneApplication>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.reference, a.status, a.submitted_at, a.programmes, a.submitted_by FROM applications a \
             JOIN application_phones p ON p.application_id = a.id WHERE p.phone_index = $1 \
             ORDER BY a.submitted_at DESC, a.id DESC",
        )
        .bind(phone.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let programmes: Vec<String> =
                    serde_json::from_str(&row.try_get::<String, _>("programmes")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(PhoneApplication {
                    reference: row.try_get("reference")?,
                    status: super::case::state_column(row, "status")?,
                    submitted_at: OffsetDateTime::from_unix_timestamp(row.try_get("submitted_at")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    programmes: programmes
                        .iter()
                        .filter_map(|p| ProgrammeId::parse(p))
                        .collect(),
                    submitted_by: row.try_get("submitted_by")?,
                })
            })
            .collect()
    }
}
