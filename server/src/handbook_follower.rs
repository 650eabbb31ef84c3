//! Keeps this instance's handbook up to date with edits saved on any instance.
//!
//! Every couple of seconds the instance asks the database for a cheap mark of the saved edits
//! (their count and highest id); when it changed, the handbook is rebuilt from the content files
//! and the newest edits and swapped in, which also empties the page cache (it follows the
//! handbook's generation). Polling rather than PostgreSQL's LISTEN/NOTIFY: it works the same on
//! SQLite and PostgreSQL, needs no connection held open per instance, and cannot miss a
//! notification sent while an instance was reconnecting: the mark is always compared afresh.

use std::sync::Arc;
use std::time::Duration;

use handbook::LiveHandbook;
use store::Store;

use crate::config::Config;

/// How often an instance looks for edits saved elsewhere: the longest a resident may see the
/// previous text after a save on another instance.
pub const EVERY: Duration = Duration::from_secs(2);

/// Runs for the life of the process (or until the returned handle is aborted).
pub fn spawn(
    config: Config,
    store: Store,
    live: Arc<LiveHandbook>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Unknown at first: an edit saved between loading the handbook and this task's first
        // look would otherwise be missed, so the first look reloads once.
        let mut seen = None;
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let mark = match store.policy_edits_mark().await {
                Ok(mark) => mark,
                Err(e) => {
                    tracing::warn!(error = %e, "could not look for policy edits; will retry");
                    continue;
                }
            };
            if seen == Some(mark) {
                continue;
            }
            match crate::application::load_handbook(&config, &store).await {
                Ok(handbook) => {
                    let _ = live.update(|_| Ok::<_, std::convert::Infallible>(handbook));
                    seen = Some(mark);
                    tracing::info!("a policy edit was saved: serving the new handbook");
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not reload the handbook; will retry")
                }
            }
        }
    })
}
