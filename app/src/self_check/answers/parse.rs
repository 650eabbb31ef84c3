//! Parsing the answers of one page from its posted form fields, with a problem for each bad one.

use rules::{Area, DisabilityKind, EmergencyKind, Fen, MoneyError, SelfCare, Urgency};

use super::{
    field, person_field, Answers, Assets, EmergencyAnswer, Expenses, FieldProblem, Person, Problem,
    Step, ASKED_INCOMES, MAX_PEOPLE,
};
use crate::posted_form::Fields;

/// Houses are counted in ones; more than this is a typing slip.
const MAX_HOUSES: u32 = 99;

impl Answers {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::self_check::answers::testing::{answered_household, fields};

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
}
