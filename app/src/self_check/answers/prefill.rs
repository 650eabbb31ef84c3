//! A page's answers written back as the fields its form would send, to show them again.

use super::{field, person_field, Answers, EmergencyAnswer, Step};
use crate::posted_form::Fields;

impl Answers {
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
}

fn yes_or_no(on: bool) -> &'static str {
    if on {
        field::YES
    } else {
        field::NO
    }
}

/// A yuan amount as a person would type it: `1500`, `1500.5`.
fn plain_number(yuan: f64) -> String {
    format!("{yuan}")
}
