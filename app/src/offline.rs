//! Offline reading: registers the service worker (`public/sw.js`) that keeps the handbook and
//! its assets on the phone, so a volunteer who opened them once can show them with no signal.

use leptos::prelude::*;

/// Renders nothing; with WASM it registers the service worker where the browser allows one
/// (HTTPS or localhost).
#[island]
pub fn OfflineSupport() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    register_service_worker();
}

#[cfg(feature = "hydrate")]
fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // Absent on plain-HTTP sites: calling into it would throw.
    if !js_sys::Reflect::has(
        &navigator,
        &wasm_bindgen::JsValue::from_str("serviceWorker"),
    )
    .unwrap_or(false)
    {
        return;
    }
    let _ = navigator.service_worker().register("/sw.js");
}
