//! With WASM, the policy list updates as you type or pick a filter: the island asks the server
//! for the same GET page the form would load and swaps in its results, so the server's search is
//! the only search. Without WASM the form submits as usual.

use leptos::prelude::*;

/// Wraps the search form and the results; `#results-count` and `#policy-results` are replaced.
#[island]
pub fn InstantSearch(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let pending = std::rc::Rc::new(std::cell::Cell::new(0_u32));
    let on_input = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        live::schedule(pending.clone());
        let _ = ev;
    };
    view! { <div on:input=on_input>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod live {
    use std::cell::Cell;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    /// Waits for a pause in typing before asking, to spare slow networks.
    const PAUSE_MS: u64 = 300;
    const FIELDS: [&str; 4] = ["q", "category", "department", "situation"];

    pub fn schedule(pending: Rc<Cell<u32>>) {
        let ticket = pending.get().wrapping_add(1);
        pending.set(ticket);
        leptos::prelude::set_timeout(
            move || {
                if pending.get() == ticket {
                    leptos::task::spawn_local(refresh(pending, ticket));
                }
            },
            std::time::Duration::from_millis(PAUSE_MS),
        );
    }

    fn field_value(document: &web_sys::Document, id: &str) -> Option<String> {
        let element = document.get_element_by_id(id)?;
        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            return Some(input.value());
        }
        element
            .dyn_ref::<web_sys::HtmlSelectElement>()
            .map(|select| select.value())
    }

    fn url(document: &web_sys::Document) -> String {
        let query: Vec<String> = FIELDS
            .iter()
            .filter_map(|id| {
                let value = field_value(document, id)?;
                (!value.is_empty()).then(|| {
                    [
                        *id,
                        "=",
                        &String::from(js_sys::encode_uri_component(&value)),
                    ]
                    .concat()
                })
            })
            .collect();
        if query.is_empty() {
            "/policies".to_owned()
        } else {
            ["/policies?", &query.join("&")].concat()
        }
    }

    async fn refresh(pending: Rc<Cell<u32>>, ticket: u32) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        let url = url(&document);
        let Ok(response) = JsFuture::from(window.fetch_with_str(&url)).await else {
            return;
        };
        let Ok(response) = response.dyn_into::<web_sys::Response>() else {
            return;
        };
        if !response.ok() {
            return;
        }
        let Ok(text) = response.text() else { return };
        let Ok(html) = JsFuture::from(text).await else {
            return;
        };
        // A later keystroke has asked again: its answer wins.
        if pending.get() != ticket {
            return;
        }
        let Some(html) = html.as_string() else { return };
        let Ok(parser) = web_sys::DomParser::new() else {
            return;
        };
        let Ok(fetched) = parser.parse_from_string(&html, web_sys::SupportedType::TextHtml) else {
            return;
        };
        for id in ["results-count", "policy-results"] {
            if let (Some(old), Some(new)) = (
                document.get_element_by_id(id),
                fetched.get_element_by_id(id),
            ) {
                old.set_inner_html(&new.inner_html());
            }
        }
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}
