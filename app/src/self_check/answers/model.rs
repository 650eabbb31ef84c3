//! The answer model: what the household told us so far, page by page, and what can be wrong.

use rules::{Area, DisabilityKind, EmergencyKind, IncomeKind, SelfCare, Urgency};
use serde::{Deserialize, Serialize};

use super::Step;

/// The incomes a page asks for: the counted kinds (POLICY.md §3.2). Exempt kinds are explained,
/// not asked.
pub const ASKED_INCOMES: [IncomeKind; 7] = [
    IncomeKind::Wages,
    IncomeKind::Pension,
    IncomeKind::Farming,
    IncomeKind::Business,
    IncomeKind::Property,
    IncomeKind::Support,
    IncomeKind::Other,
];

/// What the household told us so far. `None` (or an empty list) is "not answered yet".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    pub area: Option<Area>,
    /// One entry per person living together; the count is the household's size.
    pub people: Vec<Person>,
    pub incomes_answered: bool,
    pub assets: Option<Assets>,
    pub expenses: Option<Expenses>,
    pub emergency: Option<EmergencyAnswer>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub age: Option<u8>,
    pub disability_grade: Option<u8>,
    pub disability_kind: Option<DisabilityKind>,
    pub serious_illness: bool,
    pub student: bool,
    pub can_work: bool,
    pub employed: bool,
    pub has_able_supporter: bool,
    pub self_care: Option<SelfCare>,
    /// Monthly averages in yuan, only the kinds with an amount.
    pub incomes: Vec<(IncomeKind, f64)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Assets {
    pub financial: f64,
    pub vehicles_value: f64,
    pub houses_owned: u32,
}

/// Rigid expenses of the last 12 months, by kind, as a person remembers them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Expenses {
    pub medical: f64,
    pub education: f64,
    pub rehabilitation: f64,
    pub housing_difficulty: bool,
    pub special_hardship: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmergencyAnswer {
    Nothing,
    Happened {
        kind: EmergencyKind,
        urgency: Urgency,
    },
}

/// What is wrong with one answer; the page says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    ChooseArea,
    EnterSize,
    SizeOutOfRange,
    EnterAge,
    AgeOutOfRange,
    ChooseGrade,
    ChooseKind,
    MoneyNotANumber,
    MoneyNegative,
    MoneyTooLarge,
    HousesNotAWholeNumber,
    ChooseYesOrNo,
    ChooseWhatHappened,
    ChooseUrgency,
}

/// One bad answer: the form field it belongs to and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub problem: Problem,
}

pub const MAX_PEOPLE: u8 = rules::household::MAX_MEMBERS as u8;

impl Answers {
    /// Whether a question page has been answered.
    pub fn answered(&self, step: Step) -> bool {
        match step {
            Step::Start => true,
            Step::Household => self.area.is_some() && !self.people.is_empty(),
            Step::People => !self.people.is_empty() && self.people.iter().all(|p| p.age.is_some()),
            Step::Income => self.incomes_answered,
            Step::Assets => self.assets.is_some(),
            Step::Expenses => self.expenses.is_some(),
            Step::Emergency => self.emergency.is_some(),
            Step::Result => Step::QUESTIONS.iter().all(|s| self.answered(*s)),
        }
    }

    /// The first question still to answer, or the result when all are answered.
    pub fn first_unanswered(&self) -> Step {
        Step::QUESTIONS
            .into_iter()
            .find(|s| !self.answered(*s))
            .unwrap_or(Step::Result)
    }

    pub fn household_size(&self) -> usize {
        self.people.len()
    }
}

/// A member of the rules' household as the self-check would have recorded them (for an
/// application prefilled from department data); exempt incomes are not asked, so not kept.
#[cfg(feature = "ssr")]
pub fn answers_person(member: &rules::Member) -> Person {
    Person {
        age: Some(member.age),
        disability_grade: member.disability_grade,
        disability_kind: member.disability_kind,
        serious_illness: member.serious_illness,
        student: member.student,
        can_work: member.can_work,
        employed: member.employed,
        has_able_supporter: member.has_able_supporter,
        self_care: Some(member.self_care),
        incomes: member
            .incomes
            .iter()
            .filter(|i| ASKED_INCOMES.contains(&i.kind))
            .map(|i| (i.kind, i.monthly.as_yuan_f64()))
            .collect(),
    }
}

/// The household's assets as the self-check records them.
#[cfg(feature = "ssr")]
pub fn answers_assets(household: &rules::Household) -> Assets {
    Assets {
        financial: household.financial_assets.as_yuan_f64(),
        vehicles_value: household.vehicles_value.as_yuan_f64(),
        houses_owned: household.houses_owned,
    }
}

/// The household's rigid expenses as the self-check records them (all of them as medical: the
/// data's rehabilitation and medical costs are one sum).
#[cfg(feature = "ssr")]
pub fn answers_expenses(household: &rules::Household) -> Expenses {
    Expenses {
        medical: household.rigid_expenses_12m.as_yuan_f64(),
        education: 0.0,
        rehabilitation: 0.0,
        housing_difficulty: household.housing_difficulty,
        special_hardship: household.special_hardship,
    }
}
