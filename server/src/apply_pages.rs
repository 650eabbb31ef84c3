//! The application pages (`/apply/{token}/{step}`): the server keeps the draft, reads each posted
//! page, and answers with the next page (303) or the same page with its problems (422). The
//! finished draft is submitted through the same reader and store call as the JSON API.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use app::apply::{
    ApplicationDraft, ApplyFieldProblem, ApplyPageData, ApplyStep, SubmitLimit, SubmittedReceipt,
    UploadProblem, Who, ACCESS_CODE_SHOWN_MINUTES,
};
use casework::DocumentKind;
use casework::IdempotencyKey;
use store::applications::Submitted;
use store::{DraftToken, Room};

use crate::client::ClientKey;
use crate::document_upload::{
    admit, clean_and_keep, discard, form_problem, read_posted_document, refusal_status,
    room_problem, KeepError,
};
use crate::limits::{Caller, Refused};
use crate::posted_pages::{read_form, render_page, render_page_with};
use crate::state::AppState;
use crate::submission::{self, Source, SubmitFailure};

/// `POST /apply/start`: the self-check's answers become a new draft.
pub async fn start(State(state): State<AppState>, request: Request) -> Response {
    let Some(fields) = read_form(request.into_body()).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    // Without a finished self-check there is no household to apply for: start there.
    let Some(draft) = fields
        .get("answers")
        .and_then(ApplicationDraft::from_self_check)
    else {
        return Redirect::to("/check").into_response();
    };
    let created = match serde_json::to_string(&draft) {
        Ok(json) => state.store.create_draft(&json).await,
        Err(e) => Err(store::StoreError::Corrupt(e.to_string())),
    };
    match created {
        Ok(token) => see_other(&token, draft.first_unanswered()),
        Err(e) => {
            tracing::error!(error = %e, "could not create an application draft");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// `GET /apply/{token}/{step}`.
pub async fn show(
    State(state): State<AppState>,
    Path((token, step)): Path<(String, String)>,
    request: Request,
) -> Response {
    let Some((token, mut draft)) = load(&state, &token).await else {
        return not_found(&state, request).await;
    };
    let Some(step) = ApplyStep::parse(&step) else {
        return not_found(&state, request).await;
    };
    // The access code leaves the draft once its time on the page is over.
    let now = state.store.clock().now().unix_timestamp();
    if let Some(receipt) = draft.submitted.as_mut() {
        if receipt.forget_code_after(now) {
            if let Err(response) = save(&state, &token, &draft).await {
                return response;
            }
        }
    }
    // A page whose earlier pages are unanswered, or any page after sending, leads on.
    let allowed = draft.first_unanswered();
    if step > allowed || (draft.submitted.is_some() && step != ApplyStep::Done) {
        return see_other(&token, allowed);
    }
    let mut data = page_data(&token, step, &draft, request.headers());
    if step == ApplyStep::Photos {
        data.uploads = uploads_of(&state, &token).await;
        data.max_upload_bytes = state.upload_policy.max_bytes;
    }
    render(&state, request, data).await
}

/// `POST /apply/{token}/upload`: one document photo (or PDF), checked, cleaned and stored.
pub async fn upload(
    State(state): State<AppState>,
    client: ClientKey,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let Some((token, draft)) = load(&state, &token).await else {
        return not_found(&state, request).await;
    };
    if draft.submitted.is_some() {
        return see_other(&token, ApplyStep::Done);
    }
    let headers = request.headers().clone();
    let (parts, body) = request.into_parts();
    let page_request = || Request::from_parts(parts.clone(), Body::empty());
    let refuse = |problem: UploadProblem| {
        let mut data = page_data(&token, ApplyStep::Photos, &draft, &headers);
        data.upload_problem = Some(problem);
        data.max_upload_bytes = state.upload_policy.max_bytes;
        let request = page_request();
        let state = &state;
        let token = &token;
        async move {
            data.uploads = uploads_of(state, token).await;
            let mut response = render(state, request, data).await;
            *response.status_mut() = refusal_status(problem);
            response
        }
    };
    let posted = match read_posted_document(&state, parts.clone(), body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    // Before anything is decoded: the client's hourly allowance, and room in the draft at all.
    match admit(&state, &client).await {
        Ok(()) => {}
        Err(KeepError::Refused(problem)) => return refuse(problem).await,
        Err(other) => return other.page(),
    }
    match state
        .store
        .draft_upload_room(&token, 0, state.upload_allowance)
        .await
    {
        Ok(room) => {
            if let Some(problem) = room_problem(room) {
                return refuse(problem).await;
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "could not count a draft's uploads");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    let allowed = DocumentKind::parse(&posted.document).is_some();
    let kept = match form_problem(&posted, allowed) {
        Some(problem) => Err(KeepError::Refused(problem)),
        None => clean_and_keep(&state, posted.file).await,
    };
    let kept = match kept {
        Ok(kept) => kept,
        Err(KeepError::Refused(problem)) => return refuse(problem).await,
        Err(other) => return other.page(),
    };
    match state
        .store
        .record_upload(
            &token,
            kept.as_stored(&posted.document),
            state.upload_allowance,
        )
        .await
    {
        Ok(Room::Fits) => see_other(&token, ApplyStep::Photos),
        Ok(room) => {
            discard(&state, &kept).await;
            match room_problem(room) {
                Some(problem) => refuse(problem).await,
                // The draft was removed meanwhile.
                None => not_found(&state, page_request()).await,
            }
        }
        Err(e) => {
            discard(&state, &kept).await;
            tracing::error!(error = %e, "could not record an uploaded document");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn uploads_of(state: &AppState, token: &DraftToken) -> Vec<(String, String, i64)> {
    match state.store.draft_uploads(token).await {
        Ok(list) => list
            .into_iter()
            .map(|u| (u.document, u.content_type, u.size))
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "could not list a draft's uploads");
            Vec::new()
        }
    }
}

/// `POST /apply/{token}/{step}`.
pub async fn answer(
    State(state): State<AppState>,
    Path((token, step)): Path<(String, String)>,
    client: ClientKey,
    request: Request,
) -> Response {
    let Some((token, mut draft)) = load(&state, &token).await else {
        return not_found(&state, request).await;
    };
    let Some(step) = ApplyStep::parse(&step) else {
        return not_found(&state, request).await;
    };
    if draft.submitted.is_some() {
        return see_other(&token, ApplyStep::Done);
    }
    let headers = request.headers().clone();
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let request = Request::from_parts(parts, Body::empty());
    if step == ApplyStep::Check {
        return submit(&state, &token, draft, client, request).await;
    }
    let answered = match draft.apply(step, &fields) {
        Ok(()) => match code_problems(&state, step, &draft).await {
            Ok(problems) if problems.is_empty() => Ok(()),
            Ok(problems) => Err(problems),
            Err(e) => {
                tracing::error!(error = %e, "could not check a volunteer's codes");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
        Err(problems) => Err(problems),
    };
    match answered {
        Ok(()) => match save(&state, &token, &draft).await {
            Ok(()) => see_other(&token, draft.next_after(step)),
            Err(response) => response,
        },
        Err(problems) => {
            let mut data = page_data(&token, step, &draft, &headers);
            data.shown = fields;
            data.problems = problems;
            render(&state, request, data).await
        }
    }
}

/// On the who page, a volunteer's codes are checked against the outreach events at once, so a
/// mistyped code is said beside its field, not at the end.
async fn code_problems(
    state: &AppState,
    step: ApplyStep,
    draft: &ApplicationDraft,
) -> Result<Vec<ApplyFieldProblem>, store::StoreError> {
    let (
        ApplyStep::Who,
        Some(Who::Volunteer {
            volunteer_code,
            event_code,
        }),
    ) = (step, &draft.who)
    else {
        return Ok(Vec::new());
    };
    Ok(state
        .store
        .outreach_problems(volunteer_code, event_code)
        .await?
        .iter()
        .map(ApplyFieldProblem::of_codes)
        .collect())
}

async fn submit(
    state: &AppState,
    token: &DraftToken,
    mut draft: ApplicationDraft,
    client: ClientKey,
    request: Request,
) -> Response {
    let body = draft.to_request();
    let key: IdempotencyKey = match format!("draft-{}", token.as_str()).parse() {
        Ok(key) => key,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    // Sending again replays the first receipt (and links any file recorded meanwhile) and is not
    // counted against the limits. The draft's files are linked in the application's own
    // transaction: stored together, or neither, and the draft is marked sent only after.
    let caller = Caller::Client(client);
    let receipt = match submission::submit(state, &caller, &body, &key, Source::Draft(token)).await
    {
        Ok(Submitted::New(receipt) | Submitted::Replayed(receipt)) => receipt,
        Err(SubmitFailure::Invalid(problems)) => {
            // Each page checked its own answers; this is a draft from before a rule changed, or
            // a volunteer taken off the event since: back to the page to answer again.
            tracing::warn!(?problems, "a finished draft failed the application checks");
            if problems.iter().any(|p| p.field.starts_with("submitted_by")) {
                return see_other(token, ApplyStep::Who);
            }
            return see_other(token, draft.first_unanswered());
        }
        Err(SubmitFailure::Limited(refused)) => {
            return limited(state, token, &draft, request, refused).await
        }
        Err(
            e @ (SubmitFailure::KeyReused | SubmitFailure::Store(_) | SubmitFailure::Photos(_)),
        ) => {
            tracing::error!(error = %e, "could not store an application from its draft");
            let mut data = page_data(token, ApplyStep::Check, &draft, request.headers());
            data.submit_failed = true;
            let mut response = render(state, request, data).await;
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            return response;
        }
    };
    let now = state.store.clock().now().unix_timestamp();
    draft.submitted = Some(SubmittedReceipt {
        reference: receipt.reference.as_str().to_owned(),
        access_code: receipt.access_code.as_str().to_owned(),
        advance_due_at: receipt.advance_due_at.map(|t| t.unix_timestamp()),
        code_shown_until: Some(now + ACCESS_CODE_SHOWN_MINUTES * 60),
    });
    // The application is stored whatever happens next; the draft only remembers the receipt for
    // the confirmation page, and submitting again replays the same receipt.
    match save(state, token, &draft).await {
        Ok(()) => see_other(token, ApplyStep::Done),
        Err(response) => response,
    }
}

/// The check page again, saying which limit refused the application (429), or that it could
/// not be counted just now (503); the draft is kept either way.
async fn limited(
    state: &AppState,
    token: &DraftToken,
    draft: &ApplicationDraft,
    request: Request,
    refused: Refused,
) -> Response {
    let mut data = page_data(token, ApplyStep::Check, draft, request.headers());
    let status = match refused {
        Refused::Client { .. } => {
            data.submit_limited = Some(SubmitLimit::Client);
            StatusCode::TOO_MANY_REQUESTS
        }
        Refused::Phone { .. } | Refused::Reference { .. } => {
            data.submit_limited = Some(SubmitLimit::Phone);
            StatusCode::TOO_MANY_REQUESTS
        }
        Refused::Unavailable => {
            data.submit_failed = true;
            StatusCode::SERVICE_UNAVAILABLE
        }
    };
    let mut response = render(state, request, data).await;
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::RETRY_AFTER,
        axum::http::HeaderValue::from(refused.retry_after()),
    );
    response
}

async fn load(state: &AppState, token: &str) -> Option<(DraftToken, ApplicationDraft)> {
    let token: DraftToken = token.parse().ok()?;
    let json = match state.store.load_draft(&token).await {
        Ok(json) => json?,
        Err(e) => {
            tracing::error!(error = %e, "could not load an application draft");
            return None;
        }
    };
    let draft = serde_json::from_str(&json).ok()?;
    Some((token, draft))
}

async fn save(
    state: &AppState,
    token: &DraftToken,
    draft: &ApplicationDraft,
) -> Result<(), Response> {
    let json = serde_json::to_string(draft)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
    state.store.save_draft(token, &json).await.map_err(|e| {
        tracing::error!(error = %e, "could not save an application draft");
        StatusCode::SERVICE_UNAVAILABLE.into_response()
    })
}

fn see_other(token: &DraftToken, step: ApplyStep) -> Response {
    Redirect::to(&format!("/apply/{}/{}", token.as_str(), step.code())).into_response()
}

fn page_data(
    token: &DraftToken,
    step: ApplyStep,
    draft: &ApplicationDraft,
    headers: &HeaderMap,
) -> ApplyPageData {
    ApplyPageData {
        token: token.as_str().to_owned(),
        step,
        shown: draft.fields(step),
        draft: draft.clone(),
        problems: Vec::new(),
        submit_failed: false,
        submit_limited: None,
        tracking_url: tracking_url(headers, draft),
        uploads: Vec::new(),
        upload_problem: None,
        max_upload_bytes: 0,
        outreach: false,
    }
}

/// The absolute address of the case's tracking page, for the QR code: a phone scanning it has
/// no page to be relative to.
fn tracking_url(headers: &HeaderMap, draft: &ApplicationDraft) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    let reference = draft
        .submitted
        .as_ref()
        .map(|r| r.reference.as_str())
        .unwrap_or("");
    format!("{scheme}://{host}/track?reference={reference}")
}

async fn render(state: &AppState, request: Request, data: ApplyPageData) -> Response {
    let (parts, _) = request.into_parts();
    render_page_with(state, parts, data).await
}

/// The app's "not found" page, for a draft link that is wrong or expired.
async fn not_found(state: &AppState, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    parts.uri = axum::http::Uri::from_static("/apply/not-found");
    parts.method = axum::http::Method::GET;
    let mut response = render_page(state, parts).await;
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}
