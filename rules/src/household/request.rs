//! The request of POLICY.md §3.5 as it arrives on the wire, before validation.

use serde::{Deserialize, Serialize};

use super::lenient::{lenient_number, lenient_string, whole_as_integer};

/// The body of `POST /api/v1/eligibility`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HouseholdRequest {
    #[serde(default, deserialize_with = "lenient_string")]
    pub area: Option<String>,
    #[serde(default)]
    pub members: Option<Vec<MemberRequest>>,
    #[serde(default)]
    pub assets: Option<AssetsRequest>,
    /// Missing means none.
    #[serde(default, deserialize_with = "lenient_number")]
    pub rigid_expenses_12m: Option<f64>,
    #[serde(default)]
    pub housing_difficulty: bool,
    #[serde(default)]
    pub special_hardship: bool,
    #[serde(default)]
    pub emergency: Option<EmergencyRequest>,
}

/// One co-resident member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberRequest {
    #[serde(
        default,
        deserialize_with = "lenient_number",
        serialize_with = "whole_as_integer"
    )]
    pub age: Option<f64>,
    #[serde(
        default,
        deserialize_with = "lenient_number",
        serialize_with = "whole_as_integer"
    )]
    pub disability_grade: Option<f64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub disability_kind: Option<String>,
    #[serde(default)]
    pub serious_illness: bool,
    #[serde(default)]
    pub can_work: bool,
    #[serde(default)]
    pub employed: bool,
    #[serde(default)]
    pub student: bool,
    #[serde(default)]
    pub has_able_supporter: bool,
    /// Missing means `full` (the lowest care supplement).
    #[serde(default, deserialize_with = "lenient_string")]
    pub self_care: Option<String>,
    #[serde(default)]
    pub incomes: Vec<IncomeRequest>,
}

/// One income of a member: its kind and its monthly average over the last 12 months, in yuan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IncomeRequest {
    #[serde(default, deserialize_with = "lenient_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub monthly: Option<f64>,
}

/// The household's assets, in yuan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssetsRequest {
    #[serde(default, deserialize_with = "lenient_number")]
    pub financial: Option<f64>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub vehicles_value: Option<f64>,
    #[serde(
        default,
        deserialize_with = "lenient_number",
        serialize_with = "whole_as_integer"
    )]
    pub houses_owned: Option<f64>,
}

/// A declared emergency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmergencyRequest {
    #[serde(default, deserialize_with = "lenient_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub urgency: Option<String>,
}
