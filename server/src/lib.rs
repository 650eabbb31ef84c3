//! The 济时救 portal process: configuration, the portal's assembly ([`application`]), its state,
//! route table and layers, and the subcommands.

pub mod api;
pub mod application;
mod apply_pages;
mod case_pages;
pub mod cli;
pub mod client;
pub mod config;
pub mod content;
pub mod discovery;
pub mod document_upload;
pub mod duty;
pub mod file_store;
pub mod handbook_follower;
pub mod limits;
pub mod middleware;
pub mod notifications;
mod outreach_desk;
pub mod outreach_keys;
mod outreach_pages;
pub mod outreach_sync;
mod passkeys;
mod posted_pages;
pub mod prices;
pub mod recipients;
mod resident_access;
pub mod router;
pub mod routes;
pub mod screen;
pub mod sessions;
mod staff_account;
mod staff_sign_in;
pub mod state;
pub mod static_files;
pub mod submission;
pub mod telemetry;
mod track_cases;
mod track_page;
mod track_phone;
mod track_print;
pub mod windows;

pub use application::{Application, Options, Running};
pub use config::Config;
pub use router::build_router;
pub use state::AppState;
