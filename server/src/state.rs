//! What every request handler may reach: the store, the handbook, the standards, the file store
//! and the limits, built once from the configuration when the portal is assembled
//! ([`crate::application::Application`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use handbook::{Handbook, LiveHandbook};
use leptos::prelude::LeptosOptions;
use store::Store;

use crate::config::Config;
use crate::middleware::page_cache::PageCache;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub site_root: PathBuf,
    pub page_cache: PageCache,
    pub handbook: Arc<LiveHandbook>,
    /// The standards for the rules engine (POLICY.md §3.1), each from the date it takes effect.
    pub standards: Arc<casework::InForce<rules::Standards>>,
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
    /// The keys volunteers' phones seal outreach records to and receipts are signed with.
    pub outreach_keys: Arc<crate::outreach_keys::OutreachKeys>,
    /// The bureau's discovery settings (visit deadline, SMS notices, retention).
    pub discovery: crate::discovery::DiscoverySettings,
    /// The price-linkage rules, each from the date it takes effect.
    pub linkage: Arc<casework::InForce<casework::LinkageRules>>,
    /// The township and village service windows.
    pub windows: Arc<handbook::Windows>,
    /// The directory of referral partners.
    pub partners: Arc<casework::Partners>,
    /// The passkey relying party, when the portal knows its public address.
    pub passkeys: Option<Arc<webauthn_rs::Webauthn>>,
    /// Volunteers sign in without a second factor (`PORTAL_VOLUNTEER_SECOND_FACTOR=optional`).
    pub volunteers_without_second_factor: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The standards in force today, for the self-check, the application pages and the API.
    pub fn standards_today(&self) -> rules::Standards {
        *self.standards.at(self.store.clock().now())
    }

    /// Fails only on a file store setting that cannot work (see `Config::s3_settings`), or an
    /// outreach key that cannot be read or made.
    pub fn new(
        config: &Config,
        store: Store,
        handbook: Handbook,
        standards: casework::InForce<rules::Standards>,
    ) -> Result<Self, crate::cli::CliError> {
        let leptos_options = LeptosOptions::builder()
            .output_name("portal")
            .site_root(config.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .env(leptos::config::Env::PROD)
            .build();
        let standards = Arc::new(standards);
        let windows = Arc::new(crate::content::load_windows(
            &config.content_dir,
            &handbook,
        )?);
        let files = crate::file_store::open(config, &store)?;
        let outreach_keys = Arc::new(config.load_outreach_keys()?);
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
            outreach_keys,
            discovery: config.discovery(),
            linkage: Arc::new(crate::application::load_linkage_rules(config)?),
            partners: Arc::new(crate::application::load_partners(config)?),
            volunteers_without_second_factor: config.volunteer_second_factor == "optional",
            passkeys: crate::application::load_passkeys(config)?.map(Arc::new),
            windows,
        })
    }
}
