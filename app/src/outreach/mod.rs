//! `/outreach`: the volunteers' desk at a village outreach event (issue 14). Signed in once on a
//! good network, the page and its bundle (`portal-outreach`) are kept by the service worker, and
//! with no network at all the volunteer can take each resident through the self-check and the
//! application: the same pages, questions, consents and checks as `/check` and `/apply`, built
//! in the browser by the same functions ([`crate::self_check`], [`crate::apply`]).
//!
//! What the phone keeps is sealed (`public/outreach.js`): a resident in progress under a key
//! derived from the volunteer's PIN and held only in memory; a finished application under a fresh
//! key wrapped to the bureau's public key, so the phone can no longer read it. Finished ones wait
//! in an ordered queue and are sent to `POST /outreach/sync` when the network returns; the phone
//! deletes one only when the server's signed receipt verifies.
//!
//! Without JavaScript the page says so and offers the online application, whose "who is filling
//! in" page takes the volunteer's and the event's codes.

#[cfg(all(feature = "hydrate", feature = "outreach"))]
mod desk;
#[cfg(all(feature = "hydrate", feature = "outreach"))]
mod screens;

use leptos::prelude::*;
use leptos_meta::Title;
use rules::Standards;
use serde::{Deserialize, Serialize};

use crate::i18n::{tr, Lang};
use crate::preferences::use_prefs;
use crate::self_check::PolicyLink;

/// Where the desk lives.
pub const OUTREACH_PAGE: &str = "/outreach";

/// The element the island builds each screen in.
const SCREEN_ID: &str = "outreach-screen";

/// The page's heading as the server renders it, hidden by the island behind its own screens.
const INTRO_ID: &str = "outreach-intro";

/// The token the application pages' links carry on the desk; the island opens them in place.
pub const OUTREACH_TOKEN: &str = "outreach";

/// An event the volunteer is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachEvent {
    pub code: String,
    pub place: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
}

/// The signed-in volunteer, and the bureau's public keys: all the desk needs offline. Nothing of
/// any resident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachVolunteer {
    pub code: String,
    pub name: String,
    pub events: Vec<OutreachEvent>,
    /// The RSA-OAEP key finished applications are sealed to (SPKI, base64).
    pub seal_key: String,
    /// The ECDSA P-256 key the server's receipts are signed with (SPKI, base64).
    pub receipt_key: String,
}

/// The page as the server prepared it for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutreachPageData {
    SignIn,
    NotVolunteer,
    Desk(OutreachVolunteer),
}

#[component]
pub fn OutreachPage() -> impl IntoView {
    let lang = use_prefs().lang;
    let data = use_context::<OutreachPageData>().unwrap_or(OutreachPageData::SignIn);
    let heading = move || {
        view! {
            <h1>{tr::outreach_title(lang)}</h1>
            <p class="lead">{tr::outreach_lead(lang)}</p>
        }
    };
    let no_script = move || {
        view! {
            <div class="notice" data-outreach="no-js">
                <p>{tr::outreach_needs_js(lang)}</p>
                <p><a class="button" href="/check">{tr::outreach_needs_js_link(lang)}</a></p>
            </div>
        }
    };
    let body = match data {
        OutreachPageData::SignIn => view! {
            {heading()}
            <noscript>{no_script()}</noscript>
            <p>{tr::outreach_sign_in(lang)}</p>
            <p><a class="button" href="/staff/login">{tr::outreach_sign_in_link(lang)}</a></p>
        }
        .into_any(),
        OutreachPageData::NotVolunteer => view! {
            {heading()}
            <p data-outreach="not-volunteer">{tr::outreach_not_volunteer(lang)}</p>
        }
        .into_any(),
        OutreachPageData::Desk(volunteer) => {
            let standards = use_context::<std::sync::Arc<Standards>>()
                .map(|s| *s)
                .unwrap_or_else(Standards::sample_2026);
            let links = use_context::<std::sync::Arc<handbook::Handbook>>()
                .map(|h| crate::self_check::policy_links(lang, &h))
                .unwrap_or_default();
            let line = tr::outreach_volunteer_line(lang, &volunteer.name, &volunteer.code);
            // The desk's screens bring their own heading: the island hides this one once it
            // shows the first. Without JS the page says why there is no desk.
            view! {
                <div id=INTRO_ID>{heading()}</div>
                <noscript>{no_script()}</noscript>
                <p class="hint" data-volunteer=volunteer.code.clone()>{line}</p>
                <OutreachDesk volunteer lang standards links>
                    <div id=SCREEN_ID>
                        <p class="hint" hidden>{tr::outreach_loading(lang)}</p>
                    </div>
                </OutreachDesk>
            }
            .into_any()
        }
    };
    view! {
        <Title text=tr::outreach_title(lang)/>
        {body}
    }
}

/// The desk. On every bundle but `portal-outreach` a plain component that never reaches the
/// browser; in that bundle an island that takes over the page once the phone's sealed storage
/// is ready, and from then on answers every press in the browser.
#[cfg_attr(any(feature = "ssr", feature = "outreach"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "outreach")), component)]
fn OutreachDesk(
    volunteer: OutreachVolunteer,
    lang: Lang,
    standards: Standards,
    links: Vec<PolicyLink>,
    children: Children,
) -> impl IntoView {
    #[cfg(all(feature = "hydrate", feature = "outreach"))]
    desk::start(desk::Setup {
        volunteer,
        lang,
        standards,
        links,
    });
    #[cfg(not(all(feature = "hydrate", feature = "outreach")))]
    let _ = (volunteer, lang, standards, links);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(all(feature = "hydrate", feature = "outreach"))]
        desk::submit(ev);
        #[cfg(not(all(feature = "hydrate", feature = "outreach")))]
        let _ = ev;
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(all(feature = "hydrate", feature = "outreach"))]
        desk::click(ev);
        #[cfg(not(all(feature = "hydrate", feature = "outreach")))]
        let _ = ev;
    };
    view! {
        <div class="outreach-desk" on:submit=on_submit on:click=on_click>
            {children()}
        </div>
        <script src="/outreach.js" defer></script>
    }
}
