//! The workflow's time limits (POLICY.md §4) and the working-day calendar they are counted in:
//! parameters the bureau replaces from its yearly notice, without a code change. Working days
//! skip weekends and the State Council's public holidays, and count the weekend days it makes
//! working days (调休). Dates are Beijing dates, whatever the server's time zone.

use std::collections::BTreeSet;

use serde::Deserialize;
use time::macros::format_description;

use crate::in_force::BEIJING;
use time::{Date, Duration, OffsetDateTime, Weekday};

/// The limits in force when no file is configured: POLICY.md §4's defaults, and the 2026 public
/// holidays of the State Council's notice.
const SAMPLE: &str = include_str!("../workflow/sample-2026.json");

/// What the workflow's deadlines are counted with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowLimits {
    pub accept_working_days: i64,
    pub decide_working_days: i64,
    pub decide_complex_working_days: i64,
    pub notice_days: i64,
    /// The years whose holidays the calendar lists; other years count weekdays only.
    years: BTreeSet<i32>,
    holidays: BTreeSet<Date>,
    working_weekend_days: BTreeSet<Date>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LimitsError {
    #[error("workflow limits file is not valid: {0}")]
    Json(String),
    #[error("{field} must be from 1 to 366 (it is {value})")]
    OutOfRange { field: &'static str, value: i64 },
    #[error("decide_complex_working_days ({complex}) must not be shorter than decide_working_days ({plain})")]
    ComplexShorter { plain: i64, complex: i64 },
    #[error("{field}: {text:?} is not a date written as YYYY-MM-DD")]
    BadDate { field: &'static str, text: String },
    #[error("{field}: {date} is not in one of the listed years")]
    YearNotListed { field: &'static str, date: Date },
    #[error("working_weekend_days: {date} is a {weekday}, not a Saturday or Sunday")]
    NotAWeekend { date: Date, weekday: Weekday },
    #[error("{date} is listed both as a holiday and as a working day")]
    Both { date: Date },
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    accept_working_days: i64,
    decide_working_days: i64,
    decide_complex_working_days: i64,
    notice_days: i64,
    years: Vec<i32>,
    holidays: Vec<String>,
    working_weekend_days: Vec<String>,
}

impl WorkflowLimits {
    /// Reads and checks a limits file (as `casework/workflow/sample-2026.json`).
    pub fn from_json(json: &str) -> Result<WorkflowLimits, LimitsError> {
        let file: LimitsFile =
            serde_json::from_str(json).map_err(|e| LimitsError::Json(e.to_string()))?;
        for (field, value) in [
            ("accept_working_days", file.accept_working_days),
            ("decide_working_days", file.decide_working_days),
            (
                "decide_complex_working_days",
                file.decide_complex_working_days,
            ),
            ("notice_days", file.notice_days),
        ] {
            if !(1..=366).contains(&value) {
                return Err(LimitsError::OutOfRange { field, value });
            }
        }
        if file.decide_complex_working_days < file.decide_working_days {
            return Err(LimitsError::ComplexShorter {
                plain: file.decide_working_days,
                complex: file.decide_complex_working_days,
            });
        }
        let years: BTreeSet<i32> = file.years.into_iter().collect();
        let holidays = dates("holidays", &file.holidays, &years)?;
        let working_weekend_days =
            dates("working_weekend_days", &file.working_weekend_days, &years)?;
        if let Some(date) = working_weekend_days
            .iter()
            .find(|d| !is_weekend(d.weekday()))
        {
            return Err(LimitsError::NotAWeekend {
                date: *date,
                weekday: date.weekday(),
            });
        }
        if let Some(date) = holidays.intersection(&working_weekend_days).next() {
            return Err(LimitsError::Both { date: *date });
        }
        Ok(WorkflowLimits {
            accept_working_days: file.accept_working_days,
            decide_working_days: file.decide_working_days,
            decide_complex_working_days: file.decide_complex_working_days,
            notice_days: file.notice_days,
            years,
            holidays,
            working_weekend_days,
        })
    }

    /// POLICY.md §4's defaults with the 2026 public holidays.
    pub fn sample_2026() -> WorkflowLimits {
        match WorkflowLimits::from_json(SAMPLE) {
            Ok(limits) => limits,
            // The sample is checked by a test; a broken one must not reach a build.
            Err(e) => panic!("the built-in workflow limits are invalid: {e}"),
        }
    }

    /// Whether the calendar lists the holidays of this year (deadlines in other years count
    /// weekdays only, so the operator is told at start when the current year is missing).
    pub fn covers_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The years a deadline set now can fall in (up to the 30-working-day decision) whose
    /// holidays the calendar lacks: in December, next year's are needed already.
    pub fn missing_years_ahead(&self, now: OffsetDateTime) -> Vec<i32> {
        let first = now.to_offset(BEIJING).year();
        let last = self
            .decision_due(now, true)
            .to_offset(BEIJING)
            .year()
            .max(first);
        (first..=last).filter(|y| !self.covers_year(*y)).collect()
    }

    /// Whether this Beijing date is a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.working_weekend_days.contains(&date) {
            return true;
        }
        !is_weekend(date.weekday()) && !self.holidays.contains(&date)
    }

    /// The same time of day, `days` working days later (counted in Beijing dates).
    pub fn add_working_days(&self, from: OffsetDateTime, days: i64) -> OffsetDateTime {
        let mut at = from.to_offset(BEIJING);
        let mut left = days;
        while left > 0 {
            at += Duration::days(1);
            if self.is_working_day(at.date()) {
                left -= 1;
            }
        }
        at.to_offset(from.offset())
    }

    /// The decision is due this many working days after acceptance (30 for a complex case).
    pub fn decision_due(&self, accepted_at: OffsetDateTime, complex: bool) -> OffsetDateTime {
        let days = if complex {
            self.decide_complex_working_days
        } else {
            self.decide_working_days
        };
        self.add_working_days(accepted_at, days)
    }

    /// When a public notice started now ends (calendar days: the notice hangs over weekends too).
    pub fn notice_ends(&self, started_at: OffsetDateTime) -> OffsetDateTime {
        started_at + Duration::days(self.notice_days)
    }
}

fn is_weekend(day: Weekday) -> bool {
    matches!(day, Weekday::Saturday | Weekday::Sunday)
}

fn dates(
    field: &'static str,
    texts: &[String],
    years: &BTreeSet<i32>,
) -> Result<BTreeSet<Date>, LimitsError> {
    let format = format_description!("[year]-[month]-[day]");
    texts
        .iter()
        .map(|text| {
            let date = Date::parse(text, &format).map_err(|_| LimitsError::BadDate {
                field,
                text: text.clone(),
            })?;
            if !years.contains(&date.year()) {
                return Err(LimitsError::YearNotListed { field, date });
            }
            Ok(date)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn limits() -> WorkflowLimits {
        WorkflowLimits::sample_2026()
    }

    #[test]
    fn working_days_skip_the_weekend() {
        let friday = datetime!(2026-12-04 10:00 +8);
        assert_eq!(
            limits().add_working_days(friday, 1),
            datetime!(2026-12-07 10:00 +8)
        );
        let monday = datetime!(2026-12-07 10:00 +8);
        assert_eq!(
            limits().add_working_days(monday, 1),
            datetime!(2026-12-08 10:00 +8)
        );
    }

    #[test]
    fn public_holidays_are_not_working_days_and_make_up_days_are() {
        // National Day 2026: 1–7 October off; Saturday 10 October is a working day.
        let before = datetime!(2026-09-30 09:00 +8);
        assert_eq!(
            limits().add_working_days(before, 1),
            datetime!(2026-10-08 09:00 +8)
        );
        let friday = datetime!(2026-10-09 09:00 +8);
        assert_eq!(
            limits().add_working_days(friday, 1),
            datetime!(2026-10-10 09:00 +8)
        );
        assert!(!limits().is_working_day(date!(2026 - 02 - 17)));
        assert!(limits().is_working_day(date!(2026 - 02 - 14)));
    }

    #[test]
    fn days_are_beijing_days() {
        // Friday 20:00 UTC is already Saturday 04:00 in Jining: one working day on is Monday
        // 04:00 there, which is still Sunday in UTC.
        let friday_evening_utc = datetime!(2026-12-04 20:00 UTC);
        assert_eq!(
            limits().add_working_days(friday_evening_utc, 1),
            datetime!(2026-12-06 20:00 UTC)
        );
    }

    #[test]
    fn a_decision_is_due_twenty_working_days_after_acceptance() {
        let monday = datetime!(2026-12-07 10:00 +8);
        assert_eq!(
            limits().decision_due(monday, false),
            datetime!(2027-01-04 10:00 +8)
        );
        assert_eq!(
            limits().decision_due(monday, true),
            datetime!(2027-01-18 10:00 +8)
        );
    }

    #[test]
    fn the_sample_covers_2026() {
        assert!(limits().covers_year(2026));
        assert!(!limits().covers_year(2031));
    }

    #[test]
    fn december_already_needs_next_years_holidays() {
        let limits = limits();
        assert_eq!(
            limits.missing_years_ahead(datetime!(2026-06-01 02:00 UTC)),
            Vec::<i32>::new()
        );
        assert_eq!(
            limits.missing_years_ahead(datetime!(2026-12-03 02:00 UTC)),
            [2027],
            "a complex case accepted now is decided in January"
        );
        assert_eq!(
            limits.missing_years_ahead(datetime!(2028-03-01 02:00 UTC)),
            [2028]
        );
    }

    fn file(edit: impl FnOnce(&mut serde_json::Value)) -> Result<WorkflowLimits, LimitsError> {
        let mut value: serde_json::Value = serde_json::from_str(SAMPLE).expect("sample is JSON");
        edit(&mut value);
        WorkflowLimits::from_json(&value.to_string())
    }

    #[test]
    fn a_wrong_file_is_refused_with_the_field_at_fault() {
        assert_eq!(
            file(|v| v["decide_working_days"] = 0.into()),
            Err(LimitsError::OutOfRange {
                field: "decide_working_days",
                value: 0
            })
        );
        assert_eq!(
            file(|v| v["decide_complex_working_days"] = 10.into()),
            Err(LimitsError::ComplexShorter {
                plain: 20,
                complex: 10
            })
        );
        assert_eq!(
            file(|v| v["holidays"][0] = "2026-13-01".into()),
            Err(LimitsError::BadDate {
                field: "holidays",
                text: "2026-13-01".into()
            })
        );
        assert_eq!(
            file(|v| v["holidays"][0] = "2027-01-01".into()),
            Err(LimitsError::YearNotListed {
                field: "holidays",
                date: date!(2027 - 01 - 01)
            })
        );
        assert_eq!(
            file(|v| v["working_weekend_days"][0] = "2026-12-02".into()),
            Err(LimitsError::NotAWeekend {
                date: date!(2026 - 12 - 02),
                weekday: Weekday::Wednesday
            })
        );
        assert_eq!(
            file(|v| v["working_weekend_days"][0] = "2026-10-03".into()),
            Err(LimitsError::Both {
                date: date!(2026 - 10 - 03)
            })
        );
        assert!(matches!(
            file(|v| v["notice_weeks"] = 1.into()),
            Err(LimitsError::Json(_))
        ));
    }
}
