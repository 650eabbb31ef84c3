//! The application's routes and the layers around them, and the listening server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use handbook::{Handbook, LiveHandbook};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use store::applications::WorkflowLimits;
use store::{Clock, Store};
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::middleware::page_cache::{self, PageCache};
use crate::middleware::{
    errors, login_throttle, no_store, same_origin, security_headers, throttle,
};

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub site_root: PathBuf,
    pub page_cache: PageCache,
    pub handbook: Arc<LiveHandbook>,
    /// The year's standards for the rules engine (POLICY.md §3.1).
    pub standards: Arc<rules::Standards>,
    /// Where uploaded document photos are kept (sealed before they leave the process).
    pub files: Arc<dyn uploads::FileStore>,
    pub upload_policy: uploads::UploadPolicy,
    /// The limits on guessing and flooding, shared by every instance through the database.
    pub limits: crate::limits::Limits,
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<crate::client::TrustedProxies>,
    /// Decoding slots for uploaded photos, shared by every upload route of this process.
    pub decodes: Arc<tokio::sync::Semaphore>,
    /// How long an upload waits for a decoding slot.
    pub decode_wait: Duration,
    /// What one draft, and one case's to-do list, may hold.
    pub upload_allowance: store::UploadAllowance,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Fails only on a file store setting that cannot work (see `Config::s3_settings`).
    pub fn new(
        config: &Config,
        store: Store,
        handbook: Handbook,
        standards: rules::Standards,
    ) -> Result<Self, crate::cli::CliError> {
        let leptos_options = LeptosOptions::builder()
            .output_name("portal")
            .site_root(config.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .env(leptos::config::Env::PROD)
            .build();
        let standards = Arc::new(standards);
        let files = crate::file_store::open(config, &store)?;
        Ok(Self {
            leptos_options,
            limits: crate::limits::Limits::from_config(config, store.clone()),
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            // The store checks advance help against these standards' cap, as the pages show it.
            store: store.with_standards(standards.clone()),
            site_root: config.site_root.clone(),
            page_cache: PageCache::default(),
            handbook: Arc::new(LiveHandbook::new(handbook)),
            standards,
            files,
            upload_policy: uploads::UploadPolicy {
                max_bytes: config.max_upload_bytes,
            },
            decodes: Arc::new(tokio::sync::Semaphore::new(config.decode_slots())),
            decode_wait: Duration::from_secs(config.upload_decode_wait_seconds),
            upload_allowance: config.upload_allowance(),
        })
    }
}

/// The tracking pages below `/track/` (by phone, and cases opened in this browser): the server
/// prepares each of them, so the Leptos route list leaves them to their handlers.
const TRACK_PAGES: &str = "/track/";

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
        .route("/staff/cases/{reference}", get(crate::case_pages::show))
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
            "/track/cases/{reference}/withdraw",
            post(crate::track_cases::withdraw),
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
                .filter(|route| {
                    !route.path().starts_with(crate::apply_pages::DRAFT_PAGES)
                        && !route.path().starts_with(crate::case_pages::CASE_PAGES)
                        && !route.path().starts_with(TRACK_PAGES)
                })
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
        provide_context(store.clone());
        provide_context(standards.clone());
        provide_context(handbook.current());
        provide_context(handbook.clone());
    }
}

/// Wraps routes in the layers every request passes through. Tests add their own routes first.
pub fn build_router(routes: Router<AppState>, state: AppState, config: &Config) -> Router {
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.limits.clone(),
            login_throttle::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.limits.clone(),
            throttle::one_time_codes,
        ))
        // Outside every limit: works out the client key each of them counts by.
        .layer(axum::middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            crate::client::identify,
        ))
        .layer(crate::sessions::layer(state.store.clone()))
        .layer(axum::middleware::from_fn_with_state(
            crate::middleware::body_limit::BodyLimits::from_config(config),
            crate::middleware::body_limit::limit,
        ))
        .layer(axum::middleware::from_fn(errors::explain_too_large))
        .layer(axum::middleware::from_fn(same_origin::check))
        .layer(axum::middleware::from_fn_with_state(
            (state.page_cache.clone(), state.handbook.clone()),
            page_cache::serve,
        ))
        // Outside the page cache and the session layer: sees every answer and the session cookie.
        .layer(axum::middleware::from_fn(no_store::apply))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .with_state(state)
        .layer(tower::util::MapResponseLayer::new(security_headers::apply))
        .layer(CatchPanicLayer::custom(errors::panic_response))
        // Outside every layer that may refuse a request, so the API answers all its errors as JSON.
        .layer(axum::middleware::from_fn(crate::api::errors::as_json))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
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
                // A worker's own fetches obey the CSP its script was served with.
                response.headers_mut().insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; connect-src 'self'"),
                );
            }
            return response;
        }
        return crate::posted_pages::render_page(&state, parts).await;
    }
    StatusCode::NOT_FOUND.into_response()
}

/// A server that is listening; `address` tells where.
pub struct Running {
    pub address: SocketAddr,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds the configured address and serves `router` until `shutdown` resolves.
pub async fn serve(
    config: &Config,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let address = listener.local_addr()?;
    // Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm holds
    // the second back until the client's delayed ACK (~40 ms per response).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    });
    Ok(Running { address, task })
}

/// Background upkeep: drop expired sessions; remove stale drafts with their files; forget the
/// rate-limit windows that are over.
pub fn spawn_housekeeping(
    store: Store,
    files: Arc<dyn uploads::FileStore>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match store.delete_expired_sessions().await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
            }
            match crate::document_upload::remove_stale_drafts(&store, files.as_ref()).await {
                Ok((0, 0)) => {}
                Ok((drafts, deleted)) => {
                    tracing::info!(drafts, files = deleted, "stale application drafts removed")
                }
                Err(e) => tracing::warn!(error = %e, "could not remove stale drafts"),
            }
            match store.sweep_rate_limits().await {
                Ok(n) if n > 0 => tracing::debug!(removed = n, "old rate-limit counters removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove old rate-limit counters"),
            }
        }
    })
}

/// The handbook from the content files with the administrators' saved edits on top. An edit that
/// no longer fits the files (say, its category was removed) is left out with an error in the log.
pub async fn load_handbook(
    config: &Config,
    store: &Store,
) -> Result<Handbook, crate::cli::CliError> {
    let mut handbook = crate::content::load_handbook(&config.content_dir)?;
    for (slug, content) in store.latest_policy_versions().await? {
        let edited = serde_json::from_str::<handbook::Policy>(&content)
            .map_err(|e| e.to_string())
            .and_then(|policy| {
                handbook
                    .with_policy(policy, &format!("saved edit of {slug}"))
                    .map_err(|e| e.to_string())
            });
        match edited {
            Ok(with_edit) => handbook = with_edit,
            Err(problem) => {
                tracing::error!(%slug, %problem, "a saved policy edit no longer fits the content; serving the file version")
            }
        }
    }
    Ok(handbook)
}

/// The standards file named by the configuration, or the sample standards built in.
pub fn load_standards(config: &Config) -> Result<rules::Standards, crate::cli::CliError> {
    let Some(path) = &config.standards_file else {
        return Ok(rules::Standards::sample_2026());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::cli::CliError::Standards(format!("cannot read {}: {e}", path.display()))
    })?;
    rules::Standards::from_json(&text)
        .map_err(|e| crate::cli::CliError::Standards(format!("{}: {e}", path.display())))
}

/// The workflow limits file named by the configuration, or the sample limits built in. The
/// operator is warned when the calendar lacks the public holidays of a year that deadlines set
/// now reach.
pub fn load_workflow_limits(
    config: &Config,
    now: time::OffsetDateTime,
) -> Result<WorkflowLimits, crate::cli::CliError> {
    let limits = match &config.workflow_file {
        None => WorkflowLimits::sample_2026(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                crate::cli::CliError::Workflow(format!("cannot read {}: {e}", path.display()))
            })?;
            WorkflowLimits::from_json(&text)
                .map_err(|e| crate::cli::CliError::Workflow(format!("{}: {e}", path.display())))?
        }
    };
    for year in limits.missing_years_ahead(now) {
        tracing::warn!(
            year,
            "the workflow calendar has no public holidays for a year that deadlines set now reach: they skip weekends only there; add the year's holidays (PORTAL_WORKFLOW_FILE)"
        );
    }
    Ok(limits)
}

/// Connects and migrates the database named by the configuration, with its workflow limits, and
/// checks that the configured data key is the one the database is sealed with.
pub async fn open_store(
    config: &Config,
    clock: Arc<dyn Clock>,
) -> Result<Store, crate::cli::CliError> {
    let store = open_store_unchecked(config, clock).await?;
    store.verify_data_key().await?;
    Ok(store)
}

/// [`open_store`] without the data key check, for `rotate-key`, which checks the old and the new
/// key itself (a rotation interrupted after its last step is under the new key already).
pub async fn open_store_unchecked(
    config: &Config,
    clock: Arc<dyn Clock>,
) -> Result<Store, crate::cli::CliError> {
    let limits = load_workflow_limits(config, clock.now())?;
    let data_key = config.load_data_key().map_err(store::StoreError::from)?;
    let store = Store::connect(&config.database_url, clock, data_key)
        .await?
        .with_workflow_limits(limits);
    store.migrate().await?;
    Ok(store)
}
