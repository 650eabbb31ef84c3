//! Staff sign-in and the staff workspace. Residents never need an account.

mod account;
mod accounts;
mod case_page;
mod dashboard;
mod deliberation;
mod discovery;
mod duty;
mod events;
mod login;
mod policy_editor;
mod prices;
mod queue;
mod recipients;
mod referrals;
#[cfg(feature = "ssr")]
pub mod session;
mod session_warning;
mod workspace;

pub use account::{
    account_form, AccountPage, PasskeyRow, SessionRow, StaffAccountPage, ACCOUNT_PAGE,
    CHANGE_PASSWORD, NEW_RECOVERY_CODES, PASSKEYS, PASSKEY_OPTIONS, SESSIONS,
};
pub use accounts::{
    account_action, AccountRow, AccountsPage, HistoryRow, SignInHistoryPage, StaffAccountsPage,
    StaffSignInHistoryPage, ACCOUNTS_PAGE, SIGN_IN_HISTORY,
};
pub use case_page::{
    actor_text, case_field, deadline_text, parse_amount_fen, ApplicantDetails, CasePage,
    CaseProblem, Refused, StaffCasePage, Submitter,
};
pub use dashboard::DashboardPage;
pub use deliberation::{DeliberationPart, MeetingShown, RECORD_FORM, SCHEDULE_FORM};
pub(crate) use discovery::funnel_view as discovery_funnel_view;
pub use discovery::{
    discovery_field, kind_label, outcome_label, CandidatePage, DiscoveryCandidatePage,
    DiscoveryImportPage, DiscoveryOverview, DiscoveryPage, DiscoveryTownshipPage, FunnelLine,
    FunnelView, ImportReportPage, ImportRow, MemberRow, PlaceRow, RunRow, StopMessagesPage,
    StopPage, TownshipPage, VisitRow, DISCOVERY_CANDIDATES, DISCOVERY_FUNNEL_CSV,
    DISCOVERY_IMPORTS, DISCOVERY_PAGE, DISCOVERY_RUNS, DISCOVERY_TOWNSHIP, OUTCOMES, STOP_PAGE,
};
pub use duty::{duty_field, DutyPage, DutyRow, StaffDutyPage, DUTY_PAGE};
pub use events::{
    event_field, EventLine, EventRefused, EventsPage, StaffEventsPage, VolunteerPart, EVENTS_PAGE,
};
pub use login::{
    sign_in_field, SignInPage, SignInStep, StaffSignInPage, CODE_PAGE, ENROL_PAGE,
    NEW_PASSWORD_PAGE, PASSKEY_SIGN_IN, PASSKEY_SIGN_IN_OPTIONS, SIGN_IN_PAGE, SIGN_OUT_PATH,
    THROTTLED_LOGIN_PATH,
};
pub use policy_editor::{PolicyEditorListPage, PolicyEditorPage};
pub use prices::{prices_field, PriceRow, PricesPart, PRICES, PRICE_FILES};
pub use recipients::{
    recipients_field, RecipientsPage, StaffRecipientsPage, WarningRow, RECIPIENTS_PAGE,
    RECIPIENT_WARNINGS,
};
pub use referrals::{outcome_form, ReferralRow};
pub use workspace::StaffWorkspacePage;

/// Staff sessions end after this many idle minutes (the session layer's inactivity expiry).
pub const IDLE_MINUTES: u64 = 15;
