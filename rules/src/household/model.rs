//! The valid model: incomes, members, the emergency and the household, in fen.

use serde::{Deserialize, Serialize};

use super::{Area, DisabilityKind, EmergencyKind, IncomeKind, SelfCare, Urgency};
use crate::money::Fen;

/// One income, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Income {
    pub kind: IncomeKind,
    pub monthly: Fen,
}

/// A valid member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub age: u8,
    /// 1 (most severe) to 4.
    pub disability_grade: Option<u8>,
    pub disability_kind: Option<DisabilityKind>,
    pub serious_illness: bool,
    pub can_work: bool,
    pub employed: bool,
    pub student: bool,
    pub has_able_supporter: bool,
    pub self_care: SelfCare,
    pub incomes: Vec<Income>,
}

impl Member {
    /// A member of that age with no disability, illness, work, supporter or income.
    pub fn new(age: u8) -> Member {
        Member {
            age,
            disability_grade: None,
            disability_kind: None,
            serious_illness: false,
            can_work: false,
            employed: false,
            student: false,
            has_able_supporter: false,
            self_care: SelfCare::Full,
            incomes: Vec::new(),
        }
    }

    /// Adds an income (builder style).
    pub fn with_income(mut self, kind: IncomeKind, monthly: Fen) -> Member {
        self.incomes.push(Income { kind, monthly });
        self
    }

    /// Sets the disability (builder style).
    pub fn with_disability(mut self, grade: u8, kind: DisabilityKind) -> Member {
        self.disability_grade = Some(grade);
        self.disability_kind = Some(kind);
        self
    }

    /// The member's own counted (non-exempt) monthly income.
    pub fn counted_income(&self) -> Fen {
        self.incomes
            .iter()
            .filter(|i| !i.kind.is_exempt())
            .fold(Fen::ZERO, |sum, i| sum.saturating_add(i.monthly))
    }
}

/// A declared emergency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emergency {
    pub kind: EmergencyKind,
    pub urgency: Urgency,
}

/// A valid household, ready for [`crate::evaluate`]. Fields are public so that batch screening
/// can build households without going through JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub area: Area,
    /// Co-resident members; N = `members.len()`.
    pub members: Vec<Member>,
    pub financial_assets: Fen,
    /// Motor vehicles, disability vehicles excluded.
    pub vehicles_value: Fen,
    pub houses_owned: u32,
    /// Medical out of pocket, education and rehabilitation over the last 12 months.
    pub rigid_expenses_12m: Fen,
    /// No home, or a dangerous one.
    pub housing_difficulty: bool,
    pub special_hardship: bool,
    pub emergency: Option<Emergency>,
}

impl Household {
    /// A household with those members and no assets, expenses or emergency.
    pub fn new(area: Area, members: Vec<Member>) -> Household {
        Household {
            area,
            members,
            financial_assets: Fen::ZERO,
            vehicles_value: Fen::ZERO,
            houses_owned: 0,
            rigid_expenses_12m: Fen::ZERO,
            housing_difficulty: false,
            special_hardship: false,
            emergency: None,
        }
    }

    /// Counted household income per month: the sum of the members' counted incomes.
    pub fn counted_income(&self) -> Fen {
        self.members
            .iter()
            .fold(Fen::ZERO, |sum, m| sum.saturating_add(m.counted_income()))
    }
}
