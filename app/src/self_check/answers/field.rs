//! Field names of the pages. People's fields are `p{index}.{name}`, so `p0.age`.

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
