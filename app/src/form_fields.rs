//! The pieces of a resident form, GOV.UK style: a label above each box, a hint under the label,
//! the problem in words beside the field, and an error summary at the top linking to each field.

use leptos::prelude::*;

use crate::i18n::{tr, Lang};

/// The element id of a field: its name with the characters ids and links dislike replaced.
pub fn field_id(name: &str) -> String {
    name.replace(['.', '[', ']'], "-")
}

/// One line of the error summary: where the problem is and what it is.
pub struct SummaryLine {
    pub field: String,
    pub text: String,
}

/// The box at the top of a page that comes back with problems; each line links to its field.
pub fn error_summary(lang: Lang, lines: Vec<SummaryLine>) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        let count = lines.len();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                <h2 id="error-summary-title">{tr::form_error_summary(lang, count)}</h2>
                <ul>
                    {lines.into_iter().map(|line| view! {
                        <li><a href=format!("#{}", field_id(&line.field))>{line.text}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// The same box for a page only the server renders, each line with its problem's code in
/// `data-problem` for tests and monitoring. The self-check keeps [`error_summary`]: the forms
/// bundle renders its pages too. Measured, one function with an optional code for every page put
/// the forms bundle at 150.1 KiB (from 149.4), over its 150 KiB budget.
pub fn coded_error_summary(lang: Lang, lines: Vec<(SummaryLine, String)>) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        let count = lines.len();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                <h2 id="error-summary-title">{tr::form_error_summary(lang, count)}</h2>
                <ul>
                    {lines.into_iter().map(|(line, code)| view! {
                        <li data-problem=code><a href=format!("#{}", field_id(&line.field))>{line.text}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// What kind of number a box takes: the phone shows the matching keyboard.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    Whole,
    Money,
}

/// The hint and problem lines under a label, and the ids an input names in `aria-describedby`.
pub(crate) fn hint_and_problem(
    lang: Lang,
    id: &str,
    hint: Option<&'static str>,
    problem: Option<&'static str>,
) -> (impl IntoView, Option<String>) {
    let hint_id = format!("{id}-hint");
    let problem_id = format!("{id}-error");
    let described: Vec<&str> = [
        hint.map(|_| hint_id.as_str()),
        problem.map(|_| problem_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let view = view! {
        {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
        {problem.map(|problem| view! {
            <p class="field-message" id=problem_id.clone()>
                <span class="visually-hidden">{tr::form_error_prefix(lang)}</span>{problem}
            </p>
        })}
    };
    (view, described)
}

/// A labelled box for a number.
#[allow(clippy::too_many_arguments)]
pub fn number_field(
    lang: Lang,
    name: String,
    label: String,
    hint: Option<&'static str>,
    unit: Option<&'static str>,
    kind: NumberKind,
    value: String,
    problem: Option<&'static str>,
) -> impl IntoView {
    let id = field_id(&name);
    let (notes, described) = hint_and_problem(lang, &id, hint, problem);
    let inputmode = match kind {
        NumberKind::Whole => "numeric",
        NumberKind::Money => "decimal",
    };
    view! {
        <div class="field" class:field-error=problem.is_some()>
            <label for=id.clone()>{label}</label>
            {notes}
            <div class="input-with-unit">
                <input id=id name=name type="text" inputmode=inputmode autocomplete="off"
                    class="input-number" value=value aria-describedby=described
                    aria-invalid=problem.map(|_| "true")/>
                {unit.map(|unit| view! { <span class="unit">{unit}</span> })}
            </div>
        </div>
    }
}

/// One option of a radio group or a select.
pub struct Choice {
    pub value: String,
    pub label: &'static str,
    pub hint: Option<&'static str>,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: &'static str) -> Choice {
        Choice {
            value: value.into(),
            label,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: &'static str) -> Choice {
        self.hint = Some(hint);
        self
    }
}

/// A question with one answer, as radio buttons in a fieldset.
#[allow(clippy::too_many_arguments)]
pub fn radio_field(
    lang: Lang,
    name: String,
    legend: String,
    hint: Option<&'static str>,
    choices: Vec<Choice>,
    chosen: Option<String>,
    problem: Option<&'static str>,
) -> impl IntoView {
    let id = field_id(&name);
    let (notes, described) = hint_and_problem(lang, &id, hint, problem);
    view! {
        <div class="field" class:field-error=problem.is_some()>
            <fieldset aria-describedby=described>
                <legend>{legend}</legend>
                {notes}
                <div class="choices">
                    {choices.into_iter().enumerate().map(|(i, choice)| {
                        // The first radio carries the field's id, so the error summary can link to it.
                        let choice_id = if i == 0 { id.clone() } else { format!("{id}-{}", choice.value) };
                        let checked = chosen.as_deref() == Some(choice.value.as_str());
                        view! {
                            <div class="choice">
                                <input type="radio" id=choice_id.clone() name=name.clone()
                                    value=choice.value checked=checked/>
                                <label for=choice_id>
                                    {choice.label}
                                    {choice.hint.map(|h| view! { <span class="choice-hint">{h}</span> })}
                                </label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// A yes-or-no statement as a tick box.
pub fn tick_box(name: String, label: &'static str, ticked: bool) -> impl IntoView {
    let id = field_id(&name);
    view! {
        <div class="choice">
            <input type="checkbox" id=id.clone() name=name value="yes" checked=ticked/>
            <label for=id>{label}</label>
        </div>
    }
}

/// A question with one answer from a longer list, as a select.
pub fn select_field(
    lang: Lang,
    name: String,
    label: String,
    choices: Vec<Choice>,
    chosen: Option<String>,
    problem: Option<&'static str>,
) -> impl IntoView {
    let id = field_id(&name);
    let (notes, described) = hint_and_problem(lang, &id, None, problem);
    view! {
        <div class="field" class:field-error=problem.is_some()>
            <label for=id.clone()>{label}</label>
            {notes}
            <select id=id name=name aria-describedby=described>
                {choices.into_iter().map(|choice| {
                    let selected = chosen.as_deref() == Some(choice.value.as_str());
                    view! { <option value=choice.value selected=selected>{choice.label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
