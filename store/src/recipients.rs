//! Recipients after the decision (POLICY.md §1, 在保必核): an approved case's household enrolled
//! with its programme and monthly amount; the payments ledger (insert-only); the month's
//! re-verification with its findings; and a person's decision on each warning, told to the
//! resident with the way to object. Nothing happens to a payment without a person's decision.

use casework::{
    months_after, subsidy_fen, triggered, Actor, Decision, LinkageRules, PaymentKind,
    PriceIndexMonth, RecipientState, YearMonth, REVIEW_MONTHS,
};
use discovery::{Change, Evidence, Reverified, ReverifyCount};
use rules::ProgrammeId;
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row as _, Transaction};

use crate::audit::AuditEntry;
use crate::db::{Backend, Store};
use crate::discovery::{day_number, from_day_number, STALLED_AFTER_SECONDS};
use crate::error::StoreError;
use crate::outbox::OutboxMessage;
use crate::staff::{Role, StaffUser};

/// A recipient as the month's re-check takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientToCheck {
    pub id: i64,
    pub county: String,
    /// The applicant's keyed ID hash (hex).
    pub person_index: String,
    pub programme: ProgrammeId,
    pub monthly_amount_fen: i64,
    pub renewed_on: time::Date,
}

/// What a resident sees of their assistance on the tracking page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientView {
    pub programme: ProgrammeId,
    pub monthly_amount_fen: i64,
    pub persons: i64,
    pub started_on: time::Date,
    pub next_review_on: time::Date,
    pub state: RecipientState,
    /// Newest first: (month, kind, fen).
    pub payments: Vec<(String, PaymentKind, i64)>,
    /// The latest decision on a re-check: (what, unix seconds, the reason).
    pub decision: Option<(Decision, i64, String)>,
    /// A direct transfer offered and not yet answered: the programme and its monthly fen.
    pub offer: Option<(ProgrammeId, i64)>,
    /// Payments the household said did not arrive: (month, kind).
    pub missing: Vec<(String, PaymentKind)>,
    /// A transfer agreed to, waiting for its decision.
    pub pending: Option<ProgrammeId>,
    /// The latest transfer agreed to was not made (refused at its notice or review, or taken
    /// back): the household keeps its programme.
    pub transfer_not_made: Option<ProgrammeId>,
}

#[derive(Debug, thiserror::Error)]
pub enum PriceImportError {
    #[error("the subsidies of {0} were paid on the figures held; they cannot change")]
    Paid(YearMonth),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PriceImportError {
    fn from(e: sqlx::Error) -> Self {
        PriceImportError::Store(StoreError::from(e))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("no transfer is offered to this household")]
    NotOffered,
    #[error("the case changed at the same moment")]
    Conflict,
    #[error(transparent)]
    NotAllowed(#[from] casework::NotAllowed),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TransferError {
    fn from(e: sqlx::Error) -> Self {
        TransferError::Store(StoreError::from(e))
    }
}

/// A warning waiting for a person, on the month's queue.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningLine {
    pub finding_id: i64,
    pub reference: String,
    pub programme: ProgrammeId,
    pub monthly_amount_fen: i64,
    pub amount_now_fen: Option<i64>,
    pub changes: Vec<Change>,
    pub offer: Option<ProgrammeId>,
    pub decision: Option<Decision>,
    pub evidence: Option<Evidence>,
}

/// A re-check run as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReverifyRun {
    pub month: String,
    pub state: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
}

/// A month's report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonthReport {
    pub month: String,
    pub checked: ReverifyCount,
    pub continued: u64,
    pub adjusted: u64,
    pub suspended: u64,
    pub stopped: u64,
    /// Warnings no one has decided yet.
    pub waiting: u64,
    pub payments: u64,
    pub paid_fen: i64,
    pub subsidies: u64,
    pub subsidies_fen: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no warning has this number")]
    NotFound,
    #[error("the recipient belongs to another county")]
    OtherCounty,
    #[error("volunteers do not decide on assistance")]
    Volunteer,
    #[error("write the reason: the resident is told it")]
    ReasonRequired,
    #[error("give the new monthly amount, more than zero")]
    AmountRequired,
    #[error("a person has decided on this warning already")]
    Decided,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for DecideError {
    fn from(e: sqlx::Error) -> Self {
        DecideError::Store(StoreError::from(e))
    }
}

/// The longest reason, in characters.
pub const REASON_MAX_CHARS: usize = 500;

/// Findings written per transaction.
const FINDINGS_PER_TRANSACTION: usize = 5_000;

/// `2026-12` of a day.
pub fn month_of(day: time::Date) -> String {
    format!("{:04}-{:02}", day.year(), u8::from(day.month()))
}

fn programme_of(text: &str) -> Result<ProgrammeId, StoreError> {
    ProgrammeId::parse(text).ok_or_else(|| StoreError::Corrupt(format!("a programme {text}")))
}

/// The `kind` column of a payment row.
fn payment_kind_of(row: &sqlx::any::AnyRow) -> Result<PaymentKind, StoreError> {
    let kind: String = row.try_get("kind")?;
    PaymentKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("a payment kind {kind}")))
}

fn day_of(days: i64) -> Result<time::Date, StoreError> {
    from_day_number(days).ok_or_else(|| StoreError::Corrupt("a day out of range".into()))
}

fn changes_text(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn changes_of(text: &str) -> Vec<Change> {
    text.split(',').filter_map(Change::parse).collect()
}

impl Store {
    /// A transfer agreed to that will not be made (the case was refused or taken back at its
    /// notice or review): the household keeps its programme and amount, the agreement is marked
    /// so the tracking page can say so, and the end is audited. Nothing when none was pending.
    pub(crate) async fn drop_transfer(
        &self,
        tx: &mut Transaction<'static, Any>,
        application_id: i64,
        by: &Actor,
        reference: &str,
    ) -> Result<(), StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, pending_programme FROM recipients WHERE application_id = $1 AND pending_programme IS NOT NULL",
        )
        .bind(application_id)
        .fetch_optional(&mut **tx)
        .await?
        else {
            return Ok(());
        };
        let recipient_id: i64 = row.try_get("id")?;
        let pending: String = row.try_get("pending_programme")?;
        sqlx::query(
            "UPDATE recipients SET pending_programme = NULL, pending_amount_fen = NULL, updated_at = $1 WHERE id = $2",
        )
        .bind(self.now_unix())
        .bind(recipient_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "UPDATE recipient_findings SET offer_answer = 'not_made' WHERE id = (SELECT id FROM recipient_findings \
             WHERE recipient_id = $1 AND offer_answer = 'agreed' ORDER BY offer_answered_at DESC, id DESC LIMIT 1)",
        )
        .bind(recipient_id)
        .execute(&mut **tx)
        .await?;
        self.append_audit(
            tx,
            AuditEntry {
                actor: by.clone(),
                action: "recipients.transfer_not_made",
                subject: reference,
                detail: &serde_json::json!({ "programme": pending }).to_string(),
            },
        )
        .await
    }

    /// Enrols the household of an approved case as a recipient of the programme the rules find
    /// for it with today's standards (特困, 低保 or 低保边缘); other decisions (a one-off
    /// payment, a referral) leave nobody to pay monthly. Called in the approval's transaction.
    pub(crate) async fn enrol_recipient(
        &self,
        tx: &mut Transaction<'static, Any>,
        application_id: i64,
        row: &sqlx::any::AnyRow,
    ) -> Result<(), StoreError> {
        let household: rules::HouseholdRequest = serde_json::from_str(
            &self
                .data_key()
                .open(&row.try_get::<String, _>("household_sealed")?)?,
        )
        .map_err(|e| StoreError::Corrupt(format!("a stored household: {e}")))?;
        let today = casework::beijing_date(self.clock().now());
        // A transfer the resident agreed to: its programme and amount from now on.
        let transferred = sqlx::query(
            "UPDATE recipients SET programme = pending_programme, monthly_amount_fen = pending_amount_fen, \
             pending_programme = NULL, pending_amount_fen = NULL, renewed_on = $1, next_review_on = $2, state = 'active', updated_at = $3 \
             WHERE application_id = $4 AND pending_programme IS NOT NULL",
        )
        .bind(day_number(today))
        .bind(day_number(months_after(today, REVIEW_MONTHS)))
        .bind(self.now_unix())
        .bind(application_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if transferred > 0 {
            return Ok(());
        }
        let Some(assessment) =
            crate::applications::case_assessment(self.standards().on(today), &household, None)
        else {
            return Ok(());
        };
        let Some(programme) = assessment.recommended.filter(|p| {
            matches!(
                p,
                ProgrammeId::Tekun | ProgrammeId::Dibao | ProgrammeId::Marginal
            )
        }) else {
            return Ok(());
        };
        let Some(result) = assessment.programme(programme) else {
            return Ok(());
        };
        let persons = if programme == ProgrammeId::Tekun {
            result.members.len()
        } else {
            household.members.as_ref().map_or(1, Vec::len)
        };
        let area = household.area.clone().unwrap_or_else(|| "urban".into());
        sqlx::query(
            "INSERT INTO recipients (application_id, county, person_index, programme, monthly_amount_fen, persons, area, \
             started_on, renewed_on, next_review_on, state, updated_at) \
             SELECT id, county, id_number_index, $1, $2, $3, $4, $5, $5, $6, 'active', $7 FROM applications WHERE id = $8 \
             ON CONFLICT (application_id) DO NOTHING",
        )
        .bind(programme.as_str())
        .bind(result.monthly_amount.unwrap_or(0).saturating_mul(100))
        .bind(persons as i64)
        .bind(area)
        .bind(day_number(today))
        .bind(day_number(months_after(today, REVIEW_MONTHS)))
        .bind(self.now_unix())
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The recipients being paid, for the month's re-check.
    pub async fn recipients_to_check(&self) -> Result<Vec<RecipientToCheck>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, county, person_index, programme, monthly_amount_fen, renewed_on FROM recipients \
             WHERE state = 'active' ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(RecipientToCheck {
                    id: row.try_get("id")?,
                    county: row.try_get("county")?,
                    person_index: row.try_get("person_index")?,
                    programme: programme_of(&row.try_get::<String, _>("programme")?)?,
                    monthly_amount_fen: row.try_get("monthly_amount_fen")?,
                    renewed_on: day_of(row.try_get("renewed_on")?)?,
                })
            })
            .collect()
    }

    /// Starts the month's re-check; `None` while one is running.
    pub async fn begin_reverify_run(
        &self,
        by: &Actor,
        month: &str,
    ) -> Result<Option<i64>, StoreError> {
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        let running: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM reverify_runs WHERE state = 'running' AND heartbeat_at > $1",
        )
        .bind(now - STALLED_AFTER_SECONDS)
        .fetch_one(&mut *tx)
        .await?;
        if running > 0 {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reverify_runs (month, started_by, started_at, heartbeat_at, state) VALUES ($1, $2, $3, $3, 'running') RETURNING id",
        )
        .bind(month)
        .bind(by.to_string())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: by.clone(),
                action: "recipients.reverify",
                subject: &format!("reverify_run:{id}"),
                detail: &serde_json::json!({ "month": month }).to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The latest re-check run: its month, state (`running`, `done`, `failed`, or `interrupted`
    /// when its heartbeat stopped), and times.
    pub async fn latest_reverify_run(&self) -> Result<Option<ReverifyRun>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT month, state, started_at, heartbeat_at, finished_at FROM reverify_runs ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let state: String = row.try_get("state")?;
        let heartbeat: i64 = row.try_get("heartbeat_at")?;
        Ok(Some(ReverifyRun {
            month: row.try_get("month")?,
            state: if state == "running" && self.now_unix() - heartbeat > STALLED_AFTER_SECONDS {
                "interrupted".into()
            } else {
                state
            },
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
        }))
    }

    /// Records the end of a run with its counts.
    pub async fn finish_reverify_run(
        &self,
        id: i64,
        count: &ReverifyCount,
        failed: bool,
    ) -> Result<(), StoreError> {
        let summary = serde_json::to_string(count)
            .map_err(|e| StoreError::Corrupt(format!("a run's counts: {e}")))?;
        let now = self.now_unix();
        sqlx::query(
            "UPDATE reverify_runs SET state = $1, finished_at = $2, heartbeat_at = $2, summary = $3 WHERE id = $4",
        )
        .bind(if failed { "failed" } else { "done" })
        .bind(now)
        .bind(summary)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Keeps the month's findings and pays the month: a renewal moves the recipient's review
    /// on; a warning waits for a person (a finding already decided is never replaced); every
    /// recipient still active is paid the month's amount once, warned or not.
    pub async fn save_reverify_findings(
        &self,
        run_id: i64,
        month: &str,
        findings: &[(i64, Reverified)],
        by: &Actor,
    ) -> Result<(), StoreError> {
        let now = self.now_unix();
        let today = casework::beijing_date(self.clock().now());
        let next_review = day_number(months_after(today, REVIEW_MONTHS));
        let backend = self.backend();
        for part in findings.chunks(FINDINGS_PER_TRANSACTION) {
            // Each part is three statements, its rows carried as one JSON array (as department
            // records are: binding values one by one cost more than the writes).
            let mut rows = Vec::with_capacity(part.len());
            for (recipient_id, found) in part {
                let evidence = match &found.evidence {
                    Some(evidence) if !found.renewed() || found.offer.is_some() => {
                        let json = serde_json::to_string(evidence)
                            .map_err(|e| StoreError::Corrupt(format!("evidence: {e}")))?;
                        Some(self.data_key().seal(&json)?)
                    }
                    _ => None,
                };
                rows.push(serde_json::json!({
                    "r": recipient_id,
                    "n": i64::from(found.renewed()),
                    "c": changes_text(&found.changes),
                    "a": found.amount_now_fen,
                    "o": found.offer.map(|p| p.as_str()),
                    "oa": found.offer_amount_fen,
                    "e": evidence,
                }));
            }
            let rows = serde_json::Value::Array(rows).to_string();
            let ids = serde_json::to_string(&part.iter().map(|(id, _)| *id).collect::<Vec<_>>())
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let renewed = serde_json::to_string(
                &part
                    .iter()
                    .filter(|(_, found)| found.renewed())
                    .map(|(id, _)| *id)
                    .collect::<Vec<_>>(),
            )
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let (select, id_list) = match backend {
                Backend::Sqlite => (
                    "SELECT j.value ->> 'r', $1, j.value ->> 'n', j.value ->> 'c', j.value ->> 'a', j.value ->> 'o', \
                     j.value ->> 'oa', j.value ->> 'e', $2 FROM json_each($3) AS j WHERE true",
                    "SELECT value FROM json_each($4)",
                ),
                Backend::Postgres => (
                    "SELECT x.r, $1, x.n, x.c, x.a, x.o, x.oa, x.e, $2 \
                     FROM json_to_recordset($3::json) AS x(r bigint, n bigint, c text, a bigint, o text, oa bigint, e text)",
                    "SELECT CAST(v AS BIGINT) FROM json_array_elements_text($4::json) AS v",
                ),
            };
            let mut tx = self.write_tx().await?;
            sqlx::query(&format!(
                "INSERT INTO recipient_findings (recipient_id, month, renewed, changes, amount_now_fen, offer, offer_amount_fen, \
                 evidence_sealed, found_at) {select} \
                 ON CONFLICT (recipient_id, month) DO UPDATE SET renewed = excluded.renewed, changes = excluded.changes, \
                 amount_now_fen = excluded.amount_now_fen, offer = excluded.offer, offer_amount_fen = excluded.offer_amount_fen, \
                 evidence_sealed = excluded.evidence_sealed, found_at = excluded.found_at \
                 WHERE recipient_findings.decision IS NULL AND recipient_findings.offer_answer IS NULL"
            ))
            .bind(month)
            .bind(now)
            .bind(&rows)
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "UPDATE recipients SET renewed_on = $1, next_review_on = $2, updated_at = $3 WHERE id IN ({id_list})"
            ))
            .bind(day_number(today))
            .bind(next_review)
            .bind(now)
            .bind(&renewed)
            .execute(&mut *tx)
            .await?;
            // The month's regular payment of every active recipient of the part, once.
            sqlx::query(&format!(
                "INSERT INTO recipient_payments (recipient_id, month, kind, amount_fen, recorded_at, recorded_by) \
                 SELECT id, $1, $2, monthly_amount_fen, $3, $5 FROM recipients \
                 WHERE id IN ({id_list}) AND state = 'active' AND monthly_amount_fen > 0 \
                 ON CONFLICT (recipient_id, month, kind) DO NOTHING"
            ))
            .bind(month)
            .bind(PaymentKind::Regular.as_str())
            .bind(now)
            .bind(&ids)
            .bind(by.to_string())
            .execute(&mut *tx)
            .await?;
            // A transfer offered for the first time is told to the resident, with where to answer.
            for (recipient_id, found) in part {
                let Some(offer) = found.offer else { continue };
                let first = sqlx::query(
                    "SELECT a.reference, a.phone_sealed FROM recipients r JOIN applications a ON a.id = r.application_id \
                     WHERE r.id = $1 AND r.pending_programme IS NULL AND NOT EXISTS (SELECT 1 FROM recipient_findings f \
                     WHERE f.recipient_id = r.id AND f.offer = $2 AND f.month <> $3)",
                )
                .bind(recipient_id)
                .bind(offer.as_str())
                .bind(month)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = first {
                    let phone = self
                        .data_key()
                        .open(&row.try_get::<String, _>("phone_sealed")?)?;
                    self.queue_message(
                        &mut tx,
                        &phone,
                        &OutboxMessage::TransferOffer {
                            reference: row.try_get("reference")?,
                            programme: offer,
                        },
                    )
                    .await?;
                }
            }
            sqlx::query("UPDATE reverify_runs SET heartbeat_at = $1 WHERE id = $2")
                .bind(now)
                .bind(run_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// The month's warnings of the staff member's county, undecided first.
    pub async fn recipient_warnings(
        &self,
        staff: &StaffUser,
        month: &str,
    ) -> Result<Vec<WarningLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.id, a.reference, r.programme, r.monthly_amount_fen, f.amount_now_fen, f.changes, f.offer, f.decision, f.evidence_sealed \
             FROM recipient_findings f JOIN recipients r ON r.id = f.recipient_id JOIN applications a ON a.id = r.application_id \
             WHERE f.month = $1 AND f.renewed = 0 AND r.county = $2 \
             ORDER BY CASE WHEN f.decision IS NULL THEN 0 ELSE 1 END, f.id",
        )
        .bind(month)
        .bind(staff.county.id())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| self.warning_line(row)).collect()
    }

    fn warning_line(&self, row: &sqlx::any::AnyRow) -> Result<WarningLine, StoreError> {
        let evidence = match row.try_get::<Option<String>, _>("evidence_sealed")? {
            Some(sealed) => Some(
                serde_json::from_str(&self.data_key().open(&sealed)?)
                    .map_err(|e| StoreError::Corrupt(format!("evidence: {e}")))?,
            ),
            None => None,
        };
        Ok(WarningLine {
            finding_id: row.try_get("id")?,
            reference: row.try_get("reference")?,
            programme: programme_of(&row.try_get::<String, _>("programme")?)?,
            monthly_amount_fen: row.try_get("monthly_amount_fen")?,
            amount_now_fen: row.try_get("amount_now_fen")?,
            changes: changes_of(&row.try_get::<String, _>("changes")?),
            offer: row
                .try_get::<Option<String>, _>("offer")?
                .and_then(|p| ProgrammeId::parse(&p)),
            decision: row
                .try_get::<Option<String>, _>("decision")?
                .and_then(|d| Decision::parse(&d)),
            evidence,
        })
    }

    /// A person's decision on a warning, with its written reason: the recipient's amount or
    /// state changes, the resident gets an SMS with the decision and the way to object, and the
    /// audit log names who decided.
    pub async fn decide_warning(
        &self,
        staff: &StaffUser,
        finding_id: i64,
        decision: Decision,
        reason: &str,
        amount_fen: Option<i64>,
    ) -> Result<(), DecideError> {
        let reason = reason.trim();
        if staff.role == Role::Volunteer {
            return Err(DecideError::Volunteer);
        }
        if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
            return Err(DecideError::ReasonRequired);
        }
        let amount_fen = match decision {
            Decision::Adjust => match amount_fen {
                Some(fen) if fen > 0 => Some(fen),
                _ => return Err(DecideError::AmountRequired),
            },
            _ => None,
        };
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "SELECT f.recipient_id, f.decision, r.county, a.reference, a.phone_sealed FROM recipient_findings f \
             JOIN recipients r ON r.id = f.recipient_id JOIN applications a ON a.id = r.application_id WHERE f.id = $1 AND f.renewed = 0",
        )
        .bind(finding_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(DecideError::NotFound)?;
        if row.try_get::<String, _>("county")? != staff.county.id() {
            return Err(DecideError::OtherCounty);
        }
        if row.try_get::<Option<String>, _>("decision")?.is_some() {
            return Err(DecideError::Decided);
        }
        let recipient_id: i64 = row.try_get("recipient_id")?;
        let reference: String = row.try_get("reference")?;
        let now = self.now_unix();
        let decided = sqlx::query(
            "UPDATE recipient_findings SET decision = $1, decided_amount_fen = $2, decision_reason_sealed = $3, decided_by = $4, decided_at = $5 \
             WHERE id = $6 AND decision IS NULL",
        )
        .bind(decision.as_str())
        .bind(amount_fen)
        .bind(self.data_key().seal(reason)?)
        .bind(Actor::Staff { id: staff.id }.to_string())
        .bind(now)
        .bind(finding_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if decided == 0 {
            return Err(DecideError::Decided);
        }
        let today = casework::beijing_date(self.clock().now());
        sqlx::query(
            "UPDATE recipients SET state = $1, monthly_amount_fen = COALESCE($2, monthly_amount_fen), renewed_on = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(decision.state_after().as_str())
        .bind(amount_fen)
        .bind(day_number(today))
        .bind(now)
        .bind(recipient_id)
        .execute(&mut *tx)
        .await?;
        let phone = self
            .data_key()
            .open(&row.try_get::<String, _>("phone_sealed")?)?;
        self.queue_message(
            &mut tx,
            &phone,
            &OutboxMessage::RecipientDecision {
                reference: reference.clone(),
                decision,
                amount_fen,
            },
        )
        .await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action: "recipients.decide",
                subject: &reference,
                detail: &serde_json::json!({
                    "finding": finding_id,
                    "decision": decision.as_str(),
                    "amount_fen": amount_fen,
                })
                .to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps the published months of a price-index file; a month already held is replaced by
    /// the file's figures (the statistics bureau's revision) and the import is audited. A month
    /// whose subsidies have been paid keeps the figures they were paid on: a file that changes
    /// them is refused whole, and nothing is kept.
    pub async fn import_price_index(
        &self,
        months: &[PriceIndexMonth],
        by: &Actor,
    ) -> Result<(), PriceImportError> {
        let now = self.now_unix();
        let mut tx = self.write_tx().await?;
        for month in months {
            let month_text = month.month.to_string();
            let held = sqlx::query(
                "SELECT cpi_yoy_permille, food_cpi_yoy_permille FROM price_index_months WHERE month = $1",
            )
            .bind(&month_text)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(held) = held {
                let same = held.try_get::<i64, _>("cpi_yoy_permille")?
                    == i64::from(month.cpi_yoy_permille)
                    && held.try_get::<i64, _>("food_cpi_yoy_permille")?
                        == i64::from(month.food_cpi_yoy_permille);
                let paid = sqlx::query(
                    "SELECT 1 FROM recipient_payments WHERE month = $1 AND kind = $2 LIMIT 1",
                )
                .bind(&month_text)
                .bind(PaymentKind::PriceSubsidy.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
                if !same && paid {
                    return Err(PriceImportError::Paid(month.month));
                }
            }
            sqlx::query(
                "INSERT INTO price_index_months (month, cpi_yoy_permille, food_cpi_yoy_permille, imported_at, imported_by) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month) DO UPDATE SET cpi_yoy_permille = excluded.cpi_yoy_permille, \
                 food_cpi_yoy_permille = excluded.food_cpi_yoy_permille, imported_at = excluded.imported_at, imported_by = excluded.imported_by",
            )
            .bind(month.month.to_string())
            .bind(i64::from(month.cpi_yoy_permille))
            .bind(i64::from(month.food_cpi_yoy_permille))
            .bind(now)
            .bind(by.to_string())
            .execute(&mut *tx)
            .await?;
        }
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: by.clone(),
                action: "prices.import",
                subject: "price_index",
                detail: &serde_json::json!({
                    "months": months.iter().map(|m| m.month.to_string()).collect::<Vec<_>>(),
                })
                .to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest `limit` months of the price index held, newest first.
    pub async fn price_index_months(&self, limit: i64) -> Result<Vec<PriceIndexMonth>, StoreError> {
        let rows = sqlx::query(
            "SELECT month, cpi_yoy_permille, food_cpi_yoy_permille FROM price_index_months ORDER BY month DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(price_row).collect()
    }

    /// The price index of a month, if it has been imported.
    pub async fn price_index_month(
        &self,
        month: YearMonth,
    ) -> Result<Option<PriceIndexMonth>, StoreError> {
        let row = sqlx::query(
            "SELECT cpi_yoy_permille, food_cpi_yoy_permille FROM price_index_months WHERE month = $1",
        )
        .bind(month.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(|row| price_of(row, month)).transpose()
    }

    /// Pays the month's price-linkage subsidy when its price index triggers it: every active
    /// recipient of a covered programme gets the subsidy for the people their programme covers,
    /// at the 低保 standard of their area in force on the month's first day, once. Answers how
    /// many were paid and how much in all (none when the month does not trigger or has no index).
    pub async fn pay_price_subsidies(
        &self,
        month: YearMonth,
        rules: &LinkageRules,
        by: &Actor,
    ) -> Result<(u64, i64), StoreError> {
        let Some(index) = self.price_index_month(month).await? else {
            return Ok((0, 0));
        };
        let Some(trigger) = triggered(rules, &index) else {
            return Ok((0, 0));
        };
        let standards = *self.standards().on(month.first_day());
        let rows = sqlx::query(
            "SELECT id, programme, persons, area FROM recipients WHERE state = 'active' ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut payments: Vec<(i64, i64)> = Vec::new();
        for row in &rows {
            let programme = programme_of(&row.try_get::<String, _>("programme")?)?;
            let area = match row.try_get::<String, _>("area")?.as_str() {
                "rural" => rules::Area::Rural,
                _ => rules::Area::Urban,
            };
            let persons = u32::try_from(row.try_get::<i64, _>("persons")?).unwrap_or(0);
            let standard = standards.area(area).dibao_standard.to_whole_yuan();
            if let Some(fen) = subsidy_fen(rules, &trigger, programme, standard, persons) {
                if fen > 0 {
                    payments.push((row.try_get("id")?, fen));
                }
            }
        }
        let month_text = month.to_string();
        let now = self.now_unix();
        let mut paid = (0u64, 0i64);
        for part in payments.chunks(FINDINGS_PER_TRANSACTION) {
            let mut tx = self.write_tx().await?;
            for (recipient_id, fen) in part {
                let inserted = sqlx::query(
                    "INSERT INTO recipient_payments (recipient_id, month, kind, amount_fen, recorded_at, recorded_by) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (recipient_id, month, kind) DO NOTHING",
                )
                .bind(recipient_id)
                .bind(&month_text)
                .bind(PaymentKind::PriceSubsidy.as_str())
                .bind(fen)
                .bind(now)
                .bind(by.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted > 0 {
                    paid.0 += 1;
                    paid.1 += fen;
                }
            }
            tx.commit().await?;
        }
        Ok(paid)
    }

    /// The resident's answer to a direct transfer offered by the monthly re-check (the caller has
    /// checked that this browser may open the case). Agreed: the case goes straight to the
    /// public notice (低保 → 特困) or to review (低保边缘 → 低保/特困), paid as before until the
    /// new decision, which applies the transfer. Either answer is kept and audited.
    pub async fn answer_transfer(
        &self,
        reference: &str,
        agree: bool,
    ) -> Result<Option<casework::CaseState>, TransferError> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "SELECT a.id AS application_id, a.phone_sealed, r.id AS recipient_id, r.programme, f.id AS finding_id, f.offer, f.offer_amount_fen, \
             a.status, a.submitted_at, a.advance_due_at, a.advance_paid_at, a.decision_due_at, a.notice_ends_at FROM recipients r JOIN applications a ON a.id = r.application_id \
             JOIN recipient_findings f ON f.recipient_id = r.id \
             WHERE a.reference = $1 AND f.offer IS NOT NULL AND f.offer_answer IS NULL AND r.pending_programme IS NULL \
             ORDER BY f.month DESC LIMIT 1",
        )
        .bind(reference)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(TransferError::NotOffered)?;
        let finding_id: i64 = row.try_get("finding_id")?;
        let offer = programme_of(&row.try_get::<String, _>("offer")?)?;
        let from = programme_of(&row.try_get::<String, _>("programme")?)?;
        let now = self.clock().now();
        let answered = sqlx::query(
            "UPDATE recipient_findings SET offer_answer = $1, offer_answered_at = $2 WHERE id = $3 AND offer_answer IS NULL",
        )
        .bind(if agree { "agreed" } else { "declined" })
        .bind(now.unix_timestamp())
        .bind(finding_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if answered == 0 {
            return Err(TransferError::Conflict);
        }
        let mut moved_to = None;
        if agree {
            let application_id: i64 = row.try_get("application_id")?;
            let times = crate::applications::case_times(&row, self.workflow_limits())?;
            let action = match from {
                ProgrammeId::Marginal => casework::CaseAction::TransferToReview,
                _ => casework::CaseAction::TransferToNotice,
            };
            let next = casework::next_state(times.state, action)?;
            let moved = sqlx::query(
                "UPDATE applications SET status = $1, notice_ends_at = $2 WHERE id = $3 AND status = $4",
            )
            .bind(next.as_str())
            .bind(
                (next == casework::CaseState::PublicNotice).then(|| {
                    self.workflow_limits()
                        .notice_ends(times.submitted_at, now)
                        .unix_timestamp()
                }),
            )
            .bind(application_id)
            .bind(times.state.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 0 {
                return Err(TransferError::Conflict);
            }
            sqlx::query(
                "INSERT INTO application_events (application_id, state, at, note, actor, acted_by) VALUES ($1, $2, $3, '', $4, $5)",
            )
            .bind(application_id)
            .bind(next.as_str())
            .bind(now.unix_timestamp())
            .bind(crate::applications::APPLICANT_ACTOR)
            .bind(Actor::Applicant.to_string())
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE recipients SET pending_programme = $1, pending_amount_fen = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(offer.as_str())
            .bind(row.try_get::<Option<i64>, _>("offer_amount_fen")?.unwrap_or(0))
            .bind(now.unix_timestamp())
            .bind(row.try_get::<i64, _>("recipient_id")?)
            .execute(&mut *tx)
            .await?;
            let phone = self
                .data_key()
                .open(&row.try_get::<String, _>("phone_sealed")?)?;
            self.queue_message(
                &mut tx,
                &phone,
                &OutboxMessage::CaseState {
                    reference: reference.to_owned(),
                    state: next,
                },
            )
            .await?;
            moved_to = Some(next);
        }
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Applicant,
                action: "case.transfer",
                subject: reference,
                detail: &serde_json::json!({
                    "from": from.as_str(),
                    "to": offer.as_str(),
                    "agreed": agree,
                    "state": moved_to.map(|s| s.as_str()),
                })
                .to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(moved_to)
    }

    /// A resident says a payment shown on the tracking page did not arrive (the caller has
    /// checked that this browser may open the case). Kept once per month and kind, audited, and
    /// listed for the county's caseworkers. Answers false when there is no such payment.
    pub async fn report_missing_payment(
        &self,
        reference: &str,
        month: &str,
        kind: PaymentKind,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let Some(recipient_id) = sqlx::query_scalar::<_, i64>(
            "SELECT p.recipient_id FROM recipient_payments p JOIN recipients r ON r.id = p.recipient_id \
             JOIN applications a ON a.id = r.application_id WHERE a.reference = $1 AND p.month = $2 AND p.kind = $3",
        )
        .bind(reference)
        .bind(month)
        .bind(kind.as_str())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        sqlx::query(
            "INSERT INTO missing_payments (recipient_id, month, kind, reported_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (recipient_id, month, kind) DO NOTHING",
        )
        .bind(recipient_id)
        .bind(month)
        .bind(kind.as_str())
        .bind(self.now_unix())
        .execute(&mut *tx)
        .await?;
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Applicant,
                action: "recipients.missing_payment",
                subject: reference,
                detail: &serde_json::json!({ "month": month, "kind": kind.as_str() }).to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The payments residents of the county said did not arrive, newest first: (reference,
    /// month, kind, when said).
    pub async fn missing_payments(
        &self,
        staff: &StaffUser,
    ) -> Result<Vec<(String, String, PaymentKind, i64)>, StoreError> {
        sqlx::query(
            "SELECT a.reference, m.month, m.kind, m.reported_at FROM missing_payments m \
             JOIN recipients r ON r.id = m.recipient_id JOIN applications a ON a.id = r.application_id \
             WHERE r.county = $1 ORDER BY m.reported_at DESC, m.id DESC LIMIT 200",
        )
        .bind(staff.county.id())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get("reference")?,
                row.try_get("month")?,
                payment_kind_of(row)?,
                row.try_get("reported_at")?,
            ))
        })
        .collect()
    }

    /// The month of a finding, if there is one.
    pub async fn finding_month(&self, finding_id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT month FROM recipient_findings WHERE id = $1")
                .bind(finding_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// The assistance of a case's household, for the resident's tracking page.
    pub async fn recipient_of_case(
        &self,
        reference: &str,
    ) -> Result<Option<RecipientView>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT r.id, r.programme, r.monthly_amount_fen, r.persons, r.started_on, r.next_review_on, r.state, r.pending_programme \
             FROM recipients r JOIN applications a ON a.id = r.application_id WHERE a.reference = $1",
        )
        .bind(reference)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let payments = sqlx::query(
            "SELECT month, kind, amount_fen FROM recipient_payments WHERE recipient_id = $1 ORDER BY month DESC, kind LIMIT 24",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|p| Ok((p.try_get("month")?, payment_kind_of(p)?, p.try_get("amount_fen")?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
        let decision = match sqlx::query(
            "SELECT decision, decided_at, decision_reason_sealed FROM recipient_findings \
             WHERE recipient_id = $1 AND decision IS NOT NULL ORDER BY decided_at DESC, id DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        {
            Some(d) => {
                let what: String = d.try_get("decision")?;
                let reason: Option<String> = d.try_get("decision_reason_sealed")?;
                Some((
                    Decision::parse(&what)
                        .ok_or_else(|| StoreError::Corrupt(format!("a decision {what}")))?,
                    d.try_get::<Option<i64>, _>("decided_at")?.unwrap_or_default(),
                    match reason {
                        Some(sealed) => self.data_key().open(&sealed)?,
                        None => String::new(),
                    },
                ))
            }
            None => None,
        };
        // The transfer reopens an approved case: none is offered while the case is elsewhere.
        let offer = sqlx::query(
            "SELECT f.offer, f.offer_amount_fen FROM recipient_findings f JOIN recipients r ON r.id = f.recipient_id \
             JOIN applications a ON a.id = r.application_id \
             WHERE f.recipient_id = $1 AND f.offer IS NOT NULL AND f.offer_answer IS NULL AND a.status IN ('approved', 'paying') \
             ORDER BY f.month DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .map(|o| -> Result<_, StoreError> {
            Ok((
                programme_of(&o.try_get::<String, _>("offer")?)?,
                o.try_get::<Option<i64>, _>("offer_amount_fen")?.unwrap_or(0),
            ))
        })
        .transpose()?;
        let not_made = sqlx::query(
            "SELECT offer, offer_answer FROM recipient_findings WHERE recipient_id = $1 AND offer_answer IN ('agreed', 'not_made') \
             ORDER BY offer_answered_at DESC, id DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .filter(|f| f.try_get::<String, _>("offer_answer").is_ok_and(|a| a == "not_made"))
        .map(|f| programme_of(&f.try_get::<String, _>("offer")?))
        .transpose()?;
        let missing = sqlx::query(
            "SELECT month, kind FROM missing_payments WHERE recipient_id = $1 ORDER BY month DESC, kind",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|m| Ok((m.try_get("month")?, payment_kind_of(m)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
        let pending = row
            .try_get::<Option<String>, _>("pending_programme")?
            .and_then(|p| ProgrammeId::parse(&p));
        let state: String = row.try_get("state")?;
        Ok(Some(RecipientView {
            offer: offer.filter(|_| pending.is_none()),
            transfer_not_made: not_made,
            pending,
            missing,
            decision,
            programme: programme_of(&row.try_get::<String, _>("programme")?)?,
            monthly_amount_fen: row.try_get("monthly_amount_fen")?,
            persons: row.try_get("persons")?,
            started_on: day_of(row.try_get("started_on")?)?,
            next_review_on: day_of(row.try_get("next_review_on")?)?,
            state: RecipientState::parse(&state)
                .ok_or_else(|| StoreError::Corrupt(format!("a recipient state {state}")))?,
            payments,
        }))
    }

    /// The month's report: what the re-check found, what people decided, what was paid.
    pub async fn month_report(&self, month: &str) -> Result<MonthReport, StoreError> {
        let mut report = MonthReport {
            month: month.to_owned(),
            ..MonthReport::default()
        };
        let rows = sqlx::query(
            "SELECT renewed, changes, offer, decision FROM recipient_findings WHERE month = $1",
        )
        .bind(month)
        .fetch_all(self.pool())
        .await?;
        for row in &rows {
            let renewed = row.try_get::<i64, _>("renewed")? != 0;
            let offered = row.try_get::<Option<String>, _>("offer")?.is_some();
            report
                .checked
                .add_finding(&changes_of(&row.try_get::<String, _>("changes")?), offered);
            match row
                .try_get::<Option<String>, _>("decision")?
                .and_then(|d| Decision::parse(&d))
            {
                Some(Decision::Continue) => report.continued += 1,
                Some(Decision::Adjust) => report.adjusted += 1,
                Some(Decision::Suspend) => report.suspended += 1,
                Some(Decision::Stop) => report.stopped += 1,
                None if !renewed => report.waiting += 1,
                None => {}
            }
        }
        for row in sqlx::query(
            "SELECT kind, COUNT(*) AS n, CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS fen FROM recipient_payments WHERE month = $1 GROUP BY kind",
        )
        .bind(month)
        .fetch_all(self.pool())
        .await?
        {
            let n: i64 = row.try_get("n")?;
            let fen: i64 = row.try_get("fen")?;
            match PaymentKind::parse(&row.try_get::<String, _>("kind")?) {
                Some(PaymentKind::PriceSubsidy) => {
                    report.subsidies += n as u64;
                    report.subsidies_fen += fen;
                }
                Some(_) => {
                    report.payments += n as u64;
                    report.paid_fen += fen;
                }
                None => {}
            }
        }
        Ok(report)
    }
}

fn price_of(row: &sqlx::any::AnyRow, month: YearMonth) -> Result<PriceIndexMonth, StoreError> {
    let permille = |column: &str| -> Result<i32, StoreError> {
        i32::try_from(row.try_get::<i64, _>(column)?)
            .map_err(|_| StoreError::Corrupt("a price index out of range".into()))
    };
    Ok(PriceIndexMonth {
        month,
        cpi_yoy_permille: permille("cpi_yoy_permille")?,
        food_cpi_yoy_permille: permille("food_cpi_yoy_permille")?,
    })
}

fn price_row(row: &sqlx::any::AnyRow) -> Result<PriceIndexMonth, StoreError> {
    let month = row
        .try_get::<String, _>("month")?
        .parse::<YearMonth>()
        .map_err(|_| StoreError::Corrupt("a price index month that does not read".into()))?;
    price_of(row, month)
}
