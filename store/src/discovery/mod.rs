//! Proactive discovery's system of record: department files imported (their records sealed,
//! keyed by source and record number, so a re-import changes nothing), screening runs, the
//! candidates they found as visit tasks, the funnel from record to approval, the 主动告知 text
//! messages with their opt-out, and the retention limit. The files are read and screened by the
//! server (`server/src/discovery/`) with the pure `discovery` crate.

mod funnel;
mod imports;
mod notices;
mod retention;
mod rotation;
mod runs;
mod visits;

pub use discovery::VisitOutcome;
pub use funnel::{Funnel, FunnelRow};
pub use imports::{
    ImportReport, ImportSummary, NewImport, RawRecord, RecordSeal, SealedRecord, WriteCount,
};
pub use notices::normalise_stop_code;
pub use notices::NoticeSettings;
pub use retention::Purged;
pub use rotation::DiscoveryRotation;
pub use runs::RunLine;
pub use runs::{RunSummary, SaveCount};
pub use visits::{CandidateView, PlaceCount, VisitError, VisitLine};

/// Days since 1970-01-01, as dates are kept.
pub(crate) fn day_number(date: time::Date) -> i64 {
    i64::from(
        date.to_julian_day()
            - time::Date::from_calendar_date(1970, time::Month::January, 1)
                .map(|d| d.to_julian_day())
                .unwrap_or(2_440_588),
    )
}

pub(crate) fn from_day_number(days: i64) -> Option<time::Date> {
    time::Date::from_julian_day(i32::try_from(days + 2_440_588).ok()?).ok()
}

/// An import or a run whose heartbeat stopped this long ago was interrupted (its process died).
pub const STALLED_AFTER_SECONDS: i64 = 120;
