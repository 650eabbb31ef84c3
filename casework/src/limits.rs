//! The workflow's time limits (POLICY.md §4) and the working-day calendar they are counted in:
//! parameters the bureau replaces from its yearly notice, without a code change. Working days
//! skip weekends and the State Council's public holidays, and count the weekend days it makes
//! working days (调休). Dates are Beijing dates, whatever the server's time zone.
//!
//! The periods take effect on a date (`changes` in the file): a case keeps the periods in force on
//! the day it was submitted. The calendar is one, for every case: a holiday is a fact of its year.

use std::collections::BTreeSet;

use serde::Deserialize;
use time::macros::format_description;

use crate::in_force::{InForce, InForceError, BEIJING};
use time::{Date, Duration, OffsetDateTime, Weekday};

/// The limits in force when no file is configured: POLICY.md §4's defaults, and the 2026 public
/// holidays of the State Council's notice.
const SAMPLE: &str = include_str!("../workflow/sample-2026.json");

/// The workflow's periods, as in force from one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// 受理 within this many working days of submission.
    pub accept_working_days: i64,
    /// The decision within this many working days of acceptance.
    pub decide_working_days: i64,
    /// The same for a complex case.
    pub decide_complex_working_days: i64,
    /// 公示 lasts this many calendar days.
    pub notice_days: i64,
    /// 先行救助 within this many hours when life or safety is at risk (`critical`).
    pub advance_critical_hours: i64,
    /// 先行救助 within this many hours for an `urgent` emergency.
    pub advance_urgent_hours: i64,
    /// An emergency nobody on duty has accepted this many minutes after it came in is raised
    /// to the county's supervisors.
    pub duty_escalate_minutes: i64,
    /// A referral still unanswered this many calendar days after its reminder is raised to the
    /// county's supervisors.
    pub referral_escalate_days: i64,
}

/// POLICY.md §4's advance limits and the escalation time, for files that do not give them.
const ADVANCE_CRITICAL_HOURS: i64 = rules::Urgency::Critical.advance_within_hours() as i64;
const ADVANCE_URGENT_HOURS: i64 = rules::Urgency::Urgent.advance_within_hours() as i64;
const DUTY_ESCALATE_MINUTES: i64 = 30;
const REFERRAL_ESCALATE_DAYS: i64 = 3;

fn default_critical_hours() -> i64 {
    ADVANCE_CRITICAL_HOURS
}
fn default_urgent_hours() -> i64 {
    ADVANCE_URGENT_HOURS
}
fn default_escalate_minutes() -> i64 {
    DUTY_ESCALATE_MINUTES
}
fn default_referral_days() -> i64 {
    REFERRAL_ESCALATE_DAYS
}

/// What the workflow's deadlines are counted with.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowLimits {
    /// The periods, from the first listed year's first day and from each change's date.
    periods: InForce<Periods>,
    /// The years whose holidays the calendar lists; other years count weekdays only.
    years: BTreeSet<i32>,
    holidays: BTreeSet<Date>,
    working_weekend_days: BTreeSet<Date>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LimitsError {
    #[error("workflow limits file is not valid: {0}")]
    Json(String),
    #[error("{field} is out of its range (it is {value}): days 1 to 366, hours 1 to 72, minutes 1 to 1440")]
    OutOfRange { field: &'static str, value: i64 },
    #[error("advance_urgent_hours ({urgent}) must not be shorter than advance_critical_hours ({critical})")]
    UrgentShorter { critical: i64, urgent: i64 },
    #[error("duty_escalate_minutes ({minutes}) must be shorter than the critical advance limit ({critical} h), or the escalation comes too late to help")]
    EscalateTooLate { minutes: i64, critical: i64 },
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
    #[error("changes: {0}")]
    Changes(InForceError),
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    accept_working_days: i64,
    decide_working_days: i64,
    decide_complex_working_days: i64,
    notice_days: i64,
    #[serde(default = "default_critical_hours")]
    advance_critical_hours: i64,
    #[serde(default = "default_urgent_hours")]
    advance_urgent_hours: i64,
    #[serde(default = "default_escalate_minutes")]
    duty_escalate_minutes: i64,
    #[serde(default = "default_referral_days")]
    referral_escalate_days: i64,
    years: Vec<i32>,
    holidays: Vec<String>,
    working_weekend_days: Vec<String>,
    /// Periods that take effect later, each on its date.
    #[serde(default)]
    changes: Vec<ChangeFile>,
}

/// A change of the periods as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeFile {
    effective_from: String,
    accept_working_days: i64,
    decide_working_days: i64,
    decide_complex_working_days: i64,
    notice_days: i64,
    #[serde(default = "default_critical_hours")]
    advance_critical_hours: i64,
    #[serde(default = "default_urgent_hours")]
    advance_urgent_hours: i64,
    #[serde(default = "default_escalate_minutes")]
    duty_escalate_minutes: i64,
    #[serde(default = "default_referral_days")]
    referral_escalate_days: i64,
}

/// Each period from 1 to 366, and a complex case never given less time than a plain one.
fn checked(periods: Periods) -> Result<Periods, LimitsError> {
    for (field, value) in [
        ("accept_working_days", periods.accept_working_days),
        ("decide_working_days", periods.decide_working_days),
        (
            "decide_complex_working_days",
            periods.decide_complex_working_days,
        ),
        ("notice_days", periods.notice_days),
    ] {
        if !(1..=366).contains(&value) {
            return Err(LimitsError::OutOfRange { field, value });
        }
    }
    for (field, value, max) in [
        ("advance_critical_hours", periods.advance_critical_hours, 72),
        ("advance_urgent_hours", periods.advance_urgent_hours, 72),
        ("duty_escalate_minutes", periods.duty_escalate_minutes, 1440),
        ("referral_escalate_days", periods.referral_escalate_days, 60),
    ] {
        if !(1..=max).contains(&value) {
            return Err(LimitsError::OutOfRange { field, value });
        }
    }
    if periods.advance_urgent_hours < periods.advance_critical_hours {
        return Err(LimitsError::UrgentShorter {
            critical: periods.advance_critical_hours,
            urgent: periods.advance_urgent_hours,
        });
    }
    if periods.duty_escalate_minutes >= periods.advance_critical_hours * 60 {
        return Err(LimitsError::EscalateTooLate {
            minutes: periods.duty_escalate_minutes,
            critical: periods.advance_critical_hours,
        });
    }
    if periods.decide_complex_working_days < periods.decide_working_days {
        return Err(LimitsError::ComplexShorter {
            plain: periods.decide_working_days,
            complex: periods.decide_complex_working_days,
        });
    }
    Ok(periods)
}

impl WorkflowLimits {
    /// Reads and checks a limits file (as `casework/workflow/sample-2026.json`).
    pub fn from_json(json: &str) -> Result<WorkflowLimits, LimitsError> {
        let file: LimitsFile =
            serde_json::from_str(json).map_err(|e| LimitsError::Json(e.to_string()))?;
        let first = checked(Periods {
            accept_working_days: file.accept_working_days,
            decide_working_days: file.decide_working_days,
            decide_complex_working_days: file.decide_complex_working_days,
            notice_days: file.notice_days,
            advance_critical_hours: file.advance_critical_hours,
            advance_urgent_hours: file.advance_urgent_hours,
            duty_escalate_minutes: file.duty_escalate_minutes,
            referral_escalate_days: file.referral_escalate_days,
        })?;
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
        let format = format_description!("[year]-[month]-[day]");
        // The first periods hold from the first listed year (or from any earlier case).
        let start = years
            .first()
            .and_then(|year| Date::from_calendar_date(*year, time::Month::January, 1).ok())
            .unwrap_or(Date::MIN);
        let mut entries = vec![(start, first)];
        for change in file.changes {
            let from =
                Date::parse(&change.effective_from, &format).map_err(|_| LimitsError::BadDate {
                    field: "changes.effective_from",
                    text: change.effective_from.clone(),
                })?;
            let periods = checked(Periods {
                accept_working_days: change.accept_working_days,
                decide_working_days: change.decide_working_days,
                decide_complex_working_days: change.decide_complex_working_days,
                notice_days: change.notice_days,
                advance_critical_hours: change.advance_critical_hours,
                advance_urgent_hours: change.advance_urgent_hours,
                duty_escalate_minutes: change.duty_escalate_minutes,
                referral_escalate_days: change.referral_escalate_days,
            })?;
            entries.push((from, periods));
        }
        Ok(WorkflowLimits {
            periods: InForce::new(entries).map_err(LimitsError::Changes)?,
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
        let longest = self
            .periods
            .entries()
            .map(|(_, p)| p.accept_working_days + p.decide_complex_working_days)
            .max()
            .unwrap_or(0);
        let last = self
            .add_working_days(now, longest)
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

    /// The periods of a case submitted at `submitted_at`: those in force on that day.
    pub fn periods(&self, submitted_at: OffsetDateTime) -> Periods {
        *self.periods.at(submitted_at)
    }

    /// When a case submitted at `submitted_at` is due to be accepted.
    pub fn accept_due(&self, submitted_at: OffsetDateTime) -> OffsetDateTime {
        self.add_working_days(submitted_at, self.periods(submitted_at).accept_working_days)
    }

    /// The decision is due this many working days after acceptance (more for a complex case),
    /// by the periods of the case's own day.
    pub fn decision_due(
        &self,
        submitted_at: OffsetDateTime,
        accepted_at: OffsetDateTime,
        complex: bool,
    ) -> OffsetDateTime {
        let periods = self.periods(submitted_at);
        let days = if complex {
            periods.decide_complex_working_days
        } else {
            periods.decide_working_days
        };
        self.add_working_days(accepted_at, days)
    }

    /// When the advance assistance of an emergency submitted at `submitted_at` is due: within
    /// the hours of its urgency, by the periods of that day.
    pub fn advance_due(
        &self,
        submitted_at: OffsetDateTime,
        urgency: rules::Urgency,
    ) -> OffsetDateTime {
        let periods = self.periods(submitted_at);
        submitted_at
            + Duration::hours(match urgency {
                rules::Urgency::Critical => periods.advance_critical_hours,
                rules::Urgency::Urgent => periods.advance_urgent_hours,
            })
    }

    /// When an emergency submitted at `submitted_at` that nobody has accepted is raised to the
    /// supervisors.
    pub fn duty_escalation_due(&self, submitted_at: OffsetDateTime) -> OffsetDateTime {
        submitted_at + Duration::minutes(self.periods(submitted_at).duty_escalate_minutes)
    }

    /// When a public notice started at `started_at` ends (calendar days: the notice hangs over
    /// weekends too), by the periods of the case's own day.
    pub fn notice_ends(
        &self,
        submitted_at: OffsetDateTime,
        started_at: OffsetDateTime,
    ) -> OffsetDateTime {
        started_at + Duration::days(self.periods(submitted_at).notice_days)
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
    fn the_advance_limits_and_the_escalation_are_parameters() {
        let submitted = datetime!(2026-12-05 22:00 +8);
        assert_eq!(
            limits().advance_due(submitted, rules::Urgency::Critical),
            datetime!(2026-12-06 00:00 +8)
        );
        assert_eq!(
            limits().advance_due(submitted, rules::Urgency::Urgent),
            datetime!(2026-12-06 22:00 +8)
        );
        assert_eq!(
            limits().duty_escalation_due(submitted),
            datetime!(2026-12-05 22:30 +8)
        );
        let mut file: serde_json::Value = serde_json::from_str(SAMPLE).unwrap_or_default();
        file["advance_critical_hours"] = 1.into();
        file["advance_urgent_hours"] = 12.into();
        file["duty_escalate_minutes"] = 15.into();
        let Ok(changed) = WorkflowLimits::from_json(&file.to_string()) else {
            panic!("a valid file");
        };
        assert_eq!(
            changed.advance_due(submitted, rules::Urgency::Critical),
            datetime!(2026-12-05 23:00 +8)
        );
        assert_eq!(
            changed.duty_escalation_due(submitted),
            datetime!(2026-12-05 22:15 +8)
        );
        file["duty_escalate_minutes"] = 60.into();
        assert_eq!(
            WorkflowLimits::from_json(&file.to_string()),
            Err(LimitsError::EscalateTooLate {
                minutes: 60,
                critical: 1
            })
        );
        file["duty_escalate_minutes"] = 15.into();
        file["advance_urgent_hours"] = 0.into();
        assert_eq!(
            WorkflowLimits::from_json(&file.to_string()),
            Err(LimitsError::OutOfRange {
                field: "advance_urgent_hours",
                value: 0
            })
        );
    }

    #[test]
    fn a_case_keeps_the_periods_of_the_day_it_was_submitted() {
        let mut file: serde_json::Value = serde_json::from_str(SAMPLE).unwrap_or_default();
        file["changes"] = serde_json::json!([{"effective_from": "2026-12-10",
            "accept_working_days": 2, "decide_working_days": 15,
            "decide_complex_working_days": 25, "notice_days": 5}]);
        let Ok(limits) = WorkflowLimits::from_json(&file.to_string()) else {
            panic!("a valid file");
        };
        let before = datetime!(2026-12-09 10:00 +8);
        let after = datetime!(2026-12-10 10:00 +8);
        let accepted = datetime!(2026-12-14 10:00 +8);
        assert_eq!(
            limits.periods(before),
            WorkflowLimits::sample_2026().periods(before)
        );
        assert_eq!(limits.accept_due(after), datetime!(2026-12-14 10:00 +8));
        assert_eq!(
            limits.decision_due(before, accepted, false),
            limits.add_working_days(accepted, 20)
        );
        assert_eq!(
            limits.decision_due(after, accepted, false),
            limits.add_working_days(accepted, 15)
        );
        assert_eq!(
            limits.notice_ends(after, accepted),
            datetime!(2026-12-19 10:00 +8)
        );
        file["changes"][0]["decide_complex_working_days"] = 10.into();
        assert_eq!(
            WorkflowLimits::from_json(&file.to_string()),
            Err(LimitsError::ComplexShorter {
                plain: 15,
                complex: 10
            })
        );
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
            limits().decision_due(monday, monday, false),
            datetime!(2027-01-04 10:00 +8)
        );
        assert_eq!(
            limits().decision_due(monday, monday, true),
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
