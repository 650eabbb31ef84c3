//! The self-check's answers, one group per question page, and the form fields of each page.
//!
//! Each page parses its own fields ([`Answers::apply`]) and can write its answers back as fields
//! ([`Answers::fields`]), so a page shows what was answered before. The same code runs on the
//! server (forms posted without JS) and in the browser.

use rules::{
    Area, AssetsRequest, DisabilityKind, EmergencyKind, EmergencyRequest, Fen, HouseholdRequest,
    IncomeKind, IncomeRequest, MemberRequest, MoneyError, SelfCare, Urgency,
};
use serde::{Deserialize, Serialize};

use crate::posted_form::Fields;

/// The question pages in order, then the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Step {
    Start,
    Household,
    People,
    Income,
    Assets,
    Expenses,
    Emergency,
    Result,
}

impl Step {
    pub const QUESTIONS: [Step; 6] = [
        Step::Household,
        Step::People,
        Step::Income,
        Step::Assets,
        Step::Expenses,
        Step::Emergency,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Start => "start",
            Step::Household => "household",
            Step::People => "people",
            Step::Income => "income",
            Step::Assets => "assets",
            Step::Expenses => "expenses",
            Step::Emergency => "emergency",
            Step::Result => "result",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        [Step::Start, Step::Result]
            .into_iter()
            .chain(Step::QUESTIONS)
            .find(|step| step.code() == code)
    }

    /// 1-based position among the questions, for "question 2 of 6".
    pub fn number(self) -> Option<usize> {
        Step::QUESTIONS
            .iter()
            .position(|s| *s == self)
            .map(|i| i + 1)
    }

    pub fn previous(self) -> Step {
        match self {
            Step::Start | Step::Household => Step::Start,
            Step::Result => Step::Emergency,
            question => Step::QUESTIONS[question.number().unwrap_or(1).saturating_sub(2)],
        }
    }
}

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
/// Houses are counted in ones; more than this is a typing slip.
const MAX_HOUSES: u32 = 99;

/// Field names of the pages. People's fields are `p{index}.{name}`, so `p0.age`.
pub mod field {
    pub const AREA: &str = "area";
    pub const SIZE: &str = "size";
    pub const FINANCIAL: &str = "financial";
    pub const VEHICLES: &str = "vehicles_value";
    pub const HOUSES: &str = "houses_owned";
    pub const MEDICAL: &str = "medical";
    pub const EDUCATION: &str = "education";
    pub const REHABILITATION: &str = "rehabilitation";
    pub const HOUSING_DIFFICULTY: &str = "housing_difficulty";
    pub const SPECIAL_HARDSHIP: &str = "special_hardship";
    pub const WHAT_HAPPENED: &str = "what_happened";
    pub const URGENCY: &str = "urgency";
    /// The "nothing happened" choice of [`WHAT_HAPPENED`].
    pub const NOTHING: &str = "nothing";
    pub const YES: &str = "yes";
    pub const NO: &str = "no";
    pub const NO_DISABILITY: &str = "none";

    pub fn person(index: usize, name: &str) -> String {
        format!("p{index}.{name}")
    }

    pub fn income(index: usize, kind: rules::IncomeKind) -> String {
        format!("p{index}.income.{}", kind.as_str())
    }
}

/// Names of the yes/no and choice questions about one person.
pub mod person_field {
    pub const AGE: &str = "age";
    pub const GRADE: &str = "disability_grade";
    pub const KIND: &str = "disability_kind";
    pub const SELF_CARE: &str = "self_care";
    pub const SERIOUS_ILLNESS: &str = "serious_illness";
    pub const STUDENT: &str = "student";
    pub const CAN_WORK: &str = "can_work";
    pub const EMPLOYED: &str = "employed";
    pub const SUPPORTER: &str = "has_able_supporter";
    /// The ticked-box questions, in the order the page asks them.
    pub const TICKS: [&str; 5] = [SERIOUS_ILLNESS, STUDENT, CAN_WORK, EMPLOYED, SUPPORTER];
}

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

    /// Takes one page's answers from its fields; on any problem nothing changes.
    pub fn apply(&mut self, step: Step, fields: &Fields) -> Result<(), Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut next = self.clone();
        match step {
            Step::Household => next.apply_household(fields, &mut problems),
            Step::People => next.apply_people(fields, &mut problems),
            Step::Income => next.apply_incomes(fields, &mut problems),
            Step::Assets => {
                let assets = Assets {
                    financial: money(fields, field::FINANCIAL, &mut problems),
                    vehicles_value: money(fields, field::VEHICLES, &mut problems),
                    houses_owned: houses(fields, &mut problems),
                };
                next.assets = Some(assets);
            }
            Step::Expenses => {
                let expenses = Expenses {
                    medical: money(fields, field::MEDICAL, &mut problems),
                    education: money(fields, field::EDUCATION, &mut problems),
                    rehabilitation: money(fields, field::REHABILITATION, &mut problems),
                    housing_difficulty: yes_no(fields, field::HOUSING_DIFFICULTY, &mut problems),
                    special_hardship: yes_no(fields, field::SPECIAL_HARDSHIP, &mut problems),
                };
                next.expenses = Some(expenses);
            }
            Step::Emergency => next.emergency = emergency(fields, &mut problems),
            Step::Start | Step::Result => {}
        }
        if problems.is_empty() {
            *self = next;
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn apply_household(&mut self, fields: &Fields, problems: &mut Vec<FieldProblem>) {
        match fields.get(field::AREA).and_then(Area::parse) {
            Some(area) => self.area = Some(area),
            None => problems.push(problem(field::AREA, Problem::ChooseArea)),
        }
        let size = match fields.get(field::SIZE).map(normalise_number) {
            None => {
                problems.push(problem(field::SIZE, Problem::EnterSize));
                return;
            }
            Some(text) if text.is_empty() => {
                problems.push(problem(field::SIZE, Problem::EnterSize));
                return;
            }
            Some(text) => match text.parse::<u8>() {
                Ok(size) if (1..=MAX_PEOPLE).contains(&size) => usize::from(size),
                _ => {
                    problems.push(problem(field::SIZE, Problem::SizeOutOfRange));
                    return;
                }
            },
        };
        if size != self.people.len() {
            // A new household size asks again about everyone's incomes.
            self.people.resize_with(size, Person::default);
            self.incomes_answered = false;
        }
    }

    fn apply_people(&mut self, fields: &Fields, problems: &mut Vec<FieldProblem>) {
        for (index, person) in self.people.iter_mut().enumerate() {
            let name = |n: &str| field::person(index, n);
            let age_field = name(person_field::AGE);
            match fields.get(&age_field).map(normalise_number) {
                Some(text) if !text.is_empty() => match text.parse::<u8>() {
                    Ok(age) if age <= rules::household::MAX_AGE => person.age = Some(age),
                    _ => problems.push(problem(&age_field, Problem::AgeOutOfRange)),
                },
                _ => problems.push(problem(&age_field, Problem::EnterAge)),
            }
            let grade_field = name(person_field::GRADE);
            match fields.get(&grade_field) {
                None | Some(field::NO_DISABILITY) => person.disability_grade = None,
                Some(text) => match text.parse::<u8>() {
                    Ok(grade @ 1..=4) => person.disability_grade = Some(grade),
                    _ => problems.push(problem(&grade_field, Problem::ChooseGrade)),
                },
            }
            let kind_field = name(person_field::KIND);
            person.disability_kind = match fields.get(&kind_field) {
                None | Some("") => None,
                Some(text) => match DisabilityKind::parse(text) {
                    Some(kind) => Some(kind),
                    None => {
                        problems.push(problem(&kind_field, Problem::ChooseKind));
                        None
                    }
                },
            };
            if person.disability_grade.is_none() {
                person.disability_kind = None;
            }
            person.self_care = fields
                .get(&name(person_field::SELF_CARE))
                .and_then(SelfCare::parse);
            person.serious_illness = fields.ticked(&name(person_field::SERIOUS_ILLNESS));
            person.student = fields.ticked(&name(person_field::STUDENT));
            person.can_work = fields.ticked(&name(person_field::CAN_WORK));
            person.employed = fields.ticked(&name(person_field::EMPLOYED));
            person.has_able_supporter = fields.ticked(&name(person_field::SUPPORTER));
        }
    }

    fn apply_incomes(&mut self, fields: &Fields, problems: &mut Vec<FieldProblem>) {
        for (index, person) in self.people.iter_mut().enumerate() {
            person.incomes = ASKED_INCOMES
                .into_iter()
                .filter_map(|kind| {
                    let amount = money(fields, &field::income(index, kind), problems);
                    (amount > 0.0).then_some((kind, amount))
                })
                .collect();
        }
        self.incomes_answered = true;
    }

    /// One page's answers as the fields its form would send: what the page shows when it is
    /// opened again.
    pub fn fields(&self, step: Step) -> Fields {
        let mut out = Fields::default();
        match step {
            Step::Household => {
                if let Some(area) = self.area {
                    out.push(field::AREA, area.as_str());
                }
                if !self.people.is_empty() {
                    out.push(field::SIZE, &self.people.len().to_string());
                }
            }
            Step::People => {
                for (index, person) in self.people.iter().enumerate() {
                    let name = |n: &str| field::person(index, n);
                    if let Some(age) = person.age {
                        out.push(&name(person_field::AGE), &age.to_string());
                        let grade = person
                            .disability_grade
                            .map_or(field::NO_DISABILITY.to_owned(), |g| g.to_string());
                        out.push(&name(person_field::GRADE), &grade);
                    }
                    if let Some(kind) = person.disability_kind {
                        out.push(&name(person_field::KIND), kind.as_str());
                    }
                    if let Some(care) = person.self_care {
                        out.push(&name(person_field::SELF_CARE), care.as_str());
                    }
                    let ticks = [
                        person.serious_illness,
                        person.student,
                        person.can_work,
                        person.employed,
                        person.has_able_supporter,
                    ];
                    for (tick, on) in person_field::TICKS.into_iter().zip(ticks) {
                        if on {
                            out.push(&name(tick), field::YES);
                        }
                    }
                }
            }
            Step::Income => {
                for (index, person) in self.people.iter().enumerate() {
                    for (kind, amount) in &person.incomes {
                        out.push(&field::income(index, *kind), &plain_number(*amount));
                    }
                }
            }
            Step::Assets => {
                if let Some(a) = self.assets {
                    out.push(field::FINANCIAL, &plain_number(a.financial));
                    out.push(field::VEHICLES, &plain_number(a.vehicles_value));
                    out.push(field::HOUSES, &a.houses_owned.to_string());
                }
            }
            Step::Expenses => {
                if let Some(e) = self.expenses {
                    out.push(field::MEDICAL, &plain_number(e.medical));
                    out.push(field::EDUCATION, &plain_number(e.education));
                    out.push(field::REHABILITATION, &plain_number(e.rehabilitation));
                    out.push(field::HOUSING_DIFFICULTY, yes_or_no(e.housing_difficulty));
                    out.push(field::SPECIAL_HARDSHIP, yes_or_no(e.special_hardship));
                }
            }
            Step::Emergency => match self.emergency {
                Some(EmergencyAnswer::Nothing) => out.push(field::WHAT_HAPPENED, field::NOTHING),
                Some(EmergencyAnswer::Happened { kind, urgency }) => {
                    out.push(field::WHAT_HAPPENED, kind.as_str());
                    out.push(field::URGENCY, urgency.as_str());
                }
                None => {}
            },
            Step::Start | Step::Result => {}
        }
        out
    }

    /// The answers as the rules engine's request (the body of `POST /api/v1/eligibility`).
    pub fn to_request(&self) -> HouseholdRequest {
        let expenses = self.expenses.unwrap_or_default();
        HouseholdRequest {
            area: self.area.map(|a| a.as_str().to_owned()),
            members: Some(self.people.iter().map(Person::to_request).collect()),
            assets: self.assets.map(|a| AssetsRequest {
                financial: Some(a.financial),
                vehicles_value: Some(a.vehicles_value),
                houses_owned: Some(f64::from(a.houses_owned)),
            }),
            rigid_expenses_12m: Some(
                expenses.medical + expenses.education + expenses.rehabilitation,
            ),
            housing_difficulty: expenses.housing_difficulty,
            special_hardship: expenses.special_hardship,
            emergency: match self.emergency {
                Some(EmergencyAnswer::Happened { kind, urgency }) => Some(EmergencyRequest {
                    kind: Some(kind.as_str().to_owned()),
                    urgency: Some(urgency.as_str().to_owned()),
                }),
                _ => None,
            },
        }
    }

    pub fn household_size(&self) -> usize {
        self.people.len()
    }
}

impl Person {
    fn to_request(&self) -> MemberRequest {
        MemberRequest {
            age: self.age.map(f64::from),
            disability_grade: self.disability_grade.map(f64::from),
            disability_kind: self.disability_kind.map(|k| k.as_str().to_owned()),
            serious_illness: self.serious_illness,
            can_work: self.can_work,
            employed: self.employed,
            student: self.student,
            has_able_supporter: self.has_able_supporter,
            self_care: Some(self.self_care.unwrap_or(SelfCare::Full).as_str().to_owned()),
            incomes: self
                .incomes
                .iter()
                .map(|(kind, monthly)| IncomeRequest {
                    kind: Some(kind.as_str().to_owned()),
                    monthly: Some(*monthly),
                })
                .collect(),
        }
    }
}

fn problem(field: &str, problem: Problem) -> FieldProblem {
    FieldProblem {
        field: field.to_owned(),
        problem,
    }
}

/// Full-width digits and separators, spaces, thousands commas and a 元 or ¥ are what people type
/// on a Chinese keyboard; they all mean the plain number.
pub(crate) fn normalise_number(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '．' | '。' => Some('.'),
            ',' | '，' | ' ' | '\u{3000}' | '元' | '¥' | '￥' => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// An amount of yuan; an empty box is 0.
fn money(fields: &Fields, name: &str, problems: &mut Vec<FieldProblem>) -> f64 {
    let text = normalise_number(fields.get(name).unwrap_or(""));
    if text.is_empty() {
        return 0.0;
    }
    let parsed = text
        .parse::<f64>()
        .map_err(|_| MoneyError::NotANumber)
        .and_then(|yuan| Fen::from_yuan(yuan).map(|_| yuan));
    match parsed {
        Ok(yuan) => yuan,
        Err(e) => {
            let p = match e {
                MoneyError::Negative => Problem::MoneyNegative,
                MoneyError::TooLarge => Problem::MoneyTooLarge,
                _ => Problem::MoneyNotANumber,
            };
            problems.push(problem(name, p));
            0.0
        }
    }
}

fn houses(fields: &Fields, problems: &mut Vec<FieldProblem>) -> u32 {
    let text = normalise_number(fields.get(field::HOUSES).unwrap_or(""));
    if text.is_empty() {
        return 0;
    }
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_HOUSES => n,
        _ => {
            problems.push(problem(field::HOUSES, Problem::HousesNotAWholeNumber));
            0
        }
    }
}

fn yes_no(fields: &Fields, name: &str, problems: &mut Vec<FieldProblem>) -> bool {
    match fields.get(name) {
        Some(field::YES) => true,
        Some(field::NO) => false,
        _ => {
            problems.push(problem(name, Problem::ChooseYesOrNo));
            false
        }
    }
}

fn yes_or_no(on: bool) -> &'static str {
    if on {
        field::YES
    } else {
        field::NO
    }
}

fn emergency(fields: &Fields, problems: &mut Vec<FieldProblem>) -> Option<EmergencyAnswer> {
    let what = fields.get(field::WHAT_HAPPENED);
    if what == Some(field::NOTHING) {
        return Some(EmergencyAnswer::Nothing);
    }
    let Some(kind) = what.and_then(EmergencyKind::parse) else {
        problems.push(problem(field::WHAT_HAPPENED, Problem::ChooseWhatHappened));
        return None;
    };
    let Some(urgency) = fields.get(field::URGENCY).and_then(Urgency::parse) else {
        problems.push(problem(field::URGENCY, Problem::ChooseUrgency));
        return None;
    };
    Some(EmergencyAnswer::Happened { kind, urgency })
}

/// A yuan amount as a person would type it: `1500`, `1500.5`.
fn plain_number(yuan: f64) -> String {
    format!("{yuan}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::from_pairs(pairs)
    }

    fn answered_household() -> Answers {
        let mut answers = Answers::default();
        answers
            .apply(
                Step::Household,
                &fields(&[("area", "urban"), ("size", "2")]),
            )
            .expect("valid household");
        answers
    }

    #[test]
    fn a_page_with_a_bad_answer_changes_nothing_and_names_each_field() {
        let mut answers = answered_household();
        let before = answers.clone();
        let problems = answers
            .apply(
                Step::People,
                &fields(&[
                    ("p0.age", "67"),
                    ("p0.disability_grade", "none"),
                    ("p1.age", "二十"),
                ]),
            )
            .expect_err("bad age");
        assert_eq!(answers, before);
        assert_eq!(problems, vec![problem("p1.age", Problem::AgeOutOfRange)]);
    }

    #[test]
    fn numbers_typed_on_a_chinese_keyboard_are_understood() {
        let mut answers = answered_household();
        answers
            .apply(
                Step::Assets,
                &fields(&[
                    ("financial", "１２，０００．５元"),
                    ("vehicles_value", ""),
                    ("houses_owned", "1"),
                ]),
            )
            .expect("valid assets");
        assert_eq!(answers.assets.map(|a| a.financial), Some(12000.5));
        assert_eq!(answers.assets.map(|a| a.vehicles_value), Some(0.0));
    }

    #[test]
    fn money_problems_say_what_is_wrong() {
        let mut answers = answered_household();
        let problems = answers
            .apply(
                Step::Expenses,
                &fields(&[
                    ("medical", "-5"),
                    ("education", "abc"),
                    ("housing_difficulty", "yes"),
                ]),
            )
            .expect_err("bad amounts");
        assert_eq!(
            problems,
            vec![
                problem("medical", Problem::MoneyNegative),
                problem("education", Problem::MoneyNotANumber),
                problem("special_hardship", Problem::ChooseYesOrNo),
            ]
        );
    }

    #[test]
    fn every_page_shows_what_was_answered_before() {
        let mut answers = answered_household();
        let pages = [
            (
                Step::People,
                fields(&[
                    ("p0.age", "67"),
                    ("p0.disability_grade", "2"),
                    ("p0.disability_kind", "mental"),
                    ("p0.self_care", "partial"),
                    ("p0.serious_illness", "yes"),
                    ("p1.age", "15"),
                    ("p1.disability_grade", "none"),
                    ("p1.student", "yes"),
                ]),
            ),
            (
                Step::Income,
                fields(&[("p0.income.pension", "300"), ("p1.income.wages", "0")]),
            ),
            (
                Step::Assets,
                fields(&[
                    ("financial", "10000"),
                    ("vehicles_value", "0"),
                    ("houses_owned", "1"),
                ]),
            ),
            (
                Step::Expenses,
                fields(&[
                    ("medical", "2000.5"),
                    ("education", "0"),
                    ("rehabilitation", "0"),
                    ("housing_difficulty", "no"),
                    ("special_hardship", "yes"),
                ]),
            ),
            (
                Step::Emergency,
                fields(&[("what_happened", "fire"), ("urgency", "critical")]),
            ),
        ];
        for (step, page) in pages {
            answers.apply(step, &page).expect("valid page");
            let mut again = answers.clone();
            again
                .apply(step, &answers.fields(step))
                .expect("shown fields are valid");
            assert_eq!(again, answers, "{step:?}");
        }
        assert_eq!(answers.first_unanswered(), Step::Result);
    }

    #[test]
    fn a_new_household_size_asks_again_about_incomes() {
        let mut answers = answered_household();
        answers
            .apply(Step::Income, &fields(&[]))
            .expect("no incomes");
        assert!(answers.answered(Step::Income));
        answers
            .apply(
                Step::Household,
                &fields(&[("area", "urban"), ("size", "3")]),
            )
            .expect("valid");
        assert!(!answers.answered(Step::Income));
        assert!(!answers.answered(Step::People));
        assert_eq!(answers.first_unanswered(), Step::People);
    }

    #[test]
    fn the_request_sums_rigid_expenses_and_leaves_out_zero_incomes() {
        let mut answers = answered_household();
        answers
            .apply(
                Step::Income,
                &fields(&[("p0.income.wages", "1200"), ("p0.income.other", "0")]),
            )
            .expect("valid");
        answers
            .apply(
                Step::Expenses,
                &fields(&[
                    ("medical", "100.25"),
                    ("education", "50"),
                    ("rehabilitation", ""),
                    ("housing_difficulty", "yes"),
                    ("special_hardship", "no"),
                ]),
            )
            .expect("valid");
        let request = answers.to_request();
        assert_eq!(request.rigid_expenses_12m, Some(150.25));
        assert!(request.housing_difficulty);
        let members = request.members.unwrap_or_default();
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].incomes.len(), 1);
    }

    #[test]
    fn steps_go_back_in_order() {
        assert_eq!(Step::Household.previous(), Step::Start);
        assert_eq!(Step::Income.previous(), Step::People);
        assert_eq!(Step::Result.previous(), Step::Emergency);
        assert_eq!(Step::parse("assets"), Some(Step::Assets));
        assert_eq!(Step::parse("nope"), None);
    }
}
