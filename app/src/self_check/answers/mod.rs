//! The self-check's answers, one group per question page, and the form fields of each page.
//!
//! Each page parses its own fields ([`Answers::apply`]) and can write its answers back as fields
//! ([`Answers::fields`]), so a page shows what was answered before. The same code runs on the
//! server (forms posted without JS) and in the browser.

pub mod field;
mod model;
mod parse;
pub mod person_field;
mod prefill;
mod request;
mod step;
#[cfg(test)]
mod testing;

#[cfg(feature = "ssr")]
pub(crate) use model::{answers_assets, answers_expenses, answers_person};
pub use model::{
    Answers, Assets, EmergencyAnswer, Expenses, FieldProblem, Person, Problem, ASKED_INCOMES,
    MAX_PEOPLE,
};
pub(crate) use parse::normalise_number;
pub use step::Step;
