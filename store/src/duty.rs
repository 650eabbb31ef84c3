//! Duty for emergencies: who of a county's staff is on duty and at which phone; the alert an
//! urgent or critical emergency sends them at once, in the transaction that keeps the
//! application (so an acknowledged emergency is never left unannounced); and the escalation to
//! the county's supervisors when nobody has accepted it within the workflow file's minutes.

use casework::{Actor, County};
use identity::MobileNumber;
use sqlx::{Any, Row as _, Transaction};
use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::OutboxMessage;
use crate::staff::{Role, StaffUser};

/// One member of a county's staff as the duty page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub on_duty: bool,
    /// The phone alerts go to, opened.
    pub phone: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DutyError {
    #[error("no such member of this county's staff")]
    NotFound,
    #[error("a member of staff on duty needs a phone for the alerts")]
    PhoneRequired,
    #[error("only a supervisor or an administrator sets the duty")]
    NotAllowed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for DutyError {
    fn from(e: sqlx::Error) -> Self {
        DutyError::Store(StoreError::from(e))
    }
}

/// Emergencies raised to the supervisors by one sweep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Escalated {
    pub cases: u64,
    pub messages: u64,
}

impl Store {
    /// The caseworkers and supervisors of `staff`'s county, with their duty and phone.
    pub async fn duty_roster(&self, staff: &StaffUser) -> Result<Vec<DutyLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, username, display_name, role, on_duty, duty_phone_sealed FROM staff_users \
             WHERE county = $1 AND role IN ('caseworker', 'supervisor') ORDER BY role, username",
        )
        .bind(staff.county.id())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                let phone: Option<String> = row.try_get("duty_phone_sealed")?;
                Ok(DutyLine {
                    id: row.try_get("id")?,
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    role: role
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("a staff role {role}")))?,
                    on_duty: row.try_get::<i64, _>("on_duty")? != 0,
                    phone: phone.map(|p| self.data_key().open(&p)).transpose()?,
                })
            })
            .collect()
    }

    /// A supervisor (or an administrator) of the county sets whether `member` is on duty and
    /// the phone the alerts go to. Someone on duty must have a phone. Audited.
    pub async fn set_duty(
        &self,
        by: &StaffUser,
        member: i64,
        on_duty: bool,
        phone: Option<&MobileNumber>,
    ) -> Result<(), DutyError> {
        if !matches!(by.role, Role::Supervisor | Role::Admin) {
            return Err(DutyError::NotAllowed);
        }
        if on_duty && phone.is_none() {
            return Err(DutyError::PhoneRequired);
        }
        let mut tx = self.write_tx().await?;
        let sealed = phone
            .map(|p| self.data_key().seal(p.as_str()))
            .transpose()?;
        let changed = sqlx::query(
            "UPDATE staff_users SET on_duty = $1, duty_phone_sealed = $2 \
             WHERE id = $3 AND county = $4 AND role IN ('caseworker', 'supervisor')",
        )
        .bind(i64::from(on_duty))
        .bind(sealed)
        .bind(member)
        .bind(by.county.id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(DutyError::NotFound);
        }
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: by.id },
                action: "duty.set",
                subject: &format!("staff:{member}"),
                detail: &serde_json::json!({ "on_duty": on_duty, "phone": phone.is_some() })
                    .to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The phones of a county's staff on duty, or (when `supervisors`) of its supervisors who
    /// gave one.
    pub(crate) async fn duty_phones(
        &self,
        tx: &mut Transaction<'static, Any>,
        county: &str,
        supervisors: bool,
    ) -> Result<Vec<String>, StoreError> {
        let filter = if supervisors {
            "role = 'supervisor'"
        } else {
            "on_duty = 1"
        };
        let rows = sqlx::query(&format!(
            "SELECT duty_phone_sealed FROM staff_users WHERE county = $1 AND {filter} \
             AND duty_phone_sealed IS NOT NULL ORDER BY id"
        ))
        .bind(county)
        .fetch_all(&mut **tx)
        .await?;
        rows.iter()
            .map(|row| {
                self.data_key()
                    .open(&row.try_get::<String, _>("duty_phone_sealed")?)
            })
            .collect()
    }

    /// Tells the county's staff on duty of a new emergency, in the application's transaction;
    /// with nobody on duty, its supervisors. Recorded on the case and audited, with how many
    /// were told (none is on the record too: the dashboard shows it).
    pub(crate) async fn alert_duty(
        &self,
        tx: &mut Transaction<'static, Any>,
        application_id: i64,
        reference: &str,
        county: County,
        urgency: rules::Urgency,
        advance_due_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut phones = self.duty_phones(tx, county.id(), false).await?;
        let on_duty = !phones.is_empty();
        if !on_duty {
            phones = self.duty_phones(tx, county.id(), true).await?;
        }
        let message = OutboxMessage::DutyAlert {
            reference: reference.to_owned(),
            urgency,
            advance_due_at: advance_due_at.unix_timestamp(),
        };
        for phone in &phones {
            self.queue_message(tx, phone, &message).await?;
        }
        sqlx::query("UPDATE applications SET duty_alerted_at = $1 WHERE id = $2")
            .bind(self.now_unix())
            .bind(application_id)
            .execute(&mut **tx)
            .await?;
        self.append_audit(
            tx,
            AuditEntry {
                actor: Actor::system(Actor::DUTY),
                action: "duty.alert",
                subject: reference,
                detail: &serde_json::json!({
                    "urgency": urgency.as_str(),
                    "told": phones.len(),
                    "on_duty": on_duty,
                })
                .to_string(),
            },
        )
        .await
    }

    /// Raises to the county's supervisors every emergency still waiting to be accepted (still
    /// `submitted`) past the workflow file's minutes, once each: safe on several instances at
    /// the same moment, as each case is claimed before its messages are queued.
    pub async fn escalate_unaccepted(&self) -> Result<Escalated, StoreError> {
        let now = self.clock().now();
        let rows = sqlx::query(
            "SELECT id, reference, county, submitted_at FROM applications \
             WHERE emergency_urgency IS NOT NULL AND status = 'submitted' AND duty_escalated_at IS NULL \
             ORDER BY submitted_at",
        )
        .fetch_all(self.pool())
        .await?;
        let mut done = Escalated::default();
        for row in rows {
            let submitted_at: i64 = row.try_get("submitted_at")?;
            let submitted = OffsetDateTime::from_unix_timestamp(submitted_at)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if self.workflow_limits().duty_escalation_due(submitted) > now {
                continue;
            }
            let id: i64 = row.try_get("id")?;
            let reference: String = row.try_get("reference")?;
            let county: String = row.try_get("county")?;
            let mut tx = self.write_tx().await?;
            let claimed = sqlx::query(
                "UPDATE applications SET duty_escalated_at = $1 WHERE id = $2 AND duty_escalated_at IS NULL AND status = 'submitted'",
            )
            .bind(now.unix_timestamp())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                continue;
            }
            let minutes = (now.unix_timestamp() - submitted_at) / 60;
            let phones = self.duty_phones(&mut tx, &county, true).await?;
            let message = OutboxMessage::DutyEscalation {
                reference: reference.clone(),
                minutes,
            };
            for phone in &phones {
                self.queue_message(&mut tx, phone, &message).await?;
            }
            self.append_audit(
                &mut tx,
                AuditEntry {
                    actor: Actor::system(Actor::DUTY),
                    action: "duty.escalate",
                    subject: &reference,
                    detail: &serde_json::json!({ "minutes": minutes, "told": phones.len() })
                        .to_string(),
                },
            )
            .await?;
            tx.commit().await?;
            done.cases += 1;
            done.messages += phones.len() as u64;
        }
        Ok(done)
    }
}
