//! Spawns the real router on port 0 over a fresh database, and talks to it over HTTP.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use server::router::{self, AppState};
use server::Config;
use store::clock::ManualClock;
use store::staff::{NewStaffUser, Role};
use store::testing::TestDatabase;
use store::{County, Store};

pub struct TestServer {
    pub base: String,
    pub store: Store,
    pub clock: ManualClock,
    pub client: reqwest::Client,
    /// The database itself, for tests that change it behind the portal's back.
    pub db: TestDatabase,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _handbook_follower: AbortOnDrop,
}

/// Stops a background task with the test server it belongs to.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl TestServer {
    pub async fn start(db: TestDatabase) -> Self {
        Self::start_with(db, |routes| routes).await
    }

    /// Starts with extra routes added inside all the layers (e.g. one that panics).
    pub async fn start_with(
        db: TestDatabase,
        extra: impl FnOnce(Router<AppState>) -> Router<AppState>,
    ) -> Self {
        Self::start_configured(db, |_| {}, extra).await
    }

    /// Starts with settings changed from `Config::for_tests` (e.g. a tiny allowance).
    pub async fn start_with_config(db: TestDatabase, configure: impl FnOnce(&mut Config)) -> Self {
        Self::start_configured(db, configure, |routes| routes).await
    }

    /// A second instance over this server's database and clock, as a second process of the
    /// portal behind the same proxy would be. This server must outlive it.
    pub async fn start_beside(&self) -> Self {
        Self::start_on(
            self.db.another_handle(),
            self.clock.clone(),
            |_| {},
            |routes| routes,
        )
        .await
    }

    /// Like [`Self::start_beside`], with settings changed from `Config::for_tests`.
    pub async fn start_beside_with_config(&self, configure: impl FnOnce(&mut Config)) -> Self {
        Self::start_on(
            self.db.another_handle(),
            self.clock.clone(),
            configure,
            |routes| routes,
        )
        .await
    }

    /// Starts with settings changed and extra routes added.
    pub async fn start_configured(
        db: TestDatabase,
        configure: impl FnOnce(&mut Config),
        extra: impl FnOnce(Router<AppState>) -> Router<AppState>,
    ) -> Self {
        let clock = ManualClock::new(time::OffsetDateTime::now_utc());
        Self::start_on(db, clock, configure, extra).await
    }

    async fn start_on(
        db: TestDatabase,
        clock: ManualClock,
        configure: impl FnOnce(&mut Config),
        extra: impl FnOnce(Router<AppState>) -> Router<AppState>,
    ) -> Self {
        let store = db.store_with_clock(Arc::new(clock.clone())).await;
        let mut config = Config::for_tests(db.url.clone());
        configure(&mut config);
        let handbook = router::load_handbook(&config, &store)
            .await
            .expect("the repository's handbook content");
        let standards = router::load_standards(&config).expect("the sample standards");
        let state = AppState::new(&config, store.clone(), handbook, standards)
            .expect("the file store settings");
        // As `server serve` does, but looking more often: tests wait for an edit saved elsewhere.
        let follower = server::handbook_follower::spawn(
            config.clone(),
            store.clone(),
            state.handbook.clone(),
            std::time::Duration::from_millis(200),
        );
        let app = router::build_router(extra(router::routes(&state)), state, &config);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let running = router::serve(&config, app, async {
            let _ = rx.await;
        })
        .await
        .expect("bind a port");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Self {
            base: format!("http://{}", running.address),
            store,
            clock,
            client,
            db,
            _shutdown: tx,
            _handbook_follower: AbortOnDrop(follower),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn origin(&self) -> &str {
        &self.base
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// A GET carrying cookies, as a browser that has them sends it.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("GET")
    }

    /// A form post as a browser sends it from one of our pages (JS off).
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(path))
            .header("origin", self.origin())
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", self.url("/"))
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("POST")
    }

    /// Creates a staff account, signs it in, and returns the session cookie (`name=value`).
    pub async fn staff_session(&self, username: &str, role: Role, county: County) -> String {
        self.create_staff(username, role, county).await;
        self.sign_in(username).await
    }

    /// Signs an existing staff account in; the session cookie (`name=value`).
    pub async fn sign_in(&self, username: &str) -> String {
        let signed_in = self
            .post_form(
                "/api/staff/login",
                &[("username", username), ("password", PASSWORD)],
                None,
            )
            .await;
        let set_cookie =
            cookie(&signed_in, server::sessions::COOKIE_NAME).expect("a session cookie");
        set_cookie.split(';').next().unwrap_or_default().to_owned()
    }

    pub async fn create_staff(&self, username: &str, role: Role, county: County) {
        self.store
            .create_staff_user(NewStaffUser {
                username: username.parse().unwrap(),
                display_name: format!("测试{username}"),
                role,
                county,
                password: PASSWORD.parse().unwrap(),
            })
            .await
            .expect("create a staff account");
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

/// The `name=value` of a Set-Cookie header for `name`, if the response sets it.
pub fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

pub fn location(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Runs the server binary with these arguments and settings, under the test databases' key
/// (store::testing::test_data_key as base64): whether it succeeded, and what it printed.
pub fn run_server(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env(
            "PORTAL_DATA_KEY",
            "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=",
        )
        .envs(env.iter().copied())
        .output()
        .expect("run the server binary");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}
