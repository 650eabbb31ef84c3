//! The caseworkers' case page (`/staff/cases/{reference}`): the server opens the case for the
//! signed-in member of staff (their own county only; each opening is audited), recomputes the
//! household with the rules engine, and renders the page. Steps and messages post back and
//! answer with 303 to the page, or the page again with the problems (422).

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::error_pages::ErrorPage;
use app::posted_form::Fields;
use app::staff::{
    case_field, parse_amount_fen, ApplicantDetails, CasePage, CaseProblem, DeliberationPart,
    MeetingShown, ReferralRow, Refused, Submitter,
};
use casework::{next_state, CaseAction, DocumentKind, SubmittedBy};
use store::applications::{advance_cap_yuan, ActError, CaseFile, CaseStep, MessageError};
use store::referrals::{OutcomeError, ReferralOutcome};
use store::staff::{Role, StaffUser};

use crate::client::ClientKey;
use crate::limits::Refused as LimitRefused;
use crate::middleware::errors::error_page_response;
use crate::posted_pages::{read_form, render_page, render_page_with};
use crate::routes::CASE_PAGES;
use crate::state::AppState;

/// `GET /staff/cases/{reference}` (`?done=` after a step).
pub async fn show(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    session: Session,
    request: Request,
) -> Response {
    let staff = match signed_in(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    let done = request.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "done")
            .map(|(_, v)| v.into_owned())
            .filter(|v| v == case_field::MESSAGE || CaseAction::parse(v).is_some())
    });
    respond(&state, &staff, &reference, request, None, done).await
}

/// `POST /staff/cases/{reference}/act`: one step of the workflow.
pub async fn act(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    session: Session,
    client: ClientKey,
    request: Request,
) -> Response {
    let (staff, fields, request) = match posted(&state, &session, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let Some(action) = fields.get(case_field::ACTION).and_then(CaseAction::parse) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let refuse = |problems: Vec<(&'static str, CaseProblem)>| Refused {
        form: action.as_str().to_owned(),
        fields: fields.clone(),
        problems,
    };
    let step = match read_step(&state, staff.county, action, &fields, &client).await {
        Ok(step) => step,
        Err(Reading::Problems(problems)) => {
            return respond(
                &state,
                &staff,
                &reference,
                request,
                Some(refuse(problems)),
                None,
            )
            .await
        }
        Err(Reading::Failed(denied)) => return denied.into_response(),
    };
    let note = fields.text(case_field::NOTE);
    match state
        .store
        .act_on_case(&staff, &reference, &step, &note)
        .await
    {
        Ok(_) => done_redirect(&reference, action.as_str()),
        Err(e) => match refusal(e) {
            Ok(problem) => {
                respond(
                    &state,
                    &staff,
                    &reference,
                    request,
                    Some(refuse(vec![problem])),
                    None,
                )
                .await
            }
            Err(denied) => denied.into_response(),
        },
    }
}

/// `POST /staff/cases/{reference}/message`: a message to the applicant.
pub async fn message(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    session: Session,
    request: Request,
) -> Response {
    let (staff, fields, request) = match posted(&state, &session, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let sent = state
        .store
        .send_case_message(&staff, &reference, &fields.text(case_field::MESSAGE))
        .await;
    let problem = match sent {
        Ok(()) => return done_redirect(&reference, case_field::MESSAGE),
        Err(MessageError::Empty) => CaseProblem::MessageEmpty,
        Err(MessageError::TooLong) => CaseProblem::MessageTooLong,
        Err(MessageError::Access(e)) => match refusal(e) {
            Ok((_, problem)) => problem,
            Err(denied) => return denied.into_response(),
        },
    };
    let refused = Refused {
        form: case_field::MESSAGE.to_owned(),
        fields,
        problems: vec![(case_field::MESSAGE, problem)],
    };
    respond(&state, &staff, &reference, request, Some(refused), None).await
}

/// `GET /staff/cases/{reference}/uploads/{n}`: the n-th file the applicant uploaded (from 1),
/// for staff of the case's county; each look is audited.
pub async fn upload(
    State(state): State<AppState>,
    Path((reference, n)): Path<(String, usize)>,
    session: Session,
) -> Response {
    let staff = match signed_in(&state, &session).await {
        Ok(staff) => staff,
        Err(response) => return response,
    };
    if let Err(e) = state.store.case_file(&staff, &reference).await {
        return refusal(e)
            .err()
            .unwrap_or(Denied::Unavailable)
            .into_response();
    }
    let upload = match state.store.case_uploads(&reference).await {
        Ok(uploads) => n.checked_sub(1).and_then(|i| uploads.into_iter().nth(i)),
        Err(e) => {
            tracing::error!(error = %e, "could not list a case's uploads");
            return Denied::Unavailable.into_response();
        }
    };
    let Some(upload) = upload else {
        return Denied::NotFound.into_response();
    };
    let Ok(key) = upload.storage_key.parse::<uploads::StorageKey>() else {
        return Denied::NotFound.into_response();
    };
    let bytes = match state.files.get(&key).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "could not read an uploaded document");
            return Denied::Unavailable.into_response();
        }
    };
    if let Err(e) = state
        .store
        .record_staff_read(&staff, "case.upload.view", &reference)
        .await
    {
        tracing::error!(error = %e, "could not audit a document view");
        return Denied::Unavailable.into_response();
    }
    let name = format!(
        "{}-{n}.{}",
        reference.trim().to_ascii_uppercase(),
        key.kind().extension()
    );
    crate::document_upload::serve_document(bytes, &upload.content_type, &name)
}

/// A form posted by the signed-in member of staff: who, the fields, and the request (without
/// its body) to render the answer for.
async fn posted(
    state: &AppState,
    session: &Session,
    request: Request,
) -> Result<(StaffUser, Fields, Request), Response> {
    let staff = signed_in(state, session).await?;
    let (parts, body) = request.into_parts();
    let Some(fields) = read_form(body).await else {
        return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    Ok((
        staff,
        fields,
        Request::from_parts(parts, axum::body::Body::empty()),
    ))
}

fn done_redirect(reference: &str, done: &str) -> Response {
    let reference: String = form_urlencoded::byte_serialize(reference.as_bytes()).collect();
    Redirect::to(&format!("{CASE_PAGES}{reference}?done={done}")).into_response()
}

/// The signed-in member of staff, or the answer for anyone else.
pub(crate) async fn signed_in(state: &AppState, session: &Session) -> Result<StaffUser, Response> {
    match app::staff::session::current_staff(session, &state.store).await {
        Ok(Some(staff)) => Ok(staff),
        Ok(None) => Err(Redirect::to("/staff/login").into_response()),
        Err(e) => {
            tracing::error!(error = %e, "could not read the staff session");
            Err(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
    }
}

enum Reading {
    Problems(Vec<(&'static str, CaseProblem)>),
    Failed(Denied),
}

/// The step a posted form asks for, with its details read and checked.
async fn read_step(
    state: &AppState,
    county: casework::County,
    action: CaseAction,
    fields: &Fields,
    client: &ClientKey,
) -> Result<CaseStep, Reading> {
    Ok(match action {
        CaseAction::Accept => CaseStep::Accept {
            complex: fields.ticked(case_field::COMPLEX),
        },
        CaseAction::RequestDocuments => {
            let documents: Vec<DocumentKind> = fields
                .all(case_field::DOCUMENTS)
                .filter_map(DocumentKind::parse)
                .collect();
            if documents.is_empty() {
                return Err(Reading::Problems(vec![(
                    case_field::DOCUMENTS,
                    CaseProblem::Documents,
                )]));
            }
            CaseStep::RequestDocuments(documents)
        }
        CaseAction::RecordHomeVisit => {
            // The second password is a sign-in: the same per-client limit as the sign-in form,
            // and the account's own lockout in the store.
            match state.limits.attempt(state.limits.sign_in, client).await {
                Ok(()) => {}
                Err(LimitRefused::Unavailable) => return Err(Reading::Failed(Denied::Unavailable)),
                Err(_) => {
                    return Err(Reading::Problems(vec![(
                        case_field::SECOND_PASSWORD,
                        CaseProblem::SecondThrottled,
                    )]))
                }
            }
            let second = state
                .store
                .check_password(
                    &fields.text(case_field::SECOND_USERNAME),
                    &fields.text(case_field::SECOND_PASSWORD),
                    &store::staff::Client::new(client.as_str(), "home visit: second visitor"),
                )
                .await;
            match second {
                Ok(second) => CaseStep::RecordHomeVisit {
                    second_visitor: second.user,
                },
                Err(store::staff::LoginError::Store(e)) => {
                    tracing::error!(error = %e, "could not check the second visitor");
                    return Err(Reading::Failed(Denied::Unavailable));
                }
                // A wrong password and a locked account get the answer that a valid account
                // that may not be the second visitor gets (see `refusal`).
                Err(
                    store::staff::LoginError::InvalidCredentials
                    | store::staff::LoginError::LockedOut { .. }
                    | store::staff::LoginError::Disabled
                    | store::staff::LoginError::InvalidCode
                    | store::staff::LoginError::ReplayedCode,
                ) => {
                    return Err(Reading::Problems(vec![(
                        case_field::SECOND_PASSWORD,
                        CaseProblem::SecondLogin,
                    )]))
                }
            }
        }
        // The store checks the emergency and the household's cap, with the advances given so far.
        CaseAction::RecordAdvance => {
            let Some(amount_fen) = parse_amount_fen(&fields.text(case_field::AMOUNT)) else {
                return Err(Reading::Problems(vec![(
                    case_field::AMOUNT,
                    CaseProblem::Amount,
                )]));
            };
            CaseStep::RecordAdvance { amount_fen }
        }
        // A partner of the directory that serves the member of staff's county (their cases are
        // of it); its Chinese name is kept as the referral's name, as it was that day.
        CaseAction::Refer => {
            let chosen = fields.text(case_field::ORGANISATION);
            let Some(partner) = state
                .partners
                .get(chosen.trim())
                .filter(|p| p.serves(county))
            else {
                return Err(Reading::Problems(vec![(
                    case_field::ORGANISATION,
                    CaseProblem::Organisation,
                )]));
            };
            CaseStep::Refer {
                organisation: partner.zh_name.clone(),
                partner: Some((partner.id.as_str().to_owned(), partner.answer_within_days)),
                consent_given: fields.ticked(case_field::REFERRAL_CONSENT),
            }
        }
        other => CaseStep::Plain(other),
    })
}

fn referral_row(line: store::referrals::ReferralLine, referred_by: &str) -> ReferralRow {
    ReferralRow {
        id: line.id,
        organisation: line.organisation,
        at: line.referred_at.unix_timestamp(),
        referred_by: referred_by.to_owned(),
        answer_due: line.answer_due_at.map(|at| at.unix_timestamp()),
        reminded: line.reminded,
        escalated: line.escalated,
        outcome: line.outcome.map(|(outcome, at)| match outcome {
            ReferralOutcome::Helped { what, amount_fen } => {
                ("helped".to_owned(), what, amount_fen, at.unix_timestamp())
            }
            ReferralOutcome::Declined { reason } => {
                ("declined".to_owned(), reason, None, at.unix_timestamp())
            }
        }),
    }
}

/// `POST /staff/cases/{reference}/referrals/{id}`: what the partner answered. A refusal comes
/// back beside its field with what was typed; nothing changes.
pub async fn referral_outcome(
    State(state): State<AppState>,
    Path((reference, id)): Path<(String, String)>,
    session: Session,
    request: Request,
) -> Response {
    let (staff, fields, request) = match posted(&state, &session, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let text = fields.text(case_field::OUTCOME_TEXT);
    let amount = fields.text(case_field::AMOUNT);
    let refuse = |field: &'static str, problem: CaseProblem| Refused {
        form: app::staff::outcome_form(id),
        fields: fields.clone(),
        problems: vec![(field, problem)],
    };
    let outcome = match fields.text(case_field::OUTCOME).as_str() {
        "helped" => {
            let amount_fen = if amount.trim().is_empty() {
                None
            } else {
                match parse_amount_fen(&amount) {
                    Some(fen) => Some(fen),
                    None => {
                        let refused = refuse(case_field::AMOUNT, CaseProblem::Amount);
                        return respond(&state, &staff, &reference, request, Some(refused), None)
                            .await;
                    }
                }
            };
            ReferralOutcome::Helped {
                what: text,
                amount_fen,
            }
        }
        "declined" => ReferralOutcome::Declined { reason: text },
        _ => {
            let refused = refuse(case_field::OUTCOME, CaseProblem::ReferralOutcome);
            return respond(&state, &staff, &reference, request, Some(refused), None).await;
        }
    };
    let problem = match state
        .store
        .record_referral_outcome(&staff, &reference, id, outcome)
        .await
    {
        Ok(()) => return done_redirect(&reference, "referral"),
        Err(OutcomeError::WhatRequired | OutcomeError::TooLong) => {
            (case_field::OUTCOME_TEXT, CaseProblem::ReferralWhat)
        }
        Err(OutcomeError::ReasonRequired) => {
            (case_field::OUTCOME_TEXT, CaseProblem::ReferralReason)
        }
        Err(OutcomeError::Amount) => (case_field::AMOUNT, CaseProblem::Amount),
        Err(OutcomeError::Recorded) => (case_field::OUTCOME, CaseProblem::ReferralRecorded),
        Err(OutcomeError::NotFound) => return Denied::NotFound.into_response(),
        Err(OutcomeError::OtherCounty | OutcomeError::Volunteer) => {
            return Denied::Forbidden.into_response()
        }
        Err(OutcomeError::Store(e)) => {
            tracing::error!(error = %e, "could not record a referral's outcome");
            return Denied::Unavailable.into_response();
        }
    };
    let refused = refuse(problem.0, problem.1);
    respond(&state, &staff, &reference, request, Some(refused), None).await
}

/// A day typed as `YYYY-MM-DD` (a date box sends it so).
fn typed_day(text: &str) -> Option<time::Date> {
    time::Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// `POST /staff/cases/{reference}/deliberation`: the meeting scheduled (`step=schedule`) or its
/// record kept (`step=record`). A refusal comes back beside its field with what was typed.
pub async fn deliberation(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    session: Session,
    request: Request,
) -> Response {
    use store::deliberations::{DeliberationError as E, MeetingDecision, MeetingRecord};
    let (staff, fields, request) = match posted(&state, &session, request).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let schedule = fields.text(case_field::DELIBERATION_STEP) == "schedule";
    let form = if schedule {
        app::staff::SCHEDULE_FORM
    } else {
        app::staff::RECORD_FORM
    };
    let refuse = |field: &'static str, problem: CaseProblem| Refused {
        form: form.to_owned(),
        fields: fields.clone(),
        problems: vec![(field, problem)],
    };
    let outcome = if schedule {
        let Some(day) = typed_day(&fields.text(case_field::MEETING_ON)) else {
            let refused = refuse(case_field::MEETING_ON, CaseProblem::MeetingDay);
            return respond(&state, &staff, &reference, request, Some(refused), None).await;
        };
        state
            .store
            .schedule_deliberation(&staff, &reference, day)
            .await
    } else {
        let Some(held_on) = typed_day(&fields.text(case_field::HELD_ON)) else {
            let refused = refuse(case_field::HELD_ON, CaseProblem::HeldDay);
            return respond(&state, &staff, &reference, request, Some(refused), None).await;
        };
        let Some(decision) = MeetingDecision::parse(&fields.text(case_field::MEETING_DECISION))
        else {
            let refused = refuse(case_field::MEETING_DECISION, CaseProblem::MeetingDecision);
            return respond(&state, &staff, &reference, request, Some(refused), None).await;
        };
        let minutes = fields.text(case_field::MINUTES);
        let too_long = minutes.chars().count() > store::deliberations::DELIBERATION_TEXT_MAX_CHARS;
        if minutes.trim().is_empty() || too_long {
            let refused = refuse(case_field::MINUTES, CaseProblem::Minutes);
            return respond(&state, &staff, &reference, request, Some(refused), None).await;
        }
        let record = MeetingRecord {
            held_on,
            members: fields
                .text(case_field::MEMBERS)
                .lines()
                .map(str::to_owned)
                .collect(),
            minutes,
            decision,
            reason: fields.text(case_field::MEETING_REASON),
        };
        state
            .store
            .record_deliberation(&staff, &reference, &record)
            .await
    };
    let problem = match outcome {
        Ok(()) => return done_redirect(&reference, "deliberation"),
        Err(E::DayPassed) => (case_field::MEETING_ON, CaseProblem::MeetingDay),
        Err(E::NotHeldYet) => (case_field::HELD_ON, CaseProblem::HeldDay),
        Err(E::TooFewMembers) => (case_field::MEMBERS, CaseProblem::Members),
        // The minutes were checked above: what is empty or too long now is the reason (or a
        // text past its length).
        Err(E::Empty | E::TooLong) => (case_field::MEETING_REASON, CaseProblem::Reason2),
        Err(E::NotScheduled) => (case_field::HELD_ON, CaseProblem::NotScheduled),
        Err(E::Recorded) => (case_field::HELD_ON, CaseProblem::DeliberationRecorded),
        Err(E::NotInDeliberation) => (case_field::HELD_ON, CaseProblem::NotAllowed),
        Err(E::NotFound) => return Denied::NotFound.into_response(),
        Err(E::OtherCounty | E::Volunteer) => return Denied::Forbidden.into_response(),
        Err(E::Store(e)) => {
            tracing::error!(error = %e, "could not keep a deliberation");
            return Denied::Unavailable.into_response();
        }
    };
    let refused = refuse(problem.0, problem.1);
    respond(&state, &staff, &reference, request, Some(refused), None).await
}

/// A case that cannot be shown to this member of staff, or a store that failed.
#[derive(Debug, Clone, Copy)]
enum Denied {
    NotFound,
    Forbidden,
    Unavailable,
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        match self {
            Denied::NotFound => StatusCode::NOT_FOUND.into_response(),
            Denied::Forbidden => {
                error_page_response(StatusCode::FORBIDDEN, ErrorPage::CaseForbidden)
            }
            Denied::Unavailable => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        }
    }
}

/// A refused step as a problem beside the form, or why the case is not this member of staff's
/// to see.
fn refusal(error: ActError) -> Result<(&'static str, CaseProblem), Denied> {
    Ok(match error {
        ActError::ReasonRequired => (case_field::NOTE, CaseProblem::Reason),
        ActError::NoDocuments => (case_field::DOCUMENTS, CaseProblem::Documents),
        // Exactly as for a wrong password: the form tells a guesser nothing about the account.
        ActError::SecondVisitor => (case_field::SECOND_PASSWORD, CaseProblem::SecondLogin),
        ActError::NoAmount => (case_field::AMOUNT, CaseProblem::Amount),
        ActError::NoEmergency => (case_field::AMOUNT, CaseProblem::NoEmergency),
        ActError::AdvanceOverCap { cap_fen, paid_fen } => (
            case_field::AMOUNT,
            CaseProblem::AdvanceOverCap { cap_fen, paid_fen },
        ),
        ActError::NoOrganisation => (case_field::ORGANISATION, CaseProblem::Organisation),
        ActError::NoReferralConsent => (case_field::REFERRAL_CONSENT, CaseProblem::ReferralConsent),
        ActError::NoDeliberationRecord => (case_field::NOTE, CaseProblem::NoDeliberationRecord),
        ActError::NotAsDeliberated => (case_field::NOTE, CaseProblem::NotAsDeliberated),
        ActError::NoticeRunning { ends_at } => (
            case_field::NOTE,
            CaseProblem::NoticeRunning(ends_at.unix_timestamp()),
        ),
        ActError::NeedsSupervisor => (case_field::NOTE, CaseProblem::NeedsSupervisor),
        ActError::NotAllowed(_) | ActError::Conflict | ActError::DetailsMissing => {
            (case_field::NOTE, CaseProblem::NotAllowed)
        }
        ActError::NotFound => return Err(Denied::NotFound),
        ActError::Volunteer | ActError::OtherCounty => return Err(Denied::Forbidden),
        ActError::Store(e) => {
            tracing::error!(error = %e, "could not act on a case");
            return Err(Denied::Unavailable);
        }
    })
}

/// The case page, or the answer when it cannot be shown.
async fn respond(
    state: &AppState,
    staff: &StaffUser,
    reference: &str,
    request: Request,
    refused: Option<Refused>,
    done: Option<String>,
) -> Response {
    let file = match state.store.case_file(staff, reference).await {
        Ok(file) => file,
        Err(ActError::NotFound) => {
            let (mut parts, _) = request.into_parts();
            parts.uri = axum::http::Uri::from_static("/staff/case-not-found");
            parts.method = axum::http::Method::GET;
            let mut response = render_page(state, parts).await;
            *response.status_mut() = StatusCode::NOT_FOUND;
            return response;
        }
        Err(e) => {
            return refusal(e)
                .err()
                .unwrap_or(Denied::Unavailable)
                .into_response()
        }
    };
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut page = case_page(state, staff, &file, refused, done);
    let in_deliberation = file.times.state == casework::CaseState::Deliberation;
    match state.store.deliberation_of(&file.reference).await {
        Ok(found) if found.is_some() || in_deliberation => {
            let found = found.unwrap_or_default();
            page.deliberation = Some(DeliberationPart {
                open: in_deliberation,
                hardship: found.hardship.map(|(text, at)| (text, at.unix_timestamp())),
                meeting_on: found.meeting_on.map(|d| d.to_string()),
                record_due: found.record_due_at.map(|at| at.unix_timestamp()),
                record: found.record.map(|(r, at, by)| MeetingShown {
                    held_on: r.held_on.to_string(),
                    members: r.members,
                    minutes: r.minutes,
                    decision: r.decision.as_str().to_owned(),
                    reason: r.reason,
                    recorded_at: at.unix_timestamp(),
                    recorded_by: by,
                }),
            });
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not read a case's deliberation"),
    }
    match state.store.referrals_of_case(&file.reference).await {
        Ok(lines) => {
            page.referrals = lines
                .into_iter()
                .zip(file.referrals.iter())
                .map(|(line, record)| referral_row(line, &record.referred_by))
                .collect();
        }
        Err(e) => tracing::error!(error = %e, "could not list a case's referrals"),
    }
    match state.store.case_uploads(&file.reference).await {
        Ok(uploads) => {
            page.uploads = uploads
                .into_iter()
                .map(|u| {
                    (
                        u.document.map(|d| d.as_str()).unwrap_or("other").to_owned(),
                        u.content_type,
                        u.size,
                        u.uploaded_at.unix_timestamp(),
                    )
                })
                .collect();
        }
        Err(e) => tracing::error!(error = %e, "could not list a case's uploads"),
    }
    // Steps post to their own URL; the page answering them is the case page.
    let (mut parts, _) = request.into_parts();
    if let Ok(uri) = format!("{CASE_PAGES}{}", file.reference).parse() {
        parts.uri = uri;
    }
    parts.method = axum::http::Method::GET;
    let mut response = render_page_with(state, parts, page).await;
    *response.status_mut() = status;
    response
}

fn case_page(
    state: &AppState,
    staff: &StaffUser,
    file: &CaseFile,
    refused: Option<Refused>,
    done: Option<String>,
) -> CasePage {
    let now = state.store.clock().now();
    let step = file.times.next_step();
    let assessment = file.assessment(&state.standards);
    let submitted_by = match &file.submitted_by {
        SubmittedBy::Applicant => Submitter::Applicant,
        SubmittedBy::Family {
            name,
            phone,
            relation,
        } => Submitter::Family {
            name: name.clone(),
            relation: relation.clone(),
            phone: phone.as_str().to_owned(),
        },
        SubmittedBy::Volunteer {
            volunteer_code,
            event_code,
        } => Submitter::Volunteer {
            volunteer: volunteer_code.clone(),
            event: event_code.clone(),
        },
    };
    let decides = matches!(staff.role, Role::Supervisor | Role::Admin);
    CasePage {
        reference: file.reference.clone(),
        county: file.county.id().to_owned(),
        status: file.times.state,
        now: now.unix_timestamp(),
        deadline: step.deadline.map(|d| {
            (
                d.kind.to_owned(),
                d.due_at.unix_timestamp(),
                file.times.overdue(now),
            )
        }),
        next_actor: step.actor.map(|a| a.as_str().to_owned()),
        applicant: ApplicantDetails {
            name: file.applicant_name.clone(),
            id_number: file.id_number.clone(),
            phone: file.phone.clone(),
            address: file.address.clone(),
            submitted_by,
        },
        // The page takes (urgency, kind); the file holds (kind, urgency).
        emergency: file
            .emergency
            .clone()
            .map(|(kind, urgency)| (urgency, kind)),
        programmes: file.programmes.clone(),
        advance_cap: advance_cap_yuan(assessment.as_ref()),
        assessment,
        advance_paid: file.advance_paid_fen.map(|fen| fen as f64 / 100.0),
        documents: file
            .documents
            .iter()
            .map(|(d, status)| (d.as_str().to_owned(), status.clone()))
            .collect(),
        uploads: Vec::new(),
        consents: file
            .consents
            .iter()
            .map(|c| {
                (
                    c.kind.clone(),
                    c.member,
                    c.text_version.clone(),
                    c.given_by.clone(),
                    c.given_at.unix_timestamp(),
                )
            })
            .collect(),
        events: file
            .events
            .iter()
            .map(|e| {
                (
                    e.state,
                    e.at.unix_timestamp(),
                    e.note.clone(),
                    e.actor.clone(),
                    e.second_actor.clone(),
                )
            })
            .collect(),
        messages: file
            .messages
            .iter()
            .map(|m| (m.at.unix_timestamp(), m.text.clone(), m.author.clone()))
            .collect(),
        // Filled in by `respond` with each referral's answer and outcome, and the deliberation.
        referrals: Vec::new(),
        deliberation: None,
        partners: state
            .partners
            .for_county(file.county)
            .into_iter()
            .map(|p| {
                (
                    p.id.as_str().to_owned(),
                    p.zh_name.clone(),
                    p.en_name.clone(),
                )
            })
            .collect(),
        actions: CaseAction::ALL
            .iter()
            .copied()
            .filter(|a| next_state(file.times.state, *a).is_ok())
            .filter(|a| !a.on_consent())
            .filter(|a| decides || !a.needs_supervisor(file.times.state))
            .filter(|a| *a != CaseAction::RecordAdvance || file.emergency.is_some())
            .map(|a| a.as_str().to_owned())
            .collect(),
        reason_actions: CaseAction::ALL
            .iter()
            .copied()
            .filter(|a| a.needs_reason(file.times.state))
            .map(|a| a.as_str().to_owned())
            .collect(),
        refused,
        done,
    }
}
