//! Which data key the database is sealed with, checked before anything is served, and moving
//! every sealed column and keyed look-up hash to a new key (`server rotate-key`).

use casework::Actor;
use sqlx::Row;

use casework::SubmittedBy;

use crate::applications::{name_index_under, phones_of};
use crate::db::Store;
use crate::error::StoreError;
use crate::sealed::DataKey;

/// What the check value opens to under the right key.
const CHECK_TEXT: &str = "jishijiu data key check v1";

/// Rows moved to the new key in one transaction.
const ROTATE_BATCH: i64 = 200;

/// What `rotate_data_key` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationReport {
    pub applications: u64,
    pub case_messages: u64,
    pub outbox_messages: u64,
    /// Outbox rows that open with neither key: left as they are (the dispatcher sets them aside).
    pub unreadable_outbox_messages: u64,
    pub drafts_discarded: u64,
    pub one_time_codes_removed: u64,
    /// Staff accounts whose authenticator secret or duty phone moved to the new key.
    pub staff_accounts: u64,
    /// Staff recovery codes removed (kept only as keyed hashes; their members make new ones).
    pub recovery_codes_removed: u64,
    /// Discovery: department records removed (import them again), candidates, opt-outs and
    /// stop codes moved.
    pub discovery: crate::discovery::DiscoveryRotation,
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error("{0} unsent application drafts are open. Their links are stored only as keyed hashes of the link, which cannot be carried over to a new key: run again with --discard-drafts to remove them (their residents start again; sent applications are not affected), or rotate when there are none")]
    DraftsOpen(u64),
    #[error("the new key is the key in use")]
    SameKey,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Stops a start with the wrong key: the database records which key it is sealed with (a
    /// value only that key opens). A database without the record yet gets it now, after checking
    /// that this key opens the sealed rows already there.
    pub async fn verify_data_key(&self) -> Result<(), StoreError> {
        for _ in 0..2 {
            if let Some((key_id, sealed)) = self.data_key_check().await? {
                return if self.data_key().open(&sealed).ok().as_deref() == Some(CHECK_TEXT) {
                    Ok(())
                } else {
                    Err(StoreError::WrongDataKey {
                        sealed_with: key_id,
                        given: self.data_key().id().to_owned(),
                    })
                };
            }
            for query in [
                "SELECT phone_sealed FROM applications ORDER BY id LIMIT 1",
                "SELECT body_sealed FROM application_messages ORDER BY id LIMIT 1",
                "SELECT data_sealed FROM application_drafts ORDER BY created_at LIMIT 1",
            ] {
                let sealed: Option<String> = sqlx::query_scalar(query)
                    .fetch_optional(self.pool())
                    .await?;
                if let Some(sealed) = sealed {
                    if self.data_key().open(&sealed).is_err() {
                        return Err(StoreError::WrongDataKey {
                            sealed_with: sealed
                                .split_once(':')
                                .map_or("the key of the rows already stored", |(id, _)| id)
                                .to_owned(),
                            given: self.data_key().id().to_owned(),
                        });
                    }
                }
            }
            // Two instances starting at once on a new database: the first insert wins and the
            // second round checks against it.
            sqlx::query(
                "INSERT INTO data_key_check (id, key_id, sealed_check) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
            )
            .bind(self.data_key().id())
            .bind(self.data_key().seal(CHECK_TEXT)?)
            .execute(self.pool())
            .await?;
        }
        Err(StoreError::Corrupt(
            "the data key check could not be recorded".into(),
        ))
    }

    async fn data_key_check(&self) -> Result<Option<(String, String)>, StoreError> {
        sqlx::query("SELECT key_id, sealed_check FROM data_key_check WHERE id = 1")
            .fetch_optional(self.pool())
            .await?
            .map(|row| Ok((row.try_get("key_id")?, row.try_get("sealed_check")?)))
            .transpose()
    }

    /// Moves every sealed column and keyed look-up hash from this store's key to `new`, in
    /// batches, each in its own transaction, and records `new` as the database's key last. Rows
    /// already under `new` are skipped, so an interrupted run is finished by running it again
    /// (with the same two keys); a row is never left half moved. Run it with the instances
    /// stopped: a row moved while an instance still holds the old key does not open there.
    ///
    /// Application drafts are found by a keyed hash of their link, which no one holds but the
    /// resident: they cannot be moved, so the rotation refuses while any are open unless
    /// `discard_drafts`. One-time codes (minutes long) are removed.
    ///
    /// The last transaction records the rotation in the audit log, by `by`, with the two key ids
    /// and the counts.
    pub async fn rotate_data_key(
        &self,
        new: &DataKey,
        discard_drafts: bool,
        by: &Actor,
    ) -> Result<RotationReport, RotateError> {
        let old = self.data_key();
        if old.id() == new.id() {
            return Err(RotateError::SameKey);
        }
        match self.data_key_check().await? {
            Some((_, sealed))
                if old.open(&sealed).ok().as_deref() == Some(CHECK_TEXT)
                    || new.open(&sealed).ok().as_deref() == Some(CHECK_TEXT) => {}
            Some((key_id, _)) => {
                return Err(StoreError::WrongDataKey {
                    sealed_with: key_id,
                    given: old.id().to_owned(),
                }
                .into())
            }
            None => self.verify_data_key().await?,
        }
        let drafts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_drafts")
            .fetch_one(self.pool())
            .await
            .map_err(StoreError::from)?;
        if drafts > 0 && !discard_drafts {
            return Err(RotateError::DraftsOpen(drafts as u64));
        }
        let mut report = RotationReport::default();
        let moved = |sealed: &str| -> Result<String, StoreError> {
            if new.sealed_this(sealed) {
                Ok(sealed.to_owned())
            } else {
                new.seal(&old.open(sealed)?)
            }
        };
        let opened = |sealed: &str| -> Result<String, StoreError> {
            if new.sealed_this(sealed) {
                new.open(sealed)
            } else {
                old.open(sealed)
            }
        };
        let done_pattern = format!("{}:%", new.id());

        // Applications: seven sealed columns and four look-ups (ID number, access code, name, phones).
        let mut after = 0i64;
        loop {
            let mut tx = self.write_tx().await?;
            let rows = sqlx::query(
                "SELECT id, response_sealed, applicant_name_sealed, id_number_sealed, phone_sealed, \
                 address_sealed, submitted_by_detail_sealed, household_sealed FROM applications \
                 WHERE id > $1 AND response_sealed NOT LIKE $2 ORDER BY id LIMIT $3",
            )
            .bind(after)
            .bind(&done_pattern)
            .bind(ROTATE_BATCH)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let id: i64 = row.try_get("id").map_err(StoreError::from)?;
                after = id;
                let column = |name: &str| -> Result<String, StoreError> {
                    Ok(row.try_get::<String, _>(name)?)
                };
                let response = opened(&column("response_sealed")?)?;
                let access_code = serde_json::from_str::<serde_json::Value>(&response)
                    .ok()
                    .and_then(|r| r["access_code"].as_str().map(str::to_owned))
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("the stored receipt of application {id}"))
                    })?;
                let id_number = opened(&column("id_number_sealed")?)?;
                let phone = opened(&column("phone_sealed")?)?;
                let detail = opened(&column("submitted_by_detail_sealed")?)?;
                let submitted_by: SubmittedBy = serde_json::from_str(&detail).map_err(|e| {
                    StoreError::Corrupt(format!("who submitted application {id}: {e}"))
                })?;
                sqlx::query(
                    "UPDATE applications SET response_sealed = $1, applicant_name_sealed = $2, \
                     id_number_sealed = $3, id_number_index = $4, phone_sealed = $5, address_sealed = $6, \
                     submitted_by_detail_sealed = $7, household_sealed = $8, access_code_hash = $9, \
                     name_index = $10 WHERE id = $11",
                )
                .bind(moved(&column("response_sealed")?)?)
                .bind(moved(&column("applicant_name_sealed")?)?)
                .bind(moved(&column("id_number_sealed")?)?)
                .bind(new.index(&id_number))
                .bind(moved(&column("phone_sealed")?)?)
                .bind(moved(&column("address_sealed")?)?)
                .bind(moved(&column("submitted_by_detail_sealed")?)?)
                .bind(moved(&column("household_sealed")?)?)
                .bind(new.index(&access_code))
                .bind(name_index_under(new, &opened(&column("applicant_name_sealed")?)?))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
                sqlx::query("DELETE FROM application_phones WHERE application_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                for phone in phones_of(&phone, &submitted_by) {
                    sqlx::query(
                        "INSERT INTO application_phones (application_id, phone_index) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(new.index(phone))
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                }
                report.applications += 1;
            }
            tx.commit().await.map_err(StoreError::from)?;
        }

        // Messages from caseworkers to applicants.
        let mut after = 0i64;
        loop {
            let mut tx = self.write_tx().await?;
            let rows = sqlx::query(
                "SELECT id, body_sealed FROM application_messages WHERE id > $1 AND body_sealed NOT LIKE $2 ORDER BY id LIMIT $3",
            )
            .bind(after)
            .bind(&done_pattern)
            .bind(ROTATE_BATCH)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let id: i64 = row.try_get("id").map_err(StoreError::from)?;
                after = id;
                sqlx::query("UPDATE application_messages SET body_sealed = $1 WHERE id = $2")
                    .bind(moved(
                        &row.try_get::<String, _>("body_sealed")
                            .map_err(StoreError::from)?,
                    )?)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                report.case_messages += 1;
            }
            tx.commit().await.map_err(StoreError::from)?;
        }

        // The outbox, sent or not (a sent message's text stays sealed too).
        let mut after = 0i64;
        loop {
            let mut tx = self.write_tx().await?;
            let rows = sqlx::query(
                "SELECT id, recipient_sealed, body_sealed FROM outbox WHERE id > $1 \
                 AND (recipient_sealed NOT LIKE $2 OR body_sealed NOT LIKE $2) ORDER BY id LIMIT $3",
            )
            .bind(after)
            .bind(&done_pattern)
            .bind(ROTATE_BATCH)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let id: i64 = row.try_get("id").map_err(StoreError::from)?;
                after = id;
                let recipient: String =
                    row.try_get("recipient_sealed").map_err(StoreError::from)?;
                let body: String = row.try_get("body_sealed").map_err(StoreError::from)?;
                let (Ok(recipient), Ok(body)) = (moved(&recipient), moved(&body)) else {
                    report.unreadable_outbox_messages += 1;
                    continue;
                };
                sqlx::query(
                    "UPDATE outbox SET recipient_sealed = $1, body_sealed = $2 WHERE id = $3",
                )
                .bind(recipient)
                .bind(body)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
                report.outbox_messages += 1;
            }
            tx.commit().await.map_err(StoreError::from)?;
        }

        report.discovery = self.rotate_discovery(old, new).await?;
        report.staff_accounts = self.rotate_staff_secrets(old, new).await?;

        // What cannot be carried over, and the record of the key, last.
        let mut tx = self.write_tx().await?;
        if discard_drafts {
            report.drafts_discarded = sqlx::query("DELETE FROM application_drafts")
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?
                .rows_affected();
        }
        // Recovery codes are kept only as keyed hashes: their members make new ones.
        report.recovery_codes_removed = sqlx::query("DELETE FROM staff_recovery_codes")
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?
            .rows_affected();
        report.one_time_codes_removed = sqlx::query("DELETE FROM one_time_codes")
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?
            .rows_affected();
        sqlx::query(
            "INSERT INTO data_key_check (id, key_id, sealed_check) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, sealed_check = excluded.sealed_check",
        )
        .bind(new.id())
        .bind(new.seal(CHECK_TEXT)?)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let detail = serde_json::json!({
            "from": old.id(),
            "applications": report.applications,
            "case_messages": report.case_messages,
            "outbox_messages": report.outbox_messages,
            "drafts_discarded": report.drafts_discarded,
            "one_time_codes_removed": report.one_time_codes_removed,
            "staff_accounts": report.staff_accounts,
            "recovery_codes_removed": report.recovery_codes_removed,
            "discovery_records_removed": report.discovery.records_removed,
            "discovery_candidates": report.discovery.candidates,
        })
        .to_string();
        self.append_audit(
            &mut tx,
            crate::audit::AuditEntry {
                actor: by.clone(),
                action: "data_key.rotate",
                subject: new.id(),
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(report)
    }
}
