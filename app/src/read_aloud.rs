//! Reads a policy or a consent aloud with the browser's own speech synthesis, for people who find reading
//! hard. Without JS or without speech support the buttons stay hidden: no dead controls.

use leptos::prelude::*;

use crate::i18n::{tr, Lang};

/// The element whose text the button reads: a policy, a consent.
pub const READ_ALOUD_TEXT_ID: &str = "read-aloud-text";

/// The buttons, rendered on the server and revealed by the island when speech is available.
#[component]
pub fn ReadAloud(lang: Lang) -> impl IntoView {
    view! {
        <ReadAloudControls>
            <p class="read-aloud">
                <button type="button" class="button button-secondary" data-read-aloud="start" hidden>
                    <span class="icon" aria-hidden="true">"🔊"</span>" "{tr::handbook_read_aloud(lang)}
                </button>
                <button type="button" class="button button-secondary" data-read-aloud="stop" hidden>
                    {tr::handbook_stop_reading(lang)}
                </button>
            </p>
        </ReadAloudControls>
    }
}

#[island]
fn ReadAloudControls(children: Children) -> impl IntoView {
    // Runs as the island hydrates, when the server-rendered buttons are already in the page.
    #[cfg(feature = "hydrate")]
    speech::show(speech::supported());
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        speech::on_click(&ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <div on:click=on_click>{children()}</div> }
}

/// Shows the buttons of a page the browser built itself (the outreach desk), where the island
/// ran before its buttons were in the document.
#[cfg(all(feature = "hydrate", feature = "outreach"))]
pub fn reveal() {
    speech::show(speech::supported());
}

#[cfg(feature = "hydrate")]
mod speech {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use super::READ_ALOUD_TEXT_ID as ARTICLE_ID;

    fn button(selector: &str) -> Option<web_sys::Element> {
        let document = web_sys::window()?.document()?;
        document.query_selector(selector).ok().flatten()
    }

    pub fn supported() -> bool {
        web_sys::window().is_some_and(|w| {
            js_sys::Reflect::has(&w, &JsValue::from_str("speechSynthesis")).unwrap_or(false)
        })
    }

    /// Shows the start button when idle, the stop button while reading.
    pub fn show(idle: bool) {
        if let (Some(start), Some(stop)) = (
            button("[data-read-aloud=start]"),
            button("[data-read-aloud=stop]"),
        ) {
            let _ = if idle {
                start.remove_attribute("hidden")
            } else {
                start.set_attribute("hidden", "")
            };
            let _ = if idle {
                stop.set_attribute("hidden", "")
            } else {
                stop.remove_attribute("hidden")
            };
        }
    }

    pub fn on_click(ev: &web_sys::MouseEvent) {
        let which = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-read-aloud]").ok().flatten())
            .and_then(|e| e.get_attribute("data-read-aloud"));
        let Some(synthesis) = web_sys::window().and_then(|w| w.speech_synthesis().ok()) else {
            return;
        };
        match which.as_deref() {
            Some("start") => start(&synthesis),
            Some("stop") => {
                synthesis.cancel();
                show(true);
            }
            _ => {}
        }
    }

    fn start(synthesis: &web_sys::SpeechSynthesis) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(article) = document
            .get_element_by_id(ARTICLE_ID)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(&article.inner_text())
        else {
            return;
        };
        let lang = document
            .document_element()
            .and_then(|html| html.get_attribute("lang"));
        utterance.set_lang(lang.as_deref().unwrap_or("zh-CN"));
        // A little slower than the default: many listeners are elderly.
        utterance.set_rate(0.9);
        let done = Closure::<dyn FnMut()>::new(|| show(true));
        utterance.set_onend(Some(done.as_ref().unchecked_ref()));
        utterance.set_onerror(Some(done.as_ref().unchecked_ref()));
        done.forget();
        synthesis.cancel();
        synthesis.speak(&utterance);
        show(false);
    }
}
