//! Spawns the real router on port 0 over a fresh database, and talks to it over HTTP.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use casework::County;
use serde_json::{json, Value};
use server::{AppState, Application, Config, Options, Running};
use store::clock::ManualClock;
use store::staff::{NewStaffUser, Role};
use store::testing::{example_application, TestDatabase};
use store::Store;

pub struct TestServer {
    pub base: String,
    pub store: Store,
    pub clock: ManualClock,
    pub client: reqwest::Client,
    /// The database itself, for tests that change it behind the portal's back.
    pub db: TestDatabase,
    /// The portal answering; dropping it stops it.
    _running: Running,
}

impl TestServer {
    pub async fn start(db: TestDatabase) -> Self {
        Self::start_with(db, |routes| routes).await
    }

    /// Starts with extra routes added inside all the layers (e.g. one that panics).
    pub async fn start_with(
        db: TestDatabase,
        extra: impl FnOnce(Router<AppState>) -> Router<AppState> + Send + 'static,
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
        extra: impl FnOnce(Router<AppState>) -> Router<AppState> + Send + 'static,
    ) -> Self {
        let clock = ManualClock::new(time::OffsetDateTime::now_utc());
        Self::start_on(db, clock, configure, extra).await
    }

    async fn start_on(
        db: TestDatabase,
        clock: ManualClock,
        configure: impl FnOnce(&mut Config),
        extra: impl FnOnce(Router<AppState>) -> Router<AppState> + Send + 'static,
    ) -> Self {
        let store = db.store_with_clock(Arc::new(clock.clone())).await;
        let mut config = Config::for_tests(db.url.clone());
        configure(&mut config);
        // As `server serve` assembles it, but looking for handbook edits more often: tests wait
        // for an edit saved on another instance.
        let options = Options::over_store(store.clone())
            .with_routes(extra)
            .follow_handbook_every(std::time::Duration::from_millis(200));
        let running = Application::build(config, options)
            .await
            .expect("the portal over the test database (its handbook, standards and file store)")
            .spawn();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Self {
            base: format!("http://{}", running.address()),
            store,
            clock,
            client,
            db,
            _running: running,
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

    /// Posts a page of a form as a browser does (JS off) and expects to be sent on: the next
    /// page's address.
    pub async fn answer(&self, page: &str, form: &[(&str, &str)]) -> String {
        let response = self.post_form(page, form, None).await;
        assert_eq!(
            response.status(),
            303,
            "{page} answered {}",
            response.status()
        );
        location(&response).expect("the next page")
    }

    /// Answers every application page from its first (`who`, at that address) to its last
    /// ("check"), as a resident applying for themselves from `phone`: that last page's address.
    pub async fn fill_in_application(&self, who: &str, phone: &str) -> String {
        let applicant = self.answer(who, &[("who", "self")]).await;
        let programmes = self
            .answer(
                &applicant,
                &[
                    ("name", "张三"),
                    ("id_number", "11010519491231002X"),
                    ("phone", phone),
                    ("county", "rencheng"),
                    ("address", "任城区某街道 1 号"),
                ],
            )
            .await;
        let documents = self.answer(&programmes, &[("programme", "tekun")]).await;
        let photos = self
            .answer(&documents, &[("missing", "household_register")])
            .await;
        let consent = self.answer(&photos, &[]).await;
        let verification = self.answer(&consent, &[("agree", "yes")]).await;
        let sensitive = self.answer(&verification, &[("signed", "0")]).await;
        let notice = self.answer(&sensitive, &[("agree", "yes")]).await;
        let check = self.answer(&notice, &[("agree", "yes")]).await;
        assert!(check.ends_with("/check"), "{check}");
        check
    }

    /// A multipart upload of one photo of `document` to `path`, as a browser without JS sends it.
    pub async fn post_photo(
        &self,
        path: &str,
        document: &str,
        file_name: &str,
        bytes: Vec<u8>,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("document", document.to_owned())
            .part(
                "photo",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            );
        let mut request = self
            .client
            .post(self.url(path))
            .header("origin", self.origin())
            .multipart(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("POST")
    }

    /// Sends an application to `POST /api/v1/applications` (with this idempotency key, if any):
    /// the status and the JSON answer.
    pub async fn post_application(&self, key: Option<&str>, body: &Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url("/api/v1/applications"))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.expect("POST");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A page as a signed-in member of staff gets it, as text.
    pub async fn staff_page(&self, path: &str, cookie: &str) -> String {
        self.get_with_cookie(path, cookie)
            .await
            .text()
            .await
            .expect("a page")
    }

    /// Creates a staff account, signs it in, and returns the session cookie (`name=value`).
    pub async fn staff_session(&self, username: &str, role: Role, county: County) -> String {
        self.create_staff(username, role, county).await;
        self.sign_in(username).await
    }

    /// Signs an existing staff account in with its password and a code of its app (as
    /// [`TestServer::create_staff`] set it up, or set up now for an account made otherwise); the session cookie (`name=value`). A code is
    /// taken once per account and time step, so a later sign-in of the same account takes the
    /// step before or after (both allowed), and after those the clock moves on a step.
    pub async fn sign_in(&self, username: &str) -> String {
        let user = self
            .store
            .staff_user_by_name(username)
            .await
            .expect("read the account")
            .expect("the account");
        if !self
            .store
            .second_factor_enrolled(user.id)
            .await
            .expect("read the account")
        {
            self.store
                .provision_totp(user.id, &test_totp_secret())
                .await
                .expect("set up the account's app");
        }
        let password_step = self.post_sign_in(username, PASSWORD).await;
        assert_eq!(
            location(&password_step).as_deref(),
            Some(app::staff::CODE_PAGE),
            "the password leads to the code"
        );
        let pending = session_cookie(&password_step);
        let secret = test_totp_secret();
        for attempt in 0..6 {
            let now = self.store.clock().now().unix_timestamp();
            let at = now + [0, -30, 30][attempt % 3];
            if attempt == 3 {
                self.clock.advance(time::Duration::seconds(90));
            }
            let code = secret.code_at(at).expect("a code");
            let answer = self.post_code(&pending, &code).await;
            match location(&answer).as_deref() {
                Some("/staff") => return session_cookie(&answer),
                Some(other) if other.ends_with("error=code_replayed") => continue,
                other => panic!("the code step answered {:?} → {other:?}", answer.status()),
            }
        }
        panic!("no time step was free for {username}");
    }

    /// The staff sign-in form posted as a browser posts it (JS off); the answer as it comes.
    pub async fn post_sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        self.post_form(
            app::staff::SIGN_IN_PAGE,
            &[("username", username), ("password", password)],
            None,
        )
        .await
    }

    /// The code step of a sign-in under way in `cookie`'s session.
    pub async fn post_code(&self, cookie: &str, code: &str) -> reqwest::Response {
        self.post_form(app::staff::CODE_PAGE, &[("code", code)], Some(cookie))
            .await
    }

    /// The dibao policy as the public API serves it right now.
    pub async fn served_dibao(&self) -> handbook::Policy {
        self.get("/api/v1/policies/dibao")
            .await
            .json()
            .await
            .expect("the policy as JSON")
    }

    /// Posts the handbook editor's form (see [`policy_edit_form`]) with this session cookie.
    pub async fn save_policy(&self, form: &[(String, String)], cookie: &str) -> reqwest::Response {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.post_form("/api/staff/policies/save", &pairs, Some(cookie))
            .await
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
        let user = self
            .store
            .staff_user_by_name(username)
            .await
            .expect("read the account")
            .expect("the account");
        self.store
            .provision_totp(user.id, &test_totp_secret())
            .await
            .expect("set up the account's app");
    }
}

/// The authenticator secret every test account is set up with.
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

pub fn test_totp_secret() -> store::staff::second_factor::TotpSecret {
    store::staff::second_factor::TotpSecret::from_base32(TOTP_SECRET).expect("the test secret")
}

/// The session cookie an answer sets (`name=value`).
pub fn session_cookie(response: &reqwest::Response) -> String {
    cookie(response, server::sessions::COOKIE_NAME)
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub const PASSWORD: &str = "correct horse battery staple";

/// The self-check's answers for one person of 67 in town with a ¥300 pension and ¥10,000 saved,
/// as its result page carries them to `/apply/start`.
pub const SELF_CHECK_ANSWERS: &str = r#"{"area":"urban","people":[{"age":67,"disability_grade":null,"disability_kind":null,
"serious_illness":false,"student":false,"can_work":false,"employed":false,"has_able_supporter":false,
"self_care":"full","incomes":[["pension",300.0]]}],"incomes_answered":true,
"assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1},
"expenses":{"medical":0.0,"education":0.0,"rehabilitation":0.0,"housing_difficulty":false,"special_hardship":false},
"emergency":"Nothing"}"#;

/// The handbook editor's form as its page fills it from `policy`, based on `base_version`, with
/// `who` in Chinese changed to `new_who` and the edit explained by `note`.
pub fn policy_edit_form(
    policy: &handbook::Policy,
    base_version: i64,
    new_who: &str,
    note: &str,
) -> Vec<(String, String)> {
    let mut form = vec![
        ("slug".to_owned(), policy.slug.clone()),
        ("base_version".to_owned(), base_version.to_string()),
        ("note".to_owned(), note.to_owned()),
    ];
    if policy.sample_figures {
        form.push(("sample_figures".to_owned(), "on".to_owned()));
    }
    for (prefix, text) in [("zh", &policy.text.zh), ("en", &policy.text.en)] {
        let who = if prefix == "zh" {
            new_who.to_owned()
        } else {
            text.who.clone()
        };
        for (field, value) in [
            ("title", text.title.clone()),
            ("summary", text.summary.clone()),
            ("who", who),
            ("what_you_get", text.what_you_get.clone()),
            ("conditions", text.conditions.join("\n")),
            ("documents", text.documents.join("\n")),
            ("how_to_apply", text.how_to_apply.clone()),
            ("where_to_apply", text.where_to_apply.clone()),
            ("time_limits", text.time_limits.clone()),
            ("contact", text.contact.clone()),
            ("legal_basis", text.legal_basis.join("\n")),
        ] {
            form.push((format!("{prefix}_{field}"), value));
        }
    }
    form
}

/// The §6 example application ([`example_application`]) with every optional field written out at
/// the value the portal assumes without it, and the applicant's confirmation given: the example
/// of the JSON API's document.
pub fn full_example() -> Value {
    let mut body = example_application("13800138000", Value::Null);
    let member = &mut body["household"]["members"][0];
    for (field, value) in [
        ("disability_grade", Value::Null),
        ("disability_kind", Value::Null),
        ("serious_illness", json!(false)),
        ("can_work", json!(false)),
        ("employed", json!(false)),
        ("student", json!(false)),
        ("has_able_supporter", json!(false)),
        ("self_care", json!("full")),
    ] {
        member[field] = value;
    }
    let household = &mut body["household"];
    for (field, value) in [
        ("rigid_expenses_12m", json!(0.0)),
        ("housing_difficulty", json!(false)),
        ("special_hardship", json!(false)),
        ("emergency", Value::Null),
    ] {
        household[field] = value;
    }
    body["consents"]["applicant_confirmed"] = json!(true);
    body
}

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

/// A small photo with some structure, as a PNG.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 13 % 256) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("a PNG");
    bytes
}
