//! With WASM, the application pages check an ID number or a mobile number as soon as the person
//! leaves the box (the same parser the server uses), and a press of "continue" without a network
//! keeps the page and says so instead of losing it to the browser's error page. Without WASM the
//! server's answers are the same, one page later.

use leptos::prelude::*;

use crate::i18n::Lang;

/// Renders nothing; in the forms bundle it watches the page's form.
#[cfg_attr(any(feature = "ssr", feature = "forms"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "forms")), component)]
pub fn ApplyLiveChecks(lang: Lang) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    live::watch(lang);
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
    view! { <span class="live-checks" hidden></span> }
}

#[cfg(all(feature = "hydrate", feature = "outreach"))]
pub(crate) use live::check_on_leaving;

#[cfg(feature = "hydrate")]
mod live {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    use super::super::draft::field;
    use crate::i18n::{tr, Lang};

    pub fn watch(lang: Lang) {
        let left = check_on_leaving(lang);
        let sent = window_event_listener(leptos::ev::submit, move |ev| {
            let online = web_sys::window().is_none_or(|w| w.navigator().on_line());
            if online {
                return;
            }
            ev.prevent_default();
            if let Some(status) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("offline-status"))
            {
                status.set_text_content(Some(tr::apply_offline(lang)));
            }
        });
        on_cleanup(move || {
            left.remove();
            sent.remove();
        });
    }

    /// Checks an ID or mobile number as the person leaves its box, on any page that has one
    /// (also the outreach desk's, which builds the application pages itself).
    pub fn check_on_leaving(lang: Lang) -> WindowListenerHandle {
        window_event_listener(leptos::ev::focusout, move |ev| {
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let value = input.value();
            if value.trim().is_empty() {
                return;
            }
            let problem = match input.name().as_str() {
                field::ID_NUMBER => match value.parse::<identity::IdNumber>() {
                    Ok(_) => None,
                    Err(identity::NumberError::IdChecksum) => {
                        Some(tr::input_error_id_checksum(lang))
                    }
                    Err(_) => Some(tr::input_error_id_format(lang)),
                },
                field::PHONE | field::FAMILY_PHONE => value
                    .parse::<identity::MobileNumber>()
                    .err()
                    .map(|_| tr::input_error_phone_format(lang)),
                _ => return,
            };
            show(&input, problem);
        })
    }

    /// Fills in the message beside the field (GOV.UK style), or hides it. The page renders the
    /// message's element empty and hidden, so this only changes text and attributes.
    fn show(input: &web_sys::HtmlInputElement, problem: Option<&str>) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let id = format!("{}-error", input.id());
        let Some(message) = document
            .get_element_by_id(&id)
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        message.set_text_content(problem);
        message.set_hidden(problem.is_none());
        let (invalid, class) = match problem {
            Some(_) => ("true", "field field-error"),
            None => ("false", "field"),
        };
        let _ = input.set_attribute("aria-invalid", invalid);
        if let Some(field) = input.closest(".field").ok().flatten() {
            let _ = field.set_attribute("class", class);
        }
    }
}
