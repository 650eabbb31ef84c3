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
use crate::outreach_sync::{keep_photos, OutreachSubmission, PhotoFailure};
use crate::state::AppState;

/// Where a submission comes from, which decides what is stored with it.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A request body sent whole (the public API).
    Request,
    /// A finished draft of the application pages: its uploaded files are linked to the case in
    /// the same transaction, also on a repeat (a file recorded meanwhile is linked then).
    Draft(&'a DraftToken),
    /// A record a volunteer's phone took offline and synced: recognised by the fingerprint of
    /// the whole record, its consents dated when the phone took them, its photos cleaned and
    /// kept once counted against the limits, and linked in the same transaction.
    Outreach(&'a OutreachSubmission),
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
    #[error("a photo of an outreach record could not be kept: {0}")]
    Photos(#[from] PhotoFailure),
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
    let mut application = read_application(body).map_err(SubmitFailure::Invalid)?;
    let fingerprint = match source {
        Source::Outreach(sync) => sync.record.fingerprint.clone(),
        _ => fingerprint(body),
    };
    if let Source::Outreach(sync) = source {
        sync.date_consents(&mut application);
    }
    // A partner system is recorded by its key's name, a volunteer's sync by the volunteer;
    // anyone else as the applicant.
    let actor = match (caller, source) {
        (_, Source::Outreach(sync)) => sync.record.sender(),
        (Caller::Partner(partner), _) => Actor::Partner {
            api_key: partner.name.clone(),
        },
        (Caller::Client(_) | Caller::Volunteer { .. }, _) => Actor::Applicant,
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
            Source::Outreach(sync) => {
                state
                    .store
                    .submit_outreach_application(&application, &sync.record)
                    .await
            }
        }
    };
    if let Some(receipt) = state.store.earlier_submission(key, &fingerprint).await? {
        return match source {
            Source::Request | Source::Outreach(_) => Ok(Submitted::Replayed(receipt)),
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
    if let Source::Outreach(sync) = source {
        // Decoding photos is the costly part: only once the limits let the record through.
        if let Err(failure) = keep_photos(state, sync).await {
            admission.give_back().await;
            return Err(failure.into());
        }
    }
    let stored = store().await;
    if !matches!(stored, Ok(Submitted::New(_))) {
        // A replay that raced its first request, or nothing stored.
        admission.give_back().await;
    }
    Ok(stored?)
}
