//! The pages of an application. Each is a form posted to its own address; the server keeps the
//! draft and sends the next page, so every page works without JS and a link resumes the draft.

use leptos::either::{Either, EitherOf6};
use leptos::prelude::*;
use rules::{ProgrammeId, Standards, Status};

use super::draft::{field, ApplicationDraft, ApplyFieldProblem, ApplyProblem, ApplyStep, Who};
use super::live_checks::ApplyLiveChecks;
use crate::counties::{county_name, county_name_of};
use crate::form_fields::{
    coded_error_summary, field_id, radio_field, select_field, tick_box, Choice, SummaryLine,
};
use crate::i18n::{format_yuan, tr, Lang};
use crate::posted_form::Fields;
use crate::read_aloud::{ReadAloud, READ_ALOUD_TEXT_ID};
use crate::self_check::{programme_name, EmergencyAnswer};
use casework::{County, DocumentKind};

/// Everything a page needs, prepared by the server for the request.
#[derive(Debug, Clone)]
pub struct ApplyPageData {
    pub token: String,
    pub step: ApplyStep,
    pub draft: ApplicationDraft,
    /// What the page's fields show: the draft's answers, or what was typed.
    pub shown: Fields,
    pub problems: Vec<ApplyFieldProblem>,
    /// The submission could not be stored just now; nothing was lost, the person can retry.
    pub submit_failed: bool,
    /// The submission was refused by a limit on applications (per client or per phone).
    pub submit_limited: Option<SubmitLimit>,
    /// The address the QR code on the confirmation page opens.
    pub tracking_url: String,
    /// Documents uploaded so far: (document, content type, bytes).
    pub uploads: Vec<(String, String, i64)>,
    /// What was wrong with the last upload.
    pub upload_problem: Option<UploadProblem>,
    /// The largest file the server takes, so the browser can say so before sending.
    pub max_upload_bytes: u64,
    /// Rendered by the outreach island on a volunteer's phone (`/outreach`), not by the server:
    /// nothing is posted, photos are kept sealed on the phone, the live checks are the island's.
    pub outreach: bool,
}

/// Which limit on applications refused a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitLimit {
    /// Too many applications from this client in the hour.
    Client,
    /// Too many applications for this mobile number today.
    Phone,
}

/// Why an uploaded file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadProblem {
    ChooseFile,
    ChooseDocument,
    TooLarge,
    NotAllowed,
    Unreadable,
    /// A photo whose canvas is over the pixel cap, refused before it was decoded.
    TooManyPixels,
    /// The draft (or the case's to-do list) holds as many files as it may.
    TooManyFiles,
    /// The stored files would take more room than a draft (or a case) may have.
    OverQuota,
    /// This client began too many uploads in the last hour.
    TooManyFromClient,
}

/// An upload problem's code, in the page's `data-problem` (for tests and monitoring).
pub fn upload_problem_code(problem: UploadProblem) -> &'static str {
    match problem {
        UploadProblem::ChooseFile => "choose_file",
        UploadProblem::ChooseDocument => "choose_document",
        UploadProblem::TooLarge => "too_large",
        UploadProblem::NotAllowed => "not_allowed",
        UploadProblem::Unreadable => "unreadable",
        UploadProblem::TooManyPixels => "too_many_pixels",
        UploadProblem::TooManyFiles => "too_many_files",
        UploadProblem::OverQuota => "over_quota",
        UploadProblem::TooManyFromClient => "too_many_from_client",
    }
}

pub fn upload_problem_message(lang: Lang, problem: UploadProblem) -> &'static str {
    match problem {
        UploadProblem::ChooseFile => tr::apply_upload_choose_file(lang),
        UploadProblem::ChooseDocument => tr::apply_upload_choose_document(lang),
        UploadProblem::TooLarge => tr::apply_upload_too_large(lang),
        UploadProblem::NotAllowed => tr::apply_upload_not_allowed(lang),
        UploadProblem::Unreadable => tr::apply_upload_unreadable(lang),
        UploadProblem::TooManyPixels => tr::apply_upload_too_many_pixels(lang),
        UploadProblem::TooManyFiles => tr::apply_upload_too_many_files(lang),
        UploadProblem::OverQuota => tr::apply_upload_over_quota(lang),
        UploadProblem::TooManyFromClient => tr::apply_upload_too_many_from_client(lang),
    }
}

pub fn title(lang: Lang, step: ApplyStep) -> &'static str {
    match step {
        ApplyStep::Who => tr::apply_who_title(lang),
        ApplyStep::Applicant => tr::apply_applicant_title(lang),
        ApplyStep::Programmes => tr::apply_programmes_title(lang),
        ApplyStep::Documents => tr::apply_documents_title(lang),
        ApplyStep::Photos => tr::apply_photos_title(lang),
        ApplyStep::ConsentApplication => tr::apply_consent_application_title(lang),
        ApplyStep::ConsentVerification => tr::apply_consent_verification_title(lang),
        ApplyStep::ConsentSensitive => tr::apply_consent_sensitive_title(lang),
        ApplyStep::ConsentPublicNotice => tr::apply_consent_public_notice_title(lang),
        ApplyStep::ConsentApplicant => tr::apply_consent_applicant_title(lang),
        ApplyStep::Check => tr::apply_check_title(lang),
        ApplyStep::Done => tr::apply_done_title(lang),
    }
}

/// A problem's code, in the page's `data-problem` (for tests and monitoring).
fn problem_code(problem: ApplyProblem) -> &'static str {
    match problem {
        ApplyProblem::ChooseWho => "choose_who",
        ApplyProblem::UnknownVolunteer => "unknown_volunteer",
        ApplyProblem::UnknownEvent => "unknown_event",
        ApplyProblem::NotOnEvent => "not_on_event",
        ApplyProblem::EnterName => "enter_name",
        ApplyProblem::TooLong => "too_long",
        ApplyProblem::EnterIdNumber => "enter_id_number",
        ApplyProblem::IdNumberFormat => "id_number_format",
        ApplyProblem::IdNumberChecksum => "id_number_checksum",
        ApplyProblem::EnterPhone => "enter_phone",
        ApplyProblem::PhoneFormat => "phone_format",
        ApplyProblem::EnterRelation => "enter_relation",
        ApplyProblem::EnterCode => "enter_code",
        ApplyProblem::CodeFormat => "code_format",
        ApplyProblem::ChooseCounty => "choose_county",
        ApplyProblem::EnterAddress => "enter_address",
        ApplyProblem::ChooseProgramme => "choose_programme",
        ApplyProblem::ChooseDocument => "choose_document",
        ApplyProblem::ConsentNeeded => "consent_needed",
        ApplyProblem::EveryAdultMustSign => "every_adult_must_sign",
        ApplyProblem::NameDoesNotMatch => "name_does_not_match",
    }
}

pub fn problem_message(lang: Lang, problem: ApplyProblem) -> &'static str {
    match problem {
        ApplyProblem::ChooseWho => tr::apply_problem_choose_who(lang),
        ApplyProblem::UnknownVolunteer => tr::apply_problem_unknown_volunteer(lang),
        ApplyProblem::UnknownEvent => tr::apply_problem_unknown_event(lang),
        ApplyProblem::NotOnEvent => tr::apply_problem_not_on_event(lang),
        ApplyProblem::EnterName => tr::apply_problem_enter_name(lang),
        ApplyProblem::TooLong => tr::apply_problem_too_long(lang),
        ApplyProblem::EnterIdNumber => tr::apply_problem_enter_id_number(lang),
        ApplyProblem::IdNumberFormat => tr::input_error_id_format(lang),
        ApplyProblem::IdNumberChecksum => tr::input_error_id_checksum(lang),
        ApplyProblem::EnterPhone => tr::apply_problem_enter_phone(lang),
        ApplyProblem::PhoneFormat => tr::input_error_phone_format(lang),
        ApplyProblem::EnterRelation => tr::apply_problem_enter_relation(lang),
        ApplyProblem::EnterCode => tr::apply_problem_enter_code(lang),
        ApplyProblem::CodeFormat => tr::input_error_code_format(lang),
        ApplyProblem::ChooseCounty => tr::apply_problem_choose_county(lang),
        ApplyProblem::EnterAddress => tr::apply_problem_enter_address(lang),
        ApplyProblem::ChooseProgramme => tr::apply_problem_choose_programme(lang),
        ApplyProblem::ChooseDocument => tr::apply_problem_choose_document(lang),
        ApplyProblem::ConsentNeeded => tr::apply_problem_consent_needed(lang),
        ApplyProblem::EveryAdultMustSign => tr::input_error_verification_authorizations(lang),
        ApplyProblem::NameDoesNotMatch => tr::apply_problem_name_does_not_match(lang),
    }
}

pub fn document_label(lang: Lang, document: &str) -> &'static str {
    match document {
        "id_card" => tr::apply_document_id_card(lang),
        "household_register" => tr::apply_document_household_register(lang),
        "income_proof" => tr::apply_document_income_proof(lang),
        "disability_certificate" => tr::apply_document_disability_certificate(lang),
        "medical_records" => tr::apply_document_medical_records(lang),
        "bank_card" => tr::apply_document_bank_card(lang),
        "property_proof" => tr::apply_document_property_proof(lang),
        _ => tr::apply_document_other(lang),
    }
}

/// The page for a step: its form, or the confirmation.
pub fn apply_page(lang: Lang, data: &ApplyPageData, standards: &Standards) -> impl IntoView {
    if data.step == ApplyStep::Done {
        return Either::Left(done_page(lang, data));
    }
    let page = Page {
        lang,
        shown: &data.shown,
        problems: &data.problems,
    };
    let step = data.step;
    let draft = &data.draft;
    let summary: Vec<(SummaryLine, String)> = data
        .problems
        .iter()
        .map(|p| {
            let line = SummaryLine {
                field: p.field.clone(),
                text: problem_message(lang, p.problem).to_owned(),
            };
            (line, problem_code(p.problem).to_owned())
        })
        .collect();
    let steps = draft.steps();
    let position = steps.iter().position(|s| *s == step).unwrap_or(0);
    let back = position
        .checked_sub(1)
        .and_then(|i| steps.get(i))
        .map(|s| format!("/apply/{}/{}", data.token, s.code()));
    let content = match step {
        ApplyStep::Who => EitherOf6::A(page.who()),
        ApplyStep::Applicant => EitherOf6::B(page.applicant()),
        ApplyStep::Programmes => EitherOf6::C(page.programmes(draft, standards)),
        ApplyStep::Documents => EitherOf6::D(Either::Left(page.documents())),
        ApplyStep::Photos => EitherOf6::D(Either::Right(())),
        ApplyStep::Check => EitherOf6::E(check_answers(lang, data)),
        consent => EitherOf6::F(page.consent(consent, draft)),
    };
    let button = if step == ApplyStep::Check {
        tr::apply_submit(lang)
    } else {
        tr::apply_continue(lang)
    };
    Either::Right(view! {
        {data.submit_failed.then(|| view! {
            <div class="error-summary" role="alert"><p>{tr::apply_submit_failed(lang)}</p></div>
        })}
        {data.submit_limited.map(|limit| view! {
            <div class="error-summary" role="alert"><p data-problem=match limit {
                SubmitLimit::Client => "submissions_per_client",
                SubmitLimit::Phone => "submissions_per_phone",
            }>{match limit {
                SubmitLimit::Client => tr::input_error_submissions_per_client(lang),
                SubmitLimit::Phone => tr::input_error_submissions_per_phone(lang),
            }}</p></div>
        })}
        {coded_error_summary(lang, summary)}
        {back.map(|href| view! { <p class="breadcrumb"><a href=href>{tr::apply_back(lang)}</a></p> })}
        <p class="step-count">{tr::apply_step_count(lang, position + 1, steps.len() - 1)}</p>
        <h1 id="apply-heading" tabindex="-1">{title(lang, step)}</h1>
        {(step == ApplyStep::Photos).then(|| photos(lang, data))}
        <form method="post" action=format!("/apply/{}/{}", data.token, step.code()) novalidate>
            {content}
            <p class="field-message" role="status" id="offline-status"></p>
            <button type="submit" class="button">{button}</button>
        </form>
        {(!data.outreach).then(|| view! { <ApplyLiveChecks lang/> })}
        <p class="hint">{if data.outreach { tr::outreach_saved_note(lang) } else { tr::apply_saved_note(lang) }}</p>
    })
}

struct Page<'a> {
    lang: Lang,
    shown: &'a Fields,
    problems: &'a [ApplyFieldProblem],
}

impl Page<'_> {
    fn problem(&self, name: &str) -> Option<&'static str> {
        self.problems
            .iter()
            .find(|p| p.field == name)
            .map(|p| problem_message(self.lang, p.problem))
    }

    fn text(
        &self,
        name: &str,
        label: &'static str,
        hint: Option<&'static str>,
        kind: &'static str,
    ) -> impl IntoView {
        let id = field_id(name);
        let problem = self.problem(name);
        let autocomplete = match name {
            field::NAME | field::FAMILY_NAME => "name",
            field::PHONE | field::FAMILY_PHONE => "tel",
            field::ADDRESS => "street-address",
            _ => "off",
        };
        view! {
            <div class="field" class:field-error=problem.is_some()>
                <label for=id.clone()>{label}</label>
                {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
                // Always there, so the live checks only fill it in.
                <p class="field-message" id=format!("{id}-error") hidden=problem.is_none()>{problem}</p>
                <input id=id.clone() name=name.to_owned() type="text" inputmode=kind autocomplete=autocomplete
                    value=self.shown.text(name) aria-invalid=problem.map(|_| "true")
                    aria-describedby=format!("{id}-error")/>
            </div>
        }
    }

    fn who(&self) -> impl IntoView {
        let lang = self.lang;
        let who = radio_field(
            lang,
            field::WHO.to_owned(),
            tr::apply_who_legend(lang).to_owned(),
            None,
            vec![
                Choice::new(field::SELF, tr::apply_who_self(lang)),
                Choice::new(field::FAMILY, tr::apply_who_family(lang))
                    .with_hint(tr::apply_who_family_hint(lang)),
                Choice::new(field::VOLUNTEER, tr::apply_who_volunteer(lang))
                    .with_hint(tr::apply_who_volunteer_hint(lang)),
            ],
            self.shown.get(field::WHO).map(str::to_owned),
            self.problem(field::WHO),
        );
        view! {
            {who}
            <fieldset class="person">
                <legend class="person-legend">{tr::apply_family_legend(lang)}</legend>
                {self.text(field::FAMILY_NAME, tr::apply_family_name(lang), None, "text")}
                {self.text(field::FAMILY_PHONE, tr::apply_family_phone(lang), None, "tel")}
                {self.text(field::FAMILY_RELATION, tr::apply_family_relation(lang), Some(tr::apply_family_relation_hint(lang)), "text")}
            </fieldset>
            <fieldset class="person">
                <legend class="person-legend">{tr::apply_volunteer_legend(lang)}</legend>
                {self.text(field::VOLUNTEER_CODE, tr::apply_volunteer_code(lang), Some(tr::apply_volunteer_code_hint(lang)), "text")}
                {self.text(field::EVENT_CODE, tr::apply_event_code(lang), Some(tr::apply_event_code_hint(lang)), "text")}
            </fieldset>
        }
    }

    fn applicant(&self) -> impl IntoView {
        let lang = self.lang;
        let counties = std::iter::once(Choice::new("", tr::apply_county_choose(lang)))
            .chain(
                County::ALL
                    .iter()
                    .map(|county| Choice::new(county.as_str(), county_name(lang, *county))),
            )
            .collect();
        view! {
            <p class="lead">{tr::apply_applicant_lead(lang)}</p>
            {self.text(field::NAME, tr::apply_name(lang), None, "text")}
            {self.text(field::ID_NUMBER, tr::apply_id_number(lang), Some(tr::apply_id_number_hint(lang)), "text")}
            {self.text(field::PHONE, tr::apply_phone(lang), Some(tr::apply_phone_hint(lang)), "tel")}
            {select_field(lang, field::COUNTY.to_owned(), tr::apply_county(lang).to_owned(), counties,
                self.shown.get(field::COUNTY).map(str::to_owned), self.problem(field::COUNTY))}
            {self.text(field::ADDRESS, tr::apply_address(lang), None, "text")}
        }
    }

    fn programmes(&self, draft: &ApplicationDraft, standards: &Standards) -> impl IntoView {
        let lang = self.lang;
        let estimate = rules::Household::parse(&draft.household.to_request())
            .ok()
            .map(|h| rules::evaluate(standards, &h));
        let fits = |p: ProgrammeId| {
            estimate
                .as_ref()
                .and_then(|a| a.programme(p))
                .map(|r| (r.status, r.monthly_amount))
        };
        // Before the person answers, the programmes the estimate found are ticked.
        let ticked = |p: ProgrammeId| {
            if draft.programmes.is_some() || self.shown.all(field::PROGRAMME).next().is_some() {
                self.shown.all(field::PROGRAMME).any(|v| v == p.as_str())
            } else {
                fits(p).is_some_and(|(s, _)| s == Status::Eligible)
                    && p != ProgrammeId::TemporaryEmergency
            }
        };
        let problem = self.problem(field::PROGRAMME);
        let boxes = ProgrammeId::ALL
            .iter()
            .filter(|p| **p != ProgrammeId::TemporaryEmergency)
            .map(|p| {
                let name = format!("{}-{}", field::PROGRAMME, p.as_str());
                let note = match fits(*p) {
                    Some((Status::Eligible, Some(amount))) => Some(tr::apply_programme_fits_amount(lang, format_yuan(amount as f64))),
                    Some((Status::Eligible, None)) => Some(tr::apply_programme_fits(lang).to_owned()),
                    _ => None,
                };
                view! {
                    <div class="choice">
                        <input type="checkbox" id=name.clone() name=field::PROGRAMME value=p.as_str() checked=ticked(*p)/>
                        <label for=name>
                            {programme_name(lang, *p)}
                            {note.map(|n| view! { <span class="choice-hint">{n}</span> })}
                        </label>
                    </div>
                }
            })
            .collect_view();
        let emergency = match draft.household.emergency {
            Some(EmergencyAnswer::Happened { urgency, .. }) => Some(tr::apply_emergency_note(
                lang,
                urgency.advance_within_hours(),
            )),
            _ => None,
        };
        view! {
            {emergency.map(|e| view! { <p class="urgent-banner">{e}</p> })}
            <div class="field" class:field-error=problem.is_some()>
                <fieldset>
                    <legend>{tr::apply_programmes_legend(lang)}</legend>
                    <p class="hint">{tr::apply_programmes_hint(lang)}</p>
                    {problem.map(|p| view! { <p class="field-message" id="programme-error">{p}</p> })}
                    <div class="choices" id="programme">{boxes}</div>
                </fieldset>
            </div>
        }
    }

    fn documents(&self) -> impl IntoView {
        let lang = self.lang;
        let problem = self.problem(field::MISSING);
        let boxes = DocumentKind::ALL
            .iter()
            .map(|kind| kind.as_str())
            .map(|d| {
                let id = format!("missing-{d}");
                let ticked = self.shown.all(field::MISSING).any(|v| v == d);
                view! {
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=field::MISSING value=d checked=ticked/>
                        <label for=id>{document_label(lang, d)}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <div class="notice">
                <p><strong>{tr::apply_documents_rongque_heading(lang)}</strong></p>
                <p>{tr::apply_documents_rongque(lang)}</p>
            </div>
            <div class="field" class:field-error=problem.is_some()>
                <fieldset>
                    <legend>{tr::apply_documents_legend(lang)}</legend>
                    <p class="hint">{tr::apply_documents_hint(lang)}</p>
                    {problem.map(|p| view! { <p class="field-message">{p}</p> })}
                    <div class="choices" id="missing">{boxes}</div>
                </fieldset>
            </div>
            <div class="choices">
                {tick_box(field::NONE.to_owned(), tr::apply_documents_none(lang), self.shown.ticked(field::NONE))}
            </div>
        }
    }

    fn consent(&self, step: ApplyStep, draft: &ApplicationDraft) -> impl IntoView {
        let lang = self.lang;
        let (summary, full) = match step {
            ApplyStep::ConsentApplication => (
                tr::apply_consent_application_summary(lang),
                tr::apply_consent_application_full(lang),
            ),
            ApplyStep::ConsentVerification => (
                tr::apply_consent_verification_summary(lang),
                tr::apply_consent_verification_full(lang),
            ),
            ApplyStep::ConsentSensitive => (
                tr::apply_consent_sensitive_summary(lang),
                tr::apply_consent_sensitive_full(lang),
            ),
            ApplyStep::ConsentPublicNotice => (
                tr::apply_consent_public_notice_summary(lang),
                tr::apply_consent_public_notice_full(lang),
            ),
            _ => (
                tr::apply_consent_applicant_summary(lang),
                tr::apply_consent_applicant_full(lang),
            ),
        };
        let refused =
            self.shown.get(field::AGREE) == Some(field::NO) && self.problem(field::AGREE).is_some();
        let child_note = (step == ApplyStep::ConsentSensitive && draft.has_young_child())
            .then(|| view! { <p class="notice">{tr::apply_consent_guardian_note(lang)}</p> });
        let answer = if step == ApplyStep::ConsentVerification {
            Either::Left(self.signatures(draft))
        } else {
            let applicant_name = (step == ApplyStep::ConsentApplicant).then(|| {
                self.text(
                    field::CONFIRM_NAME,
                    tr::apply_confirm_name(lang),
                    Some(tr::apply_confirm_name_hint(lang)),
                    "text",
                )
            });
            Either::Right(view! {
                {applicant_name}
                {radio_field(lang, field::AGREE.to_owned(), tr::apply_consent_question(lang).to_owned(), None,
                    vec![
                        Choice::new(field::YES, tr::apply_consent_agree(lang)),
                        Choice::new(field::NO, tr::apply_consent_refuse(lang)).with_hint(tr::apply_consent_refuse_hint(lang)),
                    ],
                    self.shown.get(field::AGREE).map(str::to_owned), self.problem(field::AGREE))}
            })
        };
        view! {
            <article id=READ_ALOUD_TEXT_ID class="consent">
                <p class="lead">{summary}</p>
                {child_note}
                <details>
                    <summary>{tr::apply_consent_read_full(lang)}</summary>
                    <p>{full}</p>
                    <p class="hint">{tr::apply_consent_version(lang, "2026-11")}</p>
                </details>
            </article>
            <ReadAloud lang/>
            {refused.then(|| view! {
                <div class="notice" data-notice="consent_refused"><p>{tr::apply_consent_refused(lang)}</p></div>
            })}
            {answer}
        }
    }

    fn signatures(&self, draft: &ApplicationDraft) -> impl IntoView {
        let lang = self.lang;
        let problem = self.problem(field::SIGNED);
        let boxes = draft
            .adults()
            .into_iter()
            .map(|i| {
                let id = format!("signed-{i}");
                let age = draft.household.people.get(i).and_then(|p| p.age).unwrap_or_default();
                let ticked = self.shown.all(field::SIGNED).any(|v| v == i.to_string());
                view! {
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=field::SIGNED value=i.to_string() checked=ticked/>
                        <label for=id>{tr::apply_consent_signed_by(lang, i + 1, age)}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <div class="field" class:field-error=problem.is_some()>
                <fieldset>
                    <legend>{tr::apply_consent_signatures_legend(lang)}</legend>
                    <p class="hint">{tr::apply_consent_signatures_hint(lang)}</p>
                    {problem.map(|p| view! { <p class="field-message">{p}</p> })}
                    <div class="choices" id="signed">{boxes}</div>
                </fieldset>
            </div>
        }
    }
}

/// The photos page: what was uploaded, and a form to upload one more (its own form: forms do
/// not nest). With JS, `upload.js` shrinks a photo before sending it and shows the progress.
fn photos(lang: Lang, data: &ApplyPageData) -> impl IntoView {
    let code = data.upload_problem.map(upload_problem_code);
    let problem = data.upload_problem.map(|p| upload_problem_message(lang, p));
    let documents = std::iter::once(Choice::new("", tr::apply_county_choose(lang)))
        .chain(
            DocumentKind::ALL
                .iter()
                .map(|kind| Choice::new(kind.as_str(), document_label(lang, kind.as_str()))),
        )
        .collect();
    view! {
        <p class="lead">{tr::apply_photos_lead(lang)}</p>
        {problem.map(|p| view! {
            <div class="error-summary" role="alert" tabindex="-1">
                <h2>{tr::apply_upload_refused(lang)}</h2>
                <p data-problem=code><a href="#photo">{p}</a></p>
            </div>
        })}
        {(!data.uploads.is_empty()).then(|| view! {
            <h2>{tr::apply_photos_uploaded(lang)}</h2>
            <ul class="uploads">
                {data.uploads.iter().map(|(document, kind, size)| view! {
                    <li>{tr::apply_photos_item(lang, document_label(lang, document), kind.clone(), format!("{:.1}", *size as f64 / 1024.0 / 1024.0))}</li>
                }).collect_view()}
            </ul>
        })}
        <form method="post" action=format!("/apply/{}/upload", data.token) enctype="multipart/form-data"
            class="upload-form" data-upload=(!data.outreach).then_some("") data-outreach-photo=data.outreach.then_some("")
            data-network-error=tr::apply_photos_network_error(lang)
            data-too-large=tr::apply_upload_too_large(lang) data-max-bytes=data.max_upload_bytes.to_string()>
            {select_field(lang, "document".to_owned(), tr::apply_photos_which(lang).to_owned(), documents, None, None)}
            <div class="field" class:field-error=problem.is_some()>
                <label for="photo">{tr::apply_photos_file(lang)}</label>
                <p class="hint" id="photo-hint">{tr::apply_photos_file_hint(lang)}</p>
                {problem.map(|p| view! { <p class="field-message" id="photo-error">{p}</p> })}
                <input type="file" id="photo" name="photo" accept="image/jpeg,image/png,image/webp,application/pdf"
                    aria-describedby="photo-hint"/>
            </div>
            <div class="upload-progress" hidden>
                <label for="upload-progress">{tr::apply_photos_sending(lang)}</label>
                <progress id="upload-progress" max="100" value="0"></progress>
            </div>
            <p class="hint" role="status" id="upload-status"></p>
            <button type="submit" class="button button-secondary">{tr::apply_photos_upload(lang)}</button>
        </form>
        {(!data.outreach).then(|| view! { <script src="/upload.js" defer></script> })}
        <p>{tr::apply_photos_skip(lang)}</p>
    }
}

/// Check your answers: each page's answers with a link to change them.
fn check_answers(lang: Lang, data: &ApplyPageData) -> impl IntoView {
    let draft = &data.draft;
    let who = match &draft.who {
        Some(Who::Family { name, relation, .. }) => {
            tr::apply_summary_family(lang, name.clone(), relation.clone())
        }
        Some(Who::Volunteer {
            volunteer_code,
            event_code,
        }) => tr::apply_summary_volunteer(lang, volunteer_code.clone(), event_code.clone()),
        _ => tr::apply_who_self(lang).to_owned(),
    };
    let applicant = draft
        .applicant
        .as_ref()
        .map(|a| {
            let id = a
                .id_number
                .parse::<identity::IdNumber>()
                .map(|i| i.masked())
                .unwrap_or_default();
            format!(
                "{} · {} · {} · {}",
                a.name,
                id,
                a.phone,
                county_name_of(lang, &a.county)
            )
        })
        .unwrap_or_default();
    let sep = tr::check_list_separator(lang);
    let programmes = draft
        .programmes
        .iter()
        .flatten()
        .map(|p| programme_name(lang, *p))
        .collect::<Vec<_>>()
        .join(sep);
    let missing = match draft.missing_documents.as_deref() {
        Some([]) | None => tr::apply_documents_none(lang).to_owned(),
        Some(list) => list
            .iter()
            .map(|d| document_label(lang, d))
            .collect::<Vec<_>>()
            .join(sep),
    };
    let household = tr::apply_summary_household(lang, draft.household.household_size());
    let rows = [
        (ApplyStep::Who, tr::apply_who_title(lang), who),
        (
            ApplyStep::Applicant,
            tr::apply_applicant_title(lang),
            applicant,
        ),
        (
            ApplyStep::Programmes,
            tr::apply_programmes_title(lang),
            programmes,
        ),
        (
            ApplyStep::Documents,
            tr::apply_documents_title(lang),
            missing,
        ),
    ];
    let token = data.token.clone();
    view! {
        <dl class="summary-list">
            <div>
                <dt>{tr::apply_household_label(lang)}</dt>
                <dd>{household}</dd>
            </div>
            {rows.into_iter().map(|(step, label, value)| view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                    <dd class="summary-action">
                        <a href=format!("/apply/{token}/{}", step.code())>
                            {tr::check_change(lang)}<span class="visually-hidden">{format!(" {label}")}</span>
                        </a>
                    </dd>
                </div>
            }).collect_view()}
            <div>
                <dt>{tr::apply_consents_label(lang)}</dt>
                <dd>{tr::apply_consents_given(lang)}</dd>
            </div>
        </dl>
        <p>{tr::apply_check_pledge(lang)}</p>
    }
}

fn done_page(lang: Lang, data: &ApplyPageData) -> impl IntoView {
    let receipt = data.draft.submitted.clone();
    let reference = receipt
        .as_ref()
        .map(|r| r.reference.clone())
        .unwrap_or_default();
    let code = receipt
        .as_ref()
        .map(|r| r.access_code.clone())
        .unwrap_or_default();
    let advance = receipt
        .as_ref()
        .and_then(|r| r.advance_due_at)
        .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
        .map(|t| t.to_offset(casework::in_force::BEIJING));
    let qr = crate::qr::qr_svg(&data.tracking_url);
    view! {
        <div class="confirmation">
            <h1 id="apply-heading" tabindex="-1">{tr::apply_done_title(lang)}</h1>
            <p>{tr::apply_done_reference_label(lang)}</p>
            <p class="reference" id="reference">{reference}</p>
            {if code.is_empty() {
                Either::Left(view! {
                    <p data-notice="code_sent">{tr::apply_done_code_sent(lang, super::draft::ACCESS_CODE_SHOWN_MINUTES)}</p>
                })
            } else {
                Either::Right(view! {
                    <p>{tr::apply_done_code_label(lang)}</p>
                    <p class="reference" id="access-code">{code}</p>
                })
            }}
        </div>
        <p>{tr::apply_done_keep(lang)}</p>
        {advance.map(|t| view! {
            <p class="urgent-banner">{tr::apply_done_advance(lang, format!("{:02}:{:02}", t.hour(), t.minute()), crate::i18n::format_date(lang, t.date()))}</p>
        })}
        <h2>{tr::apply_done_next_heading(lang)}</h2>
        <ol>
            <li>{tr::apply_done_next_accept(lang)}</li>
            <li>{tr::apply_done_next_visit(lang)}</li>
            <li>{tr::apply_done_next_decide(lang)}</li>
        </ol>
        <p><a class="button button-secondary" data-windows-link="" href="/windows">{tr::windows_link(lang)}</a></p>
        <h2>{tr::apply_done_track_heading(lang)}</h2>
        <p>{tr::apply_done_track(lang)}</p>
        <div class="qr" inner_html=qr></div>
        <p><a href=data.tracking_url.clone()>{data.tracking_url.clone()}</a></p>
        <p class="urgent-banner">{tr::home_urgent_banner(lang)} " " <a href="/help/urgent">{tr::home_urgent_banner_link(lang)}</a></p>
    }
}
