//! The caseworkers' queue: the open applications of one county in the order their deadlines
//! fall due, emergencies still owed advance help first, cases with no deadline of their own last,
//! a page of 50 at a time, and a search of the county's cases by reference, phone or name.
//! Every look at it is in the audit log.

use identity::MobileNumber;
use rules::Urgency;
use sqlx::Row;
use time::OffsetDateTime;

use super::case::{case_times, TIME_COLUMNS};
use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::staff::{Role, StaffUser};
use casework::Actor;
use casework::CaseTimes;
use casework::County;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub reference: String,
    pub applicant_name: String,
    /// The state and the times its deadline follows from (`times.next_step()`, `times.overdue(now)`).
    pub times: CaseTimes,
    /// The emergency's urgency, while advance help is still owed.
    pub emergency: Option<Urgency>,
    pub missing_documents: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("volunteers do not see cases")]
    NotAllowed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How many cases one page of the queue shows.
pub const QUEUE_PAGE: i64 = 50;

/// The longest search text taken, in characters (a reference, a phone or a name is far shorter).
const SEARCH_MAX_CHARS: usize = 40;

/// What a caseworker looks for in their county's cases. The phone and the name are compared
/// through their keyed hashes only: nothing sealed is opened in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueSearch {
    /// A reference number, as printed (`JSJ-2026-000001`).
    Reference(String),
    /// The applicant's or a family submitter's mobile number.
    Phone(MobileNumber),
    /// The applicant's name (see [`super::normalise_name`]).
    Name(String),
}

/// Why a search text was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SearchProblem {
    #[error("the search is longer than {SEARCH_MAX_CHARS} characters")]
    TooLong,
    #[error("a reference looks like JSJ-2026-000001")]
    Reference,
    #[error("a mobile number has 11 digits and starts with 1")]
    Phone,
}

impl QueueSearch {
    /// What a typed search means: a reference, a mobile number, or else a name. `None` for an
    /// empty box (the whole queue).
    pub fn parse(text: &str) -> Result<Option<QueueSearch>, SearchProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > SEARCH_MAX_CHARS {
            return Err(SearchProblem::TooLong);
        }
        let upper = text.to_ascii_uppercase();
        if upper.starts_with("JSJ") {
            let parts: Vec<&str> = upper.split('-').collect();
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            return match parts.as_slice() {
                ["JSJ", year, number] if digits(year, 4) && digits(number, 6) => {
                    Ok(Some(QueueSearch::Reference(upper)))
                }
                _ => Err(SearchProblem::Reference),
            };
        }
        let looks_numeric = text
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-' || c == '+');
        if looks_numeric {
            return text
                .parse::<MobileNumber>()
                .map(|phone| Some(QueueSearch::Phone(phone)))
                .map_err(|_| SearchProblem::Phone);
        }
        Ok(Some(QueueSearch::Name(super::normalise_name(text))))
    }

    fn kind(&self) -> &'static str {
        match self {
            QueueSearch::Reference(_) => "reference",
            QueueSearch::Phone(_) => "phone",
            QueueSearch::Name(_) => "name",
        }
    }
}

/// One page of the queue (or of a search's results).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// Every case the queue (or the search) holds, on all pages.
    pub total: i64,
    /// This page, from 1; a page past the end shows the last.
    pub page: i64,
    /// How many pages there are (at least 1).
    pub pages: i64,
}

impl Store {
    /// One page of the open cases of the staff member's own county (POLICY.md §5: staff see only
    /// their area), in deadline order; with a search, that county's cases that match it, open or
    /// ended. Only the page shown is unsealed; every look is audited (without what was searched).
    pub async fn case_queue(
        &self,
        staff: &StaffUser,
        page: i64,
        search: Option<&QueueSearch>,
    ) -> Result<QueuePage, QueueError> {
        if staff.role == Role::Volunteer {
            return Err(QueueError::NotAllowed);
        }
        let county: County = staff.county;
        let (filter, key) = match search {
            // A rejected case stays until it is referred on or closed.
            None => (
                "a.status NOT IN ('closed', 'withdrawn')".to_owned(),
                None,
            ),
            Some(QueueSearch::Reference(reference)) => {
                ("a.reference = $2".to_owned(), Some(reference.clone()))
            }
            Some(QueueSearch::Phone(phone)) => (
                "EXISTS (SELECT 1 FROM application_phones p WHERE p.application_id = a.id AND p.phone_index = $2)"
                    .to_owned(),
                Some(self.phone_index(phone).as_str().to_owned()),
            ),
            Some(QueueSearch::Name(name)) => {
                ("a.name_index = $2".to_owned(), Some(self.name_index(name)))
            }
        };
        // Every matching case is read with its times (no names yet), since the order follows
        // deadlines computed from them.
        let sql = format!(
            "SELECT a.reference, a.applicant_name_sealed, a.emergency_urgency, {TIME_COLUMNS}, \
             (SELECT COUNT(*) FROM application_documents d WHERE d.application_id = a.id AND d.status = 'missing') AS missing \
             FROM applications a WHERE a.county = $1 AND {filter}"
        );
        let mut query = sqlx::query(&sql).bind(county.id());
        if let Some(key) = key {
            query = query.bind(key);
        }
        let rows = query
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::from)?;
        let mut cases = Vec::with_capacity(rows.len());
        for row in &rows {
            let times = case_times(row, self.workflow_limits())?;
            cases.push((queue_order(&times), times, row));
        }
        cases.sort_by_key(|case| case.0);
        let total = i64::try_from(cases.len()).unwrap_or(i64::MAX);
        let pages = ((total + QUEUE_PAGE - 1) / QUEUE_PAGE).max(1);
        let page = page.clamp(1, pages);
        let skip = usize::try_from((page - 1) * QUEUE_PAGE).unwrap_or(usize::MAX);
        let take = usize::try_from(QUEUE_PAGE).unwrap_or(usize::MAX);
        let mut items = Vec::with_capacity(take.min(cases.len()));
        for (_, times, row) in cases.into_iter().skip(skip).take(take) {
            let emergency = row
                .try_get::<Option<String>, _>("emergency_urgency")
                .map_err(StoreError::from)?
                .and_then(|u| Urgency::parse(&u))
                .filter(|_| times.advance_owed());
            items.push(QueueItem {
                reference: row.try_get("reference").map_err(StoreError::from)?,
                applicant_name: self.data_key().open(
                    &row.try_get::<String, _>("applicant_name_sealed")
                        .map_err(StoreError::from)?,
                )?,
                times,
                emergency,
                missing_documents: row.try_get("missing").map_err(StoreError::from)?,
            });
        }
        let mut tx = self.write_tx().await?;
        let detail = serde_json::json!({
            "cases": items.len(),
            "total": total,
            "page": page,
            "search": search.map(QueueSearch::kind),
        })
        .to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action: "cases.queue.view",
                subject: county.id(),
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(QueuePage {
            items,
            total,
            page,
            pages,
        })
    }
}

/// Where a case stands in the queue: advance help still owed first, then by the deadline being
/// worked to, then cases waiting on no deadline; the oldest first among equals.
fn queue_order(times: &CaseTimes) -> (bool, bool, Option<OffsetDateTime>, OffsetDateTime) {
    let due = times.next_step().deadline.map(|d| d.due_at);
    (
        !times.advance_owed(),
        due.is_none(),
        due,
        times.submitted_at,
    )
}

#[cfg(test)]
mod tests {
    use super::{QueueSearch, SearchProblem};

    #[test]
    fn a_search_is_a_reference_a_phone_or_a_name() {
        assert_eq!(QueueSearch::parse("  "), Ok(None));
        assert_eq!(
            QueueSearch::parse("jsj-2026-000123"),
            Ok(Some(QueueSearch::Reference("JSJ-2026-000123".into())))
        );
        assert_eq!(
            QueueSearch::parse("JSJ-2026-12"),
            Err(SearchProblem::Reference)
        );
        assert!(matches!(
            QueueSearch::parse("138 0013 8000"),
            Ok(Some(QueueSearch::Phone(_)))
        ));
        assert_eq!(QueueSearch::parse("1380013800"), Err(SearchProblem::Phone));
        assert_eq!(
            QueueSearch::parse("张 三"),
            Ok(Some(QueueSearch::Name("张三".into())))
        );
        assert_eq!(
            QueueSearch::parse(&"长".repeat(41)),
            Err(SearchProblem::TooLong)
        );
    }
}
