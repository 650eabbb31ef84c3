//! Helpers the answers' tests share: posted fields and a household already answered.

use super::{Answers, Step};
use crate::posted_form::Fields;

pub(super) fn fields(pairs: &[(&str, &str)]) -> Fields {
    Fields::from_pairs(pairs)
}

pub(super) fn answered_household() -> Answers {
    let mut answers = Answers::default();
    answers
        .apply(
            Step::Household,
            &fields(&[("area", "urban"), ("size", "2")]),
        )
        .expect("valid household");
    answers
}
