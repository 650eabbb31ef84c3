//! `/track/cases/{reference}`: a case this browser opened (with its access code on `/track`, or
//! through a phone verified on `/track/phone`), its to-do list's uploads, and the applicant's own
//! withdrawal. Another browser gets 404, as for a reference that does not exist.

use axum::extract::{Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::Deserialize;
use tower_sessions::Session;

use app::apply::UploadProblem;
use app::track::phone::PhoneLookup;
use app::track::todo::TodoUploads;
use app::track::withdraw::{WithdrawForm, WithdrawProblem};
use app::track::TrackLookup;
use store::applications::{CaseKey, CaseView, Supplied, WithdrawError};
use store::recipients::TransferError;

use crate::client::ClientKey;
use crate::document_upload::{
    admit, clean_and_keep, discard, form_problem, read_posted_document, refusal_status,
    room_problem, KeepError,
};
use crate::posted_pages::{read_form, render_page_with, render_with};
use crate::resident_access::ResidentAccess;
use crate::state::AppState;
use crate::track_page::tracked;

#[derive(Debug, Deserialize)]
pub struct Shown {
    /// The document just uploaded, for the confirmation.
    uploaded: Option<String>,
    /// Set after the applicant withdrew the case, for the confirmation.
    withdrawn: Option<String>,
    /// `agreed` or `declined` after a transfer was answered, for the confirmation.
    transfer: Option<String>,
    /// Set after the resident said a payment did not arrive, for the confirmation.
    missing: Option<String>,
    /// Set after the resident described the hardship for a deliberation.
    hardship: Option<String>,
}

/// `GET /track/cases/{reference}` (and HEAD). Each opening is counted as a look-up of the
/// client, given back when the case opens; a reference resting after many wrong access codes
/// still opens here for the browser that proved its phone or opened the case before.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    client: ClientKey,
    Path(reference): Path<String>,
    Query(shown): Query<Shown>,
    request: Request,
) -> Response {
    let mut access = ResidentAccess::load(&session, &state.store).await;
    let (parts, _) = request.into_parts();
    match open_counted(&state, &mut access, &client, &reference, &parts).await {
        Ok(case) => {
            let uploads = TodoUploads {
                max_bytes: state.upload_policy.max_bytes,
                refused: None,
                uploaded_now: shown.uploaded,
            };
            let withdraw = WithdrawForm {
                done: shown.withdrawn.is_some(),
                ..WithdrawForm::default()
            };
            let answered = match shown.transfer.as_deref() {
                Some("agreed") => Some(true),
                Some("declined") => Some(false),
                _ => None,
            };
            let shown_now = AssistanceShown {
                transfer: (false, answered),
                missing_now: shown.missing.is_some(),
                hardship: (shown.hardship.is_some(), None),
            };
            render_case_with(&state, parts, case, uploads, withdraw, shown_now).await
        }
        Err(response) => response,
    }
}

/// `POST /track/cases/{reference}/missing-payment`: "I did not receive it" for a month's
/// payment shown on the page; the caseworkers of the county see it on their recipients page.
pub async fn missing_payment(
    State(state): State<AppState>,
    session: Session,
    client: ClientKey,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let Posted { case, fields, .. } =
        match posted(&state, &session, &client, &reference, request).await {
            Ok(posted) => posted,
            Err(response) => return response,
        };
    let month = fields.text(app::track::assistance::MISSING_MONTH);
    let Some(kind) =
        casework::PaymentKind::parse(fields.text(app::track::assistance::MISSING_KIND).trim())
    else {
        return crate::middleware::errors::error_page_response(
            StatusCode::BAD_REQUEST,
            app::error_pages::ErrorPage::BadRequest,
        );
    };
    match state
        .store
        .report_missing_payment(&case.reference, month.trim(), kind)
        .await
    {
        Ok(true) => {
            Redirect::to(&format!("/track/cases/{}?missing=1", case.reference)).into_response()
        }
        // Not a payment of this case: a form the page never sends.
        Ok(false) => crate::middleware::errors::error_page_response(
            StatusCode::BAD_REQUEST,
            app::error_pages::ErrorPage::BadRequest,
        ),
        Err(e) => unavailable(&e),
    }
}

/// `POST /track/cases/{reference}/hardship`: the hardship in the resident's words, for the
/// deliberation. Empty or too long, the page comes back with the problem and the text (422).
pub async fn hardship(
    State(state): State<AppState>,
    session: Session,
    client: ClientKey,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    use store::deliberations::DeliberationError;
    let Posted {
        parts,
        case,
        fields,
        ..
    } = match posted(&state, &session, &client, &reference, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let text = fields.text(app::track::deliberation::HARDSHIP_FIELD);
    match state
        .store
        .describe_hardship(&case.reference, CaseKey::OpenedBefore, &text)
        .await
    {
        Ok(()) => {
            Redirect::to(&format!("/track/cases/{}?hardship=1", case.reference)).into_response()
        }
        Err(DeliberationError::Empty | DeliberationError::TooLong) => {
            let shown = AssistanceShown {
                hardship: (false, Some(text)),
                ..AssistanceShown::default()
            };
            refused_on_case_page(&state, parts, case, shown).await
        }
        // Decided or moved on a moment ago: the page shows where it stands.
        Err(DeliberationError::NotInDeliberation | DeliberationError::NotFound) => {
            Redirect::to(&format!("/track/cases/{}", case.reference)).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "could not keep a resident's hardship");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// `POST /track/cases/{reference}/transfer`: the resident's answer to a direct transfer the
/// monthly re-check offered. Without a choice the page comes back with the problem (422).
pub async fn transfer(
    State(state): State<AppState>,
    session: Session,
    client: ClientKey,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let Posted {
        parts,
        case,
        fields,
        ..
    } = match posted(&state, &session, &client, &reference, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let agree = match fields.text(app::track::assistance::TRANSFER_FIELD).trim() {
        "agree" => true,
        "decline" => false,
        _ => {
            let shown = AssistanceShown {
                transfer: (true, None),
                ..AssistanceShown::default()
            };
            return refused_on_case_page(&state, parts, case, shown).await;
        }
    };
    match state.store.answer_transfer(&case.reference, agree).await {
        // Answered now, or a moment ago in another tab: the page says where things stand.
        Ok(_)
        | Err(TransferError::NotOffered | TransferError::Conflict | TransferError::NotAllowed(_)) => {
            Redirect::to(&format!(
                "/track/cases/{}?transfer={}",
                case.reference,
                if agree { "agreed" } else { "declined" }
            ))
            .into_response()
        }
        Err(TransferError::Store(e)) => unavailable(&e),
    }
}

/// The case page at its own address (422) with a refused form of the resident's shown on it.
async fn refused_on_case_page(
    state: &AppState,
    parts: Parts,
    case: CaseView,
    shown: AssistanceShown,
) -> Response {
    let uploads = TodoUploads {
        max_bytes: state.upload_policy.max_bytes,
        ..TodoUploads::default()
    };
    let page = as_case_page(parts, &case.reference);
    let mut response =
        render_case_with(state, page, case, uploads, WithdrawForm::default(), shown).await;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

/// A resident's form posted to one of their case's routes, with the case it is for.
struct Posted {
    access: ResidentAccess,
    parts: Parts,
    case: CaseView,
    fields: app::posted_form::Fields,
}

/// Opens the case the form is posted to (as [`open_counted`]) and reads the form.
async fn posted(
    state: &AppState,
    session: &Session,
    client: &ClientKey,
    reference: &str,
    request: Request,
) -> Result<Posted, Response> {
    let mut access = ResidentAccess::load(session, &state.store).await;
    let (parts, body) = request.into_parts();
    let case = open_counted(state, &mut access, client, reference, &parts).await?;
    let Some(fields) = read_form(body).await else {
        return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    Ok(Posted {
        access,
        parts,
        case,
        fields,
    })
}

/// Opens a case this browser may see, counted as a look-up of the client and given back when it
/// opens: every route under `/track/cases/…` goes through here, whatever its method. Any other
/// browser is asked to prove its phone again, as for a reference that does not exist.
pub(crate) async fn open_counted(
    state: &AppState,
    access: &mut ResidentAccess,
    client: &ClientKey,
    reference: &str,
    parts: &Parts,
) -> Result<CaseView, Response> {
    let lookup = state
        .limits
        .begin_client_lookup(client)
        .await
        .map_err(|refused| refused.page())?;
    match access.open_case(&state.store, reference).await {
        Ok(Some(case)) => {
            lookup.found().await;
            Ok(case)
        }
        Ok(None) => Err(open_again(state, parts.clone()).await),
        Err(e) => Err(unavailable(&e)),
    }
}

/// `POST /track/cases/{reference}/upload`: a missing document from the to-do list.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    client: ClientKey,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let mut access = ResidentAccess::load(&session, &state.store).await;
    let (parts, body) = request.into_parts();
    let case = match open_counted(&state, &mut access, &client, &reference, &parts).await {
        Ok(case) => case,
        Err(response) => return response,
    };
    let posted = match read_posted_document(&state, parts.clone(), body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let on_the_list = case
        .missing_documents
        .iter()
        .chain(&case.uploaded_documents)
        .any(|d| d.as_str() == posted.document);
    let refuse = |problem| {
        refused(
            &state,
            parts.clone(),
            case.clone(),
            &posted.document,
            problem,
        )
    };
    // Before anything is decoded: the client's hourly allowance, and room on the list at all.
    match admit(&state, &client).await {
        Ok(()) => {}
        Err(KeepError::Refused(problem)) => return refuse(problem).await,
        Err(other) => return other.page(),
    }
    match state
        .store
        .case_upload_room(&case.reference, 0, state.upload_allowance)
        .await
    {
        Ok(room) => {
            if let Some(problem) = room_problem(room) {
                return refuse(problem).await;
            }
        }
        Err(e) => return unavailable(&e),
    }
    let kept = match form_problem(&posted, on_the_list) {
        Some(problem) => Err(KeepError::Refused(problem)),
        None => clean_and_keep(&state, posted.file).await,
    };
    let kept = match kept {
        Ok(kept) => kept,
        Err(KeepError::Refused(problem)) => return refuse(problem).await,
        Err(other) => return other.page(),
    };
    let supplied = state
        .store
        .supply_document(
            &case.reference,
            kept.as_stored(&posted.document),
            state.upload_allowance,
        )
        .await;
    if !matches!(supplied, Ok(Supplied::Recorded)) {
        discard(&state, &kept).await;
    }
    match supplied {
        Ok(Supplied::Recorded) => Redirect::to(&format!(
            "/track/cases/{}?uploaded={}",
            case.reference, posted.document
        ))
        .into_response(),
        // The caseworker changed the to-do list meanwhile.
        Ok(Supplied::NotOnTheList) => refuse(UploadProblem::ChooseDocument).await,
        Ok(Supplied::TooManyFiles) => refuse(UploadProblem::TooManyFiles).await,
        Ok(Supplied::OverQuota) => refuse(UploadProblem::OverQuota).await,
        Err(e) => unavailable(&e),
    }
}

/// `POST /track/cases/{reference}/withdraw`: the applicant takes the application back (the box
/// ticked as the confirmation; the reason optional). Recorded as the applicant's own step.
pub async fn withdraw(
    State(state): State<AppState>,
    session: Session,
    client: ClientKey,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let Posted {
        mut access,
        parts,
        case,
        fields,
    } = match posted(&state, &session, &client, &reference, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let reason = fields.text("reason");
    let problem = if fields.ticked("confirm") {
        match state
            .store
            .withdraw_by_applicant(&case.reference, CaseKey::OpenedBefore, &reason)
            .await
        {
            Ok(_) => {
                return Redirect::to(&format!("/track/cases/{}?withdrawn=1", case.reference))
                    .into_response()
            }
            Err(WithdrawError::NotFound) => return open_again(&state, parts).await,
            Err(WithdrawError::ReasonTooLong) => WithdrawProblem::TooLong,
            Err(WithdrawError::NotAllowed | WithdrawError::Conflict) => WithdrawProblem::NotAllowed,
            Err(WithdrawError::Store(e)) => return unavailable(&e),
        }
    } else {
        WithdrawProblem::Confirm
    };
    // The page again, as it is now, with the problem beside the field.
    let case = match access.open_case(&state.store, &case.reference).await {
        Ok(Some(case)) => case,
        Ok(None) => return open_again(&state, parts).await,
        Err(e) => return unavailable(&e),
    };
    let uploads = TodoUploads {
        max_bytes: state.upload_policy.max_bytes,
        ..TodoUploads::default()
    };
    let withdraw = WithdrawForm {
        reason,
        problem: Some(problem),
        done: false,
    };
    let page = as_case_page(parts, &case.reference);
    let mut response = render_case(&state, page, case, uploads, withdraw).await;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

async fn refused(
    state: &AppState,
    parts: Parts,
    case: CaseView,
    document: &str,
    problem: UploadProblem,
) -> Response {
    let uploads = TodoUploads {
        max_bytes: state.upload_policy.max_bytes,
        refused: Some((document.to_owned(), problem)),
        uploaded_now: None,
    };
    let mut response = render_case(
        state,
        as_case_page(parts, &case.reference),
        case,
        uploads,
        WithdrawForm::default(),
    )
    .await;
    *response.status_mut() = refusal_status(problem);
    response
}

/// The case page, with its to-do list's upload forms.
pub(crate) async fn render_case(
    state: &AppState,
    parts: Parts,
    case: CaseView,
    uploads: TodoUploads,
    withdraw: WithdrawForm,
) -> Response {
    render_case_with(
        state,
        parts,
        case,
        uploads,
        withdraw,
        AssistanceShown::default(),
    )
    .await
}

/// What the assistance section says of the resident's own last step.
#[derive(Debug, Clone, Default)]
struct AssistanceShown {
    /// (the transfer form refused without a choice, the transfer just answered).
    transfer: (bool, Option<bool>),
    /// "I did not receive it" just said.
    missing_now: bool,
    /// (the hardship just sent, the text of one refused).
    hardship: (bool, Option<String>),
}

/// [`render_case`], with the transfer form's state: (refused without a choice, just answered).
async fn render_case_with(
    state: &AppState,
    parts: Parts,
    case: CaseView,
    uploads: TodoUploads,
    withdraw: WithdrawForm,
    shown: AssistanceShown,
) -> Response {
    let mut tracked = tracked(case);
    // What the household receives, once approved; a failure to read it leaves the rest of the
    // page as it is.
    match state.store.recipient_of_case(&tracked.reference).await {
        Ok(view) => {
            tracked.assistance = view.map(|view| {
                let mut assistance = assistance(view);
                (assistance.transfer_refused, assistance.transfer_answered) = shown.transfer;
                assistance.missing_now = shown.missing_now;
                assistance
            })
        }
        Err(e) => tracing::error!(error = %e, "could not read a recipient"),
    }
    let in_deliberation = tracked.status == casework::CaseState::Deliberation;
    match state.store.deliberation_of(&tracked.reference).await {
        Ok(found) if found.is_some() || in_deliberation => {
            let found = found.unwrap_or_default();
            tracked.deliberation = Some(app::track::deliberation::ResidentDeliberation {
                open: in_deliberation && found.record.is_none(),
                hardship: found.hardship.map(|(text, _)| text),
                meeting_on: found.meeting_on.map(|d| d.to_string()),
                sent: shown.hardship.0,
                refused: shown.hardship.1.clone(),
            });
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not read a case's deliberation"),
    }
    match state.store.referrals_of_case(&tracked.reference).await {
        Ok(lines) => {
            tracked.referrals = lines
                .into_iter()
                .map(|line| resident_referral(state, line))
                .collect()
        }
        Err(e) => tracing::error!(error = %e, "could not read a case's referrals"),
    }
    let lookup = TrackLookup::Found(Box::new(tracked));
    render_with(state, parts, move || {
        provide_context(lookup.clone());
        provide_context(uploads.clone());
        provide_context(withdraw.clone());
    })
    .await
}

fn resident_referral(
    state: &AppState,
    line: store::referrals::ReferralLine,
) -> app::track::referrals::ResidentReferral {
    use store::referrals::ReferralOutcome;
    // The partner's names in the directory today, else the name kept with the referral.
    let partner = match line
        .partner_id
        .as_deref()
        .and_then(|id| state.partners.get(id))
    {
        Some(p) => handbook::Localized {
            zh: p.zh_name.clone(),
            en: p.en_name.clone(),
        },
        None => handbook::Localized {
            zh: line.organisation.clone(),
            en: line.organisation,
        },
    };
    app::track::referrals::ResidentReferral {
        partner,
        answer_due: line.answer_due_at.map(|at| at.unix_timestamp()),
        outcome: line.outcome.map(|(outcome, _)| match outcome {
            ReferralOutcome::Helped { what, amount_fen } => ("helped".to_owned(), what, amount_fen),
            ReferralOutcome::Declined { reason } => ("declined".to_owned(), reason, None),
        }),
    }
}

fn assistance(view: store::recipients::RecipientView) -> app::track::assistance::Assistance {
    app::track::assistance::Assistance {
        programme: view.programme,
        monthly_amount_fen: view.monthly_amount_fen,
        next_review: view.next_review_on,
        state: view.state,
        payments: view.payments,
        decision: view.decision.map(|(_, at, reason)| (at, reason)),
        offer: view.offer,
        pending: view.pending,
        transfer_not_made: view.transfer_not_made,
        transfer_refused: false,
        transfer_answered: None,
        missing: view.missing,
        missing_now: false,
    }
}

/// The request as a GET of the case page, so the page renders at its own address.
fn as_case_page(mut parts: Parts, reference: &str) -> Parts {
    if let Ok(uri) = format!("/track/cases/{reference}").parse::<Uri>() {
        parts.uri = uri;
    }
    parts.method = Method::GET;
    parts
}

/// 404, with the phone form and a word on why: the case must be opened again.
async fn open_again(state: &AppState, mut parts: Parts) -> Response {
    parts.uri = Uri::from_static("/track/phone");
    parts.method = Method::GET;
    let lookup = PhoneLookup::AskPhone {
        typed: String::new(),
        problem: None,
        open_again: true,
    };
    let mut response = render_page_with(state, parts, lookup).await;
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

fn unavailable(e: &store::StoreError) -> Response {
    tracing::error!(error = %e, "could not read a case");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}
