//! The figures the dashboard shows: cases per state and the deadline shares, per county and in all.

use casework::CaseState;
use serde::{Deserialize, Serialize};

use super::states::{group_of, Group};

/// One deadline's figures: done on time, missed, and of the missed those still open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub on_time: i64,
    pub missed: i64,
    pub overdue: i64,
    /// Whole percent on time, `None` when nothing can be measured yet.
    pub percent: Option<i64>,
}

impl Share {
    pub(super) fn measured(&self) -> i64 {
        self.on_time + self.missed
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresRow {
    /// Cases per state id, every state in the workflow's order.
    pub cases: Vec<(CaseState, i64)>,
    pub critical: Share,
    pub urgent: Share,
    pub decisions: Share,
}

impl FiguresRow {
    pub(super) fn total(&self) -> i64 {
        self.cases.iter().map(|(_, n)| n).sum()
    }

    pub(super) fn in_group(&self, group: Group) -> i64 {
        self.cases
            .iter()
            .filter(|(s, _)| group_of(*s) == group)
            .map(|(_, n)| n)
            .sum()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub period: String,
    pub as_of: i64,
    /// The viewer's own county id, highlighted.
    pub own_county: String,
    /// (county id, figures), every county in the official order.
    pub counties: Vec<(String, FiguresRow)>,
    pub total: FiguresRow,
    /// Proactive discovery's funnel in the viewer's county.
    pub discovery: crate::staff::FunnelView,
    /// Referrals of the viewer's county by partner: (partner, waiting, overdue, helped,
    /// declined, fen given).
    #[serde(default)]
    pub referrals: Vec<(String, i64, i64, i64, i64, i64)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum DashboardAccess {
    Forbidden,
    Allowed(Box<DashboardData>),
}
