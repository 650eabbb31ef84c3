//! The household: the request of POLICY.md §3.5 as it arrives, and the parsed, valid model.
//!
//! The request types are deliberately lenient (numbers as `Option<f64>`, enum values as
//! `Option<String>`) so that [`Household::parse`] can report every bad field at once instead of
//! failing on the first one inside serde.

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use crate::money::{Fen, MoneyError};

/// Most members a household may have.
pub const MAX_MEMBERS: usize = 30;
/// Oldest age accepted.
pub const MAX_AGE: u8 = 130;
/// Most residential properties accepted as input (a bound against typing errors).
pub const MAX_HOUSES: u32 = 10_000;

// ---------------------------------------------------------------------------------------------
// Request (wire) types
// ---------------------------------------------------------------------------------------------

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

/// A number field: a JSON number, or a string holding one (HTML forms); anything else becomes
/// NaN so that validation reports `not_a_number` for that field.
fn lenient_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Some(f64::NAN))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            Ok(Some(v.parse::<f64>().unwrap_or(f64::NAN)))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut a: A,
        ) -> Result<Self::Value, A::Error> {
            while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(Some(f64::NAN))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut a: A,
        ) -> Result<Self::Value, A::Error> {
            while a
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok(Some(f64::NAN))
        }
    }
    deserializer.deserialize_any(V)
}

/// Whole numbers (ages, grades, counts) go out as JSON integers, as they came in.
fn whole_as_integer<S: serde::Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match *value {
        Some(v) if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 => {
            serializer.serialize_i64(v as i64)
        }
        Some(v) => serializer.serialize_f64(v),
        None => serializer.serialize_none(),
    }
}

/// A string field holding an enum value; a non-string becomes a value no enum accepts, so that
/// validation reports `unknown_value` for that field.
fn lenient_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct V;
    const INVALID: &str = "\u{0}invalid";
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Some(INVALID.to_owned()))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Some(INVALID.to_owned()))
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Some(INVALID.to_owned()))
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Some(INVALID.to_owned()))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut a: A,
        ) -> Result<Self::Value, A::Error> {
            while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(Some(INVALID.to_owned()))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut a: A,
        ) -> Result<Self::Value, A::Error> {
            while a
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
            Ok(Some(INVALID.to_owned()))
        }
    }
    deserializer.deserialize_any(V)
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The field is missing or null.
    Required,
    /// A negative amount.
    Negative,
    /// A number outside its allowed range (age 0–130, grade 1–4, a fraction where a whole number
    /// is needed, an absurdly large amount).
    OutOfRange,
    /// A value that is not one of the allowed ones.
    UnknownValue,
    /// More than 30 members.
    TooMany,
    /// No members.
    Empty,
    /// NaN, infinity or something that is not a number.
    NotANumber,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::Negative => "negative",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::UnknownValue => "unknown_value",
            ErrorCode::TooMany => "too_many",
            ErrorCode::Empty => "empty",
            ErrorCode::NotANumber => "not_a_number",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One bad field: its path (`members[0].incomes[1].monthly`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
}

/// Every bad field of a request, in the order of the request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Error)]
#[serde(transparent)]
pub struct InputErrors(pub Vec<FieldError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid household:")?;
        for e in &self.0 {
            write!(f, " {}: {};", e.field, e.code)?;
        }
        Ok(())
    }
}

impl InputErrors {
    fn push(&mut self, field: impl Into<String>, code: ErrorCode) {
        self.0.push(FieldError {
            field: field.into(),
            code,
        });
    }

    /// Whether a field has an error.
    pub fn has(&self, field: &str, code: ErrorCode) -> bool {
        self.0.iter().any(|e| e.field == field && e.code == code)
    }
}

impl From<MoneyError> for ErrorCode {
    fn from(e: MoneyError) -> ErrorCode {
        match e {
            MoneyError::NotANumber => ErrorCode::NotANumber,
            MoneyError::Negative => ErrorCode::Negative,
            MoneyError::TooLarge => ErrorCode::OutOfRange,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The valid model
// ---------------------------------------------------------------------------------------------

wire_enum! {
    /// Which standards apply.
    Area { Urban = "urban", Rural = "rural" }
}

wire_enum! {
    /// Kind of income (POLICY.md §3.2).
    IncomeKind {
        Wages = "wages",
        Business = "business",
        Farming = "farming",
        Property = "property",
        Pension = "pension",
        /// 赡养/抚养费.
        Support = "support",
        Other = "other",
        /// 优抚金.
        VeteranBenefit = "veteran_benefit",
        FamilyPlanningAward = "family_planning_award",
        /// 见义勇为奖励.
        BraveryAward = "bravery_award",
        /// 救助金.
        AssistancePayment = "assistance_payment",
        /// 城乡居民基础养老金中央基础部分.
        BasicPensionCentral = "basic_pension_central",
        /// 残疾人两项补贴.
        DisabilityAllowance = "disability_allowance",
    }
}

impl IncomeKind {
    /// Exempt kinds are not counted as income.
    pub const fn is_exempt(self) -> bool {
        matches!(
            self,
            IncomeKind::VeteranBenefit
                | IncomeKind::FamilyPlanningAward
                | IncomeKind::BraveryAward
                | IncomeKind::AssistancePayment
                | IncomeKind::BasicPensionCentral
                | IncomeKind::DisabilityAllowance
        )
    }
}

wire_enum! {
    /// Kind of disability.
    DisabilityKind {
        Physical = "physical",
        Visual = "visual",
        Hearing = "hearing",
        Speech = "speech",
        Intellectual = "intellectual",
        Mental = "mental",
        Multiple = "multiple",
    }
}

wire_enum! {
    /// Ability to care for oneself; selects the 特困 care supplement.
    SelfCare {
        Full = "full",
        Partial = "partial",
        /// Wholly unable (`none` on the wire).
        Unable = "none",
    }
}

wire_enum! {
    /// What happened.
    EmergencyKind {
        Fire = "fire",
        Disaster = "disaster",
        Accident = "accident",
        Illness = "illness",
        Bereavement = "bereavement",
        Other = "other",
    }
}

wire_enum! {
    /// How fast help is needed.
    Urgency {
        /// Life or safety at risk, no food or shelter today: advance within 2 hours.
        Critical = "critical",
        /// Advance within 24 hours.
        Urgent = "urgent",
    }
}

impl Urgency {
    /// The advance-assistance deadline in hours.
    pub const fn advance_within_hours(self) -> u8 {
        match self {
            Urgency::Critical => 2,
            Urgency::Urgent => 24,
        }
    }
}

/// One income, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Income {
    pub kind: IncomeKind,
    pub monthly: Fen,
}

/// A valid member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub age: u8,
    /// 1 (most severe) to 4.
    pub disability_grade: Option<u8>,
    pub disability_kind: Option<DisabilityKind>,
    pub serious_illness: bool,
    pub can_work: bool,
    pub employed: bool,
    pub student: bool,
    pub has_able_supporter: bool,
    pub self_care: SelfCare,
    pub incomes: Vec<Income>,
}

impl Member {
    /// A member of that age with no disability, illness, work, supporter or income.
    pub fn new(age: u8) -> Member {
        Member {
            age,
            disability_grade: None,
            disability_kind: None,
            serious_illness: false,
            can_work: false,
            employed: false,
            student: false,
            has_able_supporter: false,
            self_care: SelfCare::Full,
            incomes: Vec::new(),
        }
    }

    /// Adds an income (builder style).
    pub fn with_income(mut self, kind: IncomeKind, monthly: Fen) -> Member {
        self.incomes.push(Income { kind, monthly });
        self
    }

    /// Sets the disability (builder style).
    pub fn with_disability(mut self, grade: u8, kind: DisabilityKind) -> Member {
        self.disability_grade = Some(grade);
        self.disability_kind = Some(kind);
        self
    }

    /// The member's own counted (non-exempt) monthly income.
    pub fn counted_income(&self) -> Fen {
        self.incomes
            .iter()
            .filter(|i| !i.kind.is_exempt())
            .fold(Fen::ZERO, |sum, i| sum.saturating_add(i.monthly))
    }
}

/// A declared emergency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emergency {
    pub kind: EmergencyKind,
    pub urgency: Urgency,
}

/// A valid household, ready for [`crate::evaluate`]. Fields are public so that batch screening
/// can build households without going through JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub area: Area,
    /// Co-resident members; N = `members.len()`.
    pub members: Vec<Member>,
    pub financial_assets: Fen,
    /// Motor vehicles, disability vehicles excluded.
    pub vehicles_value: Fen,
    pub houses_owned: u32,
    /// Medical out of pocket, education and rehabilitation over the last 12 months.
    pub rigid_expenses_12m: Fen,
    /// No home, or a dangerous one.
    pub housing_difficulty: bool,
    pub special_hardship: bool,
    pub emergency: Option<Emergency>,
}

impl Household {
    /// A household with those members and no assets, expenses or emergency.
    pub fn new(area: Area, members: Vec<Member>) -> Household {
        Household {
            area,
            members,
            financial_assets: Fen::ZERO,
            vehicles_value: Fen::ZERO,
            houses_owned: 0,
            rigid_expenses_12m: Fen::ZERO,
            housing_difficulty: false,
            special_hardship: false,
            emergency: None,
        }
    }

    /// Counted household income per month: the sum of the members' counted incomes.
    pub fn counted_income(&self) -> Fen {
        self.members
            .iter()
            .fold(Fen::ZERO, |sum, m| sum.saturating_add(m.counted_income()))
    }

    /// Validates a request; on failure, every bad field is listed.
    pub fn parse(req: &HouseholdRequest) -> Result<Household, InputErrors> {
        let mut errors = InputErrors::default();

        let area = enum_field(&mut errors, "area", req.area.as_deref(), Area::parse);

        let mut members = Vec::new();
        match &req.members {
            None => errors.push("members", ErrorCode::Required),
            Some(list) if list.is_empty() => errors.push("members", ErrorCode::Empty),
            Some(list) => {
                if list.len() > MAX_MEMBERS {
                    errors.push("members", ErrorCode::TooMany);
                }
                members.reserve_exact(list.len());
                for (i, m) in list.iter().enumerate() {
                    if let Some(member) = parse_member(&mut errors, i, m) {
                        members.push(member);
                    }
                }
            }
        }

        let (financial_assets, vehicles_value, houses_owned) = match &req.assets {
            None => {
                errors.push("assets", ErrorCode::Required);
                (None, None, None)
            }
            Some(a) => (
                money_field(&mut errors, "assets.financial", a.financial),
                money_field(&mut errors, "assets.vehicles_value", a.vehicles_value),
                whole_field(
                    &mut errors,
                    "assets.houses_owned",
                    a.houses_owned,
                    0,
                    MAX_HOUSES,
                    true,
                ),
            ),
        };

        let rigid_expenses_12m = match req.rigid_expenses_12m {
            None => Some(Fen::ZERO),
            some => money_field(&mut errors, "rigid_expenses_12m", some),
        };

        let emergency = match &req.emergency {
            None => None,
            Some(e) => {
                let kind = enum_field(
                    &mut errors,
                    "emergency.kind",
                    e.kind.as_deref(),
                    EmergencyKind::parse,
                );
                let urgency = enum_field(
                    &mut errors,
                    "emergency.urgency",
                    e.urgency.as_deref(),
                    Urgency::parse,
                );
                kind.zip(urgency)
                    .map(|(kind, urgency)| Emergency { kind, urgency })
            }
        };

        match (
            area,
            financial_assets,
            vehicles_value,
            houses_owned,
            rigid_expenses_12m,
        ) {
            (
                Some(area),
                Some(financial_assets),
                Some(vehicles_value),
                Some(houses_owned),
                Some(rigid),
            ) if errors.0.is_empty() => Ok(Household {
                area,
                members,
                financial_assets,
                vehicles_value,
                houses_owned,
                rigid_expenses_12m: rigid,
                housing_difficulty: req.housing_difficulty,
                special_hardship: req.special_hardship,
                emergency,
            }),
            _ => Err(errors),
        }
    }
}

fn parse_member(errors: &mut InputErrors, i: usize, m: &MemberRequest) -> Option<Member> {
    let path = |name: &str| format!("members[{i}].{name}");
    let before = errors.0.len();

    let age = whole_field(errors, path("age"), m.age, 0, u32::from(MAX_AGE), false);
    let disability_grade = match m.disability_grade {
        None => None,
        some => whole_field(errors, path("disability_grade"), some, 1, 4, false),
    };
    let disability_kind = m.disability_kind.as_deref().and_then(|text| {
        let parsed = DisabilityKind::parse(text);
        if parsed.is_none() {
            errors.push(path("disability_kind"), ErrorCode::UnknownValue);
        }
        parsed
    });
    let self_care = match m.self_care.as_deref() {
        None => Some(SelfCare::Full),
        Some(text) => {
            let parsed = SelfCare::parse(text);
            if parsed.is_none() {
                errors.push(path("self_care"), ErrorCode::UnknownValue);
            }
            parsed
        }
    };

    let mut incomes = Vec::with_capacity(m.incomes.len());
    for (j, income) in m.incomes.iter().enumerate() {
        let kind = enum_field(
            errors,
            format!("members[{i}].incomes[{j}].kind"),
            income.kind.as_deref(),
            IncomeKind::parse,
        );
        let monthly = money_field(
            errors,
            format!("members[{i}].incomes[{j}].monthly"),
            income.monthly,
        );
        if let (Some(kind), Some(monthly)) = (kind, monthly) {
            incomes.push(Income { kind, monthly });
        }
    }

    if errors.0.len() != before {
        return None;
    }
    Some(Member {
        age: age.and_then(|a| u8::try_from(a).ok())?,
        disability_grade: disability_grade.and_then(|g| u8::try_from(g).ok()),
        disability_kind,
        serious_illness: m.serious_illness,
        can_work: m.can_work,
        employed: m.employed,
        student: m.student,
        has_able_supporter: m.has_able_supporter,
        self_care: self_care?,
        incomes,
    })
}

fn enum_field<T>(
    errors: &mut InputErrors,
    field: impl Into<String>,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    match value {
        None => {
            errors.push(field, ErrorCode::Required);
            None
        }
        Some(text) => {
            let parsed = parse(text);
            if parsed.is_none() {
                errors.push(field, ErrorCode::UnknownValue);
            }
            parsed
        }
    }
}

fn money_field(
    errors: &mut InputErrors,
    field: impl Into<String>,
    value: Option<f64>,
) -> Option<Fen> {
    match value {
        None => {
            errors.push(field, ErrorCode::Required);
            None
        }
        Some(yuan) => match Fen::from_yuan(yuan) {
            Ok(fen) => Some(fen),
            Err(e) => {
                errors.push(field, e.into());
                None
            }
        },
    }
}

fn whole_field(
    errors: &mut InputErrors,
    field: impl Into<String>,
    value: Option<f64>,
    min: u32,
    max: u32,
    negative_is_own_error: bool,
) -> Option<u32> {
    let code = match value {
        None => ErrorCode::Required,
        Some(v) if !v.is_finite() => ErrorCode::NotANumber,
        Some(v) if v < 0.0 && negative_is_own_error => ErrorCode::Negative,
        Some(v) if v.fract() != 0.0 || v < f64::from(min) || v > f64::from(max) => {
            ErrorCode::OutOfRange
        }
        // In range and whole, so the cast is exact.
        Some(v) => return Some(v as u32),
    };
    errors.push(field, code);
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(value: serde_json::Value) -> HouseholdRequest {
        serde_json::from_value(value).unwrap()
    }

    fn example() -> serde_json::Value {
        json!({"area":"urban",
         "members":[{"age":67,"disability_grade":null,"disability_kind":null,"serious_illness":false,
                     "can_work":false,"employed":false,"student":false,"has_able_supporter":false,
                     "self_care":"full","incomes":[{"kind":"pension","monthly":300.0}]}],
         "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1},
         "rigid_expenses_12m":0.0,"housing_difficulty":false,"special_hardship":false,
         "emergency":null})
    }

    fn errors(value: serde_json::Value) -> Vec<(String, ErrorCode)> {
        match Household::parse(&request(value)) {
            Ok(h) => panic!("parsed: {h:?}"),
            Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    fn e(field: &str, code: ErrorCode) -> (String, ErrorCode) {
        (field.to_owned(), code)
    }

    #[test]
    fn parses_the_policy_example() {
        let h = Household::parse(&request(example())).unwrap();
        assert_eq!(h.area, Area::Urban);
        assert_eq!(h.members.len(), 1);
        assert_eq!(h.members[0].age, 67);
        assert_eq!(h.members[0].self_care, SelfCare::Full);
        assert_eq!(
            h.members[0].incomes,
            vec![Income {
                kind: IncomeKind::Pension,
                monthly: Fen(30_000)
            }]
        );
        assert_eq!(h.financial_assets, Fen(1_000_000));
        assert_eq!(h.houses_owned, 1);
        assert_eq!(h.emergency, None);
        assert_eq!(h.counted_income(), Fen(30_000));
    }

    #[test]
    fn collects_every_error() {
        let mut v = example();
        v["area"] = json!("suburban");
        v["members"][0]["age"] = json!(131);
        v["members"][0]["disability_grade"] = json!(5);
        v["members"][0]["disability_kind"] = json!("unknown");
        v["members"][0]["self_care"] = json!("some");
        v["members"][0]["incomes"] = json!([
            {"kind":"pension","monthly":-1},
            {"kind":"lottery","monthly":1},
            {"monthly":"abc"},
            {"kind":"wages"}
        ]);
        v["assets"]["financial"] = json!(-5);
        v["assets"]["houses_owned"] = json!(1.5);
        v["rigid_expenses_12m"] = json!(1e300);
        v["emergency"] = json!({"kind":"flood","urgency":"soon"});
        assert_eq!(
            errors(v),
            vec![
                e("area", ErrorCode::UnknownValue),
                e("members[0].age", ErrorCode::OutOfRange),
                e("members[0].disability_grade", ErrorCode::OutOfRange),
                e("members[0].disability_kind", ErrorCode::UnknownValue),
                e("members[0].self_care", ErrorCode::UnknownValue),
                e("members[0].incomes[0].monthly", ErrorCode::Negative),
                e("members[0].incomes[1].kind", ErrorCode::UnknownValue),
                e("members[0].incomes[2].kind", ErrorCode::Required),
                e("members[0].incomes[2].monthly", ErrorCode::NotANumber),
                e("members[0].incomes[3].monthly", ErrorCode::Required),
                e("assets.financial", ErrorCode::Negative),
                e("assets.houses_owned", ErrorCode::OutOfRange),
                e("rigid_expenses_12m", ErrorCode::OutOfRange),
                e("emergency.kind", ErrorCode::UnknownValue),
                e("emergency.urgency", ErrorCode::UnknownValue),
            ]
        );
    }

    #[test]
    fn range_boundaries() {
        for (age, ok) in [
            (json!(0), true),
            (json!(130), true),
            (json!(131), false),
            (json!(-1), false),
            (json!(30.5), false),
        ] {
            let mut v = example();
            v["members"][0]["age"] = age.clone();
            assert_eq!(Household::parse(&request(v)).is_ok(), ok, "{age}");
        }
        for (grade, ok) in [
            (json!(1), true),
            (json!(4), true),
            (json!(0), false),
            (json!(5), false),
            (json!(null), true),
        ] {
            let mut v = example();
            v["members"][0]["disability_grade"] = grade.clone();
            assert_eq!(Household::parse(&request(v)).is_ok(), ok, "{grade}");
        }
    }

    #[test]
    fn household_size_limits() {
        let mut v = example();
        v["members"] = json!([]);
        assert_eq!(errors(v), vec![e("members", ErrorCode::Empty)]);

        let mut v = example();
        let member = v["members"][0].clone();
        v["members"] = json!(vec![member.clone(); 30]);
        assert_eq!(
            Household::parse(&request(v.clone())).map(|h| h.members.len()),
            Ok(30)
        );
        v["members"] = json!(vec![member; 31]);
        assert_eq!(errors(v), vec![e("members", ErrorCode::TooMany)]);

        let mut v = example();
        v.as_object_mut().unwrap().remove("members");
        v.as_object_mut().unwrap().remove("assets");
        v.as_object_mut().unwrap().remove("area");
        assert_eq!(
            errors(v),
            vec![
                e("area", ErrorCode::Required),
                e("members", ErrorCode::Required),
                e("assets", ErrorCode::Required)
            ]
        );
    }

    #[test]
    fn lenient_wire_values() {
        let mut v = example();
        v["members"][0]["age"] = json!("67");
        v["assets"]["financial"] = json!(" 10000.5 ");
        v["area"] = json!(7);
        v["members"][0]["self_care"] = json!({"x": 1});
        v["assets"]["vehicles_value"] = json!([1, 2]);
        v["assets"]["houses_owned"] = json!(true);
        assert_eq!(
            errors(v),
            vec![
                e("area", ErrorCode::UnknownValue),
                e("members[0].self_care", ErrorCode::UnknownValue),
                e("assets.vehicles_value", ErrorCode::NotANumber),
                e("assets.houses_owned", ErrorCode::NotANumber),
            ]
        );
        // Defaults: missing booleans are false, missing self_care is full, no expenses.
        let h = Household::parse(&request(json!({
            "area": "rural",
            "members": [{"age": 5}],
            "assets": {"financial": 0, "vehicles_value": 0, "houses_owned": 0}
        })))
        .unwrap();
        assert_eq!(h.members[0], Member::new(5));
        assert_eq!(h.rigid_expenses_12m, Fen::ZERO);
    }

    #[test]
    fn non_finite_numbers_built_in_rust() {
        let mut req = request(example());
        req.assets = Some(AssetsRequest {
            financial: Some(f64::NAN),
            vehicles_value: Some(f64::INFINITY),
            houses_owned: Some(f64::NEG_INFINITY),
        });
        let errs = Household::parse(&req).unwrap_err();
        assert!(errs.has("assets.financial", ErrorCode::NotANumber));
        assert!(errs.has("assets.vehicles_value", ErrorCode::NotANumber));
        assert!(errs.has("assets.houses_owned", ErrorCode::NotANumber));
        assert_eq!(
            errs.to_string(),
            "invalid household: assets.financial: not_a_number; assets.vehicles_value: not_a_number; assets.houses_owned: not_a_number;"
        );
    }

    #[test]
    fn emergency_parses() {
        let mut v = example();
        v["emergency"] = json!({"kind":"fire","urgency":"critical"});
        let h = Household::parse(&request(v)).unwrap();
        assert_eq!(
            h.emergency,
            Some(Emergency {
                kind: EmergencyKind::Fire,
                urgency: Urgency::Critical
            })
        );
        let mut v = example();
        v["emergency"] = json!({});
        assert_eq!(
            errors(v),
            vec![
                e("emergency.kind", ErrorCode::Required),
                e("emergency.urgency", ErrorCode::Required)
            ]
        );
    }

    #[test]
    fn income_kinds() {
        assert_eq!(IncomeKind::ALL.len(), 13);
        assert_eq!(IncomeKind::ALL.iter().filter(|k| k.is_exempt()).count(), 6);
        for k in IncomeKind::ALL {
            assert_eq!(IncomeKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(IncomeKind::parse("Wages"), None);
    }

    #[test]
    fn error_list_serializes_for_the_422() {
        let errs = InputErrors(vec![FieldError {
            field: "members[0].incomes[1].monthly".into(),
            code: ErrorCode::Negative,
        }]);
        assert_eq!(
            serde_json::to_value(&errs).unwrap(),
            json!([{"field":"members[0].incomes[1].monthly","code":"negative"}])
        );
    }
}
