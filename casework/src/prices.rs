//! The price-linkage subsidy (价格临时补贴联动机制): when prices rise, covered recipients are paid
//! a temporary subsidy for the month. The mechanism triggers in a month when the city's consumer
//! price index rose year on year by at least a threshold (sample 3.5%), or its food index by at
//! least another (sample 6%); the subsidy per person is the recipient's 低保 standard times the
//! rise, paid within a number of working days. Every figure is a parameter taking effect on a
//! date (sample defaults of the national rule, marked `sample`), so the bureau replaces them from
//! its notice without a code change.
//!
//! Two files, read and validated like the standards file: the price index the statistics bureau
//! publishes, month by month, and the linkage rules. Rises are kept as published, to one decimal
//! of a percent, in tenths of a percent (3.5% is 35); money is computed in integer fen.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rules::ProgrammeId;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::macros::format_description;
use time::{Date, Month};

use crate::county::County;
use crate::in_force::{InForce, InForceError};

/// The linkage rules built in: the national rule as sample figures.
const SAMPLE_LINKAGE: &str = include_str!("../data/price-linkage-sample.json");

/// A calendar month, written `2026-12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Four digits, 1000–9999.
    pub year: i32,
    pub month: Month,
}

/// A month not written as `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a month written as YYYY-MM")]
pub struct InvalidYearMonth(pub String);

impl YearMonth {
    pub fn new(year: i32, month: Month) -> YearMonth {
        YearMonth { year, month }
    }

    /// The month's first day.
    pub fn first_day(self) -> Date {
        // Every month has a first day; only a year outside `time`'s range has none.
        Date::from_calendar_date(self.year, self.month, 1).unwrap_or(Date::MIN)
    }
}

impl FromStr for YearMonth {
    type Err = InvalidYearMonth;

    fn from_str(text: &str) -> Result<YearMonth, InvalidYearMonth> {
        let invalid = || InvalidYearMonth(text.to_owned());
        let bytes = text.as_bytes();
        let digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
        // Seven ASCII bytes, so the slices below fall on character boundaries.
        if bytes.len() != 7 || bytes[4] != b'-' || !digits(&bytes[0..4]) || !digits(&bytes[5..7]) {
            return Err(invalid());
        }
        let year: i32 = text[0..4].parse().map_err(|_| invalid())?;
        let month: u8 = text[5..7].parse().map_err(|_| invalid())?;
        let month = Month::try_from(month).map_err(|_| invalid())?;
        if year < 1000 {
            return Err(invalid());
        }
        Ok(YearMonth { year, month })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, u8::from(self.month))
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<YearMonth, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One month of the price index: year-on-year rises in tenths of a percent, as published
/// (3.6% is 36; a fall is negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PriceIndexMonth {
    pub month: YearMonth,
    pub cpi_yoy_permille: i32,
    pub food_cpi_yoy_permille: i32,
}

/// The published months, ascending, no month twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceIndex {
    months: Vec<PriceIndexMonth>,
}

impl PriceIndex {
    /// The figures of a month, if published.
    pub fn month(&self, month: YearMonth) -> Option<&PriceIndexMonth> {
        self.months
            .binary_search_by_key(&month, |m| m.month)
            .ok()
            .and_then(|index| self.months.get(index))
    }

    /// Every published month, oldest first.
    pub fn months(&self) -> &[PriceIndexMonth] {
        &self.months
    }
}

/// What is wrong with one value of a prices, linkage or partners file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueProblem {
    #[error("missing")]
    Missing,
    #[error("not a field of this file")]
    UnknownField,
    #[error("{0} is not an object")]
    NotAnObject(String),
    #[error("{0} is not a number")]
    NotANumber(String),
    #[error("{0} has more than one decimal")]
    TooPrecise(String),
    #[error("{value} is outside {min} to {max}")]
    OutOfRange {
        value: String,
        min: &'static str,
        max: &'static str,
    },
    #[error("{0} is not a month written as YYYY-MM")]
    NotAMonth(String),
    #[error("{month} is given twice (first at {first})")]
    SameMonth { month: YearMonth, first: String },
    #[error("{0} is not a date written as YYYY-MM-DD")]
    NotADate(String),
    #[error("{0} is not true or false")]
    NotABool(String),
    #[error("{0} is not a whole number")]
    NotAWholeNumber(String),
    #[error("{0} is not a list")]
    NotAList(String),
    #[error("lists no programme")]
    NoProgramme,
    #[error("{0} is not a programme id")]
    UnknownProgramme(String),
    #[error("{0} is listed twice")]
    ProgrammeTwice(ProgrammeId),
    #[error("{0} is not a subsidy basis (cpi_then_food or cpi_only)")]
    UnknownBasis(String),
    // The problems below are those of the partners file (`partners.rs`).
    #[error("{0} is not a text")]
    NotAText(String),
    #[error("is empty")]
    EmptyText,
    #[error("{0} is not an id of 2 to 40 lowercase letters (a-z), digits and hyphens")]
    NotAnId(String),
    #[error("{id} is given twice (first at {first})")]
    IdTwice { id: String, first: String },
    #[error("{0} is not one of Jining's counties (任城区, 兖州区, 曲阜市, …)")]
    UnknownCounty(String),
    #[error("{} is listed twice", .0.chinese_name())]
    CountyTwice(County),
    #[error("{0} is not a partner kind (fund, charity, village_fund or department)")]
    UnknownKind(String),
    #[error("{0} is not a phone number (digits and hyphens, e.g. 0537-1234567)")]
    NotAPhone(String),
}

impl ValueProblem {
    /// A stable code for the problem, for pages that explain it in the reader's language.
    pub fn code(&self) -> &'static str {
        match self {
            ValueProblem::Missing => "missing",
            ValueProblem::UnknownField => "unknown_field",
            ValueProblem::NotAnObject(_) => "not_an_object",
            ValueProblem::NotANumber(_) => "not_a_number",
            ValueProblem::TooPrecise(_) => "too_precise",
            ValueProblem::OutOfRange { .. } => "out_of_range",
            ValueProblem::NotAMonth(_) => "not_a_month",
            ValueProblem::SameMonth { .. } => "same_month",
            ValueProblem::NotADate(_) => "not_a_date",
            ValueProblem::NotABool(_) => "not_a_bool",
            ValueProblem::NotAWholeNumber(_) => "not_a_whole_number",
            ValueProblem::NotAList(_) => "not_a_list",
            ValueProblem::NoProgramme => "no_programme",
            ValueProblem::UnknownProgramme(_) => "unknown_programme",
            ValueProblem::ProgrammeTwice(_) => "programme_twice",
            ValueProblem::UnknownBasis(_) => "unknown_basis",
            ValueProblem::NotAText(_) => "not_a_text",
            ValueProblem::EmptyText => "empty_text",
            ValueProblem::NotAnId(_) => "not_an_id",
            ValueProblem::IdTwice { .. } => "id_twice",
            ValueProblem::UnknownCounty(_) => "unknown_county",
            ValueProblem::CountyTwice(_) => "county_twice",
            ValueProblem::UnknownKind(_) => "unknown_kind",
            ValueProblem::NotAPhone(_) => "not_a_phone",
        }
    }
}

impl PriceFileError {
    /// Where in the file (`prices[3].cpi_yoy`; empty for the file as a whole) and a stable code
    /// for what is wrong there (`not_json`, `not_a_list`, `empty`, or a [`ValueProblem::code`]).
    pub fn located(&self) -> (&str, &'static str) {
        match self {
            PriceFileError::Json(_) => ("", "not_json"),
            PriceFileError::NotAList => ("", "not_a_list"),
            PriceFileError::Empty => ("", "empty"),
            PriceFileError::Value { at, problem } => (at.as_str(), problem.code()),
        }
    }
}

/// Why a price index file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceFileError {
    #[error("price index file is not valid JSON: {0}")]
    Json(String),
    #[error("price index file is not a list of months")]
    NotAList,
    #[error("price index file lists no month")]
    Empty,
    #[error("{at}: {problem}")]
    Value {
        /// `prices[3].cpi_yoy`, or `prices[3]` for the entry as a whole.
        at: String,
        problem: ValueProblem,
    },
}

/// Why a linkage rules file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkageFileError {
    #[error("price linkage file is not valid JSON: {0}")]
    Json(String),
    #[error("{at}: {problem}")]
    Value {
        /// `linkage[1].cpi_threshold`, or `linkage.…` for a file of one entry.
        at: String,
        problem: ValueProblem,
    },
    #[error("{0}")]
    Dates(InForceError),
}

/// Reads a price index file: a JSON array of
/// `{"month": "2026-11", "cpi_yoy": 3.6, "food_cpi_yoy": 5.2}`, rises in percent with at most
/// one decimal, from −50 to 100, in any order, each month once.
pub fn read_price_index(json: &str) -> Result<PriceIndex, PriceFileError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| PriceFileError::Json(e.to_string()))?;
    let Value::Array(items) = value else {
        return Err(PriceFileError::NotAList);
    };
    if items.is_empty() {
        return Err(PriceFileError::Empty);
    }
    let mut months: BTreeMap<YearMonth, (usize, PriceIndexMonth)> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let entry = format!("prices[{i}]");
        let month = price_month(&entry, item).map_err(|(at, problem)| PriceFileError::Value {
            at: at.unwrap_or(entry.clone()),
            problem,
        })?;
        if let Some((first, _)) = months.get(&month.month) {
            return Err(PriceFileError::Value {
                at: format!("{entry}.month"),
                problem: ValueProblem::SameMonth {
                    month: month.month,
                    first: format!("prices[{first}]"),
                },
            });
        }
        months.insert(month.month, (i, month));
    }
    Ok(PriceIndex {
        months: months.into_values().map(|(_, month)| month).collect(),
    })
}

/// A problem and where: `None` for the entry itself, else the full path of the field.
type Located = (Option<String>, ValueProblem);

fn price_month(entry: &str, item: &Value) -> Result<PriceIndexMonth, Located> {
    let object = entry_object(entry, item, &["month", "cpi_yoy", "food_cpi_yoy"])?;
    let field = |name: &str| {
        let at = format!("{entry}.{name}");
        match object.get(name) {
            Some(value) => Ok((at, value)),
            None => Err((Some(at), ValueProblem::Missing)),
        }
    };
    let (at, month) = field("month")?;
    let month = match month {
        Value::String(text) => text
            .parse::<YearMonth>()
            .map_err(|_| (Some(at), ValueProblem::NotAMonth(month.to_string())))?,
        other => return Err((Some(at), ValueProblem::NotAMonth(other.to_string()))),
    };
    let rise = |name: &str| {
        let (at, value) = field(name)?;
        tenths_in(value, -500, 1000, "-50", "100").map_err(|problem| (Some(at), problem))
    };
    Ok(PriceIndexMonth {
        month,
        cpi_yoy_permille: rise("cpi_yoy")?,
        food_cpi_yoy_permille: rise("food_cpi_yoy")?,
    })
}

/// A field of the one-month form on which staff type a month's published figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceField {
    Month,
    Cpi,
    Food,
}

/// Reads one month's figures as typed (`2026-11`, `3.6`, `-0.5`; a `%` after the number and
/// spaces are allowed), with the ranges of the file. Every field with a problem is named.
pub fn read_price_month(
    month: &str,
    cpi_yoy: &str,
    food_cpi_yoy: &str,
) -> Result<PriceIndexMonth, Vec<(PriceField, ValueProblem)>> {
    let mut problems = Vec::new();
    let month = month.trim();
    let month = if month.is_empty() {
        problems.push((PriceField::Month, ValueProblem::Missing));
        None
    } else {
        month
            .parse::<YearMonth>()
            .map_err(|_| problems.push((PriceField::Month, ValueProblem::NotAMonth(month.into()))))
            .ok()
    };
    let mut rise = |field: PriceField, typed: &str| {
        let typed = typed.trim();
        let typed = typed.strip_suffix(['%', '％']).unwrap_or(typed).trim();
        if typed.is_empty() {
            problems.push((field, ValueProblem::Missing));
            return None;
        }
        // Typed text is read as JSON reads a number: `+3.6` and `.5` are not numbers there.
        let value = match typed.parse::<serde_json::Number>() {
            Ok(number) => Value::Number(number),
            Err(_) => {
                problems.push((field, ValueProblem::NotANumber(typed.into())));
                return None;
            }
        };
        tenths_in(&value, -500, 1000, "-50", "100")
            .map_err(|problem| problems.push((field, problem)))
            .ok()
    };
    let cpi = rise(PriceField::Cpi, cpi_yoy);
    let food = rise(PriceField::Food, food_cpi_yoy);
    match (month, cpi, food) {
        (Some(month), Some(cpi_yoy_permille), Some(food_cpi_yoy_permille)) => Ok(PriceIndexMonth {
            month,
            cpi_yoy_permille,
            food_cpi_yoy_permille,
        }),
        _ => Err(problems),
    }
}

/// The entry as an object with no field but `fields`.
fn entry_object<'a>(
    entry: &str,
    item: &'a Value,
    fields: &[&str],
) -> Result<&'a Map<String, Value>, Located> {
    let Value::Object(object) = item else {
        return Err((None, ValueProblem::NotAnObject(item.to_string())));
    };
    if let Some(unknown) = object.keys().find(|key| !fields.contains(&key.as_str())) {
        return Err((
            Some(format!("{entry}.{unknown}")),
            ValueProblem::UnknownField,
        ));
    }
    Ok(object)
}

/// A percent with at most one decimal, in tenths, from `min` to `max` tenths.
fn tenths_in(
    value: &Value,
    min: i32,
    max: i32,
    min_text: &'static str,
    max_text: &'static str,
) -> Result<i32, ValueProblem> {
    let Value::Number(number) = value else {
        return Err(ValueProblem::NotANumber(value.to_string()));
    };
    let text = number.to_string();
    let out_of_range = || ValueProblem::OutOfRange {
        value: text.clone(),
        min: min_text,
        max: max_text,
    };
    match decimal_tenths(&text) {
        Tenths::Exact(tenths) => i32::try_from(tenths)
            .ok()
            .filter(|tenths| (min..=max).contains(tenths))
            .ok_or_else(out_of_range),
        Tenths::TooPrecise => Err(ValueProblem::TooPrecise(text)),
        Tenths::TooLarge => Err(out_of_range()),
        Tenths::NotADecimal => Err(ValueProblem::NotANumber(text)),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Tenths {
    Exact(i64),
    TooPrecise,
    TooLarge,
    NotADecimal,
}

/// A number written in decimal (`3.6`, `-0.5`, `4`, `1e-7`, as JSON writes it) in tenths, read
/// exactly from its digits: a float never decides whether it has more than one decimal.
fn decimal_tenths(text: &str) -> Tenths {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => match exponent.parse::<i32>() {
            Ok(exponent) => (mantissa, i64::from(exponent)),
            Err(_) => return Tenths::NotADecimal,
        },
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let is_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) {
        return Tenths::NotADecimal;
    }
    // value = digits × 10^(exponent − decimals), in tenths one power of ten more.
    let digits = format!("{whole}{fraction}");
    let Ok(decimals) = i64::try_from(fraction.len()) else {
        return Tenths::NotADecimal;
    };
    let significant = digits.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    let Ok(trailing_zeros) = i64::try_from(significant.len() - trimmed.len()) else {
        return Tenths::NotADecimal;
    };
    if trimmed.is_empty() {
        return Tenths::Exact(0);
    }
    let shift = exponent - decimals + 1 + trailing_zeros;
    if shift < 0 {
        return Tenths::TooPrecise;
    }
    // Twelve digits in tenths are far beyond any range read here, and well within i64.
    let Ok(length) = i64::try_from(trimmed.len()) else {
        return Tenths::TooLarge;
    };
    if length + shift > 12 {
        return Tenths::TooLarge;
    }
    let Ok(mut tenths) = trimmed.parse::<i64>() else {
        return Tenths::NotADecimal;
    };
    for _ in 0..shift {
        tenths *= 10;
    }
    Tenths::Exact(if negative { -tenths } else { tenths })
}

rules::wire_enum! {
    /// Which rise the subsidy is computed with.
    SubsidyBasis {
        /// The CPI rise when the CPI triggered; the food CPI rise when only the food CPI did
        /// (the national rule).
        CpiThenFood = "cpi_then_food",
        /// Always the CPI rise, also when only the food CPI triggered.
        CpiOnly = "cpi_only",
    }
}

rules::wire_enum! {
    /// The index that triggered the mechanism in a month.
    TriggerBy {
        Cpi = "cpi",
        Food = "food",
    }
}

/// The parameters of the mechanism, as in force from one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkageRules {
    /// The figures are samples, not the bureau's notice: pages say so.
    pub sample: bool,
    /// The CPI year-on-year rise that triggers, in tenths of a percent, inclusive (35 = 3.5%).
    pub cpi_threshold_permille: i32,
    /// The food CPI year-on-year rise that triggers, in tenths of a percent, inclusive.
    pub food_threshold_permille: i32,
    /// The programmes whose recipients are paid.
    pub covered: Vec<ProgrammeId>,
    pub basis: SubsidyBasis,
    /// The month's subsidy is paid within this many working days.
    pub pay_within_working_days: u32,
}

/// The mechanism triggered in a month: by which index, and the rise the subsidy is computed with
/// (by the rules' basis), in tenths of a percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Trigger {
    pub by: TriggerBy,
    pub rise_permille: i32,
}

/// Whether the mechanism triggers in this month. The CPI takes precedence when both indexes reach
/// their thresholds; a threshold reached exactly triggers.
pub fn triggered(rules: &LinkageRules, month: &PriceIndexMonth) -> Option<Trigger> {
    if month.cpi_yoy_permille >= rules.cpi_threshold_permille {
        return Some(Trigger {
            by: TriggerBy::Cpi,
            rise_permille: month.cpi_yoy_permille,
        });
    }
    if month.food_cpi_yoy_permille >= rules.food_threshold_permille {
        let rise_permille = match rules.basis {
            SubsidyBasis::CpiThenFood => month.food_cpi_yoy_permille,
            SubsidyBasis::CpiOnly => month.cpi_yoy_permille,
        };
        return Some(Trigger {
            by: TriggerBy::Food,
            rise_permille,
        });
    }
    None
}

/// The month's subsidy for `persons` covered persons, in fen: per person the 低保 standard of
/// their area (yuan per person per month) times the rise, paid in whole yuan with halves up
/// (POLICY.md §3.2: "amounts paid are rounded to whole yuan, 0.5 rounding up").
/// `None` when the programme is not covered. A rise or a standard below zero pays nothing.
pub fn subsidy_fen(
    rules: &LinkageRules,
    trigger: &Trigger,
    programme: ProgrammeId,
    dibao_standard_yuan: i64,
    persons: u32,
) -> Option<i64> {
    if !rules.covered.contains(&programme) {
        return None;
    }
    // standard yuan × rise / 1000, in thousandths of a yuan; paid in whole yuan, as fen.
    let thousandths =
        i128::from(dibao_standard_yuan.max(0)) * i128::from(trigger.rise_permille.max(0));
    let per_person = (thousandths + 500).div_euclid(1000) * 100;
    let total = per_person * i128::from(persons);
    Some(i64::try_from(total).unwrap_or(i64::MAX))
}

/// Reads a linkage rules file: one entry, or a list of them, each
/// `{"effective_from": "2026-01-01", "sample": true, "cpi_threshold": 3.5,
/// "food_cpi_threshold": 6.0, "covered": ["dibao", "tekun"], "basis": "cpi_then_food",
/// "pay_within_working_days": 20}` (thresholds in percent, at most one decimal, above 0 and at
/// most 100).
pub fn read_linkage_rules(json: &str) -> Result<InForce<LinkageRules>, LinkageFileError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| LinkageFileError::Json(e.to_string()))?;
    let read = |entry: String, item: &Value| {
        linkage_entry(&entry, item).map_err(|(at, problem)| LinkageFileError::Value {
            at: at.unwrap_or(entry),
            problem,
        })
    };
    let entries = match &value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| read(format!("linkage[{i}]"), item))
            .collect::<Result<Vec<_>, _>>()?,
        item => vec![read("linkage".to_owned(), item)?],
    };
    InForce::new(entries).map_err(LinkageFileError::Dates)
}

fn linkage_entry(entry: &str, item: &Value) -> Result<(Date, LinkageRules), Located> {
    let object = entry_object(
        entry,
        item,
        &[
            "effective_from",
            "sample",
            "cpi_threshold",
            "food_cpi_threshold",
            "covered",
            "basis",
            "pay_within_working_days",
        ],
    )?;
    let field = |name: &str| {
        let at = format!("{entry}.{name}");
        match object.get(name) {
            Some(value) => Ok((at, value)),
            None => Err((Some(at), ValueProblem::Missing)),
        }
    };

    let (at, from) = field("effective_from")?;
    let from = match from {
        Value::String(text) => Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map_err(|_| (Some(at), ValueProblem::NotADate(from.to_string())))?,
        other => return Err((Some(at), ValueProblem::NotADate(other.to_string()))),
    };

    let (at, sample) = field("sample")?;
    let Value::Bool(sample) = *sample else {
        return Err((Some(at), ValueProblem::NotABool(sample.to_string())));
    };

    let threshold = |name: &str| {
        let (at, value) = field(name)?;
        tenths_in(value, 1, 1000, "0.1", "100").map_err(|problem| (Some(at), problem))
    };
    let cpi_threshold_permille = threshold("cpi_threshold")?;
    let food_threshold_permille = threshold("food_cpi_threshold")?;

    let (at, listed) = field("covered")?;
    let Value::Array(listed) = listed else {
        return Err((Some(at), ValueProblem::NotAList(listed.to_string())));
    };
    if listed.is_empty() {
        return Err((Some(at), ValueProblem::NoProgramme));
    }
    let mut covered = Vec::with_capacity(listed.len());
    for (i, id) in listed.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let programme = id.as_str().and_then(ProgrammeId::parse).ok_or_else(|| {
            (
                Some(at.clone()),
                ValueProblem::UnknownProgramme(id.to_string()),
            )
        })?;
        if covered.contains(&programme) {
            return Err((Some(at), ValueProblem::ProgrammeTwice(programme)));
        }
        covered.push(programme);
    }

    let (at, basis) = field("basis")?;
    let basis = basis
        .as_str()
        .and_then(SubsidyBasis::parse)
        .ok_or_else(|| (Some(at), ValueProblem::UnknownBasis(basis.to_string())))?;

    let (at, days) = field("pay_within_working_days")?;
    if !(days.is_i64() || days.is_u64()) {
        return Err((Some(at), ValueProblem::NotAWholeNumber(days.to_string())));
    }
    let pay_within_working_days = days
        .as_u64()
        .and_then(|whole| u32::try_from(whole).ok())
        .filter(|days| (1..=366).contains(days))
        .ok_or_else(|| {
            let problem = ValueProblem::OutOfRange {
                value: days.to_string(),
                min: "1",
                max: "366",
            };
            (Some(at), problem)
        })?;

    Ok((
        from,
        LinkageRules {
            sample,
            cpi_threshold_permille,
            food_threshold_permille,
            covered,
            basis,
            pay_within_working_days,
        },
    ))
}

/// The sample linkage rules built in (`data/price-linkage-sample.json`): the national rule's
/// figures, marked `sample`, in force from 1 January 2026.
pub fn sample_linkage_rules() -> InForce<LinkageRules> {
    match read_linkage_rules(SAMPLE_LINKAGE) {
        Ok(rules) => rules,
        // The file is part of the crate and a test checks it; reaching this is a build defect.
        Err(error) => panic!("data/price-linkage-sample.json is invalid: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_month_is_read_with_the_ranges_of_the_file() {
        assert_eq!(
            read_price_month(" 2026-11 ", "3.6%", "-0.5"),
            Ok(PriceIndexMonth {
                month: YearMonth::new(2026, Month::November),
                cpi_yoy_permille: 36,
                food_cpi_yoy_permille: -5,
            })
        );
        let problems = read_price_month("2026-13", "3.65", "").expect_err("refused");
        let codes: Vec<(PriceField, &str)> = problems.iter().map(|(f, p)| (*f, p.code())).collect();
        assert_eq!(
            codes,
            vec![
                (PriceField::Month, "not_a_month"),
                (PriceField::Cpi, "too_precise"),
                (PriceField::Food, "missing"),
            ]
        );
        let problems = read_price_month("", "abc", "101").expect_err("refused");
        let codes: Vec<&str> = problems.iter().map(|(_, p)| p.code()).collect();
        assert_eq!(codes, vec!["missing", "not_a_number", "out_of_range"]);
    }

    #[test]
    fn a_refused_file_says_where_and_what() {
        let refused =
            read_price_index(r#"[{"month": "2026-11", "cpi_yoy": "3.6", "food_cpi_yoy": 1}]"#)
                .expect_err("refused");
        assert_eq!(refused.located(), ("prices[0].cpi_yoy", "not_a_number"));
        assert_eq!(
            read_price_index("{").expect_err("refused").located(),
            ("", "not_json")
        );
    }
    use serde_json::json;
    use time::macros::date;

    fn month(text: &str) -> YearMonth {
        text.parse().unwrap_or(YearMonth::new(1000, Month::January))
    }

    fn prices(month_text: &str, cpi: i32, food: i32) -> PriceIndexMonth {
        PriceIndexMonth {
            month: month(month_text),
            cpi_yoy_permille: cpi,
            food_cpi_yoy_permille: food,
        }
    }

    fn sample() -> LinkageRules {
        sample_linkage_rules().on(date!(2026 - 06 - 01)).clone()
    }

    fn with_basis(basis: SubsidyBasis) -> LinkageRules {
        LinkageRules { basis, ..sample() }
    }

    #[test]
    fn the_sample_rules_file_reads_as_the_national_rule_marked_sample() {
        let rules = read_linkage_rules(SAMPLE_LINKAGE).map_err(|e| e.to_string());
        let Ok(rules) = rules else {
            panic!("{rules:?}");
        };
        let entries: Vec<(Date, &LinkageRules)> = rules.entries().collect();
        assert_eq!(
            entries,
            vec![(
                date!(2026 - 01 - 01),
                &LinkageRules {
                    sample: true,
                    cpi_threshold_permille: 35,
                    food_threshold_permille: 60,
                    covered: vec![ProgrammeId::Dibao, ProgrammeId::Tekun],
                    basis: SubsidyBasis::CpiThenFood,
                    pay_within_working_days: 20,
                }
            )]
        );
        assert_eq!(rules, sample_linkage_rules());
        let echoed = serde_json::to_value(sample()).unwrap_or_default();
        assert_eq!(echoed["sample"], true);
        assert_eq!(echoed["covered"], json!(["dibao", "tekun"]));
        assert_eq!(echoed["basis"], "cpi_then_food");
    }

    #[test]
    fn a_price_index_file_reads_ascending_by_month() {
        let file = json!([
            {"month": "2026-11", "cpi_yoy": 3.6, "food_cpi_yoy": 5.2},
            {"month": "2026-09", "cpi_yoy": -0.3, "food_cpi_yoy": 6},
            {"month": "2026-10", "cpi_yoy": 3.50, "food_cpi_yoy": 0.0}
        ])
        .to_string();
        let index = read_price_index(&file).map_err(|e| e.to_string());
        let Ok(index) = index else {
            panic!("{index:?}");
        };
        assert_eq!(
            index.months(),
            &[
                prices("2026-09", -3, 60),
                prices("2026-10", 35, 0),
                prices("2026-11", 36, 52),
            ]
        );
        assert_eq!(
            index.month(month("2026-11")),
            Some(&prices("2026-11", 36, 52))
        );
        assert_eq!(index.month(month("2026-12")), None);
    }

    #[test]
    fn a_month_is_written_yyyy_mm() {
        let november = month("2026-11");
        assert_eq!(november, YearMonth::new(2026, Month::November));
        assert_eq!(november.to_string(), "2026-11");
        assert_eq!(november.first_day(), date!(2026 - 11 - 01));
        assert!(month("2026-12") < month("2027-01"));
        assert!(month("2026-02") < month("2026-10"));
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-11",
            "2026/11",
            "2026-11-01",
            "０２６-11",
        ] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::to_string(&november).ok().as_deref(),
            Some("\"2026-11\"")
        );
        let read: Result<YearMonth, _> = serde_json::from_str("\"2026-11\"");
        assert_eq!(read.ok(), Some(november));
        assert!(serde_json::from_str::<YearMonth>("\"2026-13\"").is_err());
    }

    #[test]
    fn a_rise_is_read_from_its_decimal_digits() {
        assert_eq!(decimal_tenths("3.6"), Tenths::Exact(36));
        assert_eq!(decimal_tenths("4"), Tenths::Exact(40));
        assert_eq!(decimal_tenths("3.50"), Tenths::Exact(35));
        assert_eq!(decimal_tenths("-0.5"), Tenths::Exact(-5));
        assert_eq!(decimal_tenths("-0.0"), Tenths::Exact(0));
        assert_eq!(decimal_tenths("3.5e0"), Tenths::Exact(35));
        assert_eq!(decimal_tenths("1E2"), Tenths::Exact(1000));
        assert_eq!(decimal_tenths("3.55"), Tenths::TooPrecise);
        assert_eq!(decimal_tenths("1e-7"), Tenths::TooPrecise);
        assert_eq!(decimal_tenths("1e20"), Tenths::TooLarge);
        assert_eq!(decimal_tenths("1e+30"), Tenths::TooLarge);
        assert_eq!(decimal_tenths("3.x"), Tenths::NotADecimal);
    }

    #[test]
    fn a_cpi_rise_of_the_threshold_triggers_and_below_it_does_not() {
        let rules = sample();
        assert_eq!(
            triggered(&rules, &prices("2026-11", 35, 10)),
            Some(Trigger {
                by: TriggerBy::Cpi,
                rise_permille: 35
            })
        );
        assert_eq!(triggered(&rules, &prices("2026-11", 34, 10)), None);
    }

    #[test]
    fn a_food_rise_of_six_percent_triggers_alone() {
        let rules = sample();
        assert_eq!(
            triggered(&rules, &prices("2026-11", 20, 60)),
            Some(Trigger {
                by: TriggerBy::Food,
                rise_permille: 60
            })
        );
        assert_eq!(triggered(&rules, &prices("2026-11", 20, 59)), None);
        // With the CPI-only basis the food index still triggers, and the CPI rise is paid.
        assert_eq!(
            triggered(
                &with_basis(SubsidyBasis::CpiOnly),
                &prices("2026-11", 20, 60)
            ),
            Some(Trigger {
                by: TriggerBy::Food,
                rise_permille: 20
            })
        );
    }

    #[test]
    fn both_indexes_under_their_thresholds_trigger_nothing() {
        assert_eq!(triggered(&sample(), &prices("2026-11", 34, 59)), None);
        assert_eq!(triggered(&sample(), &prices("2026-11", -12, -40)), None);
    }

    #[test]
    fn the_cpi_takes_precedence_when_both_trigger() {
        assert_eq!(
            triggered(&sample(), &prices("2026-11", 40, 75)),
            Some(Trigger {
                by: TriggerBy::Cpi,
                rise_permille: 40
            })
        );
    }

    #[test]
    fn a_dibao_household_of_three_is_paid_the_standard_times_the_rise() {
        let rules = sample();
        let Some(trigger) = triggered(&rules, &prices("2026-11", 36, 10)) else {
            panic!("3.6% triggers");
        };
        // 980 yuan × 3.6% = 35.28 yuan, paid 35 yuan a person.
        assert_eq!(
            subsidy_fen(&rules, &trigger, ProgrammeId::Dibao, 980, 3),
            Some(10_500)
        );
        assert_eq!(
            subsidy_fen(&rules, &trigger, ProgrammeId::Dibao, 980, 0),
            Some(0)
        );
    }

    #[test]
    fn half_a_yuan_rounds_up_to_the_whole_yuan_paid() {
        let trigger = Trigger {
            by: TriggerBy::Cpi,
            rise_permille: 35,
        };
        // 1000 yuan × 3.5% = 35 yuan exactly; 1010 × 3.5% = 35.35, paid 35.
        assert_eq!(
            subsidy_fen(&sample(), &trigger, ProgrammeId::Dibao, 1000, 1),
            Some(3500)
        );
        assert_eq!(
            subsidy_fen(&sample(), &trigger, ProgrammeId::Dibao, 1010, 1),
            Some(3500)
        );
        // 1100 × 4.5% = 49.5 yuan, paid 50; 1090 × 4.5% = 49.05, paid 49.
        let trigger = Trigger {
            by: TriggerBy::Cpi,
            rise_permille: 45,
        };
        assert_eq!(
            subsidy_fen(&sample(), &trigger, ProgrammeId::Dibao, 1100, 1),
            Some(5000)
        );
        assert_eq!(
            subsidy_fen(&sample(), &trigger, ProgrammeId::Dibao, 1090, 1),
            Some(4900)
        );
        // A fall pays nothing rather than taking money back.
        let fall = Trigger {
            by: TriggerBy::Food,
            rise_permille: -5,
        };
        assert_eq!(
            subsidy_fen(&sample(), &fall, ProgrammeId::Dibao, 980, 2),
            Some(0)
        );
    }

    #[test]
    fn tekun_is_covered_and_marginal_is_not_in_the_sample() {
        let rules = sample();
        let trigger = Trigger {
            by: TriggerBy::Food,
            rise_permille: 62,
        };
        // 820 yuan × 6.2% = 50.84 yuan, paid 51.
        assert_eq!(
            subsidy_fen(&rules, &trigger, ProgrammeId::Tekun, 820, 1),
            Some(5100)
        );
        assert_eq!(
            subsidy_fen(&rules, &trigger, ProgrammeId::Marginal, 820, 1),
            None
        );
        let wider = LinkageRules {
            covered: vec![
                ProgrammeId::Dibao,
                ProgrammeId::Tekun,
                ProgrammeId::Marginal,
            ],
            ..rules
        };
        assert_eq!(
            subsidy_fen(&wider, &trigger, ProgrammeId::Marginal, 820, 1),
            Some(5100)
        );
    }

    #[test]
    fn a_rules_change_mid_year_applies_from_its_date() {
        let file = json!([
            {"effective_from": "2026-07-01", "sample": false, "cpi_threshold": 3.0,
             "food_cpi_threshold": 5.5, "covered": ["dibao", "tekun", "marginal"],
             "basis": "cpi_then_food", "pay_within_working_days": 15},
            {"effective_from": "2026-01-01", "sample": true, "cpi_threshold": 3.5,
             "food_cpi_threshold": 6.0, "covered": ["dibao", "tekun"],
             "basis": "cpi_then_food", "pay_within_working_days": 20}
        ])
        .to_string();
        let rules = read_linkage_rules(&file).map_err(|e| e.to_string());
        let Ok(rules) = rules else {
            panic!("{rules:?}");
        };
        let june = month("2026-06");
        let july = month("2026-07");
        let before = rules.on(june.first_day());
        let after = rules.on(july.first_day());
        assert_eq!(before, &sample());
        assert_eq!(rules.on(date!(2026 - 06 - 30)), &sample());
        assert!(!after.sample);
        assert_eq!(after.pay_within_working_days, 15);
        let rise = prices("2026-07", 32, 10);
        assert_eq!(triggered(before, &rise), None);
        assert_eq!(triggered(after, &rise).map(|t| t.by), Some(TriggerBy::Cpi));
    }

    /// A change to a file, and the error it must give.
    type Edit = Box<dyn FnOnce(&mut Value)>;

    fn price_error(edit: impl FnOnce(&mut Value)) -> String {
        let mut file = json!([
            {"month": "2026-08", "cpi_yoy": 1.2, "food_cpi_yoy": 2.0},
            {"month": "2026-09", "cpi_yoy": 2.4, "food_cpi_yoy": 3.1},
            {"month": "2026-10", "cpi_yoy": 3.0, "food_cpi_yoy": 4.4},
            {"month": "2026-11", "cpi_yoy": 3.6, "food_cpi_yoy": 5.2}
        ]);
        edit(&mut file);
        match read_price_index(&file.to_string()) {
            Ok(_) => "accepted".to_owned(),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn every_price_file_error_names_its_entry() {
        assert_eq!(price_error(|_| {}), "accepted");
        let cases: Vec<(Edit, &str)> = vec![
            (
                Box::new(|f| f[3]["cpi_yoy"] = json!(3.55)),
                "prices[3].cpi_yoy: 3.55 has more than one decimal",
            ),
            (
                Box::new(|f| f[2]["food_cpi_yoy"] = json!(100.1)),
                "prices[2].food_cpi_yoy: 100.1 is outside -50 to 100",
            ),
            (
                Box::new(|f| f[1]["cpi_yoy"] = json!(-50.1)),
                "prices[1].cpi_yoy: -50.1 is outside -50 to 100",
            ),
            (
                Box::new(|f| f[1]["cpi_yoy"] = json!(1e30)),
                "prices[1].cpi_yoy: 1e+30 is outside -50 to 100",
            ),
            (
                Box::new(|f| f[3]["cpi_yoy"] = json!("3.6")),
                "prices[3].cpi_yoy: \"3.6\" is not a number",
            ),
            (
                Box::new(|f| {
                    if let Some(o) = f[0].as_object_mut() {
                        o.remove("food_cpi_yoy");
                    }
                }),
                "prices[0].food_cpi_yoy: missing",
            ),
            (
                Box::new(|f| {
                    if let Some(o) = f[2].as_object_mut() {
                        o.remove("month");
                    }
                }),
                "prices[2].month: missing",
            ),
            (
                Box::new(|f| f[1]["month"] = json!("2026-13")),
                "prices[1].month: \"2026-13\" is not a month written as YYYY-MM",
            ),
            (
                Box::new(|f| f[1]["month"] = json!(202609)),
                "prices[1].month: 202609 is not a month written as YYYY-MM",
            ),
            (
                Box::new(|f| f[3]["month"] = json!("2026-09")),
                "prices[3].month: 2026-09 is given twice (first at prices[1])",
            ),
            (
                Box::new(|f| f[2]["cpi"] = json!(3.0)),
                "prices[2].cpi: not a field of this file",
            ),
            (
                Box::new(|f| f[2] = json!([3.0])),
                "prices[2]: [3.0] is not an object",
            ),
            (
                Box::new(|f| *f = json!({"month": "2026-11"})),
                "price index file is not a list of months",
            ),
            (
                Box::new(|f| *f = json!([])),
                "price index file lists no month",
            ),
        ];
        for (edit, expected) in cases {
            assert_eq!(price_error(edit), expected);
        }
        let broken = read_price_index("[{").err().map(|e| e.to_string());
        assert!(
            broken.is_some_and(|m| m.starts_with("price index file is not valid JSON: ")),
            "a broken file is refused"
        );
    }

    fn linkage_error(edit: impl FnOnce(&mut Value)) -> String {
        let mut file: Value = serde_json::from_str(SAMPLE_LINKAGE).unwrap_or_default();
        edit(&mut file);
        match read_linkage_rules(&file.to_string()) {
            Ok(_) => "accepted".to_owned(),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn every_linkage_file_error_names_its_entry() {
        assert_eq!(linkage_error(|_| {}), "accepted");
        let cases: Vec<(Edit, &str)> = vec![
            (
                Box::new(|f| f[0]["cpi_threshold"] = json!(3.25)),
                "linkage[0].cpi_threshold: 3.25 has more than one decimal",
            ),
            (
                Box::new(|f| f[0]["food_cpi_threshold"] = json!(0)),
                "linkage[0].food_cpi_threshold: 0 is outside 0.1 to 100",
            ),
            (
                Box::new(|f| f[0]["effective_from"] = json!("July")),
                "linkage[0].effective_from: \"July\" is not a date written as YYYY-MM-DD",
            ),
            (
                Box::new(|f| {
                    if let Some(o) = f[0].as_object_mut() {
                        o.remove("effective_from");
                    }
                }),
                "linkage[0].effective_from: missing",
            ),
            (
                Box::new(|f| f[0]["sample"] = json!("yes")),
                "linkage[0].sample: \"yes\" is not true or false",
            ),
            (
                Box::new(|f| f[0]["covered"] = json!(["dibao", "weibao"])),
                "linkage[0].covered[1]: \"weibao\" is not a programme id",
            ),
            (
                Box::new(|f| f[0]["covered"] = json!(["tekun", "tekun"])),
                "linkage[0].covered[1]: tekun is listed twice",
            ),
            (
                Box::new(|f| f[0]["covered"] = json!([])),
                "linkage[0].covered: lists no programme",
            ),
            (
                Box::new(|f| f[0]["covered"] = json!("dibao")),
                "linkage[0].covered: \"dibao\" is not a list",
            ),
            (
                Box::new(|f| f[0]["basis"] = json!("food_first")),
                "linkage[0].basis: \"food_first\" is not a subsidy basis (cpi_then_food or cpi_only)",
            ),
            (
                Box::new(|f| f[0]["pay_within_working_days"] = json!(0)),
                "linkage[0].pay_within_working_days: 0 is outside 1 to 366",
            ),
            (
                Box::new(|f| f[0]["pay_within_working_days"] = json!(-3)),
                "linkage[0].pay_within_working_days: -3 is outside 1 to 366",
            ),
            (
                Box::new(|f| f[0]["pay_within_working_days"] = json!(20.5)),
                "linkage[0].pay_within_working_days: 20.5 is not a whole number",
            ),
            (
                Box::new(|f| f[0]["threshold"] = json!(3.5)),
                "linkage[0].threshold: not a field of this file",
            ),
            (
                Box::new(|f| {
                    let first = f[0].clone();
                    if let Some(list) = f.as_array_mut() {
                        list.push(first);
                    }
                }),
                "two entries take effect on 2026-01-01",
            ),
            (
                Box::new(|f| *f = f[0].clone()),
                "accepted",
            ),
            (
                Box::new(|f| {
                    *f = f[0].clone();
                    f["cpi_threshold"] = json!(101);
                }),
                "linkage.cpi_threshold: 101 is outside 0.1 to 100",
            ),
            (
                Box::new(|f| *f = json!([])),
                "no entry: at least one is needed",
            ),
        ];
        for (edit, expected) in cases {
            assert_eq!(linkage_error(edit), expected);
        }
    }
}
