//! The browser entry point: hydrates the islands of a server-rendered page.

// The islands' WASM exports live in `app`; naming the crate makes the linker keep them.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
