//! A case as the caseworkers of its county see it: the applicant's data opened, the household,
//! consents, documents, the timeline with who did what, messages and referrals. Each opening is a
//! read of personal data and goes in the audit log; so does each message sent.

use rules::{HouseholdRequest, ProgrammeId};
use sqlx::Row;
use time::OffsetDateTime;

use super::act::{may_handle, ActError};
use super::advances::{case_assessment, AdvanceRecord};
use super::case::state_column;
use super::case::{case_times, timestamp, TIME_COLUMNS};
use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::OutboxMessage;
use crate::staff::StaffUser;
use casework::Actor;
use casework::CaseTimes;
use casework::County;
use casework::{CaseState, DocumentKind, SubmittedBy};

/// A timeline entry with the staff (or `self` / `family` / `volunteer` for the submission) who
/// made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffEvent {
    pub state: CaseState,
    pub at: OffsetDateTime,
    pub note: String,
    /// The name the staff pages show: a member of staff's user name, `applicant`, or how the
    /// application was sent (`self`, `family`, `volunteer`) for its first step.
    pub actor: String,
    pub second_actor: Option<String>,
    /// Who took the step; `None` for a step taken before it was recorded that its row cannot
    /// tell.
    pub acted_by: Option<Actor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMessage {
    pub at: OffsetDateTime,
    pub text: String,
    pub author: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub kind: String,
    pub member: Option<i64>,
    pub text_version: String,
    pub given_by: String,
    pub given_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRecord {
    pub organisation: String,
    pub at: OffsetDateTime,
    pub referred_by: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    pub reference: String,
    pub county: County,
    pub times: CaseTimes,
    pub applicant_name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub submitted_by: SubmittedBy,
    pub household: HouseholdRequest,
    pub programmes: Vec<ProgrammeId>,
    /// (kind, urgency) of a declared emergency.
    pub emergency: Option<(String, String)>,
    pub complex: bool,
    pub accepted_at: Option<OffsetDateTime>,
    pub decided_at: Option<OffsetDateTime>,
    /// The sum of the advances given, in fen.
    pub advance_paid_fen: Option<i64>,
    /// Each advance given, oldest first.
    pub advances: Vec<AdvanceRecord>,
    /// Each document asked for, with its status: `missing`, `uploaded` or `supplied`.
    pub documents: Vec<(DocumentKind, String)>,
    pub consents: Vec<ConsentRecord>,
    pub events: Vec<StaffEvent>,
    pub messages: Vec<StaffMessage>,
    pub referrals: Vec<ReferralRecord>,
}

impl CaseFile {
    /// The household recomputed by the rules engine with the standards in force on the day the
    /// case was submitted, the declared emergency included; `None` when the stored household no
    /// longer reads as one.
    pub fn assessment(
        &self,
        standards: &casework::InForce<rules::Standards>,
    ) -> Option<rules::Assessment> {
        case_assessment(
            standards.at(self.times.submitted_at),
            &self.household,
            self.emergency
                .as_ref()
                .map(|(kind, urgency)| (kind.as_str(), urgency.as_str())),
        )
    }
}

/// The longest message to an applicant, in characters (an SMS announces it; the page shows it).
pub const MESSAGE_MAX_CHARS: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("write the message")]
    Empty,
    #[error("the message is longer than {MESSAGE_MAX_CHARS} characters")]
    TooLong,
    #[error(transparent)]
    Access(#[from] ActError),
}

impl From<StoreError> for MessageError {
    fn from(e: StoreError) -> Self {
        MessageError::Access(ActError::Store(e))
    }
}

impl From<sqlx::Error> for MessageError {
    fn from(e: sqlx::Error) -> Self {
        MessageError::from(StoreError::from(e))
    }
}

impl Store {
    /// The whole case for a member of staff of its county; the opening is audited.
    pub async fn case_file(
        &self,
        staff: &StaffUser,
        reference: &str,
    ) -> Result<CaseFile, ActError> {
        let row = self.case_row(reference).await?.ok_or(ActError::NotFound)?;
        let county_id: String = row.try_get("county")?;
        may_handle(staff, &county_id)?;
        let file = self.read_case_file(&row).await?;
        self.record_staff_read(staff, "case.view", &file.reference)
            .await?;
        Ok(file)
    }

    /// The whole case for whoever holds its key (the access code, the verified phone): the
    /// resident's printable documents are drawn from it. `None` when the key does not open it.
    pub async fn resident_case_file(
        &self,
        reference: &str,
        key: super::CaseKey<'_>,
    ) -> Result<Option<CaseFile>, StoreError> {
        let Some(row) = self.case_row(reference).await? else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        if !self.key_opens(&row, id, key).await? {
            return Ok(None);
        }
        self.read_case_file(&row).await.map(Some)
    }

    async fn case_row(&self, reference: &str) -> Result<Option<sqlx::any::AnyRow>, StoreError> {
        Ok(sqlx::query(&format!(
            "SELECT id, reference, county, access_code_hash, applicant_name_sealed, id_number_sealed, phone_sealed, address_sealed, \
             submitted_by_detail_sealed, household_sealed, programmes, emergency_kind, emergency_urgency, complex_case, \
             accepted_at, decided_at, advance_paid_fen, {TIME_COLUMNS} FROM applications WHERE reference = $1"
        ))
        .bind(reference.trim().to_ascii_uppercase())
        .fetch_optional(self.pool())
        .await?)
    }

    async fn read_case_file(&self, row: &sqlx::any::AnyRow) -> Result<CaseFile, StoreError> {
        let county_id: String = row.try_get("county")?;
        let county: County = county_id
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("unknown county {county_id:?}")))?;
        let id: i64 = row.try_get("id")?;
        let open = |column: &str| -> Result<String, StoreError> {
            self.data_key().open(&row.try_get::<String, _>(column)?)
        };
        let json =
            |text: String, what: &str| StoreError::Corrupt(format!("a stored {what}: {text}"));
        let submitted_by: SubmittedBy = serde_json::from_str(&open("submitted_by_detail_sealed")?)
            .map_err(|e| json(e.to_string(), "submitter"))?;
        let household: HouseholdRequest = serde_json::from_str(&open("household_sealed")?)
            .map_err(|e| json(e.to_string(), "household"))?;
        let programmes: Vec<String> =
            serde_json::from_str(&row.try_get::<String, _>("programmes")?)
                .map_err(|e| json(e.to_string(), "programme list"))?;
        let optional_time = |column: &str| -> Result<Option<OffsetDateTime>, StoreError> {
            row.try_get::<Option<i64>, _>(column)?
                .map(timestamp)
                .transpose()
        };
        let emergency = match (
            row.try_get::<Option<String>, _>("emergency_kind")?,
            row.try_get::<Option<String>, _>("emergency_urgency")?,
        ) {
            (Some(kind), Some(urgency)) => Some((kind, urgency)),
            _ => None,
        };
        let file = CaseFile {
            reference: row.try_get("reference")?,
            county,
            times: case_times(row, self.workflow_limits())?,
            applicant_name: open("applicant_name_sealed")?,
            id_number: open("id_number_sealed")?,
            phone: open("phone_sealed")?,
            address: open("address_sealed")?,
            submitted_by,
            household,
            programmes: programmes
                .iter()
                .filter_map(|p| ProgrammeId::parse(p))
                .collect(),
            emergency,
            complex: row.try_get::<i64, _>("complex_case")? != 0,
            accepted_at: optional_time("accepted_at")?,
            decided_at: optional_time("decided_at")?,
            advance_paid_fen: row.try_get("advance_paid_fen")?,
            advances: self.case_advances(id).await?,
            documents: self.case_documents(id).await?,
            consents: self.case_consents(id).await?,
            events: self.case_events(id).await?,
            messages: self.case_messages(id).await?,
            referrals: self.case_referrals(id).await?,
        };
        Ok(file)
    }

    /// Sends the applicant a message: shown on their tracking page, announced by SMS.
    pub async fn send_case_message(
        &self,
        staff: &StaffUser,
        reference: &str,
        text: &str,
    ) -> Result<(), MessageError> {
        let text = text.trim();
        let mut tx = self.write_tx().await?;
        let row =
            sqlx::query("SELECT id, county, phone_sealed FROM applications WHERE reference = $1")
                .bind(reference)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(ActError::NotFound)?;
        may_handle(staff, &row.try_get::<String, _>("county")?)?;
        if text.is_empty() {
            return Err(MessageError::Empty);
        }
        if text.chars().count() > MESSAGE_MAX_CHARS {
            return Err(MessageError::TooLong);
        }
        let id: i64 = row.try_get("id")?;
        sqlx::query(
            "INSERT INTO application_messages (application_id, at, author, body_sealed) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(self.now_unix())
        .bind(staff.id)
        .bind(self.data_key().seal(text)?)
        .execute(&mut *tx)
        .await?;
        let phone = self
            .data_key()
            .open(&row.try_get::<String, _>("phone_sealed")?)?;
        let sms = OutboxMessage::CaseMessage {
            reference: reference.to_owned(),
        };
        self.queue_message(&mut tx, &phone, &sms).await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action: "case.message",
                subject: reference,
                detail: "{}",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn case_events(&self, id: i64) -> Result<Vec<StaffEvent>, StoreError> {
        sqlx::query(
            "SELECT state, at, note, actor, second_actor, acted_by FROM application_events WHERE application_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(StaffEvent {
                state: state_column(r, "state")?,
                at: timestamp(r.try_get("at")?)?,
                note: r.try_get("note")?,
                actor: r.try_get("actor")?,
                second_actor: r.try_get("second_actor")?,
                acted_by: match r.try_get::<String, _>("acted_by")?.as_str() {
                    "" => None,
                    text => Some(text.parse().map_err(|e| {
                        StoreError::Corrupt(format!("who took a step of case {id}: {e}"))
                    })?),
                },
            })
        })
        .collect()
    }

    /// Every document asked for, with its status.
    pub(crate) async fn case_documents(
        &self,
        id: i64,
    ) -> Result<Vec<(DocumentKind, String)>, StoreError> {
        Ok(sqlx::query(
            "SELECT document, status FROM application_documents WHERE application_id = $1 ORDER BY document",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .filter_map(|r| {
            let document = DocumentKind::parse(&r.try_get::<String, _>("document").ok()?)?;
            Some((document, r.try_get("status").ok()?))
        })
        .collect())
    }

    pub(crate) async fn case_messages(&self, id: i64) -> Result<Vec<StaffMessage>, StoreError> {
        sqlx::query(
            "SELECT m.at, m.body_sealed, s.display_name FROM application_messages m \
             JOIN staff_users s ON s.id = m.author WHERE m.application_id = $1 ORDER BY m.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(StaffMessage {
                at: timestamp(r.try_get("at")?)?,
                text: self
                    .data_key()
                    .open(&r.try_get::<String, _>("body_sealed")?)?,
                author: r.try_get("display_name")?,
            })
        })
        .collect()
    }

    async fn case_consents(&self, id: i64) -> Result<Vec<ConsentRecord>, StoreError> {
        sqlx::query(
            "SELECT kind, member, text_version, given_by, given_at FROM application_consents \
             WHERE application_id = $1 ORDER BY given_at, kind, member",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(ConsentRecord {
                kind: r.try_get("kind")?,
                member: r.try_get("member")?,
                text_version: r.try_get("text_version")?,
                given_by: r.try_get("given_by")?,
                given_at: timestamp(r.try_get("given_at")?)?,
            })
        })
        .collect()
    }

    async fn case_referrals(&self, id: i64) -> Result<Vec<ReferralRecord>, StoreError> {
        sqlx::query(
            "SELECT r.organisation, r.at, s.display_name FROM application_referrals r \
             JOIN staff_users s ON s.id = r.referred_by WHERE r.application_id = $1 ORDER BY r.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(ReferralRecord {
                organisation: r.try_get("organisation")?,
                at: timestamp(r.try_get("at")?)?,
                referred_by: r.try_get("display_name")?,
            })
        })
        .collect()
    }
}
