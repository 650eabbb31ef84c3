//! Parameters that take effect on a date (POLICY.md §3.1: "all limits are parameters"): the
//! bureau publishes new assistance standards during a year, and a case is assessed with the ones
//! in force on the day it was submitted, however late it is looked at. Days are Beijing days.

use rules::Standards;
use serde_json::Value;
use time::macros::{format_description, offset};
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Beijing time, in which a date takes effect and a working day is counted.
pub const BEIJING: UtcOffset = offset!(+8);

/// The Beijing date of an instant.
pub fn beijing_date(at: OffsetDateTime) -> Date {
    at.to_offset(BEIJING).date()
}

/// Values, each in force from its date until the next one's.
#[derive(Debug, Clone, PartialEq)]
pub struct InForce<T> {
    /// Ascending by date, never empty, no date twice.
    entries: Vec<(Date, T)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InForceError {
    #[error("no entry: at least one is needed")]
    Empty,
    #[error("two entries take effect on {0}")]
    SameDate(Date),
}

impl<T> InForce<T> {
    /// One value, in force from `from`.
    pub fn single(from: Date, value: T) -> Self {
        InForce {
            entries: vec![(from, value)],
        }
    }

    /// Values with the dates they take effect, in any order.
    pub fn new(mut entries: Vec<(Date, T)>) -> Result<Self, InForceError> {
        entries.sort_by_key(|(from, _)| *from);
        if let Some(pair) = entries.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(InForceError::SameDate(pair[0].0));
        }
        if entries.is_empty() {
            return Err(InForceError::Empty);
        }
        Ok(InForce { entries })
    }

    /// The value in force on `day`: the latest that took effect on or before it. A day before
    /// the first takes the first, so a case is never left without parameters.
    pub fn on(&self, day: Date) -> &T {
        let taken = self.entries.partition_point(|(from, _)| *from <= day);
        let index = taken.saturating_sub(1);
        &self.entries[index.min(self.entries.len() - 1)].1
    }

    /// The value in force at an instant, by its Beijing date.
    pub fn at(&self, at: OffsetDateTime) -> &T {
        self.on(beijing_date(at))
    }

    /// Each value with the date it takes effect, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = (Date, &T)> {
        self.entries.iter().map(|(from, value)| (*from, value))
    }
}

/// Why a standards file was refused.
#[derive(Debug, thiserror::Error)]
pub enum StandardsFileError {
    #[error("standards file is not valid JSON: {0}")]
    Json(String),
    #[error("{entry}: {source}")]
    Entry {
        /// `standards[2]`, or `standards` for a file of one year.
        entry: String,
        source: rules::StandardsError,
    },
    #[error("{entry}.effective_from: {text:?} is not a date written as YYYY-MM-DD")]
    Date { entry: String, text: String },
    #[error("{0}")]
    Dates(InForceError),
}

/// Reads a standards file: one year's standards (as `rules/standards/sample-2026.json`, in force
/// from 1 January of its `year`), or a list of them, each with an optional `effective_from` date
/// (when the bureau raises a standard mid-year).
pub fn read_standards(json: &str) -> Result<InForce<Standards>, StandardsFileError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| StandardsFileError::Json(e.to_string()))?;
    let entries = match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| standards_entry(format!("standards[{i}]"), item))
            .collect::<Result<Vec<_>, _>>()?,
        item => vec![standards_entry("standards".to_owned(), item)?],
    };
    InForce::new(entries).map_err(StandardsFileError::Dates)
}

fn standards_entry(
    entry: String,
    mut item: Value,
) -> Result<(Date, Standards), StandardsFileError> {
    let effective_from = item
        .as_object_mut()
        .and_then(|object| object.remove("effective_from"));
    let standards =
        Standards::from_json(&item.to_string()).map_err(|source| StandardsFileError::Entry {
            entry: entry.clone(),
            source,
        })?;
    let from = match effective_from {
        None => Date::from_calendar_date(i32::from(standards.year), Month::January, 1).map_err(
            |_| StandardsFileError::Date {
                entry: entry.clone(),
                text: standards.year.to_string(),
            },
        )?,
        Some(Value::String(text)) => {
            Date::parse(&text, format_description!("[year]-[month]-[day]"))
                .map_err(|_| StandardsFileError::Date { entry, text })?
        }
        Some(other) => {
            return Err(StandardsFileError::Date {
                entry,
                text: other.to_string(),
            })
        }
    };
    Ok((from, standards))
}

/// The sample standards built in, in force from 1 January 2026.
pub fn sample_standards() -> InForce<Standards> {
    InForce::single(
        time::macros::date!(2026 - 01 - 01),
        Standards::sample_2026(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_value_in_force_is_the_latest_taken_effect() {
        let values = InForce::new(vec![
            (date!(2026 - 07 - 01), "raised"),
            (date!(2026 - 01 - 01), "first"),
        ])
        .unwrap_or_else(|_| InForce::single(date!(2000 - 01 - 01), "wrong"));
        assert_eq!(*values.on(date!(2026 - 06 - 30)), "first");
        assert_eq!(*values.on(date!(2026 - 07 - 01)), "raised");
        assert_eq!(*values.on(date!(2027 - 03 - 01)), "raised");
        assert_eq!(*values.on(date!(2025 - 12 - 31)), "first");
        // 16:30 UTC on 30 June is already 1 July in Beijing.
        assert_eq!(*values.at(datetime!(2026-06-30 16:30 UTC)), "raised");
        assert_eq!(*values.at(datetime!(2026-06-30 15:30 UTC)), "first");
    }

    #[test]
    fn entries_need_distinct_dates_and_at_least_one() {
        assert_eq!(InForce::<u8>::new(vec![]).err(), Some(InForceError::Empty));
        assert_eq!(
            InForce::new(vec![(date!(2026 - 01 - 01), 1), (date!(2026 - 01 - 01), 2)]).err(),
            Some(InForceError::SameDate(date!(2026 - 01 - 01)))
        );
    }

    #[test]
    fn a_file_of_one_year_takes_effect_on_its_first_day() {
        let sample = include_str!("../../rules/standards/sample-2026.json");
        let standards = read_standards(sample).map_err(|e| e.to_string());
        let Ok(standards) = standards else {
            panic!("{standards:?}");
        };
        let entries: Vec<Date> = standards.entries().map(|(from, _)| from).collect();
        assert_eq!(entries, vec![date!(2026 - 01 - 01)]);
        assert_eq!(standards, sample_standards());
    }

    #[test]
    fn a_raise_mid_year_applies_from_its_date() {
        let mut raised: Value =
            serde_json::from_str(include_str!("../../rules/standards/sample-2026.json"))
                .unwrap_or_default();
        raised["urban"]["dibao_standard"] = 1010.into();
        raised["effective_from"] = "2026-07-01".into();
        let first: Value =
            serde_json::from_str(include_str!("../../rules/standards/sample-2026.json"))
                .unwrap_or_default();
        let file = Value::Array(vec![raised, first]).to_string();
        let Ok(standards) = read_standards(&file) else {
            panic!("the file is valid");
        };
        let urban = |day| standards.on(day).urban.dibao_standard.to_whole_yuan();
        assert_eq!(urban(date!(2026 - 06 - 30)), 980);
        assert_eq!(urban(date!(2026 - 07 - 01)), 1010);
    }

    #[test]
    fn a_wrong_entry_is_named() {
        let mut bad: Value =
            serde_json::from_str(include_str!("../../rules/standards/sample-2026.json"))
                .unwrap_or_default();
        bad["effective_from"] = "July".into();
        let file = Value::Array(vec![bad]).to_string();
        let message = read_standards(&file).err().map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("standards[0].effective_from: \"July\" is not a date written as YYYY-MM-DD")
        );
        let mut negative: Value =
            serde_json::from_str(include_str!("../../rules/standards/sample-2026.json"))
                .unwrap_or_default();
        negative["rural"]["tekun_multiplier"] = 0.5.into();
        let message = read_standards(&negative.to_string())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.starts_with("standards: "), "{message}");
        assert!(message.contains("rural.tekun_multiplier"), "{message}");
    }
}
