//! The portal assembled in one place: the standards, the workflow limits, the store and the
//! handbook are loaded, the request state built, the background tasks started (housekeeping, the
//! handbook follower, the SMS dispatcher), the route table wrapped in its layers and the address
//! bound. `server serve` and the integration tests both go through [`Application::build`]; what
//! differs between them (an already opened store on a test clock, extra routes, a quicker
//! handbook follower, no SMS sent in the background) is said in [`Options`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use casework::WorkflowLimits;
use handbook::Handbook;
use store::{Clock, Store, SystemClock};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::cli::CliError;
use crate::config::Config;
use crate::state::AppState;

/// Routes added inside every layer, beside the portal's own (a test's deliberate panic, say).
type ExtraRoutes = Box<dyn FnOnce(Router<AppState>) -> Router<AppState> + Send>;

/// Where the store comes from.
enum StoreSource {
    /// Connected and migrated from the configuration, on this clock, with the data key checked.
    Open(Arc<dyn Clock>),
    /// Opened already by the caller.
    Opened(Store),
}

/// Who sends the SMS queued in the outbox, in the background.
enum Outbox {
    /// The gateway the configuration names, or the log when it names none.
    FromConfig,
    /// Nobody: the outbox is left to whoever calls [`crate::notifications::dispatch_due`].
    Off,
}

/// How the portal is assembled: [`Options::in_service`] for `server serve`,
/// [`Options::over_store`] for a portal inside a test process.
pub struct Options {
    store: StoreSource,
    extra_routes: Option<ExtraRoutes>,
    handbook_every: Duration,
    outbox: Outbox,
    housekeeping: bool,
    prepare_site: bool,
}

impl Options {
    /// As `server serve` runs: the store opened from the configuration on the system clock, the
    /// file store checked, the site's files precompressed, and housekeeping, the handbook
    /// follower and the SMS dispatcher in the background.
    pub fn in_service() -> Self {
        Self {
            store: StoreSource::Open(Arc::new(SystemClock)),
            extra_routes: None,
            handbook_every: crate::handbook_follower::EVERY,
            outbox: Outbox::FromConfig,
            housekeeping: true,
            prepare_site: true,
        }
    }

    /// Over a store the caller opened (on its own clock): only the handbook follower runs in the
    /// background; the outbox, the expired sessions and the stale drafts are left to the caller,
    /// and the file store and the site's files are taken as they are.
    pub fn over_store(store: Store) -> Self {
        Self {
            store: StoreSource::Opened(store),
            extra_routes: None,
            handbook_every: crate::handbook_follower::EVERY,
            outbox: Outbox::Off,
            housekeeping: false,
            prepare_site: false,
        }
    }

    /// Adds routes inside all the layers, beside the portal's own.
    pub fn with_routes(
        mut self,
        extra: impl FnOnce(Router<AppState>) -> Router<AppState> + Send + 'static,
    ) -> Self {
        self.extra_routes = Some(Box::new(extra));
        self
    }

    /// How often the handbook follower looks for edits saved on other instances.
    pub fn follow_handbook_every(mut self, every: Duration) -> Self {
        self.handbook_every = every;
        self
    }
}

/// Background tasks that stop when this is dropped.
#[derive(Default)]
struct BackgroundTasks(Vec<JoinHandle<()>>);

impl Drop for BackgroundTasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// The assembled portal, its address bound, not yet answering.
pub struct Application {
    config: Config,
    state: AppState,
    router: Router,
    listener: TcpListener,
    address: SocketAddr,
    background: BackgroundTasks,
}

impl Application {
    /// Loads, opens, builds and binds everything the portal needs, and starts its background
    /// tasks. Fails on a standards, workflow or content file that does not load, a database that
    /// cannot be opened (or is sealed with another data key), a file store or SMS gateway setting
    /// that cannot work, or an address that cannot be bound.
    pub async fn build(config: Config, options: Options) -> Result<Self, CliError> {
        let standards = load_standards(&config)?;
        let sms = match options.outbox {
            Outbox::FromConfig => Some(crate::notifications::provider_from(&config)?),
            Outbox::Off => None,
        };
        let store = match options.store {
            StoreSource::Open(clock) => open_store(&config, clock).await?,
            StoreSource::Opened(store) => store,
        };
        let handbook = load_handbook(&config, &store).await?;
        if options.prepare_site {
            crate::file_store::check_at_start(&config).await?;
        }
        let state = AppState::new(&config, store.clone(), handbook, standards)?;
        if options.prepare_site {
            let site_root = config.site_root.clone();
            tokio::task::spawn_blocking(move || {
                match crate::static_files::precompress(&site_root) {
                    Ok(n) if n > 0 => tracing::info!(files = n, "compressed the site's files"),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "could not precompress the site's files; they are compressed per request")
                    }
                }
            });
        }

        let mut background = BackgroundTasks::default();
        if options.housekeeping {
            background.0.push(spawn_housekeeping(
                store.clone(),
                state.files.clone(),
                state.discovery.retention_days,
            ));
        }
        background.0.push(crate::handbook_follower::spawn(
            config.clone(),
            store.clone(),
            state.handbook.clone(),
            options.handbook_every,
        ));
        if options.housekeeping {
            background
                .0
                .push(crate::duty::spawn_follow_through(store.clone()));
        }
        if let Some(sms) = sms {
            background.0.push(crate::notifications::spawn_dispatcher(
                store.clone(),
                sms,
                config.sms_lease_seconds,
            ));
        }

        let routes = crate::routes::routes(&state);
        let routes = match options.extra_routes {
            Some(extra) => extra(routes),
            None => routes,
        };
        let router = crate::router::build_router(routes, state.clone(), &config);
        let listener = TcpListener::bind(config.addr).await?;
        let address = listener.local_addr()?;
        Ok(Self {
            config,
            state,
            router,
            listener,
            address,
            background,
        })
    }

    /// Where the portal listens (the configured address, with the port chosen when it was 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The configuration it was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What the request handlers share: the store, the handbook, the limits.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Answers requests until `shutdown` resolves and the requests in flight have finished; the
    /// background tasks stop then.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Self {
            router,
            listener,
            background,
            ..
        } = self;
        // Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm holds
        // the second back until the client's delayed ACK (~40 ms per response).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        });
        let served = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        drop(background);
        served
    }

    /// Answers requests on a task of its own, for a caller that goes on (a test); see [`Running`].
    pub fn spawn(mut self) -> Running {
        let address = self.address;
        let background = std::mem::take(&mut self.background);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(self.serve(async {
            let _ = stopped.await;
        }));
        Running {
            address,
            task,
            stop: Some(stop),
            _background: background,
        }
    }
}

/// A portal answering on a task of its own. Dropping it stops the background tasks at once and
/// lets the requests in flight finish; [`Running::shut_down`] also waits for them.
pub struct Running {
    address: SocketAddr,
    task: JoinHandle<std::io::Result<()>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _background: BackgroundTasks,
}

impl Running {
    /// Where it answers.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops answering, waits for the requests in flight, and stops the background tasks.
    pub async fn shut_down(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }
}

/// Background upkeep: drop expired sessions and staff sign-ins over long ago (the audit log keeps
/// them); remove stale drafts with their files; delete
/// discovery data past its retention limit; forget the rate-limit windows that are over.
fn spawn_housekeeping(
    store: Store,
    files: Arc<dyn uploads::FileStore>,
    discovery_retention_days: i64,
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
            match store.delete_old_sign_ins().await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "old staff sign-ins removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove old staff sign-ins"),
            }
            match crate::document_upload::remove_stale_drafts(&store, files.as_ref()).await {
                Ok((0, 0)) => {}
                Ok((drafts, deleted)) => {
                    tracing::info!(drafts, files = deleted, "stale application drafts removed")
                }
                Err(e) => tracing::warn!(error = %e, "could not remove stale drafts"),
            }
            match store.purge_discovery(discovery_retention_days).await {
                Ok(p) if p.records + p.candidates_erased > 0 => tracing::info!(
                    records = p.records,
                    candidates = p.candidates_erased,
                    "discovery data past the retention limit removed"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove old discovery data"),
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
pub async fn load_handbook(config: &Config, store: &Store) -> Result<Handbook, CliError> {
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

/// The standards file named by the configuration (one year's standards, or a list of them with
/// the dates they take effect), or the sample standards built in.
pub fn load_standards(config: &Config) -> Result<casework::InForce<rules::Standards>, CliError> {
    let Some(path) = &config.standards_file else {
        return Ok(casework::sample_standards());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Standards(format!("cannot read {}: {e}", path.display())))?;
    casework::read_standards(&text)
        .map_err(|e| CliError::Standards(format!("{}: {e}", path.display())))
}

/// The price-linkage rules file named by the configuration, or the national sample built in.
pub fn load_linkage_rules(
    config: &Config,
) -> Result<casework::InForce<casework::LinkageRules>, CliError> {
    let Some(path) = &config.price_linkage_file else {
        return Ok(casework::sample_linkage_rules());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Prices(format!("cannot read {}: {e}", path.display())))?;
    casework::read_linkage_rules(&text)
        .map_err(|e| CliError::Prices(format!("{}: {e}", path.display())))
}

/// The passkey relying party for the portal's public address, when it is configured.
pub fn load_passkeys(config: &Config) -> Result<Option<webauthn_rs::Webauthn>, CliError> {
    let Some(origin) = config
        .public_origin
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    else {
        return Ok(None);
    };
    let url =
        url::Url::parse(origin).map_err(|e| CliError::PublicOrigin(format!("{origin:?}: {e}")))?;
    let host = url
        .domain()
        .ok_or_else(|| {
            CliError::PublicOrigin(format!(
                "{origin:?} names no domain (passkeys cannot be bound to an IP address; use localhost on one's own machine)"
            ))
        })?
        .to_owned();
    if url.path() != "/" || url.query().is_some() {
        return Err(CliError::PublicOrigin(format!(
            "{origin:?}: give the address without a path"
        )));
    }
    webauthn_rs::WebauthnBuilder::new(&host, &url)
        .and_then(|builder| builder.rp_name("济时救").build())
        .map(Some)
        .map_err(|e| CliError::PublicOrigin(format!("{origin:?}: {e}")))
}

/// The referral partners named by the configuration, or the sample directory built in.
pub fn load_partners(config: &Config) -> Result<casework::Partners, CliError> {
    let Some(path) = &config.partners_file else {
        return Ok(casework::sample_partners());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Partners(format!("cannot read {}: {e}", path.display())))?;
    casework::read_partners(&text)
        .map_err(|e| CliError::Partners(format!("{}: {e}", path.display())))
}

/// The workflow limits file named by the configuration, or the sample limits built in. The
/// operator is warned when the calendar lacks the public holidays of a year that deadlines set
/// now reach.
pub fn load_workflow_limits(
    config: &Config,
    now: time::OffsetDateTime,
) -> Result<WorkflowLimits, CliError> {
    let limits = match &config.workflow_file {
        None => WorkflowLimits::sample_2026(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::Workflow(format!("cannot read {}: {e}", path.display())))?;
            WorkflowLimits::from_json(&text)
                .map_err(|e| CliError::Workflow(format!("{}: {e}", path.display())))?
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
pub async fn open_store(config: &Config, clock: Arc<dyn Clock>) -> Result<Store, CliError> {
    let store = open_store_unchecked(config, clock).await?;
    store.verify_data_key().await?;
    Ok(store)
}

/// [`open_store`] without the data key check, for `rotate-key`, which checks the old and the new
/// key itself (a rotation interrupted after its last step is under the new key already).
pub async fn open_store_unchecked(
    config: &Config,
    clock: Arc<dyn Clock>,
) -> Result<Store, CliError> {
    let limits = load_workflow_limits(config, clock.now())?;
    let data_key = config.load_data_key().map_err(store::StoreError::from)?;
    let store = Store::connect(&config.database_url, clock, data_key)
        .await?
        .with_workflow_limits(limits);
    store.migrate().await?;
    Ok(store)
}
