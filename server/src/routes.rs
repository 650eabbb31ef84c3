//! The route table: the pages, the server functions, the JSON API, the health checks and the
//! files, without the layers around them ([`crate::router::build_router`]). The prefixes of the
//! pages the server prepares itself are declared here once; the Leptos route list, the no-store
//! rule and the upload body limit all read them from here.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::state::AppState;

/// Application drafts (`/apply/{token}/{step}` and their uploads), served by
/// [`crate::apply_pages`].
pub const DRAFT_PAGES: &str = "/apply/";
/// A case as staff see it (`/staff/cases/{reference}` and its actions), served by
/// [`crate::case_pages`].
pub const CASE_PAGES: &str = "/staff/cases/";
/// The tracking pages below `/track/` (by phone, and cases opened in this browser), served by
/// [`crate::track_phone`] and [`crate::track_cases`].
pub const TRACK_PAGES: &str = "/track/";
/// The cases a resident opened in this browser (their page, withdrawal and uploads).
pub const TRACKED_CASES: &str = "/track/cases/";
/// The staff pages (and, below [`crate::api`], their server functions).
pub const STAFF_PAGES: &str = "/staff";

/// Whether the server prepares the page at `path` in a handler of its own (reading the draft,
/// the case or the session first), so the Leptos route list leaves it alone.
pub fn prepared_by_the_server(path: &str) -> bool {
    path.starts_with(DRAFT_PAGES)
        || path.starts_with(CASE_PAGES)
        || path.starts_with(TRACK_PAGES)
        || path == app::staff::EVENTS_PAGE
        || path == app::outreach::OUTREACH_PAGE
        || path.starts_with(app::staff::DISCOVERY_PAGE)
        || path == app::staff::STOP_PAGE
        || path.starts_with(app::staff::RECIPIENTS_PAGE)
        || path == app::staff::DUTY_PAGE
        || path == app::windows::WINDOWS_PAGE
        || path == app::staff::SIGN_IN_PAGE
        || path.starts_with("/staff/login/")
        || path == app::staff::ACCOUNT_PAGE
        || path == app::staff::ACCOUNTS_PAGE
        || path == app::staff::SIGN_IN_HISTORY
}

/// The pages, server functions, health checks and files, without the outer layers.
pub fn routes(state: &AppState) -> Router<AppState> {
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(crate::api::routes())
        .route("/check", post(crate::posted_pages::render))
        .route("/apply/start", post(crate::apply_pages::start))
        .route("/track", post(crate::track_page::lookup))
        .route(
            app::staff::SIGN_IN_PAGE,
            get(crate::staff_sign_in::show_password).post(crate::staff_sign_in::check_password),
        )
        .route(
            app::staff::CODE_PAGE,
            get(crate::staff_sign_in::show_code).post(crate::staff_sign_in::check_code),
        )
        .route(
            app::staff::ENROL_PAGE,
            get(crate::staff_sign_in::show_enrolment).post(crate::staff_sign_in::confirm_enrolment),
        )
        .route(
            app::staff::NEW_PASSWORD_PAGE,
            get(crate::staff_sign_in::show_new_password)
                .post(crate::staff_sign_in::set_new_password),
        )
        .route(
            app::staff::SIGN_OUT_PATH,
            post(crate::staff_sign_in::sign_out),
        )
        .route(app::staff::ACCOUNT_PAGE, get(crate::staff_account::show))
        .route(
            app::staff::CHANGE_PASSWORD,
            post(crate::staff_account::change_password),
        )
        .route(
            app::staff::NEW_RECOVERY_CODES,
            post(crate::staff_account::make_recovery_codes),
        )
        .route(
            "/staff/account/sessions/{id}/end",
            post(crate::staff_account::end_session),
        )
        .route(
            app::staff::PASSKEY_OPTIONS,
            post(crate::passkeys::registration_options),
        )
        .route(app::staff::PASSKEYS, post(crate::passkeys::register))
        .route(
            "/staff/account/passkeys/{id}/remove",
            post(crate::passkeys::remove),
        )
        .route(
            app::staff::PASSKEY_SIGN_IN_OPTIONS,
            post(crate::passkeys::sign_in_options),
        )
        .route(app::staff::PASSKEY_SIGN_IN, post(crate::passkeys::sign_in))
        .route(
            app::staff::ACCOUNTS_PAGE,
            get(crate::staff_account::show_accounts),
        )
        .route(
            "/staff/accounts/{id}/{action}",
            post(crate::staff_account::act_on_account),
        )
        .route(
            app::staff::SIGN_IN_HISTORY,
            get(crate::staff_account::show_history),
        )
        .route("/staff/cases/{reference}", get(crate::case_pages::show))
        .route(
            app::staff::EVENTS_PAGE,
            get(crate::outreach_pages::show).post(crate::outreach_pages::create),
        )
        .route(
            app::outreach::OUTREACH_PAGE,
            get(crate::outreach_desk::show),
        )
        .route(
            app::staff::DISCOVERY_PAGE,
            get(crate::discovery::pages::show),
        )
        .route(
            app::staff::DISCOVERY_IMPORTS,
            // The body-limit middleware gives department files their own cap.
            post(crate::discovery::pages::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/staff/discovery/imports/{id}",
            get(crate::discovery::pages::report),
        )
        .route(
            app::staff::DISCOVERY_RUNS,
            post(crate::discovery::pages::start_run),
        )
        .route(
            app::staff::DISCOVERY_TOWNSHIP,
            get(crate::discovery::pages::township),
        )
        .route(
            "/staff/discovery/candidates/{id}",
            get(crate::discovery::pages::candidate).post(crate::discovery::pages::record_visit),
        )
        .route(app::staff::RECIPIENTS_PAGE, get(crate::recipients::show))
        .route("/staff/recipients/runs", post(crate::recipients::start_run))
        .route(app::windows::WINDOWS_PAGE, get(crate::windows::show))
        .route(app::staff::DUTY_PAGE, get(crate::duty::show))
        .route("/staff/duty/{id}", post(crate::duty::set))
        .route(
            "/staff/cases/{reference}/referrals/{id}",
            post(crate::case_pages::referral_outcome),
        )
        .route(app::staff::PRICES, post(crate::prices::enter))
        .route(app::staff::PRICE_FILES, post(crate::prices::upload))
        .route(
            "/staff/recipients/warnings/{id}",
            post(crate::recipients::decide),
        )
        .route(
            app::staff::DISCOVERY_FUNNEL_CSV,
            get(crate::discovery::pages::funnel_csv),
        )
        .route(
            app::staff::STOP_PAGE,
            get(crate::discovery::pages::stop_form).post(crate::discovery::pages::stop),
        )
        .route(
            crate::outreach_sync::OUTREACH_KEYS,
            get(crate::outreach_sync::keys),
        )
        .route(
            crate::outreach_sync::OUTREACH_SYNC,
            // The body-limit middleware gives the sync its own cap.
            post(crate::outreach_sync::sync).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/staff/cases/{reference}/act", post(crate::case_pages::act))
        .route(
            "/staff/cases/{reference}/message",
            post(crate::case_pages::message),
        )
        .route(
            "/staff/cases/{reference}/uploads/{n}",
            get(crate::case_pages::upload),
        )
        .route(
            "/track/phone",
            get(crate::track_phone::form).post(crate::track_phone::request_code),
        )
        .route("/track/phone/code", post(crate::track_phone::check_code))
        .route("/track/phone/cases", get(crate::track_phone::cases))
        .route("/track/cases/{reference}", get(crate::track_cases::show))
        .route(
            "/track/cases/{reference}/print",
            get(crate::track_print::show),
        )
        .route(
            "/track/cases/{reference}/hardship",
            post(crate::track_cases::hardship),
        )
        .route(
            "/staff/cases/{reference}/deliberation",
            post(crate::case_pages::deliberation),
        )
        .route(
            "/track/cases/{reference}/withdraw",
            post(crate::track_cases::withdraw),
        )
        .route(
            "/track/cases/{reference}/transfer",
            post(crate::track_cases::transfer),
        )
        .route(
            "/track/cases/{reference}/missing-payment",
            post(crate::track_cases::missing_payment),
        )
        .route(
            "/track/cases/{reference}/upload",
            post(crate::track_cases::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/apply/{token}/upload",
            // The body-limit middleware caps uploads; axum's own 2 MB default would cut photos.
            post(crate::apply_pages::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/apply/{token}/{step}",
            get(crate::apply_pages::show).post(crate::apply_pages::answer),
        )
        .leptos_routes_with_context(
            state,
            generate_route_list(app::App)
                .into_iter()
                .filter(|route| !prepared_by_the_server(route.path()))
                .collect(),
            services_for_pages(state),
            move || app::shell(options.clone()),
        )
        .fallback(file_or_not_found)
}

/// What the pages and server functions may use, put in their context for each request.
pub(crate) fn services_for_pages(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let store = state.store.clone();
    let handbook = state.handbook.clone();
    let standards = state.standards.clone();
    move || {
        // The pages get the standards in force today.
        provide_context(std::sync::Arc::new(*standards.at(store.clock().now())));
        provide_context(store.clone());
        provide_context(handbook.current());
        provide_context(handbook.clone());
    }
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// A built or public file when one exists at the path, else the app's "not found" page.
async fn file_or_not_found(State(state): State<AppState>, request: Request) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let (parts, _) = request.into_parts();
        let probe = Request::from_parts(parts.clone(), Body::empty());
        let files = ServeDir::new(&state.site_root)
            .precompressed_br()
            .precompressed_gzip();
        let Ok(response) = files.oneshot(probe).await;
        if response.status() != StatusCode::NOT_FOUND {
            let mut response = response.into_response();
            // Unversioned names: the browser keeps a copy but asks whether it changed.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            if parts.uri.path() == "/sw.js" {
                // A worker's own fetches obey the CSP its script was served with; it loads the
                // outreach desk's storage and sending code (`/outreach.js`) for Background Sync.
                response.headers_mut().insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; connect-src 'self'; script-src 'self'",
                    ),
                );
            }
            return response;
        }
        return crate::posted_pages::render_page(&state, parts).await;
    }
    StatusCode::NOT_FOUND.into_response()
}
