//! Administrators edit the handbook: every text of a policy in both languages. A save is a new
//! version with a note, recorded in the audit log, and residents see it at once.

// The save function takes one argument per form field (22 texts), so that the plain HTML form
// posts to it without JS; `#[server]` also generates the client side, where a local allow
// cannot reach.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use handbook::{Policy, PolicyText};

use crate::i18n::{tr, Lang};
use crate::preferences::use_prefs;
use crate::server_error::PortalError;

/// The texts of a policy, in form order: (field, kind).
const FIELDS: [(&str, FieldKind); 11] = [
    ("title", FieldKind::Line),
    ("summary", FieldKind::Text),
    ("who", FieldKind::Text),
    ("what_you_get", FieldKind::Text),
    ("conditions", FieldKind::List),
    ("documents", FieldKind::List),
    ("how_to_apply", FieldKind::Text),
    ("where_to_apply", FieldKind::Text),
    ("time_limits", FieldKind::Text),
    ("contact", FieldKind::Text),
    ("legal_basis", FieldKind::List),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    Line,
    Text,
    List,
}

fn field_label(lang: Lang, field: &str) -> &'static str {
    match field {
        "title" => tr::editor_title_field(lang),
        "summary" => tr::editor_summary_field(lang),
        "who" => tr::handbook_who(lang),
        "what_you_get" => tr::handbook_what_you_get(lang),
        "conditions" => tr::handbook_conditions(lang),
        "documents" => tr::handbook_documents(lang),
        "how_to_apply" => tr::handbook_how_to_apply(lang),
        "where_to_apply" => tr::handbook_where_to_apply(lang),
        "time_limits" => tr::handbook_time_limits(lang),
        "contact" => tr::handbook_contact(lang),
        _ => tr::handbook_legal_basis(lang),
    }
}

fn field_value(text: &PolicyText, field: &str) -> String {
    match field {
        "title" => text.title.clone(),
        "summary" => text.summary.clone(),
        "who" => text.who.clone(),
        "what_you_get" => text.what_you_get.clone(),
        "conditions" => text.conditions.join("\n"),
        "documents" => text.documents.join("\n"),
        "how_to_apply" => text.how_to_apply.clone(),
        "where_to_apply" => text.where_to_apply.clone(),
        "time_limits" => text.time_limits.clone(),
        "contact" => text.contact.clone(),
        _ => text.legal_basis.join("\n"),
    }
}

/// "zh.who" → "中文 · 谁可以申请", for the error summary.
fn problem_label(lang: Lang, field: &str) -> String {
    let (language, name) = field.split_once('.').unwrap_or(("zh", field));
    let language = if language == "en" {
        tr::editor_english(lang)
    } else {
        tr::editor_chinese(lang)
    };
    let name = name.split('[').next().unwrap_or(name);
    format!("{language} · {}", field_label(lang, name))
}

/// What the editor pages show, once the visitor is known to be an administrator.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum EditorAccess<T> {
    Forbidden,
    Allowed(T),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryLine {
    pub version: i64,
    pub when: String,
    pub editor: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EditorData {
    /// The saved policy, or what was typed into a save that was refused.
    pub policy: Policy,
    pub note: String,
    pub history: Vec<HistoryLine>,
    /// The newest saved version (0: the content files), which the form says it is based on.
    pub base_version: i64,
    /// Set when a save was refused because another administrator saved in between.
    pub conflict: Option<Conflict>,
}

/// Another administrator's save that came between opening the form and saving it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Conflict {
    pub version: i64,
    pub editor: String,
    /// The texts where their version and what was typed differ, field by field.
    pub fields: Vec<FieldDifference>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FieldDifference {
    /// As in the error summary: "zh.who".
    pub field: String,
    pub theirs: String,
    pub yours: String,
}

/// A refused save, kept in the staff session so that the form comes back as it was typed.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draft {
    pub policy: Policy,
    pub note: String,
    /// The version the refused form was based on.
    pub base_version: i64,
    /// Refused because another administrator saved after `base_version`.
    pub stale: bool,
}

/// The texts where `theirs` (saved by someone else) differs from `yours` (typed). When the version
/// both started from is known, only the texts they changed are listed: the others are the
/// typist's own changes, which the form still holds.
#[cfg(feature = "ssr")]
pub fn differences(theirs: &Policy, yours: &Policy, base: Option<&Policy>) -> Vec<FieldDifference> {
    let mut found = Vec::new();
    for (language, their_text, your_text, base_text) in [
        (
            "zh",
            &theirs.text.zh,
            &yours.text.zh,
            base.map(|b| &b.text.zh),
        ),
        (
            "en",
            &theirs.text.en,
            &yours.text.en,
            base.map(|b| &b.text.en),
        ),
    ] {
        for (field, _) in FIELDS {
            let their_value = field_value(their_text, field);
            let your_value = field_value(your_text, field);
            let they_changed = base_text.is_none_or(|b| field_value(b, field) != their_value);
            if their_value != your_value && they_changed {
                found.push(FieldDifference {
                    field: format!("{language}.{field}"),
                    theirs: their_value,
                    yours: your_value,
                });
            }
        }
    }
    found
}

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::*;
    use store::staff::StaffUser;

    use crate::server_error::{self, PortalError};
    use crate::staff::session::{admin_access, AdminAccess, SessionError};

    fn draft_key(slug: &str) -> String {
        format!("policy_draft:{slug}")
    }

    fn session_error(e: tower_sessions::session::Error) -> PortalError {
        server_error::ssr::session_failed(
            "the staff session could not be used",
            &SessionError::Session(e),
        )
    }

    pub async fn keep_draft(draft: &super::Draft) -> Result<(), PortalError> {
        server_error::ssr::session()
            .await?
            .insert(&draft_key(&draft.policy.slug), draft)
            .await
            .map_err(session_error)
    }

    /// The draft of a refused save, once; it is gone afterwards either way.
    pub async fn take_draft(slug: &str) -> Result<Option<super::Draft>, PortalError> {
        server_error::ssr::session()
            .await?
            .remove::<super::Draft>(&draft_key(slug))
            .await
            .map_err(session_error)
    }

    /// The administrator making this request; others are sent to sign in or refused (403).
    pub async fn admin() -> Result<Option<StaffUser>, PortalError> {
        let store = server_error::ssr::store()?;
        let session = server_error::ssr::session().await?;
        let access = admin_access(&session, &store).await.map_err(|e| {
            server_error::ssr::session_failed("could not read the staff session", &e)
        })?;
        Ok(match access {
            AdminAccess::Admin(staff) => Some(staff),
            AdminAccess::SignedOut => {
                leptos_axum::redirect("/staff/login");
                None
            }
            AdminAccess::NotAdmin => {
                if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                    response.set_status(http::StatusCode::FORBIDDEN);
                }
                None
            }
        })
    }
}

#[server(endpoint = "staff/policies/list")]
pub async fn editable_policies() -> Result<EditorAccess<Vec<(String, String)>>, PortalError> {
    if ssr::admin().await?.is_none() {
        return Ok(EditorAccess::Forbidden);
    }
    let handbook =
        crate::server_error::ssr::provided::<std::sync::Arc<handbook::Handbook>>("the handbook")?;
    Ok(EditorAccess::Allowed(
        handbook
            .policies
            .iter()
            .map(|p| (p.slug.clone(), p.text.zh.title.clone()))
            .collect(),
    ))
}

#[server(endpoint = "staff/policies/editor")]
pub async fn policy_editor_data(
    slug: String,
    refused: bool,
) -> Result<EditorAccess<Option<EditorData>>, PortalError> {
    use crate::server_error::ssr::{provided, store_failed};
    if ssr::admin().await?.is_none() {
        return Ok(EditorAccess::Forbidden);
    }
    let store = crate::server_error::ssr::store()?;
    let handbook = provided::<std::sync::Arc<handbook::Handbook>>("the handbook")?;
    let Some(policy) = handbook.policy(&slug).cloned() else {
        return Ok(EditorAccess::Allowed(None));
    };
    let store_error =
        |e: store::StoreError| store_failed("could not read a policy's saved versions", &e);
    // The newest saved version straight from the database, not this instance's copy of the
    // handbook, which may lag an edit saved on another instance by a moment: the form must hold
    // the text of the version it says it is based on.
    let latest = store
        .latest_policy_version(&slug)
        .await
        .map_err(store_error)?;
    let saved = latest
        .as_ref()
        .and_then(|saved| serde_json::from_str::<Policy>(&saved.content).ok());
    let base_version = latest.as_ref().map_or(0, |saved| saved.version);
    let policy = saved.clone().unwrap_or(policy);
    let lang = crate::preferences::ssr::request_prefs().lang;
    let history = store
        .policy_history(&slug)
        .await
        .map_err(|e| store_failed("could not read a policy's history", &e))?
        .into_iter()
        .map(|v| HistoryLine {
            version: v.version,
            when: crate::i18n::format_date(lang, v.edited_at.date()),
            editor: v.editor,
            note: v.note,
        })
        .collect();
    let draft = ssr::take_draft(&slug).await?.filter(|_| refused);
    let mut conflict = None;
    let mut base_version = base_version;
    if let Some(draft) = draft.as_ref().filter(|d| !d.stale) {
        // Refused for a missing text: the form keeps the version it was filled from, so a save
        // made in the meantime by someone else is still noticed.
        base_version = draft.base_version;
    }
    if let (Some(draft), Some(latest)) = (&draft, &latest) {
        if draft.stale {
            let base = match draft.base_version {
                0 => None,
                n => store
                    .policy_version_content(&slug, n)
                    .await
                    .map_err(store_error)?
                    .and_then(|content| serde_json::from_str::<Policy>(&content).ok()),
            };
            conflict = Some(Conflict {
                version: latest.version,
                editor: latest.editor.clone(),
                fields: differences(&policy, &draft.policy, base.as_ref()),
            });
        }
    }
    let (policy, note) = match draft {
        Some(draft) => (draft.policy, draft.note),
        None => (policy, String::new()),
    };
    Ok(EditorAccess::Allowed(Some(EditorData {
        policy,
        note,
        history,
        base_version,
        conflict,
    })))
}

#[server(endpoint = "staff/policies/save")]
pub async fn save_policy_edit(
    slug: String,
    base_version: i64,
    note: String,
    sample_figures: Option<String>,
    zh_title: String,
    zh_summary: String,
    zh_who: String,
    zh_what_you_get: String,
    zh_conditions: String,
    zh_documents: String,
    zh_how_to_apply: String,
    zh_where_to_apply: String,
    zh_time_limits: String,
    zh_contact: String,
    zh_legal_basis: String,
    en_title: String,
    en_summary: String,
    en_who: String,
    en_what_you_get: String,
    en_conditions: String,
    en_documents: String,
    en_how_to_apply: String,
    en_where_to_apply: String,
    en_time_limits: String,
    en_contact: String,
    en_legal_basis: String,
) -> Result<(), PortalError> {
    use crate::server_error::ssr::{provided, store_failed};
    use leptos_axum::redirect;

    let Some(admin) = ssr::admin().await? else {
        return Ok(());
    };
    let store = crate::server_error::ssr::store()?;
    let live = provided::<std::sync::Arc<handbook::LiveHandbook>>("the live handbook")?;
    let back = format!("/staff/policies/{slug}");
    let current = live.current();
    let Some(base) = current.policy(&slug) else {
        redirect("/staff/policies");
        return Ok(());
    };
    let lines = |text: &str| {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let text = |title: String,
                summary: String,
                who: String,
                what: String,
                conditions: String,
                documents: String,
                how: String,
                r#where: String,
                time: String,
                contact: String,
                legal: String| PolicyText {
        title: title.trim().to_owned(),
        summary: summary.trim().to_owned(),
        who: who.trim().to_owned(),
        what_you_get: what.trim().to_owned(),
        conditions: lines(&conditions),
        documents: lines(&documents),
        how_to_apply: how.trim().to_owned(),
        where_to_apply: r#where.trim().to_owned(),
        time_limits: time.trim().to_owned(),
        contact: contact.trim().to_owned(),
        legal_basis: lines(&legal),
    };
    let edited = Policy {
        sample_figures: sample_figures.is_some(),
        last_reviewed: store.clock().now().date(),
        text: handbook::Localized {
            zh: text(
                zh_title,
                zh_summary,
                zh_who,
                zh_what_you_get,
                zh_conditions,
                zh_documents,
                zh_how_to_apply,
                zh_where_to_apply,
                zh_time_limits,
                zh_contact,
                zh_legal_basis,
            ),
            en: text(
                en_title,
                en_summary,
                en_who,
                en_what_you_get,
                en_conditions,
                en_documents,
                en_how_to_apply,
                en_where_to_apply,
                en_time_limits,
                en_contact,
                en_legal_basis,
            ),
        },
        ..base.clone()
    };
    let problem = if note.trim().is_empty() {
        Some("note".to_owned())
    } else {
        current
            .with_policy(edited.clone(), "edit")
            .err()
            .map(|problems| {
                problems
                    .0
                    .first()
                    .map(|p| p.field.clone())
                    .unwrap_or_default()
            })
    };
    if let Some(field) = problem {
        ssr::keep_draft(&Draft {
            policy: edited,
            note,
            base_version,
            stale: false,
        })
        .await?;
        redirect(&format!("{back}?error={field}"));
        return Ok(());
    }
    let content = serde_json::to_string(&edited).map_err(|e| {
        tracing::error!(error = %e, "a policy edit could not be written as JSON");
        PortalError::Internal
    })?;
    let saved = store
        .save_policy_version_from(&slug, base_version, &content, note.trim(), &admin)
        .await;
    let version = match saved {
        Ok(version) => version,
        Err(store::policy_edits::PolicySaveError::Stale { base, latest }) => {
            tracing::info!(%slug, base, latest, staff_id = admin.id, "a policy edit based on an old version was refused");
            ssr::keep_draft(&Draft {
                policy: edited,
                note,
                base_version: base,
                stale: true,
            })
            .await?;
            redirect(&format!("{back}?conflict={latest}"));
            return Ok(());
        }
        Err(store::policy_edits::PolicySaveError::Store(e)) => {
            return Err(store_failed("could not save a policy edit", &e));
        }
    };
    if let Err(e) = live.update(|handbook| handbook.with_policy(edited, "edit")) {
        tracing::error!(error = %e, "a saved policy edit did not fit the handbook being served");
    }
    tracing::info!(%slug, version, staff_id = admin.id, "policy edited");
    redirect(&format!("{back}?saved={version}"));
    Ok(())
}

fn forbidden(lang: Lang) -> AnyView {
    view! {
        <Title text=tr::editor_forbidden_title(lang)/>
        <h1 data-error="forbidden">{tr::editor_forbidden_title(lang)}</h1>
        <p>{tr::editor_forbidden_text(lang)}</p>
        <p><a href="/staff">{tr::staff_home_title(lang)}</a></p>
    }
    .into_any()
}

#[component]
pub fn PolicyEditorListPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let data = Resource::new_blocking(|| (), |_| editable_policies());
    view! {
        <super::session_warning::SessionWarning/>
        <Title text=tr::editor_list_title(lang)/>
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(EditorAccess::Allowed(policies)) => view! {
                        <h1>{tr::editor_list_title(lang)}</h1>
                        <p>{tr::editor_list_intro(lang)}</p>
                        <ul class="policy-list">
                            {policies.into_iter().map(|(slug, title)| view! {
                                <li class="policy-item">
                                    <a href=format!("/staff/policies/{slug}")>{title}</a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    _ => forbidden(lang),
                }
            })}
        </Suspense>
    }
}

fn editor_form(lang: Lang, policy: &Policy, note: String, base_version: i64) -> impl IntoView {
    let fieldset = |prefix: &'static str, legend: &'static str, text: &PolicyText| {
        let fields = FIELDS.iter().map(|(field, kind)| {
            let id = format!("{prefix}_{field}");
            let value = field_value(text, field);
            let label = field_label(lang, field);
            let input = match kind {
                FieldKind::Line => view! { <input id=id.clone() name=id.clone() type="text" value=value required/> }.into_any(),
                FieldKind::Text => view! { <textarea id=id.clone() name=id.clone() rows="4" required>{value}</textarea> }.into_any(),
                FieldKind::List => view! {
                    <p class="hint" id=format!("{id}-hint")>{tr::editor_list_hint(lang)}</p>
                    <textarea id=id.clone() name=id.clone() rows="6" required aria-describedby=format!("{id}-hint")>{value}</textarea>
                }.into_any(),
            };
            view! { <div class="field"><label for=id.clone()>{label}</label>{input}</div> }
        }).collect_view();
        view! { <fieldset class="language-fields" lang=if prefix == "en" { "en" } else { "zh-CN" }><legend>{legend}</legend>{fields}</fieldset> }
    };
    view! {
        <form method="post" action=SavePolicyEdit::url() class="form editor">
            <input type="hidden" name="slug" value=policy.slug.clone()/>
            <input type="hidden" name="base_version" value=base_version.to_string()/>
            {fieldset("zh", tr::editor_chinese(lang), &policy.text.zh)}
            {fieldset("en", tr::editor_english(lang), &policy.text.en)}
            <div class="field checkbox">
                <input id="sample_figures" name="sample_figures" type="checkbox" value="on" checked=policy.sample_figures/>
                <label for="sample_figures">{tr::editor_sample_figures(lang)}</label>
            </div>
            <div class="field">
                <label for="note">{tr::editor_note(lang)}</label>
                <p class="hint" id="note-hint">{tr::editor_note_hint(lang)}</p>
                <input id="note" name="note" type="text" value=note required aria-describedby="note-hint"/>
            </div>
            <button type="submit" class="button">{tr::editor_save(lang)}</button>
        </form>
    }
}

/// A save refused because another administrator saved first: what they changed next to what was
/// typed, field by field. The form below still holds what was typed and is now based on their
/// version, so saving again keeps the typed texts knowingly.
fn conflict_summary(lang: Lang, conflict: Conflict) -> impl IntoView {
    view! {
        <div class="error-summary" role="alert">
            <h2>{tr::editor_conflict_title(lang)}</h2>
            <p>{tr::editor_conflict_text(lang, conflict.editor, conflict.version)}</p>
            {if conflict.fields.is_empty() {
                view! { <p>{tr::editor_conflict_same(lang)}</p> }.into_any()
            } else {
                view! {
                    <dl class="conflict">
                        {conflict.fields.into_iter().map(|difference| view! {
                            <dt>{problem_label(lang, &difference.field)}</dt>
                            <dd>
                                <p class="hint">{tr::editor_conflict_theirs(lang)}</p>
                                <pre class="theirs">{difference.theirs}</pre>
                                <p class="hint">{tr::editor_conflict_yours(lang)}</p>
                                <pre class="yours">{difference.yours}</pre>
                            </dd>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
        </div>
    }
}

#[component]
pub fn PolicyEditorPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let (saved, error, conflicted) = use_query_map()
        .with_untracked(|q| (q.get("saved"), q.get("error"), q.get("conflict").is_some()));
    let refused = error.is_some() || conflicted;
    let data = Resource::new_blocking(
        move || slug.clone(),
        move |slug| policy_editor_data(slug, refused),
    );
    view! {
        <super::session_warning::SessionWarning/>
        <Suspense>
            {move || {
                let (saved, error) = (saved.clone(), error.clone());
                Suspend::new(async move {
                    let data = match data.await {
                        Ok(EditorAccess::Allowed(Some(data))) => data,
                        Ok(EditorAccess::Allowed(None)) => return crate::not_found::NotFoundPage().into_any(),
                        _ => return forbidden(lang),
                    };
                    let policy = data.policy;
                    let title = tr::editor_edit_title(lang, &policy.text.zh.title);
                    let problem = error.map(|field| {
                        let text = if field == "note" { tr::editor_error_note(lang).to_owned() } else { tr::editor_error_empty(lang, problem_label(lang, &field)) };
                        (field, text)
                    });
                    view! {
                        <Title text=title.clone()/>
                        {problem.map(|(field, problem)| view! {
                            <div class="error-summary" role="alert">
                                <h2>{tr::editor_error_summary(lang)}</h2>
                                <p data-problem="empty" data-field=field>{problem}</p>
                            </div>
                        })}
                        {data.conflict.map(|conflict| conflict_summary(lang, conflict))}
                        {saved.map(|version| view! { <p class="notice" role="status">{tr::editor_saved(lang, version)}</p> })}
                        <p class="breadcrumb"><a href="/staff/policies">{tr::editor_list_title(lang)}</a></p>
                        <h1>{title}</h1>
                        <p><a href=format!("/policies/{}", policy.slug)>{tr::editor_view_link(lang)}</a></p>
                        {editor_form(lang, &policy, data.note, data.base_version)}
                        <h2>{tr::editor_history(lang)}</h2>
                        {if data.history.is_empty() {
                            view! { <p data-notice="no_history">{tr::editor_no_history(lang)}</p> }.into_any()
                        } else {
                            view! {
                                <ul>{data.history.into_iter().map(|v| view! {
                                    <li>{tr::editor_history_line(lang, v.version, v.when, v.editor, v.note)}</li>
                                }).collect_view()}</ul>
                            }.into_any()
                        }}
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}
