//! `/check`: the self-check. A start page, six pages of plain questions (one topic each), and
//! a result that explains every programme with the resident's figures and the lines they are
//! compared with.
//!
//! Without JS every page is a form posted to `/check`, the answers so far riding along in a hidden
//! field, and the server answers with the next page. With WASM (the `portal-forms` bundle, which
//! carries the rules engine) the same [`Flow`] runs in the browser: pages change at once and
//! nothing is sent anywhere.

mod answers;
mod explain;
mod flow;
mod questions;
mod result;

use std::sync::Arc;

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use rules::{ProgrammeId, Standards};

#[cfg(feature = "ssr")]
pub(crate) use self::answers::{answers_assets, answers_expenses, answers_person};
pub(crate) use self::answers::{normalise_number, Answers, EmergencyAnswer, Step};
pub(crate) use self::explain::{
    check_sentence, met_label, programme_name, status_label as programme_status_label,
};
pub(crate) use self::flow::Flow;
pub(crate) use self::questions::emergency_label;
pub(crate) use self::result::PolicyLink;
#[cfg(feature = "hydrate")]
pub(crate) use self::result::APPLY_START;

pub(crate) use self::flow::{ANSWERS_FIELD, FOCUS_FIELD, GO_FIELD, GO_NEXT, STEP_FIELD};
use self::questions::{questions, summary_lines, title};
use crate::form_fields::error_summary;
use crate::i18n::{tr, Lang};
use crate::preferences::use_prefs;

/// The page at `/check`, for a GET (the start page, or `?policy=` from the handbook) and for
/// each posted page.
#[component]
pub fn SelfCheckPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let handbook = use_context::<Arc<handbook::Handbook>>();
    let flow = match use_context::<crate::posted_form::PostedForm>() {
        Some(posted) => Flow::from_post(&posted.0),
        None => {
            let slug = leptos_router::hooks::use_query_map()
                .with_untracked(|q| q.get("policy").unwrap_or_default());
            let focus = handbook
                .as_ref()
                .and_then(|h| h.policy(&slug))
                .and_then(|p| p.programmes.first().copied());
            Flow::start(focus)
        }
    };
    #[cfg(feature = "ssr")]
    ssr::answer_headers(&flow);
    let links = handbook.map(|h| policy_links(lang, &h)).unwrap_or_default();
    let standards = use_context::<Arc<Standards>>()
        .map(|s| *s)
        .unwrap_or_else(Standards::sample_2026);
    let content = page(lang, &flow, &standards, &links);
    view! {
        <Title text=page_title(lang, &flow)/>
        <SelfCheckForm standards lang links>{content}</SelfCheckForm>
    }
}

/// Every handbook policy that explains a programme the check can estimate.
pub(crate) fn policy_links(lang: Lang, handbook: &handbook::Handbook) -> Vec<PolicyLink> {
    handbook
        .policies
        .iter()
        .flat_map(|policy| {
            policy.programmes.iter().map(|programme| PolicyLink {
                programme: *programme,
                slug: policy.slug.clone(),
                title: policy.text.get(lang == Lang::En).title.clone(),
            })
        })
        .collect()
}

pub(crate) fn page_title(lang: Lang, flow: &Flow) -> String {
    let title = title(lang, flow.step);
    if flow.problems.is_empty() {
        title.to_owned()
    } else {
        tr::form_error_title(lang, title)
    }
}

/// The form around every page of the check. On reading pages' bundle it is a plain component
/// that never reaches the browser; in the forms bundle, an island that answers each press in the
/// browser: it runs [`Flow::from_post`] on the form's fields and renders the next page to HTML
/// with the same [`page`] function the server uses. The server's first page is never hydrated,
/// which keeps the bundle small: only the building of the page views is compiled to WASM.
#[cfg_attr(any(feature = "ssr", feature = "forms"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "forms")), component)]
fn SelfCheckForm(
    standards: Standards,
    lang: Lang,
    links: Vec<PolicyLink>,
    children: Children,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let context = std::rc::Rc::new(live::Context {
        standards,
        lang,
        links,
        shown: Default::default(),
    });
    #[cfg(feature = "hydrate")]
    live::follow_history(context.clone());
    #[cfg(not(feature = "hydrate"))]
    let _ = (standards, lang, links);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        live::submit(ev, &context);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <form class="self-check" method="post" action="/check" novalidate on:submit=on_submit>
            {children()}
        </form>
    }
}

pub(crate) fn page(
    lang: Lang,
    flow: &Flow,
    standards: &Standards,
    links: &[PolicyLink],
) -> impl IntoView {
    let heading = view! { <h1 id="check-heading" tabindex="-1">{title(lang, flow.step)}</h1> };
    let state = hidden_state(flow);
    match flow.step {
        Step::Start => EitherOf3::A(view! {
            {heading}
            {start_page(lang, flow.focus)}
            {state}
            <button type="submit" class="button button-start" name=GO_FIELD value=GO_NEXT>
                {tr::check_start_button(lang)}
            </button>
        }),
        Step::Result => EitherOf3::B(view! {
            {heading}
            {result::result_page(lang, &flow.answers, standards, links, flow.focus)}
            {state}
        }),
        step => {
            let (number, total) = (step.number().unwrap_or(1), Step::QUESTIONS.len());
            EitherOf3::C(view! {
                {flow.restarted.then(|| view! {
                    <div class="error-summary" role="alert"><p>{tr::check_restarted(lang)}</p></div>
                })}
                {error_summary(lang, summary_lines(lang, &flow.problems))}
                <p class="step-count">{tr::check_step_count(lang, number, total)}</p>
                {heading}
                {questions(lang, step, &flow.answers, &flow.shown, &flow.problems)}
                {state}
                <div class="button-group">
                    <button type="submit" class="button" name=GO_FIELD value=GO_NEXT>
                        {tr::check_continue(lang)}
                    </button>
                    <button type="submit" class="button button-secondary" name=GO_FIELD
                        value=step.previous().code()>
                        {tr::check_back(lang)}
                    </button>
                </div>
            })
        }
    }
}

fn hidden_state(flow: &Flow) -> impl IntoView {
    view! {
        <input type="hidden" name=ANSWERS_FIELD value=flow.encoded_answers()/>
        <input type="hidden" name=STEP_FIELD value=flow.step.code()/>
        {flow.focus.map(|f| view! { <input type="hidden" name=FOCUS_FIELD value=f.as_str()/> })}
    }
}

fn start_page(lang: Lang, focus: Option<ProgrammeId>) -> impl IntoView {
    view! {
        <p class="lead">{tr::check_start_lead(lang)}</p>
        {focus.map(|f| view! {
            <p class="notice">{tr::check_start_focus(lang, explain::programme_name(lang, f))}</p>
        })}
        <h2>{tr::check_start_ready_heading(lang)}</h2>
        <ul>
            <li>{tr::check_start_ready_people(lang)}</li>
            <li>{tr::check_start_ready_income(lang)}</li>
            <li>{tr::check_start_ready_assets(lang)}</li>
            <li>{tr::check_start_ready_expenses(lang)}</li>
        </ul>
        <h2>{tr::check_start_privacy_heading(lang)}</h2>
        <p>{tr::check_start_privacy(lang)}</p>
        <p>{tr::check_start_estimate(lang)}</p>
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::Flow;

    /// A page that comes back with problems is a 422; no page of the check is kept by shared
    /// caches, and the browser asks again rather than showing a stored copy as new.
    pub fn answer_headers(flow: &Flow) {
        let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        if !flow.problems.is_empty() {
            response.set_status(http::StatusCode::UNPROCESSABLE_ENTITY);
        }
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-cache"),
        );
    }
}

#[cfg(feature = "hydrate")]
mod live {
    use leptos::prelude::*;
    use leptos::tachys::view::{Mountable, Render};
    use rules::Standards;
    use wasm_bindgen::{JsCast, JsValue};

    use super::{page, page_title, Flow, PolicyLink, Step};
    use crate::i18n::Lang;
    use crate::posted_form::{form_pairs, Fields};

    /// What the island needs to render any page.
    pub struct Context {
        pub standards: Standards,
        pub lang: Lang,
        pub links: Vec<PolicyLink>,
        /// The page the island built last; the first page is the server's HTML.
        pub shown: std::cell::RefCell<Option<Box<dyn Mountable>>>,
    }

    fn form() -> Option<web_sys::HtmlFormElement> {
        web_sys::window()?
            .document()?
            .query_selector("form.self-check")
            .ok()??
            .dyn_into()
            .ok()
    }

    /// Runs what the server would have done with the posted form, in the browser.
    pub fn submit(ev: leptos::ev::SubmitEvent, context: &Context) {
        let Some(form) = form() else {
            return;
        };
        let Some(mut pairs) = form_pairs(&form) else {
            return;
        };
        let button = ev
            .submitter()
            .and_then(|b| b.dyn_into::<web_sys::HtmlButtonElement>().ok());
        // "Apply with these answers" leaves the check: the browser posts the form as it is.
        if button
            .as_ref()
            .and_then(|b| b.get_attribute("formaction"))
            .as_deref()
            == Some(super::APPLY_START)
        {
            return;
        }
        ev.prevent_default();
        if let Some(button) = button.filter(|b| !b.name().is_empty()) {
            pairs.push((button.name(), button.value()));
        }
        let next = Flow::from_post(&Fields::new(pairs));
        if next.problems.is_empty() {
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = history.push_state(&JsValue::from_str(next.step.code()), "");
            }
        }
        show(&form, &next, context);
    }

    /// The phone's back button goes to the previous page of the check, keeping the answers.
    pub fn follow_history(context: std::rc::Rc<Context>) {
        let current = form().and_then(|form| form_pairs(&form)).map(Fields::new);
        if let (Some(history), Some(fields)) =
            (web_sys::window().and_then(|w| w.history().ok()), current)
        {
            let step = fields.get(super::STEP_FIELD).unwrap_or("start").to_owned();
            let _ = history.replace_state(&JsValue::from_str(&step), "");
        }
        let handle = window_event_listener(leptos::ev::popstate, move |ev| {
            let Some(step) = ev.state().as_string().and_then(|s| Step::parse(&s)) else {
                return;
            };
            let Some(form) = form() else {
                return;
            };
            let Some(pairs) = form_pairs(&form) else {
                return;
            };
            // Opening a page by its code is what a "change" button does.
            let mut fields = Fields::new(pairs);
            fields.push(super::GO_FIELD, step.code());
            show(&form, &Flow::from_post(&fields), &context);
        });
        on_cleanup(move || handle.remove());
    }

    fn show(form: &web_sys::HtmlFormElement, next: &Flow, context: &Context) {
        let mut shown = context.shown.borrow_mut();
        match shown.as_mut() {
            Some(previous) => previous.unmount(),
            None => form.set_inner_html(""),
        }
        let mut view = page(context.lang, next, &context.standards, &context.links).build();
        view.mount(form, None);
        *shown = Some(Box::new(view));
        drop(shown);
        let has_problems = !next.problems.is_empty();
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        document.set_title(&page_title(context.lang, next));
        // Like a new page: start at the top, and let a screen reader start at the heading (or at
        // the list of problems).
        let target = if has_problems {
            document.query_selector(".error-summary").ok().flatten()
        } else {
            document.get_element_by_id("check-heading")
        };
        if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
        if !has_problems {
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
    }
}
