//! The supervisors' dashboard: how many cases are in which state in each county, and how often
//! the deadlines of POLICY.md §4 were kept (advance help within 2 h / 24 h, decisions within
//! their limit). Aggregate numbers only; every look is in the audit log.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::audit::AuditEntry;
use crate::db::Store;
use crate::error::StoreError;
use crate::staff::{Role, StaffUser};
use casework::Actor;
use casework::County;
use casework::{next_state, CaseAction, CaseState};

/// Which cases the dashboard counts: those submitted in the last so many days, or all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Period {
    #[default]
    Last30Days,
    Last90Days,
    Last365Days,
    AllTime,
}

impl Period {
    pub const ALL: [Period; 4] = [
        Period::Last30Days,
        Period::Last90Days,
        Period::Last365Days,
        Period::AllTime,
    ];

    /// The stable id used in URLs (`?period=90d`).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Last30Days => "30d",
            Period::Last90Days => "90d",
            Period::Last365Days => "365d",
            Period::AllTime => "all",
        }
    }

    pub fn parse(text: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == text.trim())
    }

    fn days(self) -> Option<i64> {
        match self {
            Period::Last30Days => Some(30),
            Period::Last90Days => Some(90),
            Period::Last365Days => Some(365),
            Period::AllTime => None,
        }
    }

    /// The earliest submission time counted, in unix seconds.
    fn since(self, now: OffsetDateTime) -> i64 {
        self.days().map_or(i64::MIN, |days| {
            (now - time::Duration::days(days)).unix_timestamp()
        })
    }
}

/// How one deadline was kept. A case still inside its window and not yet done counts in
/// neither `on_time` nor `missed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compliance {
    /// Done by the deadline.
    pub on_time: i64,
    /// Done late, or the deadline passed and it is not done.
    pub missed: i64,
    /// Of the missed: still open and not done, so someone can still act now.
    pub overdue: i64,
}

impl Compliance {
    /// The cases whose outcome is known: done, or past their deadline.
    pub fn measured(&self) -> i64 {
        self.on_time + self.missed
    }

    /// The share done on time in whole percent, rounded down (99.6 % is not 100 %); `None`
    /// when nothing can be measured yet.
    pub fn percent_on_time(&self) -> Option<i64> {
        let measured = self.measured();
        (measured > 0).then(|| self.on_time * 100 / measured)
    }

    fn add(&mut self, other: &Compliance) {
        self.on_time += other.on_time;
        self.missed += other.missed;
        self.overdue += other.overdue;
    }
}

/// The figures of one county, or of all of them together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// Cases per state, every state of [`CaseState::ALL`] in that order, zeros included.
    pub cases: Vec<(CaseState, i64)>,
    /// Emergencies with urgency `critical`: advance help within 2 hours.
    pub critical: Compliance,
    /// Emergencies with urgency `urgent`: advance help within 24 hours.
    pub urgent: Compliance,
    /// Decisions (approve or reject) by the decision deadline set at acceptance.
    pub decisions: Compliance,
}

impl Default for Figures {
    fn default() -> Self {
        Self {
            cases: CaseState::ALL.iter().copied().map(|s| (s, 0)).collect(),
            critical: Compliance::default(),
            urgent: Compliance::default(),
            decisions: Compliance::default(),
        }
    }
}

impl Figures {
    pub fn cases_in(&self, state: CaseState) -> i64 {
        self.cases
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n)
    }

    pub fn total_cases(&self) -> i64 {
        self.cases.iter().map(|(_, n)| n).sum()
    }

    fn add(&mut self, other: &Figures) {
        for ((_, mine), (_, theirs)) in self.cases.iter_mut().zip(&other.cases) {
            *mine += theirs;
        }
        self.critical.add(&other.critical);
        self.urgent.add(&other.urgent);
        self.decisions.add(&other.decisions);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub period: Period,
    /// When the figures were read: "overdue" and "missed" are as of this moment.
    pub as_of: OffsetDateTime,
    /// Every county of [`County::ALL`], in that order, also those without cases.
    pub counties: Vec<(County, Figures)>,
    pub total: Figures,
}

impl Dashboard {
    pub fn county(&self, county: County) -> Option<&Figures> {
        self.counties
            .iter()
            .find(|(c, _)| *c == county)
            .map(|(_, f)| f)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error("only supervisors and administrators see the dashboard")]
    NotAllowed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for DashboardError {
    fn from(e: sqlx::Error) -> Self {
        DashboardError::Store(StoreError::from(e))
    }
}

/// States in which advance help can still be recorded, so an overdue one can still be given
/// (once some was given, a further advance is not owed).
fn awaiting_advance(state: CaseState) -> bool {
    state != CaseState::AdvancePaid && next_state(state, CaseAction::RecordAdvance).is_ok()
}

/// States from which a decision can still come.
fn awaiting_decision(state: CaseState) -> bool {
    !state.is_final()
        && !matches!(
            state,
            CaseState::Approved | CaseState::Rejected | CaseState::Paying | CaseState::Referred
        )
}

/// `'a', 'b'` for a SQL `IN` list; the states are our own constants, never input.
fn state_list(keep: fn(CaseState) -> bool) -> String {
    CaseState::ALL
        .iter()
        .copied()
        .filter(|s| keep(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The three sums of one deadline over the cases of a group. `$2` is now. A case that left the
/// procedure (withdrawn or referred) before its deadline, without the step done, needs it no
/// more and counts in neither; one that left after its deadline had already missed it.
fn compliance_sums(name: &str, which: &str, done: &str, due: &str, open: &str) -> String {
    let sum = |condition: String, column: &str| {
        format!("CAST(COALESCE(SUM(CASE WHEN {which} AND {due} IS NOT NULL AND {condition} THEN 1 ELSE 0 END), 0) AS BIGINT) AS {name}_{column}")
    };
    [
        sum(format!("{done} IS NOT NULL AND {done} <= {due}"), "on_time"),
        sum(
            format!(
                "(({done} IS NOT NULL AND {done} > {due}) OR \
                 ({done} IS NULL AND {due} < $2 AND (left_at IS NULL OR left_at > {due})))"
            ),
            "missed",
        ),
        sum(
            format!("{done} IS NULL AND {due} < $2 AND status IN ({open})"),
            "overdue",
        ),
    ]
    .join(", ")
}

fn compliance_query() -> String {
    let advance = state_list(awaiting_advance);
    let decision = state_list(awaiting_decision);
    let columns = [
        compliance_sums(
            "critical",
            "emergency_urgency = 'critical'",
            "advance_paid_at",
            "advance_due_at",
            &advance,
        ),
        compliance_sums(
            "urgent",
            "emergency_urgency = 'urgent'",
            "advance_paid_at",
            "advance_due_at",
            &advance,
        ),
        compliance_sums(
            "decisions",
            "1 = 1",
            "decided_at",
            "decision_due_at",
            &decision,
        ),
    ]
    .join(", ");
    format!(
        "SELECT county, {columns} FROM (\
           SELECT a.county, a.status, a.emergency_urgency, a.advance_due_at, a.advance_paid_at, \
                  a.decision_due_at, a.decided_at, \
                  (SELECT MIN(e.at) FROM application_events e \
                    WHERE e.application_id = a.id AND e.state IN ('withdrawn', 'referred')) AS left_at \
           FROM applications a WHERE a.submitted_at >= $1) c \
         GROUP BY county"
    )
}

fn read_compliance(row: &sqlx::any::AnyRow, name: &str) -> Result<Compliance, sqlx::Error> {
    use sqlx::Row;
    Ok(Compliance {
        on_time: row.try_get(format!("{name}_on_time").as_str())?,
        missed: row.try_get(format!("{name}_missed").as_str())?,
        overdue: row.try_get(format!("{name}_overdue").as_str())?,
    })
}

fn county_of(id: &str) -> Result<County, StoreError> {
    id.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown county {id:?}")))
}

impl Store {
    /// The dashboard over the cases submitted in `period`, for a supervisor or an administrator.
    pub async fn dashboard(
        &self,
        staff: &StaffUser,
        period: Period,
    ) -> Result<Dashboard, DashboardError> {
        use sqlx::Row;
        if !matches!(staff.role, Role::Supervisor | Role::Admin) {
            return Err(DashboardError::NotAllowed);
        }
        let as_of = self.clock().now();
        let since = period.since(as_of);
        let mut figures: HashMap<County, Figures> = County::ALL
            .iter()
            .copied()
            .map(|c| (c, Figures::default()))
            .collect();

        let counts = sqlx::query(
            "SELECT county, status, CAST(COUNT(*) AS BIGINT) AS cases FROM applications \
             WHERE submitted_at >= $1 GROUP BY county, status",
        )
        .bind(since)
        .fetch_all(self.pool())
        .await?;
        for row in &counts {
            let county = county_of(&row.try_get::<String, _>("county")?)?;
            let status: String = row.try_get("status")?;
            let state = CaseState::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown case state {status:?}")))?;
            let cases: i64 = row.try_get("cases")?;
            if let Some(entry) = figures
                .get_mut(&county)
                .and_then(|f| f.cases.iter_mut().find(|(s, _)| *s == state))
            {
                entry.1 += cases;
            }
        }

        let compliance = sqlx::query(&compliance_query())
            .bind(since)
            .bind(as_of.unix_timestamp())
            .fetch_all(self.pool())
            .await?;
        for row in &compliance {
            let county = county_of(&row.try_get::<String, _>("county")?)?;
            if let Some(f) = figures.get_mut(&county) {
                f.critical = read_compliance(row, "critical")?;
                f.urgent = read_compliance(row, "urgent")?;
                f.decisions = read_compliance(row, "decisions")?;
            }
        }

        let counties: Vec<(County, Figures)> = County::ALL
            .iter()
            .copied()
            .map(|c| (c, figures.remove(&c).unwrap_or_default()))
            .collect();
        let mut total = Figures::default();
        for (_, f) in &counties {
            total.add(f);
        }

        let mut tx = self.write_tx().await?;
        let detail = serde_json::json!({ "period": period.as_str(), "county": staff.county.id() })
            .to_string();
        self.append_audit(
            &mut tx,
            AuditEntry {
                actor: Actor::Staff { id: staff.id },
                action: "dashboard.view",
                subject: period.as_str(),
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Dashboard {
            period,
            as_of,
            counties,
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_back_from_their_ids() {
        for period in Period::ALL {
            assert_eq!(Period::parse(period.as_str()), Some(period));
        }
        assert_eq!(Period::parse("7d"), None);
    }

    #[test]
    fn a_share_rounds_down_and_is_absent_without_cases() {
        let share = |on_time, missed| Compliance {
            on_time,
            missed,
            overdue: 0,
        };
        assert_eq!(share(0, 0).percent_on_time(), None);
        assert_eq!(share(199, 1).percent_on_time(), Some(99));
        assert_eq!(share(1, 2).percent_on_time(), Some(33));
        assert_eq!(share(3, 0).percent_on_time(), Some(100));
    }

    #[test]
    fn overdue_means_someone_can_still_act() {
        assert!(awaiting_advance(CaseState::Submitted));
        assert!(!awaiting_advance(CaseState::AdvancePaid));
        assert!(!awaiting_advance(CaseState::Withdrawn));
        assert!(awaiting_decision(CaseState::Review));
        assert!(!awaiting_decision(CaseState::Approved));
        assert!(!awaiting_decision(CaseState::Referred));
    }
}
