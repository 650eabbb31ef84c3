//! Moving through the self-check: which page comes after a posted form. Without JS the answers so
//! far travel in a hidden field of each page's form; with WASM the same function runs in the
//! browser and nothing is sent.

use rules::ProgrammeId;
use serde::{Deserialize, Serialize};

use super::answers::{Answers, FieldProblem, Step};
use crate::posted_form::Fields;

/// The hidden field holding the answers so far, as JSON.
pub const ANSWERS_FIELD: &str = "answers";
/// The hidden field naming the page the form belongs to.
pub const STEP_FIELD: &str = "step";
/// The hidden field naming the programme a person came to check from the handbook.
pub const FOCUS_FIELD: &str = "focus";
/// The pressed button: [`GO_NEXT`] takes the page's answers, a step's code opens that page.
pub const GO_FIELD: &str = "go";
pub const GO_NEXT: &str = "next";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub step: Step,
    pub answers: Answers,
    /// What the page's boxes show: the answers so far, or what was typed when a page comes back
    /// with problems.
    pub shown: Fields,
    pub problems: Vec<FieldProblem>,
    /// The programme the person came from the handbook to check, shown first in the result.
    pub focus: Option<ProgrammeId>,
    /// The answers posted could not be read, so the check starts again; the page says so.
    pub restarted: bool,
}

impl Flow {
    /// The start page.
    pub fn start(focus: Option<ProgrammeId>) -> Flow {
        Flow::at(Answers::default(), Step::Start, focus)
    }

    /// A page showing the answers so far. A page whose earlier questions are unanswered cannot be
    /// opened; the first unanswered one is shown instead.
    pub fn at(answers: Answers, step: Step, focus: Option<ProgrammeId>) -> Flow {
        let step = step.min(answers.first_unanswered());
        Flow {
            step,
            shown: answers.fields(step),
            answers,
            problems: Vec::new(),
            focus,
            restarted: false,
        }
    }

    /// The page that answers a posted form.
    pub fn from_post(fields: &Fields) -> Flow {
        let focus = fields.get(FOCUS_FIELD).and_then(ProgrammeId::parse);
        let (mut answers, restarted) = match fields.get(ANSWERS_FIELD) {
            None | Some("") => (Answers::default(), false),
            Some(json) => match serde_json::from_str::<Answers>(json) {
                Ok(answers) => (answers, false),
                Err(_) => (Answers::default(), true),
            },
        };
        if restarted {
            let mut flow = Flow::at(answers, Step::Household, focus);
            flow.restarted = true;
            return flow;
        }
        let from = fields
            .get(STEP_FIELD)
            .and_then(Step::parse)
            .unwrap_or(Step::Start);
        let go = fields.get(GO_FIELD).unwrap_or(GO_NEXT);
        if go != GO_NEXT {
            let target = Step::parse(go).unwrap_or(from);
            return Flow::at(answers, target, focus);
        }
        match answers.apply(from, fields) {
            Ok(()) => {
                let next = next_after(&answers, from);
                Flow::at(answers, next, focus)
            }
            Err(problems) => Flow {
                step: from,
                answers,
                shown: fields.clone(),
                problems,
                focus,
                restarted: false,
            },
        }
    }

    /// The hidden field's value: the answers so far as JSON.
    pub fn encoded_answers(&self) -> String {
        serde_json::to_string(&self.answers).unwrap_or_default()
    }
}

/// After a page is answered: the next unanswered question, or the result when none is left
/// (so changing one answer from the result page leads straight back to it).
fn next_after(answers: &Answers, from: Step) -> Step {
    Step::QUESTIONS
        .into_iter()
        .find(|step| *step > from && !answers.answered(*step))
        .unwrap_or_else(|| answers.first_unanswered())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(answers: &Answers, step: Step, go: &str, pairs: &[(&str, &str)]) -> Flow {
        let mut fields = Fields::default();
        fields.push(
            ANSWERS_FIELD,
            &serde_json::to_string(answers).unwrap_or_default(),
        );
        fields.push(STEP_FIELD, step.code());
        fields.push(GO_FIELD, go);
        for (k, v) in pairs {
            fields.push(k, v);
        }
        Flow::from_post(&fields)
    }

    fn walk_to_result() -> Flow {
        let pages: [(Step, &[(&str, &str)]); 7] = [
            (Step::Start, &[]),
            (Step::Household, &[("area", "rural"), ("size", "1")]),
            (
                Step::People,
                &[("p0.age", "70"), ("p0.disability_grade", "none")],
            ),
            (Step::Income, &[("p0.income.pension", "200")]),
            (
                Step::Assets,
                &[
                    ("financial", "5000"),
                    ("vehicles_value", "0"),
                    ("houses_owned", "1"),
                ],
            ),
            (
                Step::Expenses,
                &[("housing_difficulty", "no"), ("special_hardship", "no")],
            ),
            (Step::Emergency, &[("what_happened", "nothing")]),
        ];
        let mut flow = Flow::start(None);
        for (step, pairs) in pages {
            assert_eq!(flow.step, step);
            flow = post(&flow.answers, step, GO_NEXT, pairs);
            assert!(flow.problems.is_empty(), "{step:?}: {:?}", flow.problems);
        }
        flow
    }

    #[test]
    fn each_answered_page_leads_to_the_next_and_the_last_to_the_result() {
        let flow = walk_to_result();
        assert_eq!(flow.step, Step::Result);
        assert_eq!(flow.answers.to_request().members.map(|m| m.len()), Some(1));
    }

    #[test]
    fn a_page_with_problems_comes_back_with_what_was_typed() {
        let flow = post(
            &Answers::default(),
            Step::Household,
            GO_NEXT,
            &[("size", "三")],
        );
        assert_eq!(flow.step, Step::Household);
        assert_eq!(flow.shown.get("size"), Some("三"));
        assert_eq!(flow.problems.len(), 2);
    }

    #[test]
    fn changing_an_answer_from_the_result_leads_back_to_the_result() {
        let done = walk_to_result();
        let change = post(&done.answers, Step::Result, "assets", &[]);
        assert_eq!(change.step, Step::Assets);
        assert_eq!(change.shown.get("financial"), Some("5000"));
        let back = post(
            &change.answers,
            Step::Assets,
            GO_NEXT,
            &[("financial", "90000")],
        );
        assert_eq!(back.step, Step::Result);
    }

    #[test]
    fn a_later_page_cannot_be_opened_before_earlier_ones_are_answered() {
        let flow = post(&Answers::default(), Step::Start, "result", &[]);
        assert_eq!(flow.step, Step::Household);
    }

    #[test]
    fn unreadable_answers_start_again_and_say_so() {
        let mut fields = Fields::default();
        fields.push(ANSWERS_FIELD, "{not json");
        fields.push(STEP_FIELD, "assets");
        let flow = Flow::from_post(&fields);
        assert!(flow.restarted);
        assert_eq!(flow.step, Step::Household);
    }
}
