//! The steps of the self-check: the question pages in order, then the result.

use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_back_in_order() {
        assert_eq!(Step::Household.previous(), Step::Start);
        assert_eq!(Step::Income.previous(), Step::People);
        assert_eq!(Step::Result.previous(), Step::Emergency);
        assert_eq!(Step::parse("assets"), Some(Step::Assets));
        assert_eq!(Step::parse("nope"), None);
    }
}
