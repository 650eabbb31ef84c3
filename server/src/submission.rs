//! Submitting an application (POLICY.md §4 and §6): the one path the public API and the
//! application pages take, and that every later way in (the outreach sync) takes too. The body is
//! read with the casework reader; a repeat of an idempotency key with the same body answers its
//! first receipt and is not counted against any limit; anything new has a volunteer's codes
//! checked against the outreach events, and is counted against the caller and the applicant's
//! phone before it is stored, and given back when nothing was stored.

use casework::{fingerprint, read_application, Actor, FieldProblem, IdempotencyKey, SubmittedBy};
use serde_json::Value;
use store::applications::{SubmitError, Submitted};
use store::{DraftToken, StoreError};

use crate::limits::{Caller, Refused};
use crate::state::AppState;

/// Where a submission comes from, which decides what is stored with it.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A request body sent whole (the public API).
    Request,
    /// A finished draft of the application pages: its uploaded files are linked to the case in
    /// the same transaction, also on a repeat (a file recorded meanwhile is linked then).
    Draft(&'a DraftToken),
}

/// Why nothing new was stored.
#[derive(Debug, thiserror::Error)]
pub enum SubmitFailure {
    #[error("the application has {} field problems", .0.len())]
    Invalid(Vec<FieldProblem>),
    #[error("this idempotency key was used for a different request")]
    KeyReused,
    #[error("a limit refused the application")]
    Limited(Refused),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<SubmitError> for SubmitFailure {
    fn from(error: SubmitError) -> Self {
        match error {
            SubmitError::KeyReused => SubmitFailure::KeyReused,
            SubmitError::Store(e) => SubmitFailure::Store(e),
        }
    }
}

/// Reads, counts and stores one application; answers only once it is durably stored.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    body: &Value,
    key: &IdempotencyKey,
    source: Source<'_>,
) -> Result<Submitted, SubmitFailure> {
    let application = read_application(body).map_err(SubmitFailure::Invalid)?;
    let fingerprint = fingerprint(body);
    // A partner system is recorded by its key's name; anyone else as the applicant.
    let actor = match caller {
        Caller::Partner(partner) => Actor::Partner {
            api_key: partner.name.clone(),
        },
        Caller::Client(_) => Actor::Applicant,
    };
    let store = || async {
        match source {
            Source::Request => {
                state
                    .store
                    .submit_application_as(&application, key, &fingerprint, &actor)
                    .await
            }
            Source::Draft(token) => {
                state
                    .store
                    .submit_draft_application(&application, key, &fingerprint, token)
                    .await
            }
        }
    };
    if let Some(receipt) = state.store.earlier_submission(key, &fingerprint).await? {
        return match source {
            Source::Request => Ok(Submitted::Replayed(receipt)),
            Source::Draft(_) => Ok(store().await?),
        };
    }
    // A volunteer's codes must be ones the bureau gave out, the volunteer on the event.
    if let SubmittedBy::Volunteer {
        volunteer_code,
        event_code,
    } = &application.submitted_by
    {
        let problems = state
            .store
            .outreach_problems(volunteer_code, event_code)
            .await?;
        if !problems.is_empty() {
            return Err(SubmitFailure::Invalid(problems));
        }
    }
    let phone = state.store.phone_index(&application.applicant.phone);
    let admission = state
        .limits
        .admit_submission(caller, &phone)
        .await
        .map_err(SubmitFailure::Limited)?;
    let stored = store().await;
    if !matches!(stored, Ok(Submitted::New(_))) {
        // A replay that raced its first request, or nothing stored.
        admission.give_back().await;
    }
    Ok(stored?)
}
