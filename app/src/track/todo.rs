//! The case page's to-do list: the documents still missing, each with its own upload form (a
//! plain multipart form; with JS, `upload.js` shrinks a photo first and shows the progress), and
//! the ones uploaded already, waiting for the caseworker to check.

use leptos::either::Either;
use leptos::prelude::*;

use super::TrackedCase;
use crate::apply::{document_label, upload_problem_code, upload_problem_message, UploadProblem};
use crate::i18n::{tr, Lang};

/// Put in the page's context by the server when this browser may upload to the case.
#[derive(Debug, Clone, Default)]
pub struct TodoUploads {
    /// The largest file the server takes, so the browser can say so before sending.
    pub max_bytes: u64,
    /// The document whose upload was just refused, and why.
    pub refused: Option<(String, UploadProblem)>,
    /// The document just uploaded, for the confirmation.
    pub uploaded_now: Option<String>,
}

pub fn todo_section(lang: Lang, case: &TrackedCase) -> impl IntoView {
    let uploads = use_context::<TodoUploads>();
    let confirmed = uploads
        .as_ref()
        .and_then(|u| u.uploaded_now.clone())
        .filter(|d| case.uploaded_documents.contains(d));
    let refused = uploads.as_ref().and_then(|u| u.refused.clone());
    let nothing_to_do = case.missing_documents.is_empty() && case.uploaded_documents.is_empty();
    let forms = uploads.is_some() && !case.missing_documents.is_empty();
    view! {
        <h2>{tr::track_todo_heading(lang)}</h2>
        {refused.as_ref().map(|(document, problem)| view! {
            <div class="error-summary" role="alert" tabindex="-1">
                <h2>{tr::apply_upload_refused(lang)}</h2>
                <p data-problem=upload_problem_code(*problem)><a href=format!("#photo-{document}")>{upload_problem_message(lang, *problem)}</a></p>
            </div>
        })}
        {confirmed.map(|d| view! {
            <p class="notice" role="status" data-notice="uploaded" data-document=d.clone()>{tr::resident_todo_uploaded_now(lang, document_label(lang, &d))}</p>
        })}
        {if nothing_to_do {
            Either::Left(view! { <p>{tr::track_todo_none(lang)}</p> })
        } else {
            Either::Right(view! {
                {(!case.missing_documents.is_empty()).then(|| view! {
                    <p>{tr::track_todo_lead(lang)}</p>
                    {forms.then(|| view! { <p>{tr::resident_todo_upload_lead(lang)}</p> })}
                })}
                <ul class="todo">
                    {case.missing_documents.iter().map(|d| view! {
                        <li data-todo="missing" data-document=d.clone()>
                            <strong>{tr::track_todo_status(lang)}</strong>" "{document_label(lang, d)}
                            {uploads.as_ref().map(|u| upload_form(lang, &case.reference, d, u))}
                        </li>
                    }).collect_view()}
                    {case.uploaded_documents.iter().map(|d| view! {
                        <li data-todo="uploaded" data-document=d.clone()><strong>{tr::resident_todo_uploaded_status(lang)}</strong>" "{document_label(lang, d)}</li>
                    }).collect_view()}
                </ul>
                {forms.then(|| view! { <script src="/upload.js" defer></script> })}
            })
        }}
    }
}

fn upload_form(
    lang: Lang,
    reference: &str,
    document: &str,
    uploads: &TodoUploads,
) -> impl IntoView {
    let problem = uploads
        .refused
        .as_ref()
        .filter(|(d, _)| d == document)
        .map(|(_, p)| upload_problem_message(lang, *p));
    let id = format!("photo-{document}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = match problem {
        Some(_) => format!("{hint_id} {error_id}"),
        None => hint_id.clone(),
    };
    let progress_id = format!("{id}-progress");
    view! {
        <form method="post" action=format!("/track/cases/{reference}/upload") enctype="multipart/form-data"
            class="upload-form" data-upload="" data-network-error=tr::apply_photos_network_error(lang)
            data-too-large=tr::apply_upload_too_large(lang) data-max-bytes=uploads.max_bytes.to_string()>
            <input type="hidden" name="document" value=document.to_owned()/>
            <div class="field" class:field-error=problem.is_some()>
                <label for=id.clone()>{tr::resident_todo_file_label(lang, document_label(lang, document))}</label>
                <p class="hint" id=hint_id>{tr::apply_photos_file_hint(lang)}</p>
                {problem.map(|p| view! { <p class="field-message" id=error_id>{p}</p> })}
                <input type="file" id=id name="photo" accept="image/jpeg,image/png,image/webp,application/pdf"
                    aria-describedby=described/>
            </div>
            <div class="upload-progress" hidden>
                <label for=progress_id.clone()>{tr::apply_photos_sending(lang)}</label>
                <progress id=progress_id max="100" value="0"></progress>
            </div>
            <p class="hint" role="status"></p>
            <button type="submit" class="button button-secondary">{tr::apply_photos_upload(lang)}</button>
        </form>
    }
}
