//! What a visitor chose for language and display, remembered in cookies so it works without JS.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "lang";
pub const DISPLAY_COOKIE: &str = "display";
/// A year: these choices are not personal data and should outlive a browser restart.
pub const COOKIE_MAX_AGE_SECONDS: u32 = 365 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Prefs {
    pub lang: Lang,
    pub large_text: bool,
    pub high_contrast: bool,
}

/// The display modes that can be switched on and off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisplayMode {
    LargeText,
    HighContrast,
}

impl DisplayMode {
    pub fn code(self) -> &'static str {
        match self {
            DisplayMode::LargeText => "large",
            DisplayMode::HighContrast => "contrast",
        }
    }

    pub fn from_code(code: &str) -> Option<DisplayMode> {
        match code {
            "large" => Some(DisplayMode::LargeText),
            "contrast" => Some(DisplayMode::HighContrast),
            _ => None,
        }
    }

    /// The class on `<html>` that the stylesheet keys on.
    pub fn html_class(self) -> &'static str {
        match self {
            DisplayMode::LargeText => "large-text",
            DisplayMode::HighContrast => "high-contrast",
        }
    }
}

impl Prefs {
    /// Reads the preferences from a `Cookie` header and an `Accept-Language` header.
    pub fn from_headers(cookie: Option<&str>, accept_language: Option<&str>) -> Prefs {
        let mut prefs = Prefs {
            lang: Lang::from_accept_language(accept_language.unwrap_or("")),
            ..Prefs::default()
        };
        for pair in cookie.unwrap_or("").split(';') {
            let Some((name, value)) = pair.trim().split_once('=') else {
                continue;
            };
            match name {
                LANG_COOKIE => {
                    if let Some(lang) = Lang::from_code(value) {
                        prefs.lang = lang;
                    }
                }
                DISPLAY_COOKIE => {
                    for mode in value.split('.').filter_map(DisplayMode::from_code) {
                        prefs.set(mode, true);
                    }
                }
                _ => {}
            }
        }
        prefs
    }

    pub fn is_on(self, mode: DisplayMode) -> bool {
        match mode {
            DisplayMode::LargeText => self.large_text,
            DisplayMode::HighContrast => self.high_contrast,
        }
    }

    pub fn set(&mut self, mode: DisplayMode, on: bool) {
        match mode {
            DisplayMode::LargeText => self.large_text = on,
            DisplayMode::HighContrast => self.high_contrast = on,
        }
    }

    /// The value of the display cookie, e.g. `large.contrast`.
    pub fn display_cookie_value(self) -> String {
        [DisplayMode::LargeText, DisplayMode::HighContrast]
            .into_iter()
            .filter(|m| self.is_on(*m))
            .map(DisplayMode::code)
            .collect::<Vec<_>>()
            .join(".")
    }

    pub fn html_class(self) -> String {
        [DisplayMode::LargeText, DisplayMode::HighContrast]
            .into_iter()
            .filter(|m| self.is_on(*m))
            .map(DisplayMode::html_class)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_override_the_browser_language_and_carry_display_modes() {
        let prefs =
            Prefs::from_headers(Some("a=b; lang=en; display=large.contrast"), Some("zh-CN"));
        assert_eq!(
            prefs,
            Prefs {
                lang: Lang::En,
                large_text: true,
                high_contrast: true
            }
        );
        assert_eq!(prefs.html_class(), "large-text high-contrast");
        assert_eq!(prefs.display_cookie_value(), "large.contrast");
        let plain = Prefs::from_headers(None, Some("en-GB"));
        assert_eq!(
            plain,
            Prefs {
                lang: Lang::En,
                ..Prefs::default()
            }
        );
        assert_eq!(plain.display_cookie_value(), "");
    }
}

// ---- Switching language and display modes: plain forms first, instant with WASM. ----

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::i18n::tr;
use crate::server_error::PortalError;

/// Remembers the language and sends the visitor back to the page they were on.
#[server(endpoint = "preferences/language")]
pub async fn set_language(lang: String) -> Result<(), PortalError> {
    let lang = Lang::from_code(&lang).ok_or(PortalError::BadRequest)?;
    ssr::set_cookie(LANG_COOKIE, lang.code());
    Ok(())
}

/// Switches a display mode on or off. Without `on` (a plain form post) it flips the current state.
#[server(endpoint = "preferences/display")]
pub async fn set_display_mode(mode: String, on: Option<bool>) -> Result<(), PortalError> {
    let mode = DisplayMode::from_code(&mode).ok_or(PortalError::BadRequest)?;
    let mut prefs = ssr::request_prefs();
    let on = on.unwrap_or(!prefs.is_on(mode));
    prefs.set(mode, on);
    ssr::set_cookie(DISPLAY_COOKIE, &prefs.display_cookie_value());
    Ok(())
}

/// Saves both display modes at once. The instant switch sends the whole state after each tap,
/// so two quick taps cannot overwrite each other's change.
#[server(endpoint = "preferences/display/both")]
pub async fn save_display_modes(large_text: bool, high_contrast: bool) -> Result<(), PortalError> {
    let mut prefs = ssr::request_prefs();
    prefs.set(DisplayMode::LargeText, large_text);
    prefs.set(DisplayMode::HighContrast, high_contrast);
    ssr::set_cookie(DISPLAY_COOKIE, &prefs.display_cookie_value());
    Ok(())
}

/// The current visitor's preferences, as the page shell read them from the request.
pub fn use_prefs() -> Prefs {
    use_context::<Prefs>().unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;

    /// Reads the preferences from the request being served.
    pub fn request_prefs() -> Prefs {
        let Some(parts) = use_context::<http::request::Parts>() else {
            return Prefs::default();
        };
        let header = |name: http::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok());
        Prefs::from_headers(
            header(http::header::COOKIE),
            header(http::header::ACCEPT_LANGUAGE),
        )
    }

    pub fn set_cookie(name: &str, value: &str) {
        let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        let cookie = if value.is_empty() {
            format!("{name}=; Path=/; Max-Age=0; SameSite=Lax")
        } else {
            format!("{name}={value}; Path=/; Max-Age={COOKIE_MAX_AGE_SECONDS}; SameSite=Lax")
        };
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}

/// The link-like button that switches to the other language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = use_prefs().lang;
    let other = lang.other();
    view! {
        <form method="post" action=SetLanguage::url() class="language-switch">
            <input type="hidden" name="lang" value=other.code()/>
            <button type="submit" class="header-button">
                <span class="visually-hidden">{tr::language_switch_hint(lang)}</span>
                <span lang=other.html_tag()>{tr::language_switch_to_other(lang)}</span>
            </button>
        </form>
    }
}

/// Large text and high contrast (适老化): a plain form that works without JS.
#[component]
pub fn DisplayToggle() -> impl IntoView {
    let prefs = use_prefs();
    let lang = prefs.lang;
    let button = move |mode: DisplayMode, label: &'static str| {
        view! {
            <button type="submit" name="mode" value=mode.code() class="header-button toggle"
                aria-pressed=prefs.is_on(mode).to_string()>
                {label}
            </button>
        }
    };
    view! {
        <InstantDisplayToggle>
            <form method="post" action=SetDisplayMode::url() class="display-toggle"
                aria-label=tr::display_label(lang)>
                {button(DisplayMode::LargeText, tr::display_large_text(lang))}
                {button(DisplayMode::HighContrast, tr::display_high_contrast(lang))}
            </form>
        </InstantDisplayToggle>
    }
}

/// With WASM, a press changes the page at once and the choice is saved in the background.
/// It takes no props and keeps no signals: the buttons' `aria-pressed` is the state, which keeps
/// the island a few kilobytes.
#[island]
fn InstantDisplayToggle(children: Children) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let button = ev
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest("button[name=mode]").ok().flatten());
            let Some(button) = button else { return };
            let Some(mode) = button
                .get_attribute("value")
                .and_then(|v| DisplayMode::from_code(&v))
            else {
                return;
            };
            ev.prevent_default();
            let on = button.get_attribute("aria-pressed").as_deref() != Some("true");
            let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
            apply_to_page(mode, on);
            save_in_background();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <div class="display-toggle-island" on:click=on_click>{children()}</div> }
}

/// Saves the state both buttons now show, without waiting. A plain `fetch` rather than the
/// server-function client keeps this island small; if the save fails the page has still changed,
/// and only the memory of the choice is lost.
#[cfg(feature = "hydrate")]
fn save_in_background() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let pressed = |mode: DisplayMode| {
        let selector = ["button[name=mode][value=", mode.code(), "]"].concat();
        let on = document
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|button| button.get_attribute("aria-pressed"));
        if on.as_deref() == Some("true") {
            "true"
        } else {
            "false"
        }
    };
    let body = [
        "large_text=",
        pressed(DisplayMode::LargeText),
        "&high_contrast=",
        pressed(DisplayMode::HighContrast),
    ]
    .concat();
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(headers) = web_sys::Headers::new() else {
        return;
    };
    let _ = headers.set("content-type", "application/x-www-form-urlencoded");
    let _ = headers.set("accept", "application/json");
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&wasm_bindgen::JsValue::from_str(&body));
    let _ = window.fetch_with_str_and_init(SaveDisplayModes::url(), &init);
}

#[cfg(feature = "hydrate")]
fn apply_to_page(mode: DisplayMode, on: bool) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.class_list().toggle_with_force(mode.html_class(), on);
    }
}
