//! The server's integration tests, in one binary: each module starts the real router over a fresh
//! database (or runs the `server` binary) and talks to it as a browser or a partner system would.
//! One binary links the server once; nextest still runs every test in a process of its own.

mod common;

mod api_contract;
mod applications;
mod apply;
mod audit_cli;
mod case_authority;
mod case_console;
mod dashboard;
mod data_key_start;
mod discovery;
mod eligibility;
mod follow_through;
mod foundation;
mod handbook;
mod handbook_instances;
mod limits;
mod outbox_instances;
mod outreach;
mod outreach_sync;
mod policy_editor;
mod recipients;
mod self_check;
mod sms_webhook;
mod staff_identity;
mod staff_sign_in;
mod track_resident;
mod uploads;
mod workflow_file;
