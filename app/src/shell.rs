//! The HTML document around every page, and the routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::apply::{ApplyStartPage, ApplyStepPage};
use crate::handbook::{PolicyListPage, PolicyPage};
use crate::home::HomePage;
use crate::layout::{SiteFooter, SiteHeader};
use crate::not_found::NotFoundPage;
use crate::outreach::OutreachPage;
use crate::self_check::SelfCheckPage;
use crate::staff::{
    DashboardPage, DiscoveryCandidatePage, DiscoveryImportPage, DiscoveryPage,
    DiscoveryTownshipPage, PolicyEditorListPage, PolicyEditorPage, StaffAccountPage,
    StaffAccountsPage, StaffCasePage, StaffDutyPage, StaffEventsPage, StaffRecipientsPage,
    StaffSignInHistoryPage, StaffSignInPage, StaffWorkspacePage, StopMessagesPage,
};
use crate::track::phone::TrackPhonePage;
use crate::track::TrackPage;
use crate::urgent_help::UrgentHelpPage;

/// The WASM bundle a page loads: the resident form journeys get the one with the rules engine,
/// every other page the small one (see README, "Two bundles").
#[cfg(feature = "ssr")]
pub fn bundle_for(path: &str) -> &'static str {
    if path == "/check" || path.starts_with("/check/") || path.starts_with("/apply/") {
        "portal-forms"
    } else if path == crate::outreach::OUTREACH_PAGE {
        "portal-outreach"
    } else {
        "portal"
    }
}

/// The web app manifest a page names: the outreach desk installs as an app of its own that opens
/// on the desk (a volunteer's home screen), every other page as the portal.
#[cfg(feature = "ssr")]
pub fn manifest_for(path: &str) -> &'static str {
    if path == crate::outreach::OUTREACH_PAGE {
        "/outreach.webmanifest"
    } else {
        "/manifest.webmanifest"
    }
}

/// The document shell, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (options, manifest) = {
        let mut options = options;
        let path = use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_owned());
        if let Some(path) = &path {
            options.output_name = bundle_for(path).into();
        }
        (options, manifest_for(path.as_deref().unwrap_or("/")))
    };
    #[cfg(not(feature = "ssr"))]
    let manifest = "/manifest.webmanifest";
    #[cfg(feature = "ssr")]
    let prefs = crate::preferences::ssr::request_prefs();
    #[cfg(not(feature = "ssr"))]
    let prefs = crate::preferences::Prefs::default();
    provide_context(prefs);
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=prefs.lang.html_tag() class=prefs.html_class()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b5394"/>
                <link rel="stylesheet" href="/pkg/portal.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href=manifest/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Scripts run only from our origin or with this response's nonce; WASM may compile.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <SiteHeader/>
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/help/urgent") view=UrgentHelpPage/>
                    <Route path=path!("/check") view=SelfCheckPage/>
                    <Route path=path!("/apply") view=ApplyStartPage/>
                    <Route path=path!("/track") view=TrackPage/>
                    <Route path=path!("/track/phone") view=TrackPhonePage/>
                    <Route path=path!("/track/phone/:step") view=TrackPhonePage/>
                    <Route path=path!("/track/cases/:reference") view=TrackPage/>
                    <Route path=path!("/track/cases/:reference/print") view=crate::track::print::PrintCasePage/>
                    <Route path=path!("/apply/:token/:step") view=ApplyStepPage/>
                    <Route path=path!("/outreach") view=OutreachPage/>
                    <Route path=path!("/policies") view=PolicyListPage/>
                    <Route path=path!("/policies/:slug") view=PolicyPage/>
                    <Route path=path!("/staff/login") view=StaffSignInPage/>
                    <Route path=path!("/staff/login/code") view=StaffSignInPage/>
                    <Route path=path!("/staff/login/enrol") view=StaffSignInPage/>
                    <Route path=path!("/staff/login/new-password") view=StaffSignInPage/>
                    <Route path=path!("/staff/account") view=StaffAccountPage/>
                    <Route path=path!("/staff/accounts") view=StaffAccountsPage/>
                    <Route path=path!("/staff/sign-ins") view=StaffSignInHistoryPage/>
                    <Route path=path!("/staff") view=StaffWorkspacePage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/cases/:reference") view=StaffCasePage/>
                    <Route path=path!("/staff/dashboard") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/events") view=StaffEventsPage/>
                    <Route path=path!("/staff/discovery") view=DiscoveryPage/>
                    <Route path=path!("/staff/discovery/imports/:id") view=DiscoveryImportPage/>
                    <Route path=path!("/staff/discovery/township") view=DiscoveryTownshipPage/>
                    <Route path=path!("/staff/discovery/candidates/:id") view=DiscoveryCandidatePage/>
                    <Route path=path!("/staff/recipients") view=StaffRecipientsPage/>
                    <Route path=path!("/staff/duty") view=StaffDutyPage/>
                    <Route path=path!("/windows") view=crate::windows::WindowsPage/>
                    <Route path=path!("/stop") view=StopMessagesPage/>
                    <Route path=path!("/staff/policies") view=PolicyEditorListPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/policies/:slug") view=PolicyEditorPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
