//! Proactive discovery in the process: department files imported (`server discover import`, or
//! uploaded on `/staff/discovery`), screening runs (`server discover run`, or started there), and
//! the staff pages of the visit lists and the funnel. The rules of reading and screening are in
//! the `discovery` crate; what is kept, in `store::discovery`.

pub mod file;
pub mod import;
pub mod pages;
pub mod run;

/// What the bureau set for discovery (from the config).
#[derive(Debug, Clone, Copy)]
pub struct DiscoverySettings {
    pub notices: store::discovery::NoticeSettings,
    /// Days imported data are kept.
    pub retention_days: i64,
}

/// The day in Beijing: what "today" means for ages, windows and registrations.
pub fn today() -> time::Date {
    casework::beijing_date(time::OffsetDateTime::now_utc())
}
