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
    case_field, parse_amount_fen, ApplicantDetails, CasePage, CaseProblem, Refused, Submitter,
};
use casework::{next_state, CaseAction, DocumentKind, SubmittedBy};
use store::applications::{advance_cap_yuan, ActError, CaseFile, CaseStep, MessageError};
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
    let step = match read_step(&state, action, &fields, &client).await {
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
                .authenticate(
                    &fields.text(case_field::SECOND_USERNAME),
                    &fields.text(case_field::SECOND_PASSWORD),
                )
                .await;
            match second {
                Ok(second_visitor) => CaseStep::RecordHomeVisit { second_visitor },
                Err(store::staff::LoginError::Store(e)) => {
                    tracing::error!(error = %e, "could not check the second visitor");
                    return Err(Reading::Failed(Denied::Unavailable));
                }
                // A wrong password and a locked account get the answer that a valid account
                // that may not be the second visitor gets (see `refusal`).
                Err(
                    store::staff::LoginError::InvalidCredentials
                    | store::staff::LoginError::LockedOut { .. },
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
        CaseAction::Refer => CaseStep::Refer {
            organisation: fields.text(case_field::ORGANISATION),
            consent_given: fields.ticked(case_field::REFERRAL_CONSENT),
        },
        other => CaseStep::Plain(other),
    })
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
        referrals: file
            .referrals
            .iter()
            .map(|r| {
                (
                    r.organisation.clone(),
                    r.at.unix_timestamp(),
                    r.referred_by.clone(),
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
